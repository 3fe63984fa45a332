/**
 * deep-backlog (issue 11): a queue backlog far beyond memoryUsage, TideMQ next to Debian's ActiveMQ 5.17.
 *   node --import tsx bench/backlog-bench.ts [--messages 1000000] [--rounds 3] [--body 1024]
 *        [--receipt-every 1000] [--memory-limit "64 mb"] [--brokers tidemq,activemq] [--out FILE.json]
 *   npm run bench:backlog -- [the same options]
 *
 * Both brokers run from the same activemq.xml (bench/activemq.ts) with <memoryUsage limit="64 mb"/> and KahaDB in a
 * fresh temp directory. Per round and broker (brokers alternate who goes first):
 *  1. load: one STOMP producer, no consumer, N persistent SENDs of --body bytes into one queue, every
 *     --receipt-every-th SEND with a receipt and at most two such receipts outstanding (sends between them are
 *     held back only by TCP) -> accept rate = N / (first SEND to last RECEIPT) and the broker's peak RSS (VmHWM);
 *  2. a clean stop (SIGTERM; ActiveMQ's shutdown hook closes KahaDB, TideMQ writes its checkpoint), timed;
 *  3. a start from the same directory, timed from spawn: the OpenWire port accepting a TCP connection, and the
 *     first message delivered to a STOMP consumer (ack auto, prefetch 1000) that connects as soon as it can;
 *  4. that consumer drains the queue -> drain rate = N / (first to last delivery), every message once and in order
 *     checked with a bitmap, and the restarted broker's peak RSS (VmHWM covers the start and the drain).
 * The 1-minute load average is recorded before each run; a run that started above the core count is marked.
 * Nothing has a fixed time limit that a larger N would pass: a phase fails only when it stalls (no receipt, or no
 * delivery, for --stall seconds), so 10,000,000 works and only takes longer.
 * JSON (every round, medians with min-max) goes to bench/results/<date>-deep-backlog.json; a table to stdout.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureActiveMQ } from './activemq.js';
import { BrokerProcess, type BrokerPorts } from './broker-process.js';
import { machine, versions, type Machine, type Versions } from './machine.js';
import { freePorts } from './ports.js';
import { peakRss, sampleProcess } from './proc.js';
import { sleep, waitForPort } from './readiness.js';
import { findRepoRoot } from './repo-root.js';
import {
  brokerKinds,
  brokerTitle,
  fileStamp,
  formatLoad,
  formatSpread,
  intFlag,
  launchBroker,
  machineLoad,
  parseBrokers,
  parseFlags,
  roundOrder,
  spread,
  writeJson,
  type BrokerKind,
  type MachineLoad,
  type Spread,
} from './side-by-side.js';
import { StompClient } from './stomp/client.js';
import { encodeFrame, type Frame } from './stomp/frame.js';

const queue = '/queue/bench.backlog';
const MiB = 2 ** 20;
const startTimeoutMs = 15 * 60_000;
/** A clean stop of a large store may take a while; SIGKILL only after this, and the round then fails. */
const stopGraceMs = 10 * 60_000;

export interface BacklogOptions {
  messages: number;
  rounds: number;
  body: number;
  receiptEvery: number;
  memoryLimit: string;
  stallMs: number;
  brokers: BrokerKind[];
  out?: string;
}

export const backlogUsage = `usage: backlog-bench.ts [--messages N=1000000] [--rounds 3] [--body 1024] [--receipt-every 1000]
       [--memory-limit "64 mb"] [--stall SECONDS=120] [--brokers tidemq,activemq] [--out FILE.json]`;

export function parseBacklogOptions(argv: readonly string[]): BacklogOptions {
  const known = [
    '--messages',
    '--rounds',
    '--body',
    '--receipt-every',
    '--memory-limit',
    '--stall',
    '--brokers',
    '--out',
  ];
  const f = parseFlags(argv, known);
  const o: BacklogOptions = {
    messages: intFlag(f, '--messages', 1_000_000, 1),
    rounds: intFlag(f, '--rounds', 3, 1),
    body: intFlag(f, '--body', 1024, 0),
    receiptEvery: intFlag(f, '--receipt-every', 1000, 1),
    memoryLimit: f.get('--memory-limit') ?? '64 mb',
    stallMs: intFlag(f, '--stall', 120, 1) * 1000,
    brokers: parseBrokers(f.get('--brokers') ?? brokerKinds.join(',')),
  };
  const out = f.get('--out');
  if (out !== undefined) o.out = out;
  return o;
}

