import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  LAST_DELIVERED_UNKNOWN,
  T,
  connectionId,
  consumerIdToString,
  destination,
  sessionId,
  type ActiveMQDestination,
  type BrokerInfo,
  type Command,
  type ConnectionId,
  type ConnectionInfo,
  type DestinationInfo,
  type LocalTransactionId,
  type MessageDispatch,
  type RemoveInfo,
  type SessionInfo,
  type ShutdownInfo,
} from '../protocol/openwire/codec/index.js';
import { openStore } from '../transport/tls/keystore.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { MessageAudit } from './audit.js';
import { command } from './commands.js';
import type { Consumer } from './consumer.js';
import { ClientError, RemoteJmsError, illegalState } from './errors.js';
import { FailoverTransport } from './failover-transport.js';
import { Session } from './session.js';
import type { AckMode, ConnectionHost } from './session-host.js';
import { DirectTransport, type ClientTransport } from './transport.js';
import { parseClientUri, type JmsUriOptions } from './uri.js';

/** TLS material for ssl:// — PEM text or files, or Java keystores (JKS / PKCS#12) as the Java client uses them. */
export interface ClientTlsOptions {
  /** PEM CA certificates to trust (text). */
  ca?: string | Buffer | (string | Buffer)[];
  /** PEM client certificate and key (text), for brokers that want a client certificate. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** javax.net.ssl.trustStore / trustStorePassword: a JKS, PKCS#12 or PEM file. */
  trustStore?: string;
  trustStorePassword?: string;
  /** javax.net.ssl.keyStore / keyStorePassword. */
  keyStore?: string;
  keyStorePassword?: string;
  /** false accepts any certificate (tests only). */
  rejectUnauthorized?: boolean;
}

export interface ConnectOptions {
  /** Credentials (ConnectionInfo userName/password); also `jms.userName` / `jms.password` in the URL. */
  userName?: string;
  password?: string;
  /** JMS client id (needed for durable subscriptions); also `jms.clientID`. */
  clientId?: string;
  tls?: ClientTlsOptions;
  /**
   * How long any request waits for the broker's answer, ms (default 30000; 0: for ever, as the Java client).
   * jms.sendTimeout, when set, applies to sends instead.
   */
  requestTimeout?: number;
  /** Deliver messages at once (default true); false waits for start(), as a JMS Connection does. */
  start?: boolean;
  logger?: Logger;
  clock?: Clock;
  /** ConnectionInfo.manageable (the broker may send ConnectionControl; the Java client sets it). */
  manageable?: boolean;
  /**
   * Sent before the ConnectionInfo: a network bridge introduces its broker this way (BrokerInfo with
   * networkConnection, as DemandForwardingBridge.startRemoteBridge does), so the remote broker treats the
   * connection as a bridge from its first command.
   */
  announce?: Command;
  /**
   * Send the ConnectionInfo without waiting for its answer (default false). A duplex network bridge does: the
   * remote broker hands the connection to its responder bridge and never answers; a refusal comes back as a
   * ConnectionError, which ends the connection ('error').
   */
  connectionInfoOneway?: boolean;
}

let instance = 0;

/** Audits kept per connection (queues and topic consumers), oldest dropped first. */
const MAX_AUDITS = 1024;

/**
 * A connection to an ActiveMQ-compatible broker over OpenWire (ActiveMQConnection): `tcp://`, `ssl://` or
 * `failover:(…)`. Create with `Connection.connect(url, options)`. Events: 'error' (the connection is gone, or the
 * broker sent a ConnectionError), 'interrupted' and 'resumed' (failover).
 */
export class Connection extends EventEmitter implements ConnectionHost {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly connectionIdObject: ConnectionId;
  readonly clientId: string | null;
  private readonly sessions = new Set<Session>();
  private readonly consumers = new Map<string, Consumer>();
  private readonly pending = new Map<
    number,
    { resolve: (c: Command) => void; reject: (e: Error) => void; timer: Timer | null }
  >();
  private readonly audits = new Map<string, MessageAudit>();
  /** Broker commands no client code reads, kept until a network bridge claims them (claimEarlyCommands). */
  private unclaimed: Command[] | null = [];
  private nextCommandId = 1;
  private nextSession = 0;
  private nextConsumer = 0;
  private nextTx = 0;
  private nextTemp = 0;
  private _started: boolean;
  private closed = false;
  private failure: Error | null = null;

  private constructor(
    private readonly transport: ClientTransport,
    readonly jms: JmsUriOptions,
    private readonly options: ConnectOptions,
    clock: Clock,
    logger: Logger,
  ) {
    super();
    this.clock = clock;
    this.logger = logger;
    this.connectionIdObject = connectionId(`ID:${hostname()}-${process.pid}-${Date.now()}-${instance++}:1`);
    this.clientId = options.clientId ?? jms.clientID ?? null;
    this._started = options.start ?? true;
    // An 'error' with nobody listening must not crash the process: the state is in `failure` and calls reject.
    this.on('error', () => {});
  }

