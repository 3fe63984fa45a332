import type { Broker, ConnectionContext } from '../../broker/broker.js';
import type { AckMode, ConnectionInfo, ConsumerInfo, MessageAck } from '../../model/commands.js';
import type { Destination } from '../../model/destination.js';
import { IdGenerator } from '../../model/ids.js';
import type { Transport } from '../../transport/transport.js';
import type { ConnectionWatch } from '../../transport/connection-guard.js';
import { InactivityMonitor } from '../../transport/inactivity-monitor.js';
import type { Clock } from '../../util/clock.js';
import { BrokerError, isBrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ProtocolConnection, ProtocolContext } from '../protocol.js';
import { encodeHead, HEARTBEAT, type HeaderList } from './codec/encoder.js';
import { StompFrameError } from './codec/errors.js';
import { EMPTY_BODY, type StompFrame, type StompVersion } from './codec/frame.js';
import { StompParser } from './codec/parser.js';
import { StompDestinations } from './destinations.js';
import { FrameWriter } from './frame-writer.js';
import { parseHeartBeat } from './heartbeat.js';
import { frameToMessage } from './message-convert.js';
import { StompProtocolError } from './protocol-error.js';
import { StompSubscription, type PendingAck, type StompAckMode, type SubscriptionHost } from './subscription.js';
import { negotiateVersion, serverHeader, type StompSettings } from './settings.js';
import { InboundQueue } from '../inbound-queue.js';

type State = 'awaiting-connect' | 'connecting' | 'connected' | 'closing' | 'closed';

// ActiveMQ's ActiveMQPrefetchPolicy defaults, which its STOMP converter applies per destination kind.
const QUEUE_PREFETCH = 1000;
const TOPIC_PREFETCH = 32767;
const DURABLE_TOPIC_PREFETCH = 100;
const BROWSER_PREFETCH = 500;

const connectionIds = new IdGenerator();
const ackIds = new IdGenerator();

/**
 * One STOMP client connection: frames in, Broker calls out, deliveries back as MESSAGE frames. It follows
 * ActiveMQ's ProtocolConverter (frame by frame, the same ids, headers and error texts) with one difference
 * of policy: every error answers with an ERROR frame and then closes the connection, as [STOMP 1.2] requires.
 */
export class StompConnection implements ProtocolConnection, SubscriptionHost {
  readonly connectionId = connectionIds.next();
  /** ActiveMQ's STOMP converter uses session -1 and producer 1 of its connection. */
  private readonly producerId = `${this.connectionId}:-1:1`;
  readonly writer: FrameWriter;
  readonly destinations = new StompDestinations(this.connectionId);
  readonly pendingAcks = new Map<string, PendingAck>();
  readonly logger: Logger;
  version: StompVersion = '1.0';

  private state: State = 'awaiting-connect';
  private readonly broker: Broker;
  private readonly clock: Clock;
  private readonly parser: StompParser;
  private readonly heartbeat: InactivityMonitor;
  private readonly watch: ConnectionWatch | undefined;
  private context: ConnectionContext | null = null;
  private registered = false;
  private explicitClientId = false;
  private sawConnect = false;
  private inputFailed = false;

  /** Frames in order; SENDs without a receipt run alongside the next ones (see onSend). */
  private readonly inbound: InboundQueue<StompFrame>;

  private readonly subscriptionsById = new Map<string, StompSubscription>();
  private readonly subscriptionsByConsumer = new Map<string, StompSubscription>();
  private readonly transactions = new Map<string, string>();
  private messageSequence = 0;
  private consumerSequence = 0;
  private transactionSequence = 0;

  private closedResolve!: () => void;
  private readonly closedPromise = new Promise<void>((r) => (this.closedResolve = r));