/** One broker's round. Figures are absent when the round failed before reaching them. */
export interface BacklogRound {
  round: number;
  broker: BrokerKind;
  load: MachineLoad;
  error?: string;
  /** Messages per second from the first SEND to the last RECEIPT. */
  acceptRate?: number;
  loadPeakRssMiB?: number;
  stopMs?: number;
  storeMiB?: number;
  /** From spawn to the OpenWire port accepting a connection. */
  portMs?: number;
  /** From spawn to the first message delivered to the STOMP consumer. */
  firstMessageMs?: number;
  rssAtFirstMessageMiB?: number;
  /** Messages per second from the first delivery to the last. */
  drainRate?: number;
  drainPeakRssMiB?: number;
  delivered?: number;
  duplicates?: number;
  outOfOrder?: number;
}

const figures = [
  'acceptRate',
  'loadPeakRssMiB',
  'stopMs',
  'storeMiB',
  'portMs',
  'firstMessageMs',
  'rssAtFirstMessageMiB',
  'drainRate',
  'drainPeakRssMiB',
] as const;
type Figure = (typeof figures)[number];

export interface BacklogRun {
  bench: 'deep-backlog';
  date: string;
  options: BacklogOptions;
  machine: Machine;
  versions: Versions;
  rounds: BacklogRound[];
  /** Median and range over the rounds that succeeded, per broker and figure. */
  summary: Partial<Record<BrokerKind, Partial<Record<Figure, Spread>> & { roundsOk: number; rounds: number }>>;
}

export function summarizeBacklog(
  rounds: readonly BacklogRound[],
  brokers: readonly BrokerKind[],
): BacklogRun['summary'] {
  const out: BacklogRun['summary'] = {};
  for (const b of brokers) {
    const mine = rounds.filter((r) => r.broker === b);
    const ok = mine.filter((r) => r.error === undefined);
    const s: Partial<Record<Figure, Spread>> & { roundsOk: number; rounds: number } = {
      roundsOk: ok.length,
      rounds: mine.length,
    };
    for (const k of figures) {
      const v = spread(ok.map((r) => r[k]));
      if (v !== undefined) s[k] = v;
    }
    out[b] = s;
  }
  return out;
}

/**
 * Loads n persistent messages numbered from 1 in header bench_seq; every receiptEvery-th (and the last) SEND
 * carries a receipt, and at most two receipts are outstanding. Fails when no receipt comes for stallMs.
 */
async function loadBacklog(port: number, o: BacklogOptions, log: (s: string) => void): Promise<number> {
  const c = await StompClient.open(port, 30_000);
  const body = Buffer.alloc(o.body, 'abcdefghijklmnopqrstuvwxyz');
  let lastProgress = performance.now();
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgress > o.stallMs) c.close();
  }, 1000);
  const receipts: Promise<void>[] = [];
  let confirmed = 0;
  let nextReport = o.messages / 10;
  const t0 = performance.now();
  try {
    let batch: Buffer[] = [];
    for (let seq = 1; seq <= o.messages; seq++) {
      const headers = { destination: queue, persistent: 'true', bench_seq: seq };
      if (seq % o.receiptEvery !== 0 && seq !== o.messages) {
        batch.push(encodeFrame('SEND', headers, body));
        // Fewer, larger writes: the loader shares the cores with the broker under test.
        if (batch.length >= 64) {
          await c.write(Buffer.concat(batch));
          batch = [];
        }
        continue;
      }
      if (batch.length > 0) await c.write(Buffer.concat(batch));
      batch = [];
      const upTo = seq;
      const r = c.request('SEND', headers, body).then(() => {
        confirmed = upTo;
        lastProgress = performance.now();
      });
      // Handled when awaited below; this keeps a failure that lands meanwhile from counting as unhandled.
      r.catch(() => undefined);
      receipts.push(r);
      if (receipts.length > 2) await receipts.shift();
      if (seq >= nextReport) {
        log(
          `accepted ${confirmed} of ${o.messages} (${Math.round(confirmed / ((performance.now() - t0) / 1000))} msg/s)`,
        );
        nextReport += o.messages / 10;
      }
    }
    await Promise.all(receipts);
    return performance.now() - t0;
  } catch (e) {
    throw new Error(`load stopped after ${confirmed} confirmed of ${o.messages}: ${(e as Error).message}`);
  } finally {
    clearInterval(watchdog);
    c.close();
  }
}

