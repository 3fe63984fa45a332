import { ResponderChannel } from './responder-channel.js';
import type { ConnectionContext, ConsumerHandle, Delivery } from '../../broker/broker.js';
import { AckType as CoreAck, type ConsumerInfo, type MessageAck } from '../../model/commands.js';
import type { Destination } from '../../model/destination.js';
import type { Timer } from '../../util/clock.js';
import { BrokerError, toBrokerError } from '../../util/errors.js';
import type { ProtocolConnection, ProtocolContext } from '../protocol.js';
import { InactivityMonitor } from '../../transport/inactivity-monitor.js';
import { writeChunks, type Transport } from '../../transport/transport.js';
import { ByteWriter } from './codec/byte-writer.js';
import { OpenWireClusterLink } from './cluster-link.js';
import type * as ow from './codec/commands.js';
import { AckType, DestinationOperation, T, TransactionType } from './codec/types.js';
import { isMessage } from './codec/ids.js';
import {
  checkOpenWireMessage,
  fromOpenWireDestination,
  fromOpenWireMessage,
  javaMessageSize,
  toOpenWireDestination,
  toOpenWireMessage,
} from './message-convert.js';
import {
  WireCodec,
  connectionIdToString,
  consumerIdToString,
  messageIdToString,
  producerIdToString,
  sessionIdToString,
  transactionIdToString,
} from './wire.js';
import { EXTERNAL_BYTES_MIN, sharedDispatch } from './shared-dispatch.js';

interface ConsumerState {
  readonly info: ow.ConsumerInfo;
  readonly session: string;
  handle: ConsumerHandle | null;
}

interface ProducerState {
  readonly info: ow.ProducerInfo;
  readonly session: string;
}

/**
 * Commands allowed before ConnectionInfo. ConnectionControl is one: the failover transport's reconnect
 * (FailoverTransport.restoreTransport) sends ConnectionControl(faultTolerant) before it replays ConnectionInfo,
 * and ActiveMQ's TransportConnection.processConnectionControl needs no connection state for it.
 * BrokerSubscriptionInfo is another: ActiveMQ 5.17's bridge with syncDurableSubs writes it right after its
 * BrokerInfo, before its ConnectionInfo (DemandForwardingBridgeSupport.startRemoteBridge), and
 * TransportConnection.processBrokerSubscriptionInfo ignores it on the passive end.
 */
const preConnection = new Set<number>([
  T.WIREFORMAT_INFO,
  T.CONNECTION_INFO,
  T.KEEP_ALIVE_INFO,
  T.SHUTDOWN_INFO,
  T.CONNECTION_CONTROL,
  T.BROKER_SUBSCRIPTION_INFO,
]);

/**
 * A batch this large counts as a full socket for dispatch (consumers wait for the flush), so one turn with a
 * large prefetch cannot build an unbounded buffer before the transport's own backpressure sees it.
 */
const BATCH_HIGH_WATER = 256 * 1024;

/**
 * One OpenWire client connection: wire-format negotiation and inactivity monitoring, then each command turned
 * into Broker calls (ActiveMQ's TransportConnection does the same job), and deliveries turned into
 * MessageDispatch commands.
 *
 * Commands are handled one at a time, in order, except non-transacted message sends: those run concurrently so
 * a producer's persistent sends share the store's group commit, and complete (Response/ProducerAck) in order of
 * arrival because the store completes writes in order; and non-transacted acks without a response, which are
 * applied in order but do not hold up the next command while their store write completes (see startAck).
 */
export class OpenWireConnection implements ProtocolConnection {
  private readonly codec: WireCodec;
  private readonly log: ProtocolContext['logger'];
  private context: ConnectionContext | null = null;
  /** A ConnectionInfo was accepted and is being (or was) handled: later commands queue behind it. */
  private connectionInfoQueued = false;
  private negotiated = false;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly sends = new Set<Promise<void>>();
  /**
   * Commands read but not finished (sends waiting for the store or for producer flow control among them).
   * Past its bounds the socket is no longer read, so a producer the broker holds back is held back by TCP
   * instead of filling the heap, as ActiveMQ stops reading a connection whose send is blocked.
   */
  private readonly backlog = new InboundBacklog(
    () => this.transport.pause(),
    () => this.transport.resume(),
  );
  private readonly sessions = new Set<string>();
  private readonly consumers = new Map<string, ConsumerState>();
  private readonly producers = new Map<string, ProducerState>();
  private readonly transactions = new Map<string, ow.TransactionId>();
  private readonly tempDestinations = new Set<Destination>();
  private brokerInfos = 0;
  /** The BrokerInfo a peer broker's network bridge introduced itself with. */
  private peerBroker: ow.BrokerInfo | null = null;
  /** Set once a duplex peer's bridge owns this connection: every command goes to it. */
  private duplex: ResponderChannel | null = null;
  /** Frames encoded this turn, not yet handed to the transport (see write). */
  private readonly out = new ByteWriter(512, EXTERNAL_BYTES_MIN);
  private flushing: NodeJS.Immediate | null = null;
  private readonly inactivity: InactivityMonitor;
  private timers: Timer[] = [];
  /** Peer registration and failover cluster updates (cluster-link.ts). */
  private readonly cluster: OpenWireClusterLink;
  private version = 0;

