/**
 * The Node OpenWire load generator: runs a bench/workload.ts workload with TideMQ's own client (tidemq/client)
 * against one broker and prints "RESULT {json}" (the Java generator's shape), so the bench can put the Node client
 * next to the Java one on the same scenarios. "PHASE <name>" lines wait for a line on stdin.
 *
 * Usage: node dist/bench/node-client/load.js --url tcp://127.0.0.1:61616 <workload arguments>
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Connection, type ReceivedMessage } from '../../src/client/index.js';
import { parseWorkloadArgs, type Workload } from '../workload.js';
import { percentile } from '../stats.js';
import type { GeneratorResult } from '../generator.js';

/** Epoch microseconds with sub-millisecond resolution, comparable with the Java generator's clock. */
const nowMicros = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

interface Group {
  seen: Uint8Array;
  count: number;
}

async function main(): Promise<void> {
  const { workload: w, rest } = parseWorkloadArgs(process.argv.slice(2));
  const url = rest.get('url');
  if (url === undefined) throw new Error('--url is required');
  const result = await run(w, url);
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\n');
}

async function run(w: Workload, url: string): Promise<GeneratorResult> {
  const errors: string[] = [];
  const onError = (e: string): void => {
    if (errors.length < 20) errors.push(e);
  };
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const phase = async (name: string): Promise<void> => {
    process.stdout.write(`PHASE ${name}\n`);
    const r = await lines.next();
    if (r.done === true) throw new Error(`harness closed stdin at phase ${name}`);
  };
  const deadline = Date.now() + w.timeoutMs;
  const open: Connection[] = [];
  const connect = (): Promise<Connection> => Connection.connect(url);
  const topic = w.destinationType === 'topic';
  const destName = (d: number): string => `${w.destinationType}://${w.prefix}.${d}`;

  let sent = 0;
  let received = 0;
  let duplicates = 0;
  let lost = 0;
  let firstSend = 0;
  let lastSend = 0;
  let lastReceive = 0;
  const latencies = new Float64Array(Math.max(1, w.messages * (topic ? w.consumersPerDestination : 1)));
  let groups: Group[] = [];
  let progress: (() => void)[] = [];
  const wake = (): void => {
    const p = progress;
    progress = [];
    for (const r of p) r();
  };

  try {
    if (w.idleConnections > 0) {
      await phase('baseline');
      // Open in small batches: a burst of 1,000 simultaneous connects would measure the accept backlog instead.
      for (let i = 0; i < w.idleConnections; i += 50) {
        const batch = Math.min(50, w.idleConnections - i);
        const opened = await Promise.all(Array.from({ length: batch }, () => connect()));
        open.push(...opened);
      }
      await phase('idle-open');
    }

    const perDestination = (d: number): number =>
      Math.floor(w.messages / w.destinations) + (d < w.messages % w.destinations ? 1 : 0);
    const groupCount = topic ? w.destinations * w.consumersPerDestination : w.destinations;
    groups = Array.from({ length: groupCount }, (_v, i) => ({
      seen: new Uint8Array(perDestination(topic ? Math.floor(i / w.consumersPerDestination) : i)),
      count: 0,
    }));
    const onMessage = (g: Group, m: ReceivedMessage): void => {
      const now = nowMicros();
      const seq = Number(m.property('seq'));
      const ts = Number(m.property('ts'));
      if (!Number.isSafeInteger(seq) || !Number.isFinite(ts)) {
        onError(`unexpected message (seq ${String(m.property('seq'))})`);
        return;
      }
      const bit = Math.floor(seq / w.destinations);
      if (bit >= g.seen.length || g.seen[bit] === 1) duplicates++;
      else g.seen[bit] = 1;
      g.count++;
      if (received < latencies.length) latencies[received] = (now - ts) / 1000;
      received++;
      lastReceive = performance.now();
      if (progress.length > 0) wake();
    };

    const consumerTotal = w.destinations * w.consumersPerDestination;
    const sessions = [];
    for (let i = 0; i < Math.min(w.consumerConnections, consumerTotal); i++) {
      const c = await connect();
      open.push(c);
      sessions.push(await c.createSession('auto'));
    }
    for (let n = 0; n < consumerTotal; n++) {
      const d = n % w.destinations;
      const sub = Math.floor(n / w.destinations);
      const g = groups[topic ? d * w.consumersPerDestination + sub : d]!;
      const consumer = await sessions[n % sessions.length]!.createConsumer(destName(d));
      consumer.setMessageListener((m) => onMessage(g, m));
    }

    const producers = [];
    for (let p = 0; p < w.producers; p++) {
      const c = await connect();
      open.push(c);
      producers.push(await (await c.createSession('auto')).createProducer(null));
    }

    await phase('start');
    const fanout = topic ? w.consumersPerDestination : 1;
    const expected = w.messages * fanout;
    const body = Buffer.alloc(w.messageSize, 'abcdefghijklmnopqrstuvwxyz');
    firstSend = performance.now();

    type P = (typeof producers)[number];
    const produce = async (p: number, producer: P): Promise<void> => {
      let sinceYield = 0;
      for (let k = 0; ; k++) {
        const g = k * w.producers + p;
        if (g >= w.messages || Date.now() > deadline) return;
        while (w.inFlight > 0 && sent * fanout - received > w.inFlight * fanout) {
          await new Promise<void>((r) => progress.push(r));
          if (Date.now() > deadline) return;
        }
        // As the Java generator: persistent sends wait for the broker unless asyncSend; non-persistent ones do not.
        await producer.send(body, {
          destination: destName(g % w.destinations),
          persistent: w.persistent,
          sync: w.persistent && !w.asyncSend,
          properties: { seq: g, ts: nowMicros() },
        });
        if (!(w.persistent && !w.asyncSend) && ++sinceYield >= 64) {
          // Yield now and then so the consumers sharing this event loop keep reading.
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
        sent++;
      }
    };
    await Promise.all(
      producers.map((c, p) => produce(p, c).catch((e: Error) => onError(`producer ${p}: ${e.message}`))),
    );
    lastSend = performance.now();

    let lastCount = -1;
    let lastProgress = Date.now();
    while (received < expected && Date.now() < deadline) {
      if (received !== lastCount) {
        lastCount = received;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > w.stallTimeoutMs) {
        onError(`stalled at ${received} of ${expected} deliveries`);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    if (received < expected && Date.now() >= deadline) onError('timed out');
    // Late duplicates would arrive within a moment; a short grace keeps the count honest.
    await new Promise((r) => setTimeout(r, 100));
  } catch (e) {
    onError((e as Error).message);
  } finally {
    await Promise.all(open.map((c) => c.close()));
  }
  for (const g of groups) {
    let got = 0;
    for (const b of g.seen) got += b;
    lost += g.seen.length - got;
  }

  const lat = latencies.subarray(0, Math.min(received, latencies.length)).sort();
  return {
    sent,
    received,
    lost,
    duplicates,
    sendMs: firstSend === 0 ? 0 : lastSend - firstSend,
    receiveMs: firstSend === 0 || lastReceive === 0 ? 0 : lastReceive - firstSend,
    latencyMs: {
      p50: percentile(lat, 0.5),
      p99: percentile(lat, 0.99),
      p999: percentile(lat, 0.999),
      max: lat.length === 0 ? 0 : lat[lat.length - 1]!,
    },
    errors,
  };
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stdout.write(
      'RESULT ' +
        JSON.stringify({
          sent: 0,
          received: 0,
          lost: 0,
          duplicates: 0,
          sendMs: 0,
          receiveMs: 0,
          latencyMs: { p50: 0, p99: 0, p999: 0, max: 0 },
          errors: [e.message],
        } satisfies GeneratorResult) +
        '\n',
    );
    process.exit(0);
  },
);