interface DrainTiming {
  firstMessageAt: number;
  lastMessageAt: number;
  delivered: number;
  duplicates: number;
  outOfOrder: number;
}

/**
 * A STOMP consumer (ack auto, prefetch 1000) that connects as soon as the broker lets it (retrying while the port
 * refuses or drops the connection during start-up) and drains all n messages. Times are performance.now().
 */
async function drain(
  port: number,
  o: BacklogOptions,
  alive: () => void,
  onFirst: () => void,
  log: (s: string) => void,
): Promise<DrainTiming> {
  const n = o.messages;
  const seen = new Uint8Array(n + 1);
  let distinct = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let highest = 0;
  let firstMessageAt = 0;
  let lastMessageAt = 0;
  let nextReport = n / 10;
  const deadline = performance.now() + startTimeoutMs;
  let lastError: Error | undefined;
  for (;;) {
    alive();
    if (performance.now() > deadline) {
      throw new Error(`no consumer connected in time${lastError === undefined ? '' : `: ${lastError.message}`}`);
    }
    let c: StompClient;
    try {
      c = await StompClient.open(port, 10_000);
    } catch (e) {
      lastError = e as Error;
      await sleep(20);
      continue;
    }
    let lastProgress = performance.now();
    const watchdog = setInterval(() => {
      try {
        alive();
      } catch {
        c.close();
      }
      if (performance.now() - lastProgress > o.stallMs) c.close();
    }, 1000);
    try {
      const done = new Promise<void>((resolve, reject) => {
        c.onMessage = (f: Frame) => {
          const now = performance.now();
          lastProgress = now;
          if (firstMessageAt === 0) {
            firstMessageAt = now;
            onFirst();
          }
          lastMessageAt = now;
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
            else highest = seq;
          }
          if (distinct >= nextReport) {
            log(`drained ${distinct} of ${n}`);
            nextReport += n / 10;
          }
          if (distinct === n) resolve();
        };
      });
      await c.write(
        encodeFrame('SUBSCRIBE', { id: '0', destination: queue, ack: 'auto', 'activemq.prefetchSize': 1000 }),
      );
      await Promise.race([done, c.failed()]);
      return { firstMessageAt, lastMessageAt, delivered: distinct, duplicates, outOfOrder };
    } catch (e) {
      // Before the first delivery a dropped connection is the broker still starting: try again.
      if (firstMessageAt !== 0) {
        throw new Error(`drain stopped after ${distinct} of ${n} messages: ${(e as Error).message}`);
      }
      lastError = e as Error;
      await sleep(20);
    } finally {
      clearInterval(watchdog);
      c.close();
    }
  }
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