  constructor(
    private readonly transport: Transport,
    private readonly ctx: ProtocolContext,
  ) {
    this.log = ctx.logger.child({ protocol: 'openwire' });
    this.codec = new WireCodec(ctx.options);
    this.inactivity = new InactivityMonitor(ctx.clock, {
      keepAlive: () =>
        this.write({ type: T.KEEP_ALIVE_INFO, commandId: 0, responseRequired: false } satisfies ow.KeepAliveInfo),
      inactive: (ms) => this.fail(`Channel was inactive for too (>${ms}) long: ${this.remote}`),
      holdingBack: () => this.backlog.paused,
    });
    this.cluster = new OpenWireClusterLink(
      ctx,
      (c) => this.write(c),
      () => this.version,
    );
    transport.onData((chunk) => this.onData(chunk));
    transport.onDrain(() => this.onDrain());
    transport.onClose((error) => void this.onTransportClosed(error));
    // ActiveMQ's WireFormatNegotiator speaks first; the client answers with its own WireFormatInfo.
    this.write(this.codec.localWireFormatInfo());
    // The connect-attempt and frame-completion timeouts belong to the connector's ConnectionGuard; it learns
    // when the client's WireFormatInfo arrived (ActiveMQ's InactivityMonitor stops its connect check there)
    // and whether the codec holds part of a frame.
    ctx.watch?.watchFrames(() => this.codec.pendingBytes > 0);
    ctx.watch?.onTimeout((reason) => this.fail(reason));
  }

  private get remote(): string {
    return `${this.transport.scheme}://${this.transport.remoteAddress}`;
  }