  /** Connects, negotiates the wire format and registers (ConnectionInfo); rejects with the broker's refusal. */
  static async connect(url: string, options: ConnectOptions = {}): Promise<Connection> {
    const uri = parseClientUri(url);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? Logger.silent()).child({ client: 'openwire' });
    const tls = options.tls === undefined ? undefined : loadTls(options.tls);
    const wireOptions = { clock, logger, ...(tls === undefined ? {} : { tls }) };
    const transport: ClientTransport =
      uri.failover === null
        ? new DirectTransport(uri.brokers[0]!, wireOptions)
        : new FailoverTransport(uri.brokers, uri.failover, wireOptions);
    const c = new Connection(transport, uri.jms, options, clock, logger);
    transport.listener = {
      onCommand: (cmd) => c.onCommand(cmd),
      onException: (e) => c.onTransportFailure(e),
      onInterrupted: () => c.onInterrupted(),
      onResumed: () => c.onResumed(),
    };
    try {
      await transport.start();
    } catch (e) {
      await transport.stop();
      throw e;
    }
    if (options.announce !== undefined) {
      try {
        await c.oneway(options.announce);
      } catch (e) {
        c.closed = true;
        await transport.stop();
        throw e;
      }
    }
    const info = command<ConnectionInfo>(T.CONNECTION_INFO, {
      connectionId: c.connectionIdObject,
      clientId: c.clientId ?? c.connectionIdObject.value,
      userName: options.userName ?? uri.jms.userName ?? null,
      password: options.password ?? uri.jms.password ?? null,
      manageable: options.manageable ?? false,
      faultTolerant: uri.failover !== null,
    });
    try {
      if (options.connectionInfoOneway === true) await c.oneway(info);
      else await c.request(info);
    } catch (e) {
      c.closed = true;
      await transport.stop();
      throw e;
    }
    return c;
  }

  get started(): boolean {
    return this._started;
  }

  get maximumRedeliveries(): number {
    return this.jms.maximumRedeliveries;
  }

  /** The broker's BrokerInfo (name, id), once received. */
  get brokerInfo(): BrokerInfo | null {
    return this.transport.brokerInfo;
  }

  /** The URI of the broker this connection is on now (null while failover reconnects). */
  get connectedUri(): string | null {
    return this.transport.connectedUri;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ------------------------------------------------------------------------------------------- requests

  oneway(c: Command): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed && c.type !== T.SHUTDOWN_INFO && c.type !== T.REMOVE_INFO) {
      return Promise.reject(illegalState('The Connection is closed'));
    }
    (c as { commandId: number }).commandId = this.nextCommandId++;
    (c as { responseRequired: boolean }).responseRequired = false;
    return this.transport.oneway(c);
  }

  request(c: Command, timeoutMs?: number): Promise<Command> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextCommandId++;
    (c as { commandId: number }).commandId = id;
    (c as { responseRequired: boolean }).responseRequired = true;
    const timeout = timeoutMs ?? this.options.requestTimeout ?? 30_000;
    return new Promise<Command>((resolve, reject) => {
      const entry = { resolve, reject, timer: null as Timer | null };
      if (timeout > 0) {
        entry.timer = this.clock.setTimeout(() => {
          this.pending.delete(id);
          // Failover would otherwise resend it after a reconnect, and keep it for ever meanwhile.
          this.transport.forget?.(id);
          reject(
            new ClientError(
              'ERR_CLIENT_TIMEOUT',
              `No response from the broker within ${timeout} ms (command ${c.type})`,
            ),
          );
        }, timeout);
      }
      this.pending.set(id, entry);
      this.transport.oneway(c).catch((e: Error) => {
        entry.timer?.cancel();
        this.pending.delete(id);
        reject(e);
      });
    });
  }

  /** The broker commands that arrived before anyone listened for 'command'; from now on none are kept. */
  claimEarlyCommands(): Command[] {
    const early = this.unclaimed ?? [];
    this.unclaimed = null;
    return early;
  }

  private onCommand(c: Command): void {
    switch (c.type) {
      case T.RESPONSE:
      case T.DATA_RESPONSE:
      case T.DATA_ARRAY_RESPONSE:
      case T.INTEGER_RESPONSE:
      case T.EXCEPTION_RESPONSE: {
        const p = this.pending.get(c.correlationId);
        if (p === undefined) return;
        this.pending.delete(c.correlationId);
        p.timer?.cancel();
        if (c.type === T.EXCEPTION_RESPONSE) p.reject(new RemoteJmsError(c.exception));
        else p.resolve(c);
        return;
      }
      case T.MESSAGE_DISPATCH: {
        const consumer = c.consumerId === null ? undefined : this.consumers.get(consumerIdToString(c.consumerId));
        if (consumer !== undefined) consumer.dispatch(c);
        // A network bridge registers its consumers by sending ConsumerInfo itself and takes their dispatches here.
        else if (this.listenerCount('command') > 0) this.emit('command', c);
        else this.logger.debug('Dispatch for an unknown consumer dropped', { consumer: c.consumerId?.value });
        return;
      }
      case T.CONNECTION_ERROR: {
        const e = new RemoteJmsError(c.exception);
        this.logger.warn('Broker reported a connection error', { error: e.message, class: e.remoteClassName });
        this.emit('error', e);
        return;
      }
      case T.CONSUMER_CONTROL: {
        const consumer = c.consumerId === null ? undefined : this.consumers.get(consumerIdToString(c.consumerId));
        if (consumer !== undefined && c.close) void consumer.close();
        else if (consumer !== undefined && c.prefetch >= 0) consumer.info.prefetchSize = c.prefetch;
        return;
      }
      default:
        // Commands a client does not expect from a broker (a duplex network bridge's peer sends ConnectionInfo,
        // ConsumerInfo, messages and acks): whoever drives a bridge listens for them. Until someone does, a few
        // are kept (a passive broker's durable sync arrives before the ConnectionInfo's answer).
        if (this.listenerCount('command') > 0) this.emit('command', c);
        else if (this.unclaimed !== null && this.unclaimed.length < 100) this.unclaimed.push(c);
        return;
    }
  }

  private onTransportFailure(e: Error): void {
    if (this.closed) return;
    this.failure = e;
    this.closed = true;
    for (const [id, p] of this.pending) {
      p.timer?.cancel();
      p.reject(e);
      this.pending.delete(id);
    }
    for (const s of this.sessions) s.closedByParent();
    this.logger.warn('Connection failed', { error: e.message });
    this.emit('error', e);
  }

  private onInterrupted(): void {
    for (const s of this.sessions) s.interrupted();
    this.emit('interrupted');
  }

  private onResumed(): void {
    for (const s of this.sessions) s.resume();
    this.emit('resumed');
  }

  // ------------------------------------------------------------------------------------------- API

  /** A new session; `ackMode` 'auto' (default), 'client', 'individual', 'dups-ok' or 'transacted'. */
  async createSession(ackMode: AckMode = 'auto'): Promise<Session> {
    if (this.closed) throw this.failure ?? illegalState('The Connection is closed');
    const id = sessionId(this.connectionIdObject.value!, ++this.nextSession);
    await this.oneway(command<SessionInfo>(T.SESSION_INFO, { sessionId: id }));
    const s = new Session(id, ackMode, this);
    this.sessions.add(s);
    return s;
  }

  /** Starts delivery (Connection.start). */
  start(): void {
    this._started = true;
    for (const s of this.sessions) s.resume();
  }

  /** Pauses delivery to listeners and receive() (Connection.stop); prefetched messages wait. */
  stop(): void {
    this._started = false;
  }

  /** A temporary queue that lives as long as this connection (DestinationInfo ADD, answered by the broker). */
  createTemporaryQueue(): Promise<TemporaryDestination> {
    return this.createTemp(T.ACTIVEMQ_TEMP_QUEUE);
  }

  createTemporaryTopic(): Promise<TemporaryDestination> {
    return this.createTemp(T.ACTIVEMQ_TEMP_TOPIC);
  }

  private async createTemp(
    type: typeof T.ACTIVEMQ_TEMP_QUEUE | typeof T.ACTIVEMQ_TEMP_TOPIC,
  ): Promise<TemporaryDestination> {
    // ActiveMQConnection.createTempDestination: the name is the connection id and a sequence number.
    const d = destination(type, `${this.connectionIdObject.value}:${++this.nextTemp}`);
    await this.request(
      command<DestinationInfo>(T.DESTINATION_INFO, {
        connectionId: this.connectionIdObject,
        destination: d,
        operationType: 0,
      }),
    );
    return new TemporaryDestination(d, this);
  }

  /** Closes sessions, then RemoveInfo for the connection (answered), ShutdownInfo, and the socket. */
  async close(): Promise<void> {
    if (this.closed) {
      await this.transport.stop();
      return;
    }
    for (const s of [...this.sessions]) await s.close();
    const t = this.jms.closeTimeout;
    await this.request(
      command<RemoveInfo>(T.REMOVE_INFO, {
        objectId: this.connectionIdObject,
        lastDeliveredSequenceId: LAST_DELIVERED_UNKNOWN,
      }),
      t,
    ).catch(() => {});
    await this.oneway(command<ShutdownInfo>(T.SHUTDOWN_INFO, {})).catch(() => {});
    this.closed = true;
    for (const [id, p] of this.pending) {
      p.timer?.cancel();
      p.reject(illegalState('The Connection is closed'));
      this.pending.delete(id);
    }
    await this.transport.stop();
  }

  // ------------------------------------------------------------------------------------------- internals

  /** @internal */
  nextConsumerValue(): number {
    return ++this.nextConsumer;
  }

  /** @internal */
  nextTransactionId(): LocalTransactionId {
    return { type: T.ACTIVEMQ_LOCAL_TRANSACTION_ID, value: ++this.nextTx, connectionId: this.connectionIdObject };
  }

  /** @internal */
  registerConsumer(c: Consumer): void {
    this.consumers.set(c.id, c);
  }

  /** @internal */
  unregisterConsumer(c: Consumer): void {
    this.consumers.delete(c.id);
  }

  /** @internal */
  forgetSession(s: Session): void {
    this.sessions.delete(s);
  }

  /**
   * ActiveMQ's ConnectionAudit: one audit per queue (a message redelivered to another consumer of this connection
   * is still a duplicate) and one per topic consumer (every subscriber gets its own copy of the same message id).
   */
  private auditFor(md: MessageDispatch): MessageAudit {
    const d = md.destination ?? md.message?.destination ?? null;
    const topic = d !== null && (d.type === T.ACTIVEMQ_TOPIC || d.type === T.ACTIVEMQ_TEMP_TOPIC);
    const key = topic
      ? `c:${md.consumerId === null ? '' : consumerIdToString(md.consumerId)}`
      : `d:${d?.physicalName ?? ''}`;
    let a = this.audits.get(key);
    if (a === undefined) {
      if (this.audits.size >= MAX_AUDITS) this.audits.delete(this.audits.keys().next().value!);
      a = new MessageAudit(this.jms.auditDepth, this.jms.auditMaximumProducerNumber);
      this.audits.set(key, a);
    }
    return a;
  }

  isDuplicate(md: MessageDispatch): boolean {
    return this.jms.checkForDuplicates && md.message !== null && this.auditFor(md).isDuplicate(md.message.messageId);
  }

  recordConsumed(md: MessageDispatch): void {
    if (this.jms.checkForDuplicates && md.message !== null) this.auditFor(md).record(md.message.messageId);
  }
}

