/**
 * Test helpers for the STOMP converter: an in-memory Transport pair, a recording fake Broker with simple
 * routing, and a small STOMP client over the pair. Used by the unit tests beside this file.
 */
import type {
  Broker,
  ConnectionContext,
  ConsumerHandle,
  ConsumerSink,
  Delivery,
} from '../../../../src/broker/broker.js';
import type { ConsumerInfo, MessageAck, ProducerInfo } from '../../../../src/model/commands.js';
import type { Destination } from '../../../../src/model/destination.js';
import type { Message } from '../../../../src/model/message.js';
import type { Transport } from '../../../../src/transport/transport.js';
import {
  ConnectionGuard,
  defaultConnectionLimits,
  type ConnectionLimits,
} from '../../../../src/transport/connection-guard.js';
import { ManualClock } from '../../../../src/util/clock.js';
import type { BrokerError } from '../../../../src/util/errors.js';
import { Logger } from '../../../../src/util/logger.js';
import { defaultProtocolOptions, type ProtocolOptions } from '../../../../src/protocol/protocol.js';
import { encodeFrame } from '../../../../src/protocol/stomp/codec/encoder.js';
import type { StompFrame, StompVersion } from '../../../../src/protocol/stomp/codec/frame.js';
import { StompParser } from '../../../../src/protocol/stomp/codec/parser.js';
import { StompConnection } from '../../../../src/protocol/stomp/connection.js';
import { stompSettings } from '../../../../src/protocol/stomp/settings.js';

/** One end of an in-memory byte pipe with a receive buffer, pause/resume and a high-water mark. */
export class MemoryTransport implements Transport {
  readonly scheme = 'tcp';
  readonly secure = false;
  readonly peerCertificates: readonly Uint8Array[] = [];
  peer!: MemoryTransport;
  /** write() calls made on this end, to observe batching. */
  writeCalls = 0;
  isClosed = false;

  private readonly dataListeners: ((chunk: Buffer) => void)[] = [];
  private readonly drainListeners: (() => void)[] = [];
  private readonly closeListeners: ((error?: Error) => void)[] = [];
  private readonly inbox: Buffer[] = [];
  private inboxBytes = 0;
  private paused = false;
  private deliveryScheduled = false;
  private peerWasFull = false;

  constructor(
    readonly remoteAddress: string,
    private readonly highWaterMark: number,
  ) {}