  // ---- inbound -----------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.inactivity.onRead();
    try {
      // One command at a time: a WireFormatInfo negotiated here applies from the very next frame.
      this.codec.feed(chunk, (cmd) => {
        if (this.closed) return;
        if (this.log.channel('openwire')) this.log.trace('openwire', 'received', { command: describe(cmd) });
        this.accept(cmd);
      });
    } catch (e) {
      this.fail(`Invalid OpenWire data: ${(e as Error).message}`);
    }
  }

  private accept(cmd: ow.DataStructure): void {
    if (cmd.type === T.WIREFORMAT_INFO) {
      this.onWireFormat(cmd);
      return;
    }
    if (!this.negotiated) {
      this.fail(`Expected WireFormatInfo first, received ${describe(cmd)}`);
      return;
    }
    if (cmd.type === T.BROKER_INFO && ++this.brokerInfos > 1) {
      this.fail('Only one BrokerInfo may be sent on a connection');
      return;
    }
    if (this.duplex !== null) {
      this.duplex.receive(cmd as ow.Command);
      return;
    }
    if (cmd.type === T.CONNECTION_INFO) this.connectionInfoQueued = true;
    // A failover reconnect replays ConnectionInfo, SessionInfo, ProducerInfo and the unanswered sends without
    // waiting for answers (FailoverTransport.restoreTransport): what follows a ConnectionInfo still being
    // handled is queued behind it, not refused.
    const established = this.context !== null || this.connectionInfoQueued;
    if (!established && !preConnection.has(cmd.type) && cmd.type !== T.BROKER_INFO) {
      this.fail(`Received ${describe(cmd)} before ConnectionInfo`);
      return;
    }
    if (isMessage(cmd) && cmd.transactionId === null) {
      // Concurrent with other commands once connected; while the ConnectionInfo is still being handled, after it.
      if (this.context !== null) this.startSend(cmd);
      else this.chain = this.chain.then(() => this.startSend(cmd));
      return;
    }
    if (cmd.type === T.MESSAGE_ACK && !cmd.responseRequired && cmd.transactionId === null) {
      const ack = cmd;
      this.chain = this.chain.then(() => this.startAck(ack));
      this.backlog.track(this.chain, 0);
      return;
    }
    const bytes = isMessage(cmd) ? (cmd.content?.length ?? 0) : 0;
    this.chain = this.chain.then(() => this.handle(cmd as ow.Command));
    this.backlog.track(this.chain, bytes);
  }

  private onWireFormat(info: ow.WireFormatInfo): void {
    if (this.negotiated) return; // ActiveMQ ignores a repeated WireFormatInfo
    let settings;
    try {
      settings = this.codec.negotiate(info);
    } catch (e) {
      this.fail(`Wire format negotiation failed: ${(e as Error).message}`);
      return;
    }
    this.negotiated = true;
    this.version = settings.version;
    this.ctx.watch?.connected();
    this.startInactivityMonitor(settings.maxInactivityDuration, settings.maxInactivityDurationInitialDelay);
    this.write({
      type: T.BROKER_INFO,
      commandId: 0,
      responseRequired: false,
      brokerId: { type: T.BROKER_ID, value: this.ctx.broker.brokerId },
      brokerURL: this.ctx.connectorUri,
      peerBrokerInfos: this.cluster.peerBrokerInfos(),
      brokerName: this.ctx.broker.brokerName,
      slaveBroker: false,
      masterBroker: false,
      faultTolerantConfiguration: false,
      duplexConnection: false,
      networkConnection: false,
      connectionId: 0,
      brokerUploadUrl: null,
      networkProperties: null,
    } satisfies ow.BrokerInfo);
  }

  /** Runs one command and answers it: Response, a typed response, or ExceptionResponse. */
  private async handle(cmd: ow.Command): Promise<void> {
    if (this.closed) return;
    if (this.duplex !== null) {
      // Pipelined behind the ConnectionInfo that started the duplex bridge: the bridge's, not a client's.
      this.duplex.receive(cmd);
      return;
    }
    const base = cmd as ow.BaseCommand & { type: number };
    try {
      const reply = await this.process(cmd);
      if (base.responseRequired && !this.closed) {
        this.write(reply ?? { type: T.RESPONSE, commandId: 0, responseRequired: false, correlationId: base.commandId });
      }
    } catch (e) {
      this.replyError(base as ow.Command, e);
    }
  }

  private replyError(cmd: ow.Command, e: unknown): void {
    const err = toBrokerError(e);
    if (err.isBrokerFault) this.log.error('Command failed', { command: describe(cmd), error: e });
    else this.log.debug('Command refused', { command: describe(cmd), error: err.message });
    if (this.closed) return;
    const exception = this.throwable(err);
    const base = cmd as ow.BaseCommand;
    if (base.responseRequired) {
      this.write({
        type: T.EXCEPTION_RESPONSE,
        commandId: 0,
        responseRequired: false,
        correlationId: base.commandId,
        exception,
      } satisfies ow.ExceptionResponse);
    } else {
      // Nobody waits for an answer: the client hears of it through its exception listener.
      this.write({
        type: T.CONNECTION_ERROR,
        commandId: 0,
        responseRequired: false,
        exception,
        connectionId: null,
      } satisfies ow.ConnectionError);
    }
  }

  private throwable(err: BrokerError): ow.ThrowableInfo {
    return { className: err.javaClassName, message: err.message, stackTrace: [], cause: null };
  }

  private async process(cmd: ow.Command): Promise<ow.Command | null> {
    switch (cmd.type) {
      case T.CONNECTION_INFO:
        return this.addConnection(cmd);
      case T.SESSION_INFO:
        if (cmd.sessionId !== null) this.sessions.add(sessionIdToString(cmd.sessionId));
        return null;
      case T.PRODUCER_INFO:
        return this.addProducer(cmd);
      case T.CONSUMER_INFO:
        return this.addConsumer(cmd);
      case T.REMOVE_INFO:
        return this.remove(cmd);
      case T.MESSAGE_ACK:
        await this.ctx.broker.acknowledge(this.requireContext(), this.toAck(cmd));
        return null;
      case T.MESSAGE_PULL:
        if (cmd.consumerId !== null) {
          // The Java client's pull timeouts: -1 answers at once (receiveNoWait), 0 waits for a message (receive()).
          const timeout = cmd.timeout === -1 ? 0 : cmd.timeout === 0 ? -1 : cmd.timeout;
          this.ctx.broker.pull(this.requireContext(), consumerIdToString(cmd.consumerId), timeout);
        }
        return null;
      case T.TRANSACTION_INFO:
        return this.transaction(cmd);
      case T.DESTINATION_INFO:
        return this.destinationInfo(cmd);
      case T.REMOVE_SUBSCRIPTION_INFO:
        await this.ctx.broker.removeSubscription(
          this.requireContext(),
          cmd.clientId ?? this.requireContext().info.clientId ?? '',
          cmd.subscriptionName ?? '',
        );
        return null;
      case T.KEEP_ALIVE_INFO:
        return cmd.responseRequired ? { type: T.KEEP_ALIVE_INFO, commandId: 0, responseRequired: false } : null;
      case T.SHUTDOWN_INFO:
        await this.shutdown();
        return null;
      case T.ACTIVEMQ_MESSAGE:
      case T.ACTIVEMQ_BYTES_MESSAGE:
      case T.ACTIVEMQ_MAP_MESSAGE:
      case T.ACTIVEMQ_OBJECT_MESSAGE:
      case T.ACTIVEMQ_STREAM_MESSAGE:
      case T.ACTIVEMQ_TEXT_MESSAGE:
      case T.ACTIVEMQ_BLOB_MESSAGE:
        await this.send(cmd);
        return null;
      case T.BROKER_INFO:
        this.onBrokerInfo(cmd);
        return null;
      case T.CONNECTION_CONTROL:
        this.cluster.connectionControl(cmd);
        return null;
      case T.FLUSH_COMMAND:
      // A bridge's durable sync reaches a plain connection when the bridge is one-way: only bridges read it.
      case T.BROKER_SUBSCRIPTION_INFO:
      case T.CONTROL_COMMAND:
      case T.CONSUMER_CONTROL:
      case T.PRODUCER_ACK:
      case T.RESPONSE:
      case T.EXCEPTION_RESPONSE:
        return null;
      default:
        throw new BrokerError('ERR_PROTOCOL', `Unsupported command: ${describe(cmd)}`);
    }
  }

  // ---- connection ----------------------------------------------------------------------------------

  private async addConnection(info: ow.ConnectionInfo): Promise<null> {
    if (this.context !== null) return null;
    const connectionId = info.connectionId === null ? '' : connectionIdToString(info.connectionId);
    const context: ConnectionContext = {
      info: {
        connectionId: connectionId || `${this.ctx.broker.brokerId}:${this.transport.remoteAddress}`,
        clientId: info.clientId,
        userName: info.userName,
        password: info.password,
        remoteAddress: this.remote,
        protocol: 'openwire',
        secure: this.transport.secure,
        peerCertificates: this.transport.peerCertificates,
      },
      security: null,
      control: {
        close: (reason) => this.fail(reason.message),
        closeConsumer: (consumerId) => this.closeConsumer(consumerId),
      },
    };
    try {
      await this.ctx.broker.addConnection(context);
    } catch (e) {
      this.connectionInfoQueued = false;
      const err = toBrokerError(e);
      if (err.code === 'ERR_SECURITY_AUTHENTICATION' || err.code === 'ERR_SECURITY_NOT_AUTHORIZED') {
        // As ActiveMQ: answer, then drop the connection shortly after in case the client does not close it.
        this.timers.push(
          this.ctx.clock.setTimeout(() => this.fail(`Failed with SecurityException: ${err.message}`), 2000),
        );
      }
      throw err;
    }
    this.context = context;
    this.log.debug('Connection added', { clientId: info.clientId, user: info.userName });
    this.cluster.connectionAdded(info);
    const peer = this.peerBroker;
    if (peer !== null && peer.networkConnection && peer.duplexConnection && this.ctx.acceptDuplexBridge) {
      this.startDuplexResponder(peer, this.ctx.acceptDuplexBridge);
    } else if (peer !== null && peer.networkConnection && this.version >= 12) {
      // The passive end of a one-way bridge: its durable sync comes from here (the bridge runs on the other side).
      const sync = this.ctx.durableSync?.(peer) ?? null;
      if (sync !== null) this.write(sync);
    }
    return null;
  }

  /**
   * BrokerInfo from the other side (TransportConnection.processBrokerInfo). A network bridge introduces its broker
   * before its ConnectionInfo (DemandForwardingBridge): kept for a duplex responder, and the broker becomes a peer
   * of this one (cluster updates) until the connection ends.
   */
  private onBrokerInfo(info: ow.BrokerInfo): void {
    if (info.networkConnection) this.peerBroker = info;
    this.cluster.brokerInfo(info);
  }

  /**
   * The peer broker connected with duplex="true" and has been admitted like any client (its bridge credentials
   * went through authentication): this connection now carries a bridge in each direction, ours being the
   * responder end (TransportConnection.addNetworkConnection). Started after the ConnectionInfo's answer.
   */
  private startDuplexResponder(peer: ow.BrokerInfo, accept: (channel: ResponderChannel) => void): void {
    const channel = new ResponderChannel(
      peer,
      this.remote,
      (c) => this.write(c),
      (reason) => this.close(reason),
      this.context?.security ?? null,
    );
    this.duplex = channel;
    this.log.info(`Started responder end of duplex bridge with ${peer.brokerName ?? 'a peer broker'}`);
    setImmediate(() => {
      if (!this.closed) accept(channel);
    });
  }

  private requireContext(): ConnectionContext {
    if (this.context === null) throw new BrokerError('ERR_ILLEGAL_STATE', 'The connection has not been established');
    return this.context;
  }

  // ---- producers and sends -------------------------------------------------------------------------

  private async addProducer(info: ow.ProducerInfo): Promise<null> {
    if (info.producerId === null) throw new BrokerError('ERR_PROTOCOL', 'ProducerInfo without a producer id');
    const id = producerIdToString(info.producerId);
    const destination = info.destination === null ? null : fromOpenWireDestination(info.destination).destination;
    await this.ctx.broker.addProducer(this.requireContext(), {
      producerId: id,
      destination,
      windowSize: info.windowSize,
    });
    this.producers.set(id, { info, session: sessionOf(id) });
    return null;
  }

  private startSend(cmd: ow.Message): void {
    if (this.duplex !== null) {
      this.duplex.receive(cmd);
      return;
    }
    const p = this.send(cmd).then(
      () => {
        if (this.closed) return;
        if (cmd.responseRequired) {
          this.write({ type: T.RESPONSE, commandId: 0, responseRequired: false, correlationId: cmd.commandId });
        } else {
          this.producerAck(cmd);
        }
      },
      (e: unknown) => this.replyError(cmd, e),
    );
    this.sends.add(p);
    void p.finally(() => this.sends.delete(p));
    this.backlog.track(p, cmd.content?.length ?? 0);
  }

  private async send(cmd: ow.Message): Promise<void> {
    const context = this.requireContext();
    checkOpenWireMessage(cmd, this.ctx.options);
    const message = fromOpenWireMessage(cmd, context.info.connectionId);
    const txId = cmd.transactionId === null ? null : this.rememberTransaction(cmd.transactionId);
    return this.ctx.broker.send(context, message, txId);
  }

  /**
   * A non-transacted ack nobody waits for takes its turn in the command order, but the next command does not wait
   * for the store write it causes (the removal of a persistent message, written without fsync). As in ActiveMQ,
   * where the ack is applied to the subscription at once and the store removal is asynchronous: holding the
   * connection's commands until each removal is written would limit a consumer to one ack per journal write
   * and sync (about 2,000/s), fill its prefetch, and stall dispatch. Relies on Broker.acknowledge applying the
   * ack before its first await (BrokerFilter passes it straight through to RegionBroker.acknowledge).
   */
  private startAck(cmd: ow.MessageAck): void {
    if (this.closed) return;
    let p: Promise<void>;
    try {
      p = this.ctx.broker.acknowledge(this.requireContext(), this.toAck(cmd));
    } catch (e) {
      this.replyError(cmd, e);
      return;
    }
    const done = p.then(undefined, (e: unknown) => this.replyError(cmd, e));
    this.sends.add(done);
    void done.finally(() => this.sends.delete(done));
  }

  /** Async sends under a producer window are acknowledged with their size (ActiveMQ's ProducerAck). */
  private producerAck(cmd: ow.Message): void {
    if (cmd.producerId === null) return;
    const producer = this.producers.get(producerIdToString(cmd.producerId));
    if (producer === undefined || producer.info.windowSize <= 0) return;
    this.write({
      type: T.PRODUCER_ACK,
      commandId: 0,
      responseRequired: false,
      producerId: cmd.producerId,
      size: javaMessageSize(cmd),
    } satisfies ow.ProducerAck);
  }

  // ---- consumers -----------------------------------------------------------------------------------

  private async addConsumer(info: ow.ConsumerInfo): Promise<null> {
    if (info.consumerId === null || info.destination === null) {
      throw new BrokerError('ERR_PROTOCOL', 'ConsumerInfo without a consumer id or destination');
    }
    const id = consumerIdToString(info.consumerId);
    const { destination, options } = fromOpenWireDestination(info.destination);
    const option = (name: string): string | undefined => options.get(`consumer.${name}`);
    const prefetch = option('prefetchSize');
    const consumer: ConsumerInfo = {
      consumerId: id,
      destination,
      prefetch: prefetch !== undefined ? Number(prefetch) || 0 : info.prefetchSize,
      selector: option('selector') ?? info.selector,
      // The Java client acknowledges every mode itself; the broker just waits for its acks.
      ackMode: 'client',
      noLocal: option('noLocal') === 'true' || info.noLocal,
      exclusive: option('exclusive') === 'true' || info.exclusive,
      priority: option('priority') !== undefined ? Number(option('priority')) : info.priority,
      retroactive: option('retroactive') === 'true' || info.retroactive,
      browser: info.browser,
      subscriptionName: info.subscriptionName,
    };
    const state: ConsumerState = { info, session: sessionOf(id), handle: null };
    this.consumers.set(id, state);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    try {
      state.handle = await this.ctx.broker.addConsumer(this.requireContext(), consumer, {
        deliver: (d) => this.dispatch(state, d),
        get ready() {
          return self.writable;
        },
      });
    } catch (e) {
      this.consumers.delete(id);
      throw e;
    }
    return null;
  }

  private dispatch(state: ConsumerState, delivery: Delivery | null): void {
    if (this.closed) return;
    const md: ow.MessageDispatch = {
      type: T.MESSAGE_DISPATCH,
      commandId: 0,
      responseRequired: false,
      consumerId: state.info.consumerId,
      destination: delivery === null ? state.info.destination : toOpenWireDestination(delivery.message.destination),
      message: delivery === null ? null : this.dispatchedMessage(delivery),
      redeliveryCounter: delivery === null ? 0 : delivery.redeliveryCount,
    };
    this.write(md);
  }

  /**
   * A topic's message is marshalled once per wire format for all its subscribers (see SharedDispatchEncoder)
   * when this connection can take shared bytes (marshal cache off); otherwise it is marshalled with the frame.
   */
  private dispatchedMessage(delivery: Delivery): ow.Message {
    const now = this.ctx.clock.now();
    const key = delivery.message.destination.isTopic ? this.codec.sharedEncodingKey : null;
    if (key === null) return dispatchedMessage(delivery, now);
    // The marshaller places PreEncoded bytes where the message goes; nothing else reads a dispatch's message.
    return sharedDispatch.message(delivery, now, key, () => dispatchedMessage(delivery, now)) as unknown as ow.Message;
  }

  /**
   * The broker drops one consumer (abortSlowConsumerStrategy without abortConnection): as ActiveMQ does, tell the
   * client with ConsumerControl close, and remove the consumer ourselves if the client has not within a second.
   */
  private closeConsumer(consumerId: string): void {
    const state = this.consumers.get(consumerId);
    if (state === undefined || this.closed) return;
    this.write({
      type: T.CONSUMER_CONTROL,
      commandId: 0,
      responseRequired: false,
      destination: state.info.destination,
      close: true,
      consumerId: state.info.consumerId,
      prefetch: 0,
      flush: false,
      start: false,
      stop: false,
    } satisfies ow.ConsumerControl);
    this.timers.push(
      this.ctx.clock.setTimeout(() => {
        if (this.consumers.get(consumerId) !== state || this.context === null) return;
        this.consumers.delete(consumerId);
        void this.ctx.broker.removeConsumer(this.context, consumerId).catch(() => {});
      }, 1000),
    );
  }

  private onDrain(): void {
    for (const c of this.consumers.values()) c.handle?.wakeup();
  }

  private toAck(cmd: ow.MessageAck): MessageAck {
    if (cmd.consumerId === null || cmd.lastMessageId === null) {
      throw new BrokerError('ERR_PROTOCOL', 'MessageAck without a consumer id or message id');
    }
    return {
      consumerId: consumerIdToString(cmd.consumerId),
      type: ackTypes[cmd.ackType] ?? CoreAck.Standard,
      firstMessageId: cmd.firstMessageId === null ? null : messageIdToString(cmd.firstMessageId),
      lastMessageId: messageIdToString(cmd.lastMessageId),
      messageCount: cmd.messageCount,
      transactionId: cmd.transactionId === null ? null : this.rememberTransaction(cmd.transactionId),
      poisonCause: cmd.poisonCause === null ? null : describeThrowable(cmd.poisonCause),
    };
  }

  // ---- removal -------------------------------------------------------------------------------------

  private async remove(cmd: ow.RemoveInfo): Promise<null> {
    const id = cmd.objectId;
    if (id === null) return null;
    const context = this.requireContext();
    switch (id.type) {
      case T.CONSUMER_ID: {
        const key = consumerIdToString(id);
        this.consumers.delete(key);
        await this.ctx.broker.removeConsumer(context, key, cmd.lastDeliveredSequenceId);
        return null;
      }
      case T.PRODUCER_ID: {
        const key = producerIdToString(id);
        this.producers.delete(key);
        await this.ctx.broker.removeProducer(context, key);
        return null;
      }
      case T.SESSION_ID: {
        const session = sessionIdToString(id);
        for (const [key, c] of this.consumers) {
          if (c.session !== session) continue;
          this.consumers.delete(key);
          await this.ctx.broker.removeConsumer(context, key, cmd.lastDeliveredSequenceId);
        }
        for (const [key, p] of this.producers) {
          if (p.session !== session) continue;
          this.producers.delete(key);
          await this.ctx.broker.removeProducer(context, key);
        }
        this.sessions.delete(session);
        return null;
      }
      case T.CONNECTION_ID:
        for (const key of [...this.consumers.keys()]) {
          this.consumers.delete(key);
          await this.ctx.broker.removeConsumer(context, key, cmd.lastDeliveredSequenceId);
        }
        await this.removeConnection();
        return null;
      default:
        return null;
    }
  }

  private async removeConnection(): Promise<void> {
    await Promise.allSettled([...this.sends]);
    const context = this.context;
    this.context = null;
    this.connectionInfoQueued = false;
    this.consumers.clear();
    this.cluster.close();
    this.producers.clear();
    if (context !== null) await this.ctx.broker.removeConnection(context).catch(() => {});
  }

  private async shutdown(): Promise<void> {
    await this.removeConnection();
    this.flush();
    this.closed = true;
    this.stopTimers();
    this.transport.end();
  }

  // ---- transactions and destinations ---------------------------------------------------------------

  private rememberTransaction(id: ow.TransactionId): string {
    const key = transactionIdToString(id);
    if (!this.transactions.has(key)) this.transactions.set(key, id);
    return key;
  }

  private async transaction(cmd: ow.TransactionInfo): Promise<ow.Command | null> {
    const context = this.requireContext();
    const broker = this.ctx.broker;
    if (cmd.transactionType === TransactionType.RECOVER) {
      const ids = await broker.getPreparedTransactions(context);
      return {
        type: T.DATA_ARRAY_RESPONSE,
        commandId: 0,
        responseRequired: false,
        correlationId: cmd.commandId,
        data: ids.map((k) => this.transactions.get(k) ?? null).filter((x) => x !== null),
      } satisfies ow.DataArrayResponse;
    }
    if (cmd.transactionId === null) throw new BrokerError('ERR_PROTOCOL', 'TransactionInfo without a transaction id');
    const txId = this.rememberTransaction(cmd.transactionId);
    switch (cmd.transactionType) {
      case TransactionType.BEGIN:
        await broker.beginTransaction(context, txId);
        return null;
      case TransactionType.PREPARE: {
        const vote = await broker.prepareTransaction(context, txId);
        return {
          type: T.INTEGER_RESPONSE,
          commandId: 0,
          responseRequired: false,
          correlationId: cmd.commandId,
          result: vote,
        } satisfies ow.IntegerResponse;
      }
      case TransactionType.COMMIT_ONE_PHASE:
        await broker.commitTransaction(context, txId, true);
        this.transactions.delete(txId);
        return null;
      case TransactionType.COMMIT_TWO_PHASE:
        await broker.commitTransaction(context, txId, false);
        this.transactions.delete(txId);
        return null;
      case TransactionType.ROLLBACK:
        await broker.rollbackTransaction(context, txId);
        this.transactions.delete(txId);
        return null;
      case TransactionType.FORGET:
        await broker.forgetTransaction(context, txId);
        this.transactions.delete(txId);
        return null;
      case TransactionType.END:
        return null;
      default:
        throw new BrokerError('ERR_PROTOCOL', `Unknown transaction operation ${cmd.transactionType}`);
    }
  }

  private async destinationInfo(cmd: ow.DestinationInfo): Promise<null> {
    if (cmd.destination === null) return null;
    const { destination } = fromOpenWireDestination(cmd.destination);
    const context = this.requireContext();
    if (cmd.operationType === DestinationOperation.ADD) {
      await this.ctx.broker.addDestination(context, destination);
      if (destination.isTemporary) this.tempDestinations.add(destination);
    } else if (cmd.operationType === DestinationOperation.REMOVE) {
      await this.ctx.broker.removeDestination(context, destination);
      this.tempDestinations.delete(destination);
    }
    return null;
  }

  // ---- outbound, inactivity, close -----------------------------------------------------------------

  /**
   * Encodes a command into this connection's outgoing batch. The batch goes to the transport once per turn of
   * the event loop (setImmediate), after every socket with data has been read: a burst of dispatches and
   * responses, to this consumer and from every producer read in the same turn, leaves as one buffer in one
   * syscall instead of one small buffer per command.
   */
  private write(cmd: ow.DataStructure): void {
    if (this.closed) return;
    try {
      this.codec.encodeTo(cmd, this.out);
    } catch (e) {
      this.log.error('Could not encode a command', { command: describe(cmd), error: e });
      return;
    }
    this.inactivity.onWrite();
    if (this.log.channel('openwire')) this.log.trace('openwire', 'sent', { command: describe(cmd) });
    if (this.flushing === null) this.flushing = setImmediate(this.flush);
  }

  /** Hands the batch to the transport; wakes consumers paused on a large batch if the socket took it. */
  private readonly flush = (): void => {
    if (this.flushing !== null) clearImmediate(this.flushing);
    this.flushing = null;
    if (this.out.queuedBytes === 0) return;
    const full = this.out.queuedBytes >= BATCH_HIGH_WATER;
    writeChunks(this.transport, this.out.takeChunks());
    if (full && this.transport.writable) this.onDrain();
  };

  /** Whether dispatching more would only queue bytes: the socket is backed up or this turn's batch is large. */
  private get writable(): boolean {
    return this.transport.writable && this.out.queuedBytes < BATCH_HIGH_WATER;
  }

  /**
   * ActiveMQ's InactivityMonitor with the negotiated maxInactivityDuration: after the initial delay, a
   * KeepAliveInfo whenever nothing was written for a third of it, and the connection closed when nothing was
   * read for all of it.
   */
  private startInactivityMonitor(duration: number, initialDelay: number): void {
    if (duration <= 0) return;
    const writeEvery = duration > 3 ? Math.floor(duration / 3) : duration;
    this.inactivity.start(duration, writeEvery, initialDelay);
  }

  private stopTimers(): void {
    this.inactivity.stop();
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  /** Closes the connection because of a protocol or transport problem; the reason is logged. */
  private fail(reason: string): void {
    if (this.closed) return;
    this.log.warn('Closing connection', { reason });
    this.closed = true;
    if (this.flushing !== null) clearImmediate(this.flushing);
    this.flushing = null;
    this.stopTimers();
    this.transport.destroy();
    void this.cleanup();
  }

  private async onTransportClosed(error?: Error): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.flushing !== null) clearImmediate(this.flushing);
      this.flushing = null;
      this.stopTimers();
      if (error !== undefined && (error as NodeJS.ErrnoException).code !== 'ECONNRESET') {
        this.log.debug('Transport closed with an error', { error: error.message });
      }
    }
    await this.cleanup();
  }

  private cleaned = false;
  private async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    this.duplex?.closed(new Error(`The duplex bridge connection from ${this.remote} closed`));
    await this.chain.catch(() => {});
    const context = this.context;
    this.context = null;
    this.connectionInfoQueued = false;
    this.consumers.clear();
    this.cluster.close();
    if (context !== null) await this.ctx.broker.removeConnection(context).catch(() => {});
  }

  async close(reason: string): Promise<void> {
    if (this.closed) return;
    // Tell the client the broker is going away, as ActiveMQ does on shutdown, then close.
    this.write({ type: T.SHUTDOWN_INFO, commandId: 0, responseRequired: false } satisfies ow.ShutdownInfo);
    this.log.debug('Closing connection', { reason });
    this.flush();
    this.closed = true;
    this.stopTimers();
    this.transport.end();
    await this.cleanup();
  }
}

