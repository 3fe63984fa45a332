/**
 * Restart time with many pending messages, TideMQ next to Debian's ActiveMQ 5.17 with KahaDB (issue 7):
 *   node --import tsx bench/restart-bench.ts [N=200000] [--body BYTES=100] [--idle SECONDS=2]
 *                                            [--only tidemq|activemq] [--batch 1000]
 *
 * For each broker, one after the other, in a temp directory of its own:
 *  1. start it (TideMQ: `node dist/src/cli/main.js start --config <xml>`, ActiveMQ: the JVM via bench/activemq.ts,
 *     both from the same activemq.xml with <kahaDB directory=…>) and load N persistent messages into one queue with
 *     the same loader: STOMP over one connection, transactions of --batch SENDs, the COMMIT carrying a receipt,
 *     two transactions in flight;
 *  2. stop it cleanly (SIGTERM: ActiveMQ's shutdown hook closes KahaDB, TideMQ writes its checkpoint);
 *  3. start it again and time, from spawn, (a) the OpenWire port accepting a TCP connection and (b) a STOMP consumer
 *     (prefetch 1, client-individual ack, never acks) receiving the first pending message; the broker is ready for
 *     this benchmark when both hold;
 *  4. leave it idle for --idle seconds, SIGKILL it, and time the start after the crash the same way.
 * STOMP rather than the Java client for both loader and probe: the probe then adds no JVM start-up to either
 * broker's figure, and one Node loader feeds both brokers alike.
 * Prints a markdown table; temp directories and broker processes are removed on exit, also on error or Ctrl-C.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { activemqLaunch, ensureActiveMQ } from './activemq.js';
import { BrokerProcess, type BrokerLaunch, type BrokerPorts } from './broker-process.js';
import { machine, versions } from './machine.js';
import { freePorts } from './ports.js';
import { sampleProcess } from './proc.js';
import { StompClient } from './stomp/client.js';
import { encodeFrame, type Frame } from './stomp/frame.js';
import { sleep, waitForPort } from './readiness.js';
import { tidemqLaunch } from './tidemq.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const queue = '/queue/restart.bench';
const startTimeoutMs = 15 * 60_000;
const loadTimeoutMs = 60 * 60_000;
/** A clean stop of a large store may take a while; SIGKILL only after this, and the run then says so. */
const stopGraceMs = 10 * 60_000;

type BrokerKind = 'tidemq' | 'activemq';

interface Options {
  n: number;
  body: number;
  batch: number;
  idleSeconds: number;
  only?: BrokerKind;
}

function parseOptions(argv: readonly string[]): Options {
  const rest = [...argv];
  const take = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    if (i < 0) return undefined;
    const v = rest[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    rest.splice(i, 2);
    return v;
  };
  const int = (name: string, v: string | undefined, fallback: number, min: number): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
  const body = int('--body', take('--body'), 100, 0);
  const batch = int('--batch', take('--batch'), 1000, 1);
  const idleSeconds = int('--idle', take('--idle'), 2, 0);
  const only = take('--only');
  if (only !== undefined && only !== 'tidemq' && only !== 'activemq') {
    throw new Error(`--only must be tidemq or activemq, got '${only}'`);
  }
  if (rest.length > 1) throw new Error(`unexpected arguments: ${rest.join(' ')}`);
  // N >= 1: the probe waits for a pending message.
  const n = int('N', rest[0], 200_000, 1);
  return { n, body, batch, idleSeconds, ...(only === undefined ? {} : { only }) };
}

/** Loads n persistent messages, `batch` per STOMP transaction, two COMMITs in flight; returns elapsed ms. */
async function loadMessages(port: number, o: Options): Promise<number> {
  const c = await StompClient.open(port, 30_000);
  const body = Buffer.alloc(o.body, 'x');
  const deadline = performance.now() + loadTimeoutMs;
  const t0 = performance.now();
  const commits: Promise<void>[] = [];
  let sent = 0;
  let nextReport = o.n / 10;
  try {
    for (let tx = 0; sent < o.n; tx++) {
      if (performance.now() > deadline) throw new Error(`load did not finish within ${loadTimeoutMs} ms`);
      const transaction = `tx-${tx}`;
      const count = Math.min(o.batch, o.n - sent);
      const frames: Buffer[] = [encodeFrame('BEGIN', { transaction })];
      for (let i = 0; i < count; i++) {
        // bench_seq numbers the messages from 1 so the probe can check it got the head of the queue.
        frames.push(
          encodeFrame('SEND', { destination: queue, persistent: 'true', transaction, bench_seq: ++sent }, body),
        );
      }
      await c.write(Buffer.concat(frames));
      const commit = c.request('COMMIT', { transaction });
      // Handled when awaited below; this keeps a failure that lands meanwhile from counting as unhandled.
      commit.catch(() => undefined);
      commits.push(commit);
      if (commits.length >= 2) await commits.shift();
      if (sent >= nextReport) {
        process.stderr.write(
          `  loaded ${sent} of ${o.n} (${Math.round((sent / (performance.now() - t0)) * 1000)} msg/s)\n`,
        );
        nextReport += o.n / 10;
      }
    }
    await Promise.all(commits);
    return performance.now() - t0;
  } finally {
    c.close();
  }
}

