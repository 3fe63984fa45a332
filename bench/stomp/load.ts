/**
 * The Node STOMP load generator: runs a bench/workload.ts workload over raw TCP STOMP 1.2 against one broker and
 * prints "RESULT {json}" (the same shape as the Java generator's). "PHASE <name>" lines wait for a line on stdin
 * so the harness can sample the broker in between.
 *
 * Usage: node dist/bench/stomp/load.js --host 127.0.0.1 --port 61613 <workload arguments>
 */
import { connect as netConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { encodeFrame, FrameDecoder, type Frame } from './frame.js';
import { parseWorkloadArgs, type Workload } from '../workload.js';
import { percentile } from '../stats.js';
import type { GeneratorResult } from '../generator.js';

/** Epoch microseconds with sub-millisecond resolution, comparable with the Java generator's clock. */
const nowMicros = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

class StompConnection {
  private readonly decoder = new FrameDecoder();
  private readonly receipts = new Map<string, () => void>();
  private nextReceipt = 0;
  private connected?: (f: Frame) => void;
  private drainWaiters: (() => void)[] = [];
  closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly onMessage: (f: Frame) => void,
    private readonly onError: (e: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.decoder.push(chunk);
      } catch (e) {
        this.onError(`decode: ${(e as Error).message}`);
        socket.destroy();
        return;
      }
      for (const f of frames) this.dispatch(f);
    });
    socket.on('drain', () => this.wakeDrain());
    socket.on('error', (e) => this.onError(`socket: ${e.message}`));
    socket.on('close', () => {
      this.closed = true;
      this.wakeDrain();
    });
  }

  static open(
    host: string,
    port: number,
    onMessage: (f: Frame) => void,
    onError: (e: string) => void,
  ): Promise<StompConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const c = new StompConnection(socket, onMessage, onError);
      const fail = (e: Error): void => reject(new Error(`STOMP connect to ${host}:${port}: ${e.message}`));
      socket.once('error', fail);
      const timer = setTimeout(() => {
        socket.destroy();
        fail(new Error('no CONNECTED frame within 10 s'));
      }, 10_000);
      c.connected = (f) => {
        clearTimeout(timer);
        socket.off('error', fail);
        if (f.command === 'CONNECTED') resolve(c);
        else reject(new Error(`STOMP connect refused: ${f.headers.get('message') ?? f.command}`));
      };
      socket.once('connect', () => {
        socket.write(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' }));
      });
    });
  }

  private dispatch(f: Frame): void {
    if (this.connected !== undefined) {
      const c = this.connected;
      this.connected = undefined;
      c(f);
      return;
    }
    if (f.command === 'MESSAGE') this.onMessage(f);
    else if (f.command === 'RECEIPT') {
      const id = f.headers.get('receipt-id') ?? '';
      const done = this.receipts.get(id);
      this.receipts.delete(id);
      done?.();
    } else if (f.command === 'ERROR') this.onError(`ERROR frame: ${f.headers.get('message') ?? ''}`);
  }

  private wakeDrain(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const r of w) r();
  }

  /** Writes a frame; resolves at once unless the socket buffer is full, then on 'drain'. */
  write(frame: Buffer): Promise<void> | undefined {
    if (this.closed) throw new Error('connection closed');
    if (this.socket.write(frame)) return undefined;
    return new Promise((r) => this.drainWaiters.push(r));
  }

  /** Sends a frame with a receipt header and resolves when the broker's RECEIPT arrives. */
  request(command: string, headers: Record<string, string | number>, body?: Buffer): Promise<void> {
    const id = String(this.nextReceipt++);
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('connection closed'));
        return;
      }
      this.receipts.set(id, resolve);
      this.socket.write(encodeFrame(command, { ...headers, receipt: id }, body));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end(encodeFrame('DISCONNECT', {}));
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        this.socket.destroy();
        r();
      }, 1000);
      this.socket.once('close', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}