  constructor(
    private readonly transport: Transport,
    context: ProtocolContext,
    private readonly settings: StompSettings,
  ) {
    this.broker = context.broker;
    this.clock = context.clock;
    this.logger = context.logger.child({ connectionId: this.connectionId, remote: transport.remoteAddress });
    this.parser = new StompParser(settings.limits);
    this.writer = new FrameWriter(transport, () => this.heartbeat.onWrite());
    this.inbound = new InboundQueue<StompFrame>(
      {
        isClosing: () => this.isClosing(),
        // A SEND without a receipt runs alongside the SENDs before it; any other frame waits for them.
        joinsAsyncSends: (frame) => frame.command === 'SEND' && !frame.headers.has('receipt'),
        handle: (frame) => this.handle(frame),
        fail: (e, frame) => this.fail(e, frame),
      },
      transport,
    );
    // STOMP heart-beats are the transport layer's inactivity monitor, as in ActiveMQ (StompInactivityMonitor).
    this.heartbeat = new InactivityMonitor(this.clock, {
      keepAlive: () => this.writer.raw(HEARTBEAT),
      inactive: (ms) =>
        this.fail(
          new BrokerError('ERR_INACTIVITY', `Channel was inactive for too (>${ms}) long: ${transport.remoteAddress}`),
          null,
        ),
    });
    // The connect-attempt and frame-completion timeouts belong to the connector's ConnectionGuard; it learns
    // here when CONNECT arrived and whether the parser is half-way through a frame.
    this.watch = context.watch;
    this.watch?.watchFrames(() => !this.parser.idle);
    this.watch?.onTimeout((reason) => this.fail(new BrokerError('ERR_INACTIVITY', reason), null));
    transport.onData((chunk) => this.onData(chunk));
    transport.onDrain(() => {
      for (const sub of this.subscriptionsByConsumer.values()) sub.wakeup();
    });
    transport.onClose((error) => void this.onTransportClose(error));
  }

  get maxBodySize(): number {
    return this.settings.limits.maxDataLength;
  }

  nextAckId(): string {
    return ackIds.next();
  }

  /** Closes from the broker side (shutdown): an ERROR naming the reason, then the socket. */
  close(reason: string): Promise<void> {
    if (this.state !== 'closed') this.fail(new BrokerError('ERR_BROKER_STOPPED', reason), null);
    return this.closedPromise;
  }

  /** Resolves once the transport has closed and the broker has released the connection. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  // ---- inbound ------------------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.inputFailed || this.state === 'closing' || this.state === 'closed') return;
    this.heartbeat.onRead();
    try {
      this.parser.push(chunk, (frame) => this.accept(frame));
    } catch (e) {
      this.inputFailed = true;
      this.inbound.push(e instanceof StompFrameError ? e : new StompProtocolError(String(e)));
    }
  }

  /**
   * Checks done as frames are read, in ActiveMQ's StompWireFormat.validateAction: the first frame must be
   * CONNECT or STOMP, only one may come, and server frames are refused. CONNECT's version is negotiated here
   * already, so the frames read after it in the same chunk are unescaped by the right rules.
   */
  private accept(frame: StompFrame): void {
    if (this.inputFailed) return;
    const command = frame.command;
    let problem: string | null = null;
    if (command === 'CONNECT' || command === 'STOMP') {
      if (this.sawConnect) {
        problem = "StompWireFormat is configured for 'server' mode and received a duplicate CONNECT or STOMP frame";
      } else {
        this.sawConnect = true;
        try {
          this.parser.version = negotiateVersion(frame.headers.get('accept-version'));
        } catch {
          // Reported when the frame is processed.
        }
      }
    } else if (command === 'CONNECTED' || command === 'MESSAGE' || command === 'ERROR' || command === 'RECEIPT') {
      problem = `StompWireFormat is configured for 'server' mode and received a frame that is only expected when configured for 'client' mode: ${command}`;
    } else if (!this.sawConnect) {
      problem = `StompWireFormat is configured for 'server' mode and received an unexpected frame before CONNECT or STOMP frame: ${command}`;
    }
    if (problem !== null) {
      this.inputFailed = true;
      this.inbound.push(new StompProtocolError(problem));
      return;
    }
    this.inbound.push(frame);
  }