/**
 * Connects a STOMP consumer (retrying while the port refuses or the broker drops the connection during start-up)
 * and resolves with the first message it is given. It never acks, so the message stays pending.
 */
async function firstMessage(port: number, deadline: number, alive: () => void): Promise<Frame> {
  let lastError: Error | undefined;
  while (performance.now() < deadline) {
    alive();
    let c: StompClient | undefined;
    try {
      c = await StompClient.open(port, Math.max(1000, deadline - performance.now()));
      await c.write(
        encodeFrame('SUBSCRIBE', {
          id: '0',
          destination: queue,
          ack: 'client-individual',
          'activemq.prefetchSize': 1,
        }),
      );
      return await c.nextMessage(Math.max(1, deadline - performance.now()));
    } catch (e) {
      lastError = e as Error;
      await sleep(20);
    } finally {
      c?.close();
    }
  }
  throw new Error(`no pending message received in time${lastError === undefined ? '' : `: ${lastError.message}`}`);
}

interface DrainResult {
  ms: number;
  distinct: number;
  duplicates: number;
  /** Messages whose bench_seq came lower than one already seen (each producer's order, i.e. FIFO, broken). */
  outOfOrder: number;
}

/**
 * Consumes the whole queue (auto ack, prefetch 1000) to check that all N messages survived the crash, once each
 * and in order; the first one comes twice (the probes never acked it), which counts as a duplicate, not a loss.
 * Gives up after 30 s without a new message.
 */
async function drainAll(port: number, n: number): Promise<DrainResult> {
  const c = await StompClient.open(port, 30_000);
  const seen = new Uint8Array(n + 1);
  let distinct = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let highest = 0;
  let lastProgress = performance.now();
  const t0 = performance.now();
  try {
    const done = new Promise<void>((resolve, reject) => {
      c.onMessage = (f) => {
        lastProgress = performance.now();
        const seq = Number(f.headers.get('bench_seq'));
        if (!Number.isSafeInteger(seq) || seq < 1 || seq > n) {
          reject(new Error(`message with unexpected bench_seq '${f.headers.get('bench_seq')}'`));
          return;
        }
        if (seen[seq] === 1) duplicates++;
        else {
          seen[seq] = 1;
          distinct++;
          if (seq < highest) outOfOrder++;
          highest = Math.max(highest, seq);
        }
        if (distinct === n) resolve();
      };
    });
    const stall = setInterval(() => {
      if (performance.now() - lastProgress > 30_000) c.close();
    }, 1000);
    try {
      await c.write(
        encodeFrame('SUBSCRIBE', { id: '0', destination: queue, ack: 'auto', 'activemq.prefetchSize': 1000 }),
      );
      await Promise.race([done, c.failed()]).catch((e: Error) => {
        if (distinct < n) throw new Error(`drain stopped after ${distinct} of ${n} messages: ${e.message}`);
      });
    } finally {
      clearInterval(stall);
    }
    return { ms: performance.now() - t0, distinct, duplicates, outOfOrder };
  } finally {
    c.close();
  }
}

interface StartTiming {
  /** spawn → OpenWire port accepts a connection, ms */
  portMs: number;
  /** spawn → first pending message received over STOMP, ms */
  firstMessageMs: number;
  /** bench_seq of that message (1 = the head of the queue, as it should be) */
  firstSeq: string;
  /** resident memory right after, bytes */
  rssBytes: number | undefined;
}