  static pair(highWaterMark = 1 << 20): [server: MemoryTransport, client: MemoryTransport] {
    const a = new MemoryTransport('127.0.0.1:50001', highWaterMark);
    const b = new MemoryTransport('127.0.0.1:61613', highWaterMark);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  /** Unread by the peer: what sits in its receive buffer. */
  get bufferedBytes(): number {
    return this.peer.inboxBytes;
  }

  get writable(): boolean {
    return !this.isClosed && this.peer.inboxBytes < this.highWaterMark;
  }

  write(chunk: Uint8Array): boolean {
    if (this.isClosed) return false;
    this.writeCalls++;
    this.peer.receive(Buffer.from(chunk));
    const ok = this.writable;
    if (!ok) this.peer.peerWasFull = true;
    return ok;
  }

  end(): void {
    // Let queued deliveries run first, as a socket flushes before FIN.
    setImmediate(() => this.closeBoth());
  }

  destroy(): void {
    this.closeBoth();
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }
  onClose(listener: (error?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.scheduleDelivery();
  }

  /** Bytes waiting in this end's receive buffer (the reader is paused). */
  get buffered(): number {
    return this.inboxBytes;
  }

  private receive(chunk: Buffer): void {
    if (this.isClosed) return;
    this.inbox.push(chunk);
    this.inboxBytes += chunk.length;
    this.scheduleDelivery();
  }

  private scheduleDelivery(): void {
    if (this.deliveryScheduled) return;
    this.deliveryScheduled = true;
    queueMicrotask(() => {
      this.deliveryScheduled = false;
      while (!this.paused && !this.isClosed && this.inbox.length > 0) {
        const chunk = this.inbox.shift()!;
        this.inboxBytes -= chunk.length;
        for (const l of this.dataListeners) l(chunk);
      }
      if (this.peerWasFull && this.inboxBytes < this.highWaterMark) {
        this.peerWasFull = false;
        for (const l of this.peer.drainListeners) l();
      }
    });
  }

  private closeBoth(error?: Error): void {
    for (const t of [this, this.peer]) {
      if (t.isClosed) continue;
      t.isClosed = true;
      for (const l of t.closeListeners) l(error);
    }
  }
}

interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

interface FakeConsumer {
  readonly context: ConnectionContext;
  readonly info: ConsumerInfo;
  readonly sink: ConsumerSink;
  readonly queued: Delivery[];
  wakeups: number;
}

/**
 * A Broker that records every call and routes sends to consumers of the exact same destination, delivering
 * while the sink is ready and resuming on wakeup. `failWith` makes the next call of a method reject.
 */
export class FakeBroker implements Broker {
  readonly brokerName = 'fake';
  readonly brokerId = 'ID:fake-broker';
  readonly calls: Call[] = [];
  readonly consumers = new Map<string, FakeConsumer>();
  readonly sent: Message[] = [];
  readonly acks: MessageAck[] = [];
  readonly destinations: Destination[] = [];
  readonly connections = new Set<ConnectionContext>();
  private readonly failures = new Map<string, Error>();

  failWith(method: keyof Broker, error: Error): void {
    this.failures.set(method, error);
  }

  callsOf(method: keyof Broker): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure !== undefined) {
      this.failures.delete(method);
      throw failure;
    }
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async addConnection(context: ConnectionContext): Promise<void> {
    this.record('addConnection', context);
    this.connections.add(context);
  }
  async removeConnection(context: ConnectionContext, error?: BrokerError): Promise<void> {
    this.record('removeConnection', context, error);
    this.connections.delete(context);
    for (const [id, c] of this.consumers) if (c.context === context) this.consumers.delete(id);
  }
  async addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void> {
    this.record('addProducer', context, info);
  }
  async removeProducer(context: ConnectionContext, producerId: string): Promise<void> {
    this.record('removeProducer', context, producerId);
  }
  async addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    this.record('addConsumer', context, info);
    const consumer: FakeConsumer = { context, info, sink, queued: [], wakeups: 0 };
    this.consumers.set(info.consumerId, consumer);
    return {
      info,
      wakeup: () => {
        consumer.wakeups++;
        this.dispatch(consumer);
      },
    };
  }
  async removeConsumer(context: ConnectionContext, consumerId: string): Promise<void> {
    this.record('removeConsumer', context, consumerId);
    this.consumers.delete(consumerId);
  }
  async removeSubscription(context: ConnectionContext, clientId: string, subscriptionName: string): Promise<void> {
    this.record('removeSubscription', context, clientId, subscriptionName);
  }
  async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    this.record('send', context, message, transactionId);
    this.sent.push(message);
    if (transactionId === null) this.route(message);
  }
  async acknowledge(context: ConnectionContext, ack: MessageAck): Promise<void> {
    this.record('acknowledge', context, ack);
    this.acks.push(ack);
  }
  pull(context: ConnectionContext, consumerId: string, timeoutMs: number): void {
    this.record('pull', context, consumerId, timeoutMs);
  }
  async beginTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    this.record('beginTransaction', context, transactionId);
  }
  async prepareTransaction(context: ConnectionContext, transactionId: string): Promise<number> {
    this.record('prepareTransaction', context, transactionId);
    return 0;
  }
  async commitTransaction(context: ConnectionContext, transactionId: string, onePhase: boolean): Promise<void> {
    this.record('commitTransaction', context, transactionId, onePhase);
  }
  async rollbackTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    this.record('rollbackTransaction', context, transactionId);
  }
  async forgetTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    this.record('forgetTransaction', context, transactionId);
  }
  async getPreparedTransactions(): Promise<string[]> {
    return [];
  }
  async addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    this.record('addDestination', context, destination);
    this.destinations.push(destination);
  }
  async removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    this.record('removeDestination', context, destination);
  }
  getDestinations(): Destination[] {
    return [...this.destinations];
  }
  destinationExists(destination: Destination): boolean {
    return this.destinations.includes(destination);
  }

  /** Queues a delivery for one consumer and dispatches while its sink is ready. */
  deliver(consumerId: string, message: Message, redelivered = false): void {
    const consumer = this.consumers.get(consumerId);
    if (consumer === undefined) throw new Error(`no consumer ${consumerId}`);
    consumer.queued.push({ consumerId, message, redelivered, redeliveryCount: redelivered ? 1 : 0 });
    this.dispatch(consumer);
  }

  private route(message: Message): void {
    for (const c of this.consumers.values()) {
      if (c.info.destination === message.destination) this.deliver(c.info.consumerId, message);
    }
  }

  private dispatch(consumer: FakeConsumer): void {
    while (consumer.queued.length > 0 && consumer.sink.ready) consumer.sink.deliver(consumer.queued.shift()!);
  }
}

