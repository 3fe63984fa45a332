/**
 * flood (issue 11): a producer that nothing consumes, and a healthy client beside it, TideMQ next to Debian's
 * ActiveMQ 5.17.
 *   node --import tsx bench/flood-bench.ts [--messages 500000] [--rounds 3] [--body 1024] [--interval 50]
 *        [--memory-limit "64 mb"] [--time-limit SECONDS=600] [--brokers tidemq,activemq] [--out FILE.json]
 *   npm run bench:flood -- [the same options]
 *
 * Both brokers run from the same activemq.xml (bench/activemq.ts): <memoryUsage limit="64 mb"/>, KahaDB (so both
 * have a temp store to spill non-persistent messages to), every other setting at its default. Per round and broker
 * (brokers alternate who goes first):
 *  - the flood: the real ActiveMQ JMS client (bench/java/FloodProducer.java), jms.useAsyncSend=true, sending
 *    --messages non-persistent messages of --body bytes to queue bench.flooded, which has no consumer;
 *  - the healthy client: one STOMP connection subscribed (ack auto) to queue bench.healthy, which every --interval ms
 *    sends a message with a receipt and waits for both the RECEIPT and its own delivery: one round trip;
 *  - the broker's RSS sampled every 200 ms and its VmHWM at the end.
 * Figures: the broker's peak RSS, whether it survived (alive, and the healthy client still answered at the end),
 * the producer's rate (messages / time until connection.close() returned, i.e. the broker had taken them all) and
 * the healthy client's round trips while the flood ran: worst and p99. A flood that has not finished after
 * --time-limit is stopped: the broker then held the producer back for good, and the round says so.
 * The 1-minute load average is recorded before each run; a run that started above the core count is marked.
 * JSON goes to bench/results/<date>-flood.json; a table to stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { ensureActiveMQ } from './activemq.js';
import { BrokerProcess, type BrokerPorts } from './broker-process.js';
import { buildJavaClient, type JavaClient } from './java-client.js';
import { machine, versions, type Machine, type Versions } from './machine.js';
import { freePorts } from './ports.js';
import { peakRss, sampleProcess } from './proc.js';
import { sleep } from './readiness.js';
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
import { percentile } from './stats.js';
import { StompClient } from './stomp/client.js';

const MiB = 2 ** 20;
const startTimeoutMs = 120_000;
/** After the flood, the healthy client's last round trip may take this long before the broker counts as stuck. */
const lastTripGraceMs = 30_000;

export interface FloodOptions {
  messages: number;
  rounds: number;
  body: number;
  intervalMs: number;
  memoryLimit: string;
  timeLimitMs: number;
  brokers: BrokerKind[];
  out?: string;
}

export const floodUsage = `usage: flood-bench.ts [--messages 500000] [--rounds 3] [--body 1024] [--interval 50] [--memory-limit "64 mb"]
       [--time-limit SECONDS=600] [--brokers tidemq,activemq] [--out FILE.json]`;

export function parseFloodOptions(argv: readonly string[]): FloodOptions {
  const known = [
    '--messages',
    '--rounds',
    '--body',
    '--interval',
    '--memory-limit',
    '--time-limit',
    '--brokers',
    '--out',
  ];
  const f = parseFlags(argv, known);
  const o: FloodOptions = {
    messages: intFlag(f, '--messages', 500_000, 1),
    rounds: intFlag(f, '--rounds', 3, 1),
    body: intFlag(f, '--body', 1024, 0),
    intervalMs: intFlag(f, '--interval', 50, 0),
    memoryLimit: f.get('--memory-limit') ?? '64 mb',
    timeLimitMs: intFlag(f, '--time-limit', 600, 1) * 1000,
    brokers: parseBrokers(f.get('--brokers') ?? brokerKinds.join(',')),
  };
  const out = f.get('--out');
  if (out !== undefined) o.out = out;
  return o;
}

export interface FloodRound {
  round: number;
  broker: BrokerKind;
  load: MachineLoad;
  error?: string;
  /** The broker was alive at the end and the healthy client's last round trip completed. */
  survived?: boolean;
  /** The producer finished (connection closed) within the time limit. */
  floodFinished?: boolean;
  /** Messages the producer's send() calls returned for. */
  sent?: number;
  /** messages / (first send → connection.close() returned), when the flood finished. */
  producerRate?: number;
  /** messages / (first send → last send() returned): async sends return once written to the socket. */
  sendCallRate?: number;
  peakRssMiB?: number;
  healthyTrips?: number;
  healthyWorstMs?: number;
  /** When the worst round trip began, in ms after the flood's first send: where to look in the broker's log. */
  healthyWorstAtMs?: number;
  healthyP99Ms?: number;
  healthyP50Ms?: number;
}