/** Spawns the broker and times the two readiness conditions from the moment of spawn. */
async function timedStart(
  name: string,
  launch: BrokerLaunch,
  ports: BrokerPorts,
  live: Set<BrokerProcess>,
): Promise<{ proc: BrokerProcess; timing: StartTiming }> {
  const t0 = performance.now();
  const proc = new BrokerProcess(name, launch);
  live.add(proc);
  const deadline = t0 + startTimeoutMs;
  const alive = (): void => {
    if (proc.pid === undefined) throw new Error(`${name} exited during start-up\n${proc.tail()}`);
  };
  let portMs = 0;
  let firstMessageMs = 0;
  const [, frame] = await Promise.all([
    waitForPort(ports.openwire, deadline, alive).then(() => (portMs = performance.now() - t0)),
    firstMessage(ports.stomp, deadline, alive).then((f) => {
      firstMessageMs = performance.now() - t0;
      return f;
    }),
  ]);
  const rss = proc.pid === undefined ? undefined : sampleProcess(proc.pid)?.rssBytes;
  return {
    proc,
    timing: { portMs, firstMessageMs, firstSeq: frame.headers.get('bench_seq') ?? '?', rssBytes: rss },
  };
}

async function stopProc(proc: BrokerProcess, live: Set<BrokerProcess>): Promise<number> {
  const t0 = performance.now();
  await proc.stop(stopGraceMs);
  live.delete(proc);
  return performance.now() - t0;
}