interface Group {
  seen: Uint8Array;
  count: number;
}

async function main(): Promise<void> {
  const { workload: w, rest } = parseWorkloadArgs(process.argv.slice(2));
  const host = rest.get('host') ?? '127.0.0.1';
  const port = Number(rest.get('port'));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error('--port must be a TCP port');
  const result = await run(w, host, port);
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\n');
}

async function run(w: Workload, host: string, port: number): Promise<GeneratorResult> {
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
  const open: StompConnection[] = [];
  const topic = w.destinationType === 'topic';
  const destName = (d: number): string => `/${w.destinationType}/${w.prefix}.${d}`;

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
        const opened = await Promise.all(
          Array.from({ length: batch }, () => StompConnection.open(host, port, () => {}, onError)),
        );
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
    const subGroup: Group[] = [];
    const onMessage = (f: Frame): void => {
      const now = nowMicros();
      const g = subGroup[Number(f.headers.get('subscription'))];
      const seq = Number(f.headers.get('seq'));
      const ts = Number(f.headers.get('ts'));
      if (g === undefined || !Number.isSafeInteger(seq) || !Number.isFinite(ts)) {
        onError(`unexpected MESSAGE (subscription ${f.headers.get('subscription')}, seq ${f.headers.get('seq')})`);
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
    const consumerConns: StompConnection[] = [];
    for (let i = 0; i < Math.min(w.consumerConnections, consumerTotal); i++) {
      consumerConns.push(await StompConnection.open(host, port, onMessage, onError));
    }
    open.push(...consumerConns);
    const subscribed: Promise<void>[] = [];
    for (let n = 0; n < consumerTotal; n++) {
      const d = n % w.destinations;
      const sub = Math.floor(n / w.destinations);
      subGroup[n] = groups[topic ? d * w.consumersPerDestination + sub : d]!;
      const c = consumerConns[n % consumerConns.length]!;
      const headers = { id: n, destination: destName(d), ack: 'auto' };
      // Frames are handled in order, so a receipt on each connection's last SUBSCRIBE proves all of them active.
      if (n >= consumerTotal - consumerConns.length) subscribed.push(c.request('SUBSCRIBE', headers));
      else await c.write(encodeFrame('SUBSCRIBE', headers));
    }
    await Promise.all(subscribed);

    const producers: StompConnection[] = [];
    for (let p = 0; p < w.producers; p++) producers.push(await StompConnection.open(host, port, () => {}, onError));
    open.push(...producers);

    await phase('start');
    const fanout = topic ? w.consumersPerDestination : 1;
    const expected = w.messages * fanout;
    const body = Buffer.alloc(w.messageSize, 'abcdefghijklmnopqrstuvwxyz');
    firstSend = performance.now();

    const produce = async (p: number, c: StompConnection): Promise<void> => {
      let sinceYield = 0;
      for (let k = 0; ; k++) {
        const g = k * w.producers + p;
        if (g >= w.messages || Date.now() > deadline) return;
        while (w.inFlight > 0 && sent * fanout - received > w.inFlight * fanout) {
          await new Promise<void>((r) => progress.push(r));
          if (Date.now() > deadline) return;
        }
        const headers = {
          destination: destName(g % w.destinations),
          persistent: String(w.persistent),
          seq: g,
          ts: nowMicros(),
        };
        if (w.persistent && !w.asyncSend) {
          // A persistent send waits for the broker's receipt: the STOMP equivalent of a JMS synchronous send.
          await c.request('SEND', headers, body);
        } else {
          // Non-persistent, or persistent with asyncSend: no receipt, only TCP back-pressure holds the producer.
          const pending = c.write(encodeFrame('SEND', headers, body));
          if (pending !== undefined) await pending;
          // Yield now and then so the consumers sharing this event loop keep reading.
          if (++sinceYield >= 64) {
            sinceYield = 0;
            await new Promise<void>((r) => setImmediate(r));
          }
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