  private async handle(frame: StompFrame): Promise<void> {
    if (this.logger.channel('stomp')) {
      this.logger.trace('stomp', 'received', { command: frame.command, headers: Object.fromEntries(frame.headers) });
    }
    switch (frame.command) {
      case 'CONNECT':
      case 'STOMP':
        return this.onConnect(frame);
      case 'SEND':
        return this.onSend(frame);
      case 'SUBSCRIBE':
      case 'SUB': // ActiveMQ keeps accepting its legacy short names.
        return this.onSubscribe(frame);
      case 'UNSUBSCRIBE':
      case 'UNSUB':
        return this.onUnsubscribe(frame);
      case 'ACK':
        return this.onAck(frame);
      case 'NACK':
        return this.onNack(frame);
      case 'BEGIN':
        return this.onBegin(frame);
      case 'COMMIT':
        return this.onCommit(frame);
      case 'ABORT':
        return this.onAbort(frame);
      case 'DISCONNECT':
        return this.onDisconnect(frame);
      default:
        throw new StompProtocolError(`Unknown STOMP action: ${frame.command}`);
    }
  }

  // ---- frames -------------------------------------------------------------------------------------------

  private async onConnect(frame: StompFrame): Promise<void> {
    this.watch?.connected();
    const h = frame.headers;
    // Frames go out unescaped (as 1.0) until CONNECTED is written, as ActiveMQ switches its wire format's
    // version only then; an ERROR answering a bad CONNECT is thus readable by any client.
    const version = negotiateVersion(h.get('accept-version'));
    this.parser.version = version;
    const beat = parseHeartBeat(h.get('heart-beat') ?? this.settings.defaultHeartBeat);
    const clientId = h.get('client-id');
    this.explicitClientId = clientId !== undefined && clientId.length > 0;
    const info: ConnectionInfo = {
      connectionId: this.connectionId,
      // ActiveMQ uses the connection id as the client id when the client names none.
      clientId: this.explicitClientId ? clientId! : this.connectionId,
      userName: h.get('login') ?? null,
      password: h.get('passcode') ?? null,
      remoteAddress: this.transport.remoteAddress,
      protocol: 'stomp',
      secure: this.transport.secure,
      peerCertificates: this.transport.peerCertificates,
    };
    const context: ConnectionContext = {
      info,
      security: null,
      control: { close: (reason) => this.fail(reason, null) },
    };
    this.context = context;
    this.state = 'connecting';
    await this.broker.addConnection(context);
    this.registered = true;
    if (this.isClosing()) return;
    await this.broker.addProducer(context, { producerId: this.producerId, destination: null, windowSize: 0 });
    if (this.isClosing()) return;
    this.state = 'connected';

    // ActiveMQ echoes the client's wish: it writes every cy ms and expects a frame every cx ms, with
    // transport.hbGracePeriodMultiplier of slack (ProtocolConverter.configureInactivityMonitor). The option's
    // default is 1.5 here (ActiveMQ 1.0 with a coarser check; see option-catalogue.ts and docs/stomp.md).
    const ceiling = this.settings.maxHeartbeatMs;
    const writeEvery = ceiling > 0 && beat.clientWants > ceiling ? ceiling : beat.clientWants;
    const multiplier = this.settings.graceMultiplier > 1 ? this.settings.graceMultiplier : 1;
    const readCheck = Math.floor(beat.clientSend * multiplier);

    const headers: [string, string][] = [['session', info.clientId ?? this.connectionId]];
    const requestId = h.get('request-id') ?? h.get('receipt');
    if (requestId !== undefined) {
      headers.push(['response-id', requestId]);
      headers.push(['receipt-id', requestId]);
    }
    headers.push(['version', version]);
    headers.push(['heart-beat', `${writeEvery},${beat.clientSend}`]);
    headers.push(['server', serverHeader()]);
    this.send('CONNECTED', headers);
    this.version = version;
    this.heartbeat.start(readCheck, writeEvery);
    this.logger.debug('STOMP client connected', { version, clientId: info.clientId });
  }