async function runRound(
  kind: BrokerKind,
  round: number,
  o: BacklogOptions,
  repoRoot: string,
  live: Set<BrokerProcess>,
): Promise<BacklogRound> {
  const load = machineLoad();
  const r: BacklogRound = { round, broker: kind, load };
  const log = (s: string): void => void process.stderr.write(`[${kind} round ${round}] ${s}\n`);
  const base = await mkdtemp(join(tmpdir(), `tidemq-backlog-${kind}-`));
  const [openwire, stomp] = await freePorts(2);
  const ports: BrokerPorts = { openwire: openwire!, stomp: stomp! };
  const launch = launchBroker(kind, repoRoot, base, ports, o.memoryLimit);
  const start = (): BrokerProcess => {
    const p = new BrokerProcess(kind, launch);
    live.add(p);
    return p;
  };
  const stop = async (p: BrokerProcess): Promise<number> => {
    const t0 = performance.now();
    await p.stop(stopGraceMs);
    live.delete(p);
    return performance.now() - t0;
  };
  try {
    log(`load average ${formatLoad(load)}; starting an empty broker in ${base}`);
    const first = start();
    await first.waitReady([ports.openwire, ports.stomp], startTimeoutMs, launch.readyWhen);
    log(`loading ${o.messages} persistent messages of ${o.body} B, a receipt every ${o.receiptEvery}`);
    let loadMs: number;
    try {
      loadMs = await loadBacklog(ports.stomp, o, log);
    } catch (e) {
      const dead = first.pid === undefined ? ` (${kind} died)` : '';
      throw new Error(`${(e as Error).message}${dead}\n${first.tail(20)}`);
    }
    r.acceptRate = o.messages / (loadMs / 1000);
    r.loadPeakRssMiB = (peakRss(first.pid!) ?? 0) / MiB;
    log(`accepted at ${Math.round(r.acceptRate)} msg/s, peak RSS ${r.loadPeakRssMiB.toFixed(0)} MiB; stopping`);
    r.stopMs = await stop(first);
    if (r.stopMs >= stopGraceMs) throw new Error(`${kind} did not stop within ${stopGraceMs} ms and was killed`);
    r.storeMiB = (await directoryBytes(join(base, 'data'))) / MiB;

    log(`stopped in ${(r.stopMs / 1000).toFixed(1)} s, ${r.storeMiB.toFixed(0)} MiB on disk; starting again`);
    const t0 = performance.now();
    const second = start();
    const alive = (): void => {
      if (second.pid === undefined) throw new Error(`${kind} exited\n${second.tail(20)}`);
    };
    const [, d] = await Promise.all([
      waitForPort(ports.openwire, t0 + startTimeoutMs, alive).then(() => (r.portMs = performance.now() - t0)),
      drain(
        ports.stomp,
        o,
        alive,
        () => {
          r.firstMessageMs = performance.now() - t0;
          r.rssAtFirstMessageMiB = (sampleProcess(second.pid ?? -1)?.rssBytes ?? 0) / MiB;
        },
        log,
      ),
    ]);
    r.drainPeakRssMiB = (peakRss(second.pid!) ?? 0) / MiB;
    const drainMs = d.lastMessageAt - d.firstMessageAt;
    r.drainRate = drainMs > 0 ? (o.messages - 1) / (drainMs / 1000) : undefined;
    r.delivered = d.delivered;
    r.duplicates = d.duplicates;
    r.outOfOrder = d.outOfOrder;
    log(
      `port ${(r.portMs! / 1000).toFixed(2)} s, first message ${(r.firstMessageMs! / 1000).toFixed(2)} s, ` +
        `drained at ${Math.round(r.drainRate ?? 0)} msg/s, peak RSS ${r.drainPeakRssMiB.toFixed(0)} MiB`,
    );
    if (d.duplicates > 0 || d.outOfOrder > 0) {
      r.error = `${d.duplicates} duplicated and ${d.outOfOrder} out-of-order deliveries`;
    }
    await stop(second);
  } catch (e) {
    r.error = (e as Error).message;
    log(`failed: ${r.error.split('\n')[0]}`);
  } finally {
    for (const p of live) await p.stop(10_000);
    live.clear();
    await rm(base, { recursive: true, force: true });
  }
  return r;
}