/** The name used by Session and friends (kept apart so the public class can grow without touching them). */
export type ConnectionImpl = Connection;

/** A temporary queue or topic; `delete()` removes it (DestinationInfo REMOVE). */
export class TemporaryDestination {
  constructor(
    readonly destination: ActiveMQDestination,
    private readonly connection: Connection,
  ) {}

  /** `temp-queue://ID:…:1` */
  toString(): string {
    return `${this.destination.type === T.ACTIVEMQ_TEMP_QUEUE ? 'temp-queue' : 'temp-topic'}://${this.destination.physicalName}`;
  }

  async delete(): Promise<void> {
    await this.connection.request(
      command<DestinationInfo>(T.DESTINATION_INFO, {
        connectionId: this.connection.connectionIdObject,
        destination: this.destination,
        operationType: 1,
      }),
    );
  }
}

/** Node TLS options from PEM text or Java keystores (read with TideMQ's own JKS/PKCS#12 reader). */
function loadTls(o: ClientTlsOptions): TlsConnectionOptions {
  const out: TlsConnectionOptions = {};
  const ca: (string | Buffer)[] = o.ca === undefined ? [] : Array.isArray(o.ca) ? o.ca : [o.ca];
  if (o.trustStore !== undefined) {
    const { contents } = openStore(o.trustStore, readFileSync(o.trustStore), {
      type: undefined,
      password: o.trustStorePassword,
      certificatesOnly: true,
      attribute: 'trustStore',
    });
    for (const t of contents.trusted) ca.push(t.certificate.toString());
    for (const k of contents.keys) for (const c of k.chain) ca.push(c.toString());
  }
  if (ca.length > 0) out.ca = ca;
  if (o.cert !== undefined) out.cert = o.cert;
  if (o.key !== undefined) out.key = o.key;
  if (o.keyStore !== undefined) {
    const { contents } = openStore(o.keyStore, readFileSync(o.keyStore), {
      type: undefined,
      password: o.keyStorePassword,
      attribute: 'keyStore',
    });
    const entry = contents.keys[0];
    if (entry === undefined) throw new ClientError('ERR_CONFIG', `${o.keyStore}: no private key in the keyStore`);
    out.key = entry.privateKey.export({ type: 'pkcs8', format: 'pem' });
    out.cert = entry.chain.map((c) => c.toString()).join('\n');
  }
  if (o.rejectUnauthorized === false) out.rejectUnauthorized = false;
  return out;
}