  private async onSend(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const h = frame.headers;
    const name = h.get('destination');
    if (name === undefined) throw new StompProtocolError('SEND received without a Destination specified!');
    if (name.trim().length === 0) throw new StompProtocolError("Invalid empty or 'null' Destination header");
    const transactionId = this.transactionFor(frame);
    const created: Destination[] = [];
    const onCreated = (d: Destination) => created.push(d);
    const destination = this.destinations.toDestination(name, true, onCreated);
    const message = frameToMessage(frame, destination, {
      destinations: this.destinations,
      createdTemp: onCreated,
      producerId: this.producerId,
      messageId: `${this.producerId}:${++this.messageSequence}`,
      connectionId: this.connectionId,
      now: this.clock.now(),
    });
    for (const d of created) await this.broker.addDestination(context, d);
    const receipt = h.get('receipt');
    message.responseRequired = receipt !== undefined;
    if (receipt === undefined && transactionId === null) {
      // Nobody waits for this send: it runs alongside the next frames (up to a bound), so a producer without
      // receipts shares group commits instead of waiting for a disk sync per message. A failure still ends
      // the connection with an ERROR frame, as it would have.
      await this.inbound.runAlongside(
        this.broker.send(context, message, null).catch((e: unknown) => this.fail(e, frame)),
      );
      return;
    }
    await this.broker.send(context, message, transactionId);
    this.receipt(frame);
  }

  private async onSubscribe(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const h = frame.headers;
    const id = h.get('id');
    const name = h.get('destination');
    if (this.version !== '1.0' && id === undefined) {
      throw new StompProtocolError('SUBSCRIBE received without a subscription id!');
    }
    if (name === undefined || name.length === 0) {
      throw new StompProtocolError("Invalid empty or 'null' Destination header");
    }
    if (id !== undefined && this.subscriptionsById.has(id)) {
      throw new StompProtocolError(`Duplicate subscription id [${id}]: a subscription with this id already exists`);
    }
    const created: Destination[] = [];
    const destination = this.destinations.toDestination(name, true, (d) => created.push(d));

    const browser = h.get('browser') === 'true';
    if (browser && this.version === '1.0') {
      throw new StompProtocolError('Queue Browser feature only valid for Stomp v1.1+ clients!');
    }
    // ActiveMQ sets ConsumerInfo properties from `activemq.`-prefixed headers; `subcriptionName` is the
    // misspelled setter ConsumerInfo still has, which STOMP clients have come to use.
    const subscriptionName = h.get('activemq.subscriptionName') ?? h.get('activemq.subcriptionName') ?? null;
    if (destination.isQueue && subscriptionName !== null) {
      throw new StompProtocolError('Invalid Subscription: cannot durably subscribe to a Queue destination!');
    }
    if (subscriptionName !== null && !this.explicitClientId) {
      throw new StompProtocolError(
        `Durable subscription [${subscriptionName}] requires a client-id header on CONNECT to name it`,
      );
    }
    let prefetch = browser
      ? BROWSER_PREFETCH
      : destination.isQueue
        ? QUEUE_PREFETCH
        : subscriptionName !== null
          ? DURABLE_TOPIC_PREFETCH
          : TOPIC_PREFETCH;
    const prefetchHeader = h.get('activemq.prefetchSize');
    if (prefetchHeader !== undefined) prefetch = intHeader('activemq.prefetchSize', prefetchHeader, 0, 2_147_483_647);
    const priorityHeader = h.get('activemq.priority');
    const ackHeader = h.get('ack');
    const ackMode: StompAckMode =
      ackHeader === 'client' ? 'client' : ackHeader === 'client-individual' ? 'client-individual' : 'auto';
    const coreAck: AckMode = ackMode === 'client' ? 'client' : ackMode === 'client-individual' ? 'individual' : 'auto';

    const info: ConsumerInfo = {
      consumerId: `${this.connectionId}:-1:${++this.consumerSequence}`,
      destination,
      prefetch,
      // As ActiveMQ's ProtocolConverter: STOMP headers are text, so numeric comparisons convert them.
      selector: h.get('selector') !== undefined ? `convert_string_expressions:${h.get('selector')}` : null,
      ackMode: coreAck,
      noLocal: boolHeader(h.get('activemq.noLocal')),
      exclusive: boolHeader(h.get('activemq.exclusive')),
      priority: priorityHeader === undefined ? 0 : intHeader('activemq.priority', priorityHeader, -128, 127),
      retroactive: boolHeader(h.get('activemq.retroactive')),
      browser,
      subscriptionName,
    };
    const sub = new StompSubscription(this, id ?? null, name, info, ackMode);
    for (const d of created) await this.broker.addDestination(context, d);
    const handle = await this.broker.addConsumer(context, info, sub);
    if (this.isClosing()) return;
    this.subscriptionsByConsumer.set(info.consumerId, sub);
    if (id !== undefined) this.subscriptionsById.set(id, sub);
    this.receipt(frame);
    sub.activate(handle);
  }