export function backlogTable(run: BacklogRun): string {
  const o = run.options;
  const bs = o.brokers;
  const rows: [string, Figure, number, string][] = [
    [
      `accept ${o.messages.toLocaleString('en-US')} × ${o.body} B (STOMP, receipt every ${o.receiptEvery}), msg/s`,
      'acceptRate',
      0,
      '',
    ],
    ['peak RSS while loading, MiB', 'loadPeakRssMiB', 0, ''],
    ['clean stop (SIGTERM → exit), s', 'stopMs', 2, ''],
    ['store on disk after stop, MiB', 'storeMiB', 0, ''],
    ['restart: spawn → OpenWire port accepts, s', 'portMs', 2, ''],
    ['restart: spawn → first message delivered (STOMP), s', 'firstMessageMs', 2, ''],
    ['RSS at the first message, MiB', 'rssAtFirstMessageMiB', 0, ''],
    ['drain (STOMP, ack auto, prefetch 1000), msg/s', 'drainRate', 0, ''],
    ['peak RSS from restart through drain, MiB', 'drainPeakRssMiB', 0, ''],
  ];
  const cell = (b: BrokerKind, k: Figure, digits: number): string => {
    const s = run.summary[b]?.[k];
    const ms = k === 'stopMs' || k === 'portMs' || k === 'firstMessageMs';
    const v = s === undefined || !ms ? s : { ...s, median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 };
    return formatSpread(v, digits);
  };
  const lines = [
    `| deep-backlog, memoryUsage ${o.memoryLimit}, median (min–max) of ${o.rounds} rounds | ${bs.map(brokerTitle).join(' | ')} |`,
    `| --- |${' --- |'.repeat(bs.length)}`,
  ];
  for (const [label, k, digits] of rows) lines.push(`| ${label} | ${bs.map((b) => cell(b, k, digits)).join(' | ')} |`);
  lines.push(
    `| rounds ok | ${bs.map((b) => `${run.summary[b]?.roundsOk ?? 0}/${run.summary[b]?.rounds ?? 0}`).join(' | ')} |`,
  );
  lines.push('');
  lines.push('Rounds (1-minute load average before the run; * = above the core count):');
  for (const r of run.rounds) {
    lines.push(
      `  round ${r.round} ${r.broker.padEnd(8)} load ${formatLoad(r.load)}` +
        (r.error === undefined
          ? `: accept ${Math.round(r.acceptRate ?? 0)} msg/s, drain ${Math.round(r.drainRate ?? 0)} msg/s`
          : `: FAILED ${r.error.split('\n')[0]}`),
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  let o: BacklogOptions;
  try {
    o = parseBacklogOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${backlogUsage}\n`);
    return 2;
  }
  const repoRoot = findRepoRoot(import.meta.url);
  const live = new Set<BrokerProcess>();
  process.once('SIGINT', () => {
    process.stderr.write('interrupted; stopping brokers\n');
    void Promise.all([...live].map((p) => p.stop(5_000))).finally(() => process.exit(130));
  });
  if (o.brokers.includes('activemq')) ensureActiveMQ((l) => process.stderr.write(`${l}\n`));
  const date = new Date();
  const out = o.out ?? join(repoRoot, 'bench', 'results', `${fileStamp(date)}-deep-backlog.json`);
  const run: BacklogRun = {
    bench: 'deep-backlog',
    date: date.toISOString(),
    options: o,
    machine: machine(),
    versions: versions(repoRoot),
    rounds: [],
    summary: {},
  };
  for (let round = 1; round <= o.rounds; round++) {
    for (const b of roundOrder(round, o.brokers)) {
      run.rounds.push(await runRound(b, round, o, repoRoot, live));
      run.summary = summarizeBacklog(run.rounds, o.brokers);
      // Written after every round, so an interrupted run keeps what it measured.
      writeJson(out, run);
    }
  }
  const m = run.machine;
  const v = run.versions;
  console.log(`deep-backlog ${run.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB`);
  console.log(`versions: node ${v.node}, TideMQ ${v.tidemq}, ActiveMQ ${v.activemq}, java ${v.java}\n`);
  console.log(backlogTable(run));
  console.log(`\nwrote ${out}`);
  return run.rounds.some((r) => r.error !== undefined) ? 1 : 0;
}

// Run only as a script, so the test beside it can import the pure parts.
if (process.argv[1] !== undefined && /backlog-bench\.[jt]s$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`backlog-bench failed: ${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