const figures = [
  'peakRssMiB',
  'producerRate',
  'sendCallRate',
  'healthyWorstMs',
  'healthyP99Ms',
  'healthyP50Ms',
  'healthyTrips',
] as const;
type Figure = (typeof figures)[number];

export interface FloodRun {
  bench: 'flood';
  date: string;
  options: FloodOptions;
  machine: Machine;
  versions: Versions;
  rounds: FloodRound[];
  summary: Partial<
    Record<BrokerKind, Partial<Record<Figure, Spread>> & { survived: number; finished: number; rounds: number }>
  >;
}

export function summarizeFlood(rounds: readonly FloodRound[], brokers: readonly BrokerKind[]): FloodRun['summary'] {
  const out: FloodRun['summary'] = {};
  for (const b of brokers) {
    const mine = rounds.filter((r) => r.broker === b);
    const ok = mine.filter((r) => r.error === undefined);
    const s: Partial<Record<Figure, Spread>> & { survived: number; finished: number; rounds: number } = {
      survived: mine.filter((r) => r.survived === true).length,
      finished: mine.filter((r) => r.floodFinished === true).length,
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

interface Flood {
  /** Resolves when the producer exits (or is killed at the time limit). */
  done: Promise<void>;
  /** performance.now() when the producer was about to send its first message (after the JVM start-up). */
  startedAt?: number;
  sent: number;
  sentMs?: number;
  closedMs?: number;
  errors: string[];
  kill: () => void;
}

function startFlood(java: JavaClient, url: string, o: FloodOptions): Flood {
  const child = spawn(
    java.command,
    [...java.jvmArgs, 'FloodProducer', url, 'bench.flooded', String(o.body), String(o.messages)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const f: Flood = {
    sent: 0,
    errors: [],
    kill: () => child.kill('SIGKILL'),
    done: new Promise((resolve) => child.on('close', () => resolve())),
  };
  child.on('error', (e) => f.errors.push(`cannot start java: ${e.message}`));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [what, a, b] = line.split(' ');
    if (what === 'STARTED') f.startedAt = performance.now();
    else if (what === 'PROGRESS') f.sent = Number(a);
    else if (what === 'SENT') {
      f.sent = Number(a);
      f.sentMs = Number(b);
    } else if (what === 'CLOSED') f.closedMs = Number(a);
    else if (what === 'ERROR' && f.errors.length < 5) f.errors.push(line.slice(6));
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (f.errors.length < 5 && /Exception|Error/.test(line)) f.errors.push(line);
  });
  return f;
}

interface Trip {
  /** performance.now() when the SEND was written. */
  at: number;
  ms: number;
}

/**
 * The healthy client: a round trip (SEND with receipt, then both the RECEIPT and the delivery) every intervalMs
 * until `until` settles, then one more. Returns the round trips; throws if the connection fails.
 */
async function healthyClient(port: number, intervalMs: number, until: Promise<void>): Promise<Trip[]> {
  const c = await StompClient.open(port, 30_000);
  try {
    let delivered = 0;
    let onDelivery: (() => void) | undefined;
    c.onMessage = () => {
      delivered++;
      onDelivery?.();
    };
    await c.request('SUBSCRIBE', { id: 'h', destination: '/queue/bench.healthy', ack: 'auto' });
    let over = false;
    void until.finally(() => (over = true));
    const stuck = until.then(() => sleep(lastTripGraceMs)).then(() => 'stuck' as const);
    const trips: Trip[] = [];
    for (let i = 1; ; i++) {
      const last = over;
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => {
        onDelivery = () => {
          if (delivered >= i) resolve();
        };
      });
      const trip = Promise.all([
        c.request('SEND', { destination: '/queue/bench.healthy', seq: i }, Buffer.from('ping')),
        got,
      ]);
      // Once the flood is over the broker has one grace period to answer, or it counts as stuck.
      if ((await Promise.race([trip, stuck])) === 'stuck') {
        throw new Error(`no round trip within ${lastTripGraceMs} ms after the flood ended`);
      }
      trips.push({ at: t0, ms: performance.now() - t0 });
      if (last) return trips;
      await sleep(intervalMs);
    }
  } finally {
    c.close();
  }
}

async function runRound(
  kind: BrokerKind,
  round: number,
  o: FloodOptions,
  repoRoot: string,
  java: JavaClient,
  live: Set<BrokerProcess>,
): Promise<FloodRound> {
  const load = machineLoad();
  const r: FloodRound = { round, broker: kind, load };
  const log = (s: string): void => void process.stderr.write(`[${kind} round ${round}] ${s}\n`);
  const base = await mkdtemp(join(tmpdir(), `tidemq-flood-${kind}-`));
  const [openwire, stomp] = await freePorts(2);
  const ports: BrokerPorts = { openwire: openwire!, stomp: stomp! };
  const launch = launchBroker(kind, repoRoot, base, ports, o.memoryLimit);
  let sampler: NodeJS.Timeout | undefined;
  let flood: Flood | undefined;
  try {
    log(`load average ${formatLoad(load)}; starting in ${base}`);
    const bp = new BrokerProcess(kind, launch);
    live.add(bp);
    await bp.waitReady([ports.openwire, ports.stomp], startTimeoutMs, launch.readyWhen);
    const pid = bp.pid!;
    let peak = 0;
    sampler = setInterval(() => {
      peak = Math.max(peak, sampleProcess(pid)?.rssBytes ?? 0);
    }, 200);
    log(`flooding ${o.messages} non-persistent messages of ${o.body} B (async sends), no consumer`);
    flood = startFlood(java, `tcp://127.0.0.1:${ports.openwire}`, o);
    const f = flood;
    const limit = setTimeout(() => {
      log(`the flood did not finish within ${o.timeLimitMs / 1000} s: stopping it`);
      f.kill();
    }, o.timeLimitMs);
    let trips: Trip[] = [];
    let healthyError: string | undefined;
    try {
      trips = await healthyClient(ports.stomp, o.intervalMs, f.done);
    } catch (e) {
      healthyError = (e as Error).message;
      f.kill();
    } finally {
      await f.done;
      clearTimeout(limit);
    }
    clearInterval(sampler);
    sampler = undefined;
    const alive = bp.pid !== undefined;
    peak = Math.max(peak, alive ? (peakRss(pid) ?? 0) : 0);
    r.peakRssMiB = peak / MiB;
    r.sent = f.sent;
    r.floodFinished = f.closedMs !== undefined;
    r.survived = alive && healthyError === undefined;
    if (f.closedMs !== undefined && f.closedMs > 0) r.producerRate = o.messages / (f.closedMs / 1000);
    if (f.sentMs !== undefined && f.sentMs > 0) r.sendCallRate = o.messages / (f.sentMs / 1000);
    // Only the round trips begun while the flood ran count: not those during the producer's JVM start-up.
    const during = trips.filter((t) => f.startedAt !== undefined && t.at >= f.startedAt);
    const sorted = Float64Array.from(during, (t) => t.ms).sort();
    r.healthyTrips = sorted.length;
    if (sorted.length > 0) {
      r.healthyWorstMs = sorted[sorted.length - 1]!;
      const worst = during.find((t) => t.ms === r.healthyWorstMs)!;
      r.healthyWorstAtMs = worst.at - f.startedAt!;
      r.healthyP99Ms = percentile(sorted, 0.99);
      r.healthyP50Ms = percentile(sorted, 0.5);
    }
    const problems: string[] = [];
    if (!alive) problems.push(`${kind} died during the flood\n${bp.tail(20)}`);
    if (healthyError !== undefined) problems.push(`healthy client: ${healthyError}`);
    if (!r.floodFinished) problems.push(`the producer did not finish (${f.sent} sent)`);
    problems.push(...f.errors.map((e) => `producer: ${e}`));
    if (problems.length > 0) r.error = problems.join('; ');
    log(
      `${r.survived ? 'survived' : 'DID NOT SURVIVE'}, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, producer ` +
        `${Math.round(r.producerRate ?? 0)} msg/s, healthy worst ${(r.healthyWorstMs ?? 0).toFixed(0)} ms, ` +
        `p99 ${(r.healthyP99Ms ?? 0).toFixed(0)} ms over ${sorted.length} round trips`,
    );
    await bp.stop(60_000);
    live.delete(bp);
  } catch (e) {
    r.error = (e as Error).message;
    log(`failed: ${r.error.split('\n')[0]}`);
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    flood?.kill();
    await flood?.done;
    for (const p of live) await p.stop(10_000);
    live.clear();
    await rm(base, { recursive: true, force: true });
  }
  return r;
}

export function floodTable(run: FloodRun): string {
  const o = run.options;
  const bs = o.brokers;
  const rows: [string, Figure, number][] = [
    ['broker peak RSS, MiB', 'peakRssMiB', 0],
    ['producer: messages / time to close (all taken), msg/s', 'producerRate', 0],
    ['producer: messages / time of the send() calls, msg/s', 'sendCallRate', 0],
    [`healthy client round trips (one per ${o.intervalMs} ms)`, 'healthyTrips', 0],
    ['healthy client worst round trip, ms', 'healthyWorstMs', 0],
    ['healthy client p99 round trip, ms', 'healthyP99Ms', 1],
    ['healthy client median round trip, ms', 'healthyP50Ms', 1],
  ];
  const lines = [
    `| flood: ${o.messages.toLocaleString('en-US')} × ${o.body} B non-persistent async (Java), no consumer, memoryUsage ${o.memoryLimit}; median (min–max) | ${bs.map(brokerTitle).join(' | ')} |`,
    `| --- |${' --- |'.repeat(bs.length)}`,
    `| broker survived (rounds) | ${bs.map((b) => `${run.summary[b]?.survived ?? 0}/${run.summary[b]?.rounds ?? 0}`).join(' | ')} |`,
    `| flood finished within ${o.timeLimitMs / 1000} s (rounds) | ${bs.map((b) => `${run.summary[b]?.finished ?? 0}/${run.summary[b]?.rounds ?? 0}`).join(' | ')} |`,
  ];
  for (const [label, k, digits] of rows) {
    lines.push(`| ${label} | ${bs.map((b) => formatSpread(run.summary[b]?.[k], digits)).join(' | ')} |`);
  }
  lines.push('');
  lines.push('Rounds (1-minute load average before the run; * = above the core count):');
  for (const r of run.rounds) {
    lines.push(
      `  round ${r.round} ${r.broker.padEnd(8)} load ${formatLoad(r.load)}: ` +
        `peak RSS ${Math.round(r.peakRssMiB ?? 0)} MiB, producer ${Math.round(r.producerRate ?? 0)} msg/s, ` +
        `healthy worst ${Math.round(r.healthyWorstMs ?? 0)} ms ` +
        `(${((r.healthyWorstAtMs ?? 0) / 1000).toFixed(1)} s into the flood)` +
        (r.error === undefined ? '' : `; FAILED ${r.error.split('\n')[0]}`),
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  let o: FloodOptions;
  try {
    o = parseFloodOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${floodUsage}\n`);
    return 2;
  }
  const repoRoot = findRepoRoot(import.meta.url);
  const java = buildJavaClient(repoRoot);
  const live = new Set<BrokerProcess>();
  process.once('SIGINT', () => {
    process.stderr.write('interrupted; stopping brokers\n');
    void Promise.all([...live].map((p) => p.stop(5_000))).finally(() => process.exit(130));
  });
  if (o.brokers.includes('activemq')) ensureActiveMQ((l) => process.stderr.write(`${l}\n`));
  const date = new Date();
  const out = o.out ?? join(repoRoot, 'bench', 'results', `${fileStamp(date)}-flood.json`);
  const run: FloodRun = {
    bench: 'flood',
    date: date.toISOString(),
    options: o,
    machine: machine(),
    versions: versions(repoRoot),
    rounds: [],
    summary: {},
  };
  for (let round = 1; round <= o.rounds; round++) {
    for (const b of roundOrder(round, o.brokers)) {
      run.rounds.push(await runRound(b, round, o, repoRoot, java, live));
      run.summary = summarizeFlood(run.rounds, o.brokers);
      // Written after every round, so an interrupted run keeps what it measured.
      writeJson(out, run);
    }
  }
  const m = run.machine;
  const v = run.versions;
  console.log(`flood ${run.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB`);
  console.log(`versions: node ${v.node}, TideMQ ${v.tidemq}, ActiveMQ ${v.activemq}, java ${v.java}\n`);
  console.log(floodTable(run));
  console.log(`\nwrote ${out}`);
  return run.rounds.some((r) => r.error !== undefined) ? 1 : 0;
}

// Run only as a script, so the test beside it can import the pure parts.
if (process.argv[1] !== undefined && /flood-bench\.[jt]s$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`flood-bench failed: ${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