  private async onUnsubscribe(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const h = frame.headers;
    const id = h.get('id');
    const name = h.get('destination');
    if (this.version !== '1.0' && id === undefined) {
      throw new StompProtocolError('UNSUBSCRIBE received without a subscription id!');
    }
    if (id === undefined && name === undefined) {
      throw new StompProtocolError('Must specify the subscriptionId or the destination you are unsubscribing from');
    }
    let sub: StompSubscription | undefined;
    if (id !== undefined) {
      sub = this.subscriptionsById.get(id);
    } else {
      // Unsubscribing by destination (STOMP 1.0) removes the first subscription on it, as ActiveMQ does.
      const destination = this.destinations.toDestination(name!, true);
      for (const s of this.subscriptionsByConsumer.values()) {
        if (s.info.destination === destination) {
          sub = s;
          break;
        }
      }
    }
    const durable = h.get('activemq.subscriptionName') ?? h.get('activemq.subcriptionName');
    if (durable !== undefined) {
      // The durable subscription is deleted (RemoveSubscriptionInfo); an active subscriber to it on this
      // connection is detached first so the broker does not refuse the removal as "in use".
      if (sub !== undefined) await this.removeSubscription(context, sub);
      await this.broker.removeSubscription(context, context.info.clientId ?? this.connectionId, durable);
      this.receipt(frame);
      return;
    }
    if (sub === undefined) throw new StompProtocolError('No subscription matched.');
    await this.removeSubscription(context, sub);
    this.receipt(frame);
  }

  private async removeSubscription(context: ConnectionContext, sub: StompSubscription): Promise<void> {
    this.subscriptionsByConsumer.delete(sub.consumerId);
    if (sub.id !== null) this.subscriptionsById.delete(sub.id);
    sub.close();
    await this.broker.removeConsumer(context, sub.consumerId);
  }

  private async onAck(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const h = frame.headers;
    const messageId = h.get('message-id');
    const subscriptionId = h.get('subscription');
    const ackId = h.get('id');
    if (messageId === undefined && this.version !== '1.2') {
      throw new StompProtocolError('ACK received without a message-id to acknowledge!');
    }
    if (subscriptionId === undefined && this.version === '1.1') {
      throw new StompProtocolError('ACK received without a subscription id for acknowledge!');
    }
    if (ackId === undefined && this.version === '1.2') {
      throw new StompProtocolError('ACK received without a ack id for acknowledge!');
    }
    const transactionId = this.transactionFor(frame);
    const ack = this.findAck(ackId, subscriptionId, messageId, (sub, id) => sub.onAck(id, transactionId), true);
    if (ack === null) throw new StompProtocolError(`Unexpected ACK received for message-id [${messageId ?? ackId}]`);
    await this.broker.acknowledge(context, ack);
    this.receipt(frame);
  }