const ackTypes: Record<number, CoreAck> = {
  [AckType.DELIVERED]: CoreAck.Delivered,
  [AckType.POISON]: CoreAck.Poison,
  [AckType.STANDARD]: CoreAck.Standard,
  [AckType.REDELIVERED]: CoreAck.Redelivered,
  [AckType.INDIVIDUAL]: CoreAck.Individual,
  [AckType.UNMATCHED]: CoreAck.Unmatched,
  [AckType.EXPIRED]: CoreAck.Expired,
};

/** `conn:session:value` → `conn:session`. */
function sessionOf(id: string): string {
  const i = id.lastIndexOf(':');
  return i < 0 ? id : id.slice(0, i);
}

function describe(cmd: ow.DataStructure): string {
  const name = Object.entries(T).find(([, v]) => v === cmd.type)?.[0] ?? `type ${cmd.type}`;
  return name;
}

function describeThrowable(t: ow.ThrowableInfo): string {
  return t.className !== null && t.message !== null ? `${t.className}: ${t.message}` : (t.message ?? t.className ?? '');
}

/**
 * The message of a dispatch, stamped with brokerOutTime (the time it leaves the broker, as ActiveMQ's
 * RegionBroker.preProcessDispatch sets it; Java clients read it with getBrokerOutTime). A group's first delivery
 * to its new owner carries JMSXGroupFirstForConsumer. The converted message may be shared with other deliveries,
 * so per-delivery fields go on a shallow copy.
 */
function dispatchedMessage(delivery: Delivery, now: number): ow.Message {
  const m = toOpenWireMessage(delivery.message);
  return delivery.groupFirst === true
    ? { ...m, brokerOutTime: now, jmsxGroupFirstForConsumer: true }
    : { ...m, brokerOutTime: now };
}

/** Bounds the commands a connection has read and not finished: pauses reading above, resumes below half. */
export class InboundBacklog {
  count = 0;
  bytes = 0;
  paused = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly maxCount = 1024,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  track(p: Promise<unknown>, bytes: number): void {
    this.count++;
    this.bytes += bytes;
    if (!this.paused && (this.count >= this.maxCount || this.bytes >= this.maxBytes)) {
      this.paused = true;
      this.pause();
    }
    const done = (): void => {
      this.count--;
      this.bytes -= bytes;
      if (this.paused && this.count <= this.maxCount / 2 && this.bytes <= this.maxBytes / 2) {
        this.paused = false;
        this.resume();
      }
    };
    p.then(done, done);
  }
}