async function killProc(proc: BrokerProcess, live: Set<BrokerProcess>): Promise<void> {
  if (proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
  await proc.stop(stopGraceMs);
  live.delete(proc);
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await directoryBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}

interface BrokerResult {
  broker: BrokerKind;
  loadMs: number;
  stopMs: number;
  storeBytes: number;
  clean: StartTiming;
  crash: StartTiming;
  /** Lines the broker printed about journal replay at the start after the crash (KahaDB's "Recovery replayed …"). */
  recoveryNotes: string[];
  drain: DrainResult;
}

async function runBroker(kind: BrokerKind, o: Options, live: Set<BrokerProcess>, dirs: Set<string>) {
  const base = await mkdtemp(join(tmpdir(), `tidemq-restart-${kind}-`));
  dirs.add(base);
  const [openwire, stomp] = await freePorts(2);
  const ports: BrokerPorts = { openwire: openwire!, stomp: stomp! };
  const dataDir = join(base, 'data');
  // Both brokers get the same activemq.xml (bench/activemq.ts): KahaDB (journal store) in dataDir/kahadb.
  const launch =
    kind === 'tidemq'
      ? tidemqLaunch(repoRoot, { ports, persistent: true, dataDir }, [])
      : activemqLaunch(base, { ports, persistent: true, dataDir });
  const log = (s: string): void => void process.stderr.write(`[${kind}] ${s}\n`);
  try {
    log(`starting empty broker in ${base}`);
    const first = new BrokerProcess(kind, launch);
    live.add(first);
    await first.waitReady([ports.openwire, ports.stomp], startTimeoutMs, launch.readyWhen);
    log(`loading ${o.n} messages of ${o.body} bytes, ${o.batch} per transaction`);
    const loadMs = await loadMessages(ports.stomp, o).catch((e: Error) => {
      throw new Error(`${kind}: load failed: ${e.message}\n${kind} printed:\n${first.tail(40)}`);
    });
    log(`loaded in ${(loadMs / 1000).toFixed(1)} s; stopping cleanly`);
    const stopMs = await stopProc(first, live);
    if (stopMs >= stopGraceMs) throw new Error(`${kind} did not stop within ${stopGraceMs} ms and was killed`);
    const storeBytes = await directoryBytes(dataDir);
    log(`stopped in ${(stopMs / 1000).toFixed(1)} s, ${(storeBytes / 2 ** 20).toFixed(0)} MiB on disk; restarting`);

    const a = await timedStart(kind, launch, ports, live);
    log(`clean restart: port ${fmtS(a.timing.portMs)}, first message ${fmtS(a.timing.firstMessageMs)}`);
    await sleep(o.idleSeconds * 1000);
    log(`idle ${o.idleSeconds} s; SIGKILL`);
    await killProc(a.proc, live);

    const b = await timedStart(kind, launch, ports, live);
    log(`restart after SIGKILL: port ${fmtS(b.timing.portMs)}, first message ${fmtS(b.timing.firstMessageMs)}`);
    const recoveryNotes = b.proc
      .tail(200)
      .split('\n')
      .filter((l) => /Recovery replayed|Recovering from the journal|torn|replay/i.test(l))
      .map((l) => l.trim());
    log('draining the queue to check every message survived');
    const drain = await drainAll(ports.stomp, o.n);
    log(`drained ${drain.distinct} distinct messages in ${fmtS(drain.ms)}`);
    await stopProc(b.proc, live);
    return { broker: kind, loadMs, stopMs, storeBytes, clean: a.timing, crash: b.timing, recoveryNotes, drain };
  } finally {
    for (const p of live) await p.stop(5_000);
    live.clear();
    await rm(base, { recursive: true, force: true });
    dirs.delete(base);
  }
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function fmtMiB(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${Math.round(bytes / 2 ** 20)} MiB`;
}

function table(results: readonly BrokerResult[], o: Options): string {
  const name = (k: BrokerKind): string => (k === 'tidemq' ? 'TideMQ' : 'ActiveMQ 5.17 (KahaDB)');
  const rows: [string, (r: BrokerResult) => string][] = [
    [
      `load ${o.n} × ${o.body} B (STOMP, ${o.batch}/tx)`,
      (r) => `${fmtS(r.loadMs)} (${Math.round(o.n / (r.loadMs / 1000))} msg/s)`,
    ],
    ['clean stop (SIGTERM → exit)', (r) => fmtS(r.stopMs)],
    ['store on disk after stop', (r) => fmtMiB(r.storeBytes)],
    ['clean restart: spawn → OpenWire port accepts', (r) => fmtS(r.clean.portMs)],
    ['clean restart: spawn → first pending message', (r) => fmtS(r.clean.firstMessageMs)],
    ['clean restart: RSS then', (r) => fmtMiB(r.clean.rssBytes)],
    [`after SIGKILL (idle ${o.idleSeconds} s): spawn → OpenWire port accepts`, (r) => fmtS(r.crash.portMs)],
    ['after SIGKILL: spawn → first pending message', (r) => fmtS(r.crash.firstMessageMs)],
    ['after SIGKILL: RSS then', (r) => fmtMiB(r.crash.rssBytes)],
    [
      'first message received is #1',
      (r) =>
        r.clean.firstSeq === '1' && r.crash.firstSeq === '1' ? 'yes' : `no (${r.clean.firstSeq}, ${r.crash.firstSeq})`,
    ],
    [
      'after SIGKILL: drain all (STOMP, auto ack)',
      (r) =>
        `${fmtS(r.drain.ms)}: ${r.drain.distinct} of ${o.n}` +
        (r.drain.outOfOrder === 0 ? ', in order' : `, ${r.drain.outOfOrder} out of order`),
    ],
  ];
  const lines = [
    `| N = ${o.n} | ${results.map((r) => name(r.broker)).join(' | ')} |`,
    `| --- |${' --- |'.repeat(results.length)}`,
  ];
  for (const [label, cell] of rows) lines.push(`| ${label} | ${results.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(
      `${(e as Error).message}\nusage: restart-bench.ts [N] [--body BYTES] [--idle SECONDS] [--batch N] [--only tidemq|activemq]`,
    );
    process.exitCode = 2;
    return;
  }
  const live = new Set<BrokerProcess>();
  const dirs = new Set<string>();
  const cleanup = async (): Promise<void> => {
    for (const p of live) await p.stop(5_000);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    process.stderr.write('interrupted; stopping brokers and removing temp directories\n');
    void cleanup().finally(() => process.exit(130));
  });

  const kinds: BrokerKind[] = o.only !== undefined ? [o.only] : ['tidemq', 'activemq'];
  if (kinds.includes('activemq')) ensureActiveMQ((l) => process.stderr.write(`${l}\n`));
  const m = machine();
  const v = versions(repoRoot);
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  const started = new Date().toISOString();
  const results: BrokerResult[] = [];
  try {
    for (const k of kinds) results.push(await runBroker(k, o, live, dirs));
  } finally {
    await cleanup();
  }
  console.log(`restart-bench ${started}: N=${o.n}, body ${o.body} B, idle before SIGKILL ${o.idleSeconds} s`);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; load average at start ${load}`);
  console.log(`versions: node ${v.node}, TideMQ ${v.tidemq}, ActiveMQ ${v.activemq}, java ${v.java}\n`);
  console.log(table(results, o));
  for (const r of results) {
    for (const n of r.recoveryNotes) console.log(`${r.broker} after SIGKILL: ${n}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