  /**
   * The broker ack for an ACK/NACK frame: by the 1.2 `id` header, else by subscription and message id, else
   * (STOMP 1.0 ACK only) the first subscription that sent that message id.
   */
  private findAck(
    ackId: string | undefined,
    subscriptionId: string | undefined,
    messageId: string | undefined,
    make: (sub: StompSubscription, messageId: string) => MessageAck | null,
    anySubscription: boolean,
  ): MessageAck | null {
    if (ackId !== undefined && this.version === '1.2') {
      const pending = this.pendingAcks.get(ackId);
      return pending === undefined ? null : make(pending.subscription, pending.messageId);
    }
    if (subscriptionId !== undefined) {
      const sub = this.subscriptionsById.get(subscriptionId);
      return sub === undefined ? null : make(sub, messageId!);
    }
    if (!anySubscription) return null;
    for (const sub of this.subscriptionsByConsumer.values()) {
      const ack = make(sub, messageId!);
      if (ack !== null) return ack;
    }
    return null;
  }

  private async onNack(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    if (this.version === '1.0') throw new StompProtocolError('NACK received but connection is in v1.0 mode.');
    const h = frame.headers;
    const messageId = h.get('message-id');
    const subscriptionId = h.get('subscription');
    const ackId = h.get('id');
    if (subscriptionId === undefined && this.version !== '1.2') {
      throw new StompProtocolError('NACK received without a subscription id for acknowledge!');
    }
    if (messageId === undefined && this.version !== '1.2') {
      throw new StompProtocolError('NACK received without a message-id to acknowledge!');
    }
    if (ackId === undefined && this.version === '1.2') {
      throw new StompProtocolError('NACK received without an ack header to acknowledge!');
    }
    const transactionId = this.transactionFor(frame);
    const ack = this.findAck(ackId, subscriptionId, messageId, (sub, id) => sub.onNack(id, transactionId), false);
    if (ack === null) throw new StompProtocolError(`Unexpected NACK received for message-id [${messageId ?? ackId}]`);
    await this.broker.acknowledge(context, ack);
    this.receipt(frame);
  }

  private async onBegin(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const stompTx = frame.headers.get('transaction');
    if (stompTx === undefined) throw new StompProtocolError('Must specify the transaction you are beginning');
    if (this.transactions.has(stompTx)) throw new StompProtocolError(`The transaction was already started: ${stompTx}`);
    // ActiveMQ's LocalTransactionId prints as TX:<connectionId>:<n>.
    const transactionId = `TX:${this.connectionId}:${++this.transactionSequence}`;
    this.transactions.set(stompTx, transactionId);
    await this.broker.beginTransaction(context, transactionId);
    this.receipt(frame);
  }

  private async onCommit(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const transactionId = this.takeTransaction(frame);
    for (const sub of this.subscriptionsByConsumer.values()) {
      const ack = sub.onCommit(transactionId);
      if (ack !== null) await this.broker.acknowledge(context, ack);
    }
    await this.broker.commitTransaction(context, transactionId, true);
    this.receipt(frame);
  }

  private async onAbort(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    const transactionId = this.takeTransaction(frame);
    for (const sub of this.subscriptionsByConsumer.values()) sub.onAbort();
    await this.broker.rollbackTransaction(context, transactionId);
    this.receipt(frame);
  }