/** A STOMP client over the client end of a MemoryTransport pair. */
export class StompTestClient {
  readonly frames: StompFrame[] = [];
  /** Chunks that were a lone EOL: server heart-beats. */
  heartbeats = 0;
  closed = false;
  version: StompVersion = '1.0';
  private readonly parser = new StompParser();
  private readonly waiters: (() => void)[] = [];
  private read = 0;

  constructor(readonly transport: MemoryTransport) {
    transport.onData((chunk) => {
      if (chunk.length === 1 && chunk[0] === 0x0a) this.heartbeats++;
      this.parser.push(chunk, (f) => {
        this.frames.push(f);
        if (f.command === 'CONNECTED') {
          const v = f.headers.get('version');
          if (v === '1.1' || v === '1.2') this.parser.version = this.version = v;
        }
      });
      this.notify();
    });
    transport.onClose(() => {
      this.closed = true;
      this.notify();
    });
  }

  /** Sends raw bytes or text (latin1 keeps every byte as written). */
  raw(data: string | Uint8Array): void {
    this.transport.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** Sends a frame encoded for the negotiated version. */
  send(command: string, headers: Record<string, string> = {}, body: string | Uint8Array | null = null): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.raw(encodeFrame(command, Object.entries(headers), bytes, this.version));
  }

  /** The next frame not yet returned by next(). */
  async next(): Promise<StompFrame> {
    await this.until(() => this.frames.length > this.read || this.closed);
    const f = this.frames[this.read];
    if (f === undefined) throw new Error('connection closed with no further frame');
    this.read++;
    return f;
  }

  async connect(headers: Record<string, string> = { 'accept-version': '1.2' }): Promise<StompFrame> {
    this.send('CONNECT', headers);
    const f = await this.next();
    if (f.command !== 'CONNECTED') throw new Error(`expected CONNECTED, got ${f.command}: ${f.headers.get('message')}`);
    return f;
  }

  /** Resolves when `cond` holds; re-checked on every inbound chunk and at least every millisecond. */
  async until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the STOMP server');
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, 1);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Lets pending microtasks and immediates run (frame handling is asynchronous). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Harness {
  readonly broker: FakeBroker;
  readonly clock: ManualClock;
  readonly server: StompConnection;
  readonly serverTransport: MemoryTransport;
  readonly client: StompTestClient;
}

/** A converter on one end of a memory pair, a test client on the other, a fake broker and a manual clock. */
export function harness(
  options: Partial<ProtocolOptions> = {},
  highWaterMark?: number,
  /** When given, the server side sits behind a ConnectionGuard with these limits, as a connector puts it. */
  limits?: Partial<ConnectionLimits>,
): Harness {
  const broker = new FakeBroker();
  const clock = new ManualClock();
  const [serverTransport, clientTransport] = MemoryTransport.pair(highWaterMark);
  const resolved: ProtocolOptions = { ...defaultProtocolOptions, ...options };
  const guard =
    limits === undefined
      ? undefined
      : new ConnectionGuard(serverTransport, { ...defaultConnectionLimits, ...limits }, clock, Logger.silent());
  const server = new StompConnection(
    guard ?? serverTransport,
    {
      ...(guard !== undefined ? { watch: guard.watch } : {}),
      broker,
      clock,
      logger: Logger.silent(),
      options: resolved,
      connectorName: 'stomp',
      connectorUri: 'stomp://127.0.0.1:0',
    },
    stompSettings(resolved),
  );
  const client = new StompTestClient(clientTransport);
  return { broker, clock, server, serverTransport, client };
}