  private async onDisconnect(frame: StompFrame): Promise<void> {
    const context = this.requireConnected();
    this.state = 'closing';
    this.heartbeat.stop();
    this.closeSubscriptions();
    try {
      if (this.registered) {
        this.registered = false;
        await this.broker.removeConnection(context);
      }
      // The receipt goes out after the broker has released everything, then the socket is flushed and closed.
      this.receipt(frame, true);
    } catch (e) {
      this.logger.warn('removing a disconnecting STOMP connection failed', { error: e });
    } finally {
      this.writer.end();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private requireConnected(): ConnectionContext {
    if (this.state !== 'connected' || this.context === null) throw new StompProtocolError('Not connected.');
    return this.context;
  }

  private isClosing(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  private transactionFor(frame: StompFrame): string | null {
    const stompTx = frame.headers.get('transaction');
    if (stompTx === undefined) return null;
    const transactionId = this.transactions.get(stompTx);
    if (transactionId === undefined) throw new StompProtocolError(`Invalid transaction id: ${stompTx}`);
    return transactionId;
  }

  private takeTransaction(frame: StompFrame): string {
    const stompTx = frame.headers.get('transaction');
    // ActiveMQ uses the same text for COMMIT and ABORT.
    if (stompTx === undefined) throw new StompProtocolError('Must specify the transaction you are committing');
    const transactionId = this.transactions.get(stompTx);
    if (transactionId === undefined) throw new StompProtocolError(`Invalid transaction id: ${stompTx}`);
    this.transactions.delete(stompTx);
    return transactionId;
  }

  private send(command: string, headers: HeaderList, body: Uint8Array | null = null, force = false): void {
    if (!force && this.isClosing()) return;
    this.writer.frame(encodeHead(command, headers, this.version), body);
  }

  private receipt(frame: StompFrame, force = false): void {
    const id = frame.headers.get('receipt');
    if (id !== undefined) this.send('RECEIPT', [['receipt-id', id]], null, force);
  }

  /**
   * Reports `error` in an ERROR frame (with the failing frame's receipt id) and closes. The `message` header
   * carries the text as ActiveMQ puts it there; security errors are passed verbatim.
   */
  private fail(error: unknown, frame: StompFrame | null): void {
    if (this.isClosing()) return;
    const message = error instanceof Error ? error.message : String(error);
    const clientFault = error instanceof StompProtocolError || error instanceof StompFrameError;
    if (clientFault || (isBrokerError(error) && !error.isBrokerFault)) {
      this.logger.info('STOMP connection closed on error', { error: message, command: frame?.command });
    } else {
      this.logger.warn('STOMP connection failed', { error });
    }
    const headers: [string, string][] = [
      // STOMP 1.0 cannot escape an EOL in a header value.
      ['message', this.version === '1.0' ? message.replace(/[\r\n]+/g, ' ') : message],
      ['content-type', 'text/plain'],
    ];
    const receiptId = frame?.headers.get('receipt');
    if (receiptId !== undefined) headers.push(['receipt-id', receiptId]);
    this.send('ERROR', headers, message.length > 0 ? Buffer.from(message, 'utf8') : EMPTY_BODY);
    this.state = 'closing';
    this.heartbeat.stop();
    this.closeSubscriptions();
    this.writer.end();
  }

  private closeSubscriptions(): void {
    for (const sub of this.subscriptionsByConsumer.values()) sub.close();
  }

  private async onTransportClose(error?: Error): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.heartbeat.stop();
    this.writer.discard();
    this.closeSubscriptions();
    try {
      if (this.registered && this.context !== null) {
        this.registered = false;
        const cause =
          error === undefined ? undefined : new BrokerError('ERR_PROTOCOL', error.message, { cause: error });
        await this.broker.removeConnection(this.context, cause);
      }
    } catch (e) {
      this.logger.warn('removing a closed STOMP connection failed', { error: e });
    } finally {
      this.closedResolve();
    }
  }
}

function boolHeader(value: string | undefined): boolean {
  // IntrospectionSupport converts with Boolean.valueOf: only "true", in any case, is true.
  return value !== undefined && value.toLowerCase() === 'true';
}

function intHeader(name: string, value: string, min: number, max: number): number {
  const t = value.trim();
  const n = /^[+-]?\d{1,10}$/.test(t) ? Number(t) : NaN;
  if (!(n >= min && n <= max)) throw new StompProtocolError(`Invalid value for header ${name}: [${value}]`);
  return n;
}
