import mqtt from 'mqtt-packet';
import type {
  IConnectPacket,
  IDisconnectPacket,
  IPublishPacket,
  ISubscribePacket,
  IUnsubscribePacket,
  Packet,
  QoS,
} from 'mqtt-packet';
import type { Broker, ConnectionContext } from '../../broker/broker.js';
import { AckType, type ConnectionInfo, type ConsumerInfo } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { IdGenerator } from '../../model/ids.js';
import type { ConnectionWatch } from '../../transport/connection-guard.js';
import { InactivityMonitor } from '../../transport/inactivity-monitor.js';
import type { Transport } from '../../transport/transport.js';
import type { Clock } from '../../util/clock.js';
import { isBrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ProtocolConnection, ProtocolContext } from '../protocol.js';
import { InboundQueue } from '../inbound-queue.js';
import { FrameSplitter, MqttFrameError } from './codec/index.js';
import { mqttTopicOf, publishToMessage } from './message-convert.js';
import { connackCode, MqttProtocolError, ReasonCode, subscribeFailureCode } from './reason-codes.js';
import { openSession, packetIdFor, sessionsOf, type MqttSession, type SessionOwner } from './session-registry.js';
import type { MqttSettings } from './settings.js';
import { MqttSubscription, type InflightDelivery, type SubscriptionHost } from './subscription.js';
import {
  clientQueues,
  parseConsumerQueue,
  VIRTUAL_TOPIC_STRATEGY,
  virtualPublishTopic,
  virtualSubscription,
  virtualTopicOf,
} from './virtual-topic-strategy.js';
import {
  isWellFormed,
  MqttTopicError,
  mqttToActiveMQ,
  parseSharedFilter,
  type SharedFilter,
  validateTopicFilter,
  validateTopicName,
} from './topics.js';

type State = 'awaiting-connect' | 'connecting' | 'connected' | 'closing' | 'closed';
/** ActiveMQPrefetchPolicy defaults, as MQTTDefaultSubscriptionStrategy applies them. */
const TOPIC_PREFETCH = 32767;
const DURABLE_TOPIC_PREFETCH = 100;
/** ActiveMQPrefetchPolicy's queue prefetch: a shared subscription's members are consumers of its queue. */
const QUEUE_PREFETCH = 1000;
/** ActiveMQ names an MQTT durable subscription `<QoS enum name>:<topic filter>` (MQTTDefaultSubscriptionStrategy). */
const QOS_NAMES = ['AT_MOST_ONCE', 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const;
/** MQTT's Keep Alive grace: the server allows one and a half intervals ([MQTT-3.1.2-24], MQTT_KEEP_ALIVE_GRACE_PERIOD). */
const KEEP_ALIVE_GRACE = 1.5;
/** MQTT 5 session expiry that means "never". */
const NEVER_EXPIRES = 0xffffffff;

const connectionIds = new IdGenerator();
const UNACCEPTABLE_PROTOCOL_LEVEL = Buffer.from([0x20, 0x02, 0x00, 0x01]);

/**
 * One MQTT 3.1 / 3.1.1 / 5.0 client connection, following ActiveMQ's MQTTProtocolConverter: CONNECT becomes a
 * connection (authenticated by the broker's security filters) with one producer, each topic filter a topic
 * consumer (durable when the session persists), PUBLISH a BytesMessage on the mapped topic. Packets are
 * handled in order; PUBLISHes run in the broker alongside each other up to a bound so a QoS 0/1 stream shares
 * group commits and producer flow control holds the socket back.
 */
export class MqttConnection implements ProtocolConnection, SubscriptionHost, SessionOwner {
  readonly connectionId = connectionIds.next();
  private readonly producerId = `${this.connectionId}:-1:1`;
  readonly logger: Logger;
  version: 3 | 4 | 5 = 4;

  private state: State = 'awaiting-connect';
  private readonly broker: Broker;
  private readonly clock: Clock;
  private readonly splitter: FrameSplitter;
  private readonly parser = mqtt.parser({ protocolVersion: 4 });
  private readonly keepAlive: InactivityMonitor;
  private readonly watch: ConnectionWatch | undefined;
  private context: ConnectionContext | null = null;
  private registered = false;
  private session: MqttSession | null = null;
  private persistent = false;
  private sessionExpiry = 0;
  private will: IConnectPacket['will'] | null = null;
  /** The raw packet being decoded, for the UTF-8 check of its strings. */
  private raw: Buffer = Buffer.alloc(0);
  /** The input failed (a framing error): nothing read after it is looked at. */
  private inputFailed = false;
  /** Whether any byte arrived yet: the very first must begin a CONNECT. */
  private readAny = false;

  /** Packets in order; PUBLISHes run alongside the next ones, up to a bound (see onPublish). */
  private readonly inbound: InboundQueue<Packet>;

  private readonly subscriptions = new Map<string, MqttSubscription>();
  private readonly byConsumer = new Map<string, MqttSubscription>();
  /** QoS 1/2 messages written to the client, by packet id, until PUBACK / PUBCOMP. */
  private readonly inflight = new Map<number, InflightDelivery>();
  /** MQTT 5: the client's Receive Maximum (65535 when it gives none, and for 3.1.1). */
  private clientReceiveMaximum = 65535;
  /** MQTT 5 topic aliases the client set, bounded by the Topic Alias Maximum announced in CONNACK. */
  private readonly aliases = new Map<number, string>();
  private messageSequence = 0;
  private consumerSequence = 0;

  private released: Promise<void> | null = null;
  private closedResolve!: () => void;
  private readonly closedPromise = new Promise<void>((r) => (this.closedResolve = r));

  constructor(
    private readonly transport: Transport,
    context: ProtocolContext,
    private readonly settings: MqttSettings,
  ) {
    this.broker = context.broker;
    this.clock = context.clock;
    this.logger = context.logger.child({ connectionId: this.connectionId, remote: transport.remoteAddress });
    this.splitter = new FrameSplitter(settings.maxFrameSize);
    this.inbound = new InboundQueue<Packet>(
      {
        isClosing: () => this.isClosing(),
        // A PUBLISH runs alongside the PUBLISHes before it; any other packet waits for them.
        joinsAsyncSends: (p) => p.cmd === 'publish',
        handle: (p) => this.handle(p),
        fail: (e) => this.failWith(e),
      },
      transport,
    );
    this.parser.on('packet', (p: Packet) => this.decoded(p));
    this.parser.on('error', (e: Error) => {
      if (this.state === 'awaiting-connect' && e.message === 'Invalid protocol version') {
        // [MQTT-3.1.2-2]: CONNACK 0x01 (unacceptable protocol level), then close, as ActiveMQ does.
        this.transport.write(UNACCEPTABLE_PROTOCOL_LEVEL);
        this.inbound.push(new MqttProtocolError('Unsupported or invalid protocol version'));
        return;
      }
      this.inbound.push(new MqttProtocolError(e.message, ReasonCode.MalformedPacket));
    });
    // MQTT keep-alive is the client's to send (PINGREQ); the server only checks it (MQTTInactivityMonitor).
    this.keepAlive = new InactivityMonitor(this.clock, {
      keepAlive: () => {},
      inactive: (ms) =>
        this.fail(
          `Channel was inactive for too (>${ms}) long: ${transport.remoteAddress}`,
          ReasonCode.KeepAliveTimeout,
        ),
    });
    this.watch = context.watch;
    this.watch?.watchFrames(() => !this.splitter.idle);
    this.watch?.onTimeout((reason) => this.fail(reason, null));
    transport.onData((chunk) => this.onData(chunk));
    transport.onDrain(() => this.wakeupAll());
    transport.onClose((error) => void this.onTransportClose(error));
  }

  // ---- SubscriptionHost -----------------------------------------------------------------------------

  get v5(): boolean {
    return this.version === 5;
  }

  get canDeliver(): boolean {
    return (
      this.state === 'connected' &&
      this.transport.writable &&
      this.inflight.size < this.clientReceiveMaximum &&
      this.inflight.size < 65535
    );
  }

  get maxPayload(): number {
    return this.settings.maxFrameSize;
  }

  topicOf(m: Message): string {
    return this.virtualTopics ? virtualTopicOf(m) : mqttTopicOf(m);
  }

  /** transport.subscriptionStrategy=mqtt-virtual-topic-subscriptions (virtual-topic-strategy.ts). */
  private get virtualTopics(): boolean {
    return this.settings.subscriptionStrategy === VIRTUAL_TOPIC_STRATEGY;
  }

  now(): number {
    return this.clock.now();
  }

  sendPublish(packet: IPublishPacket, inflight: InflightDelivery | null): void {
    if (inflight !== null) {
      const session = this.session!;
      const id = packetIdFor(
        session,
        inflight.messageId,
        (n) => this.inflight.has(n) || session.awaitingComplete.has(n),
      );
      packet.messageId = id;
      this.inflight.set(id, inflight);
    }
    this.write(packet);
  }

  consumedAtMostOnce(sub: MqttSubscription, messageId: string): void {
    // After the write, outside the broker's dispatch loop that called deliver.
    queueMicrotask(() => this.ack(sub.consumerId, messageId));
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  close(reason: string): Promise<void> {
    if (this.state !== 'closed') this.fail(reason, ReasonCode.ServerShuttingDown);
    return this.closedPromise;
  }

  get closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Another connection CONNECTed with this client id ([MQTT-3.1.4-2]; ActiveMQ's allowLinkStealing). */
  async takeOver(): Promise<void> {
    this.fail(
      `Client ${this.context?.info.clientId ?? ''} connected again from another connection`,
      ReasonCode.SessionTakenOver,
    );
    await this.release();
  }

  // ---- inbound --------------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.inputFailed || this.state === 'closing' || this.state === 'closed') return;
    this.keepAlive.onRead();
    if (!this.readAny && chunk[0] !== 0x10) {
      // [MQTT-3.1.0-1]: the first packet is CONNECT; anything else is refused at its first byte.
      this.inputFailed = true;
      this.inbound.push(new MqttProtocolError('The first packet must be CONNECT'));
      return;
    }
    this.readAny = true;
    try {
      this.splitter.push(chunk, (packet) => {
        this.raw = packet;
        this.parser.parse(packet);
      });
    } catch (e) {
      this.inputFailed = true;
      this.inbound.push(e instanceof MqttFrameError ? e : new MqttProtocolError(String(e)));
    }
  }

  /** Checks made as packets are decoded: strings must be well-formed UTF-8 ([MQTT-1.5.3-1]). */
  private decoded(p: Packet): void {
    const raw = this.raw;
    const strings: string[] = [];
    if (p.cmd === 'publish') strings.push(p.topic);
    else if (p.cmd === 'subscribe') for (const s of p.subscriptions) strings.push(s.topic);
    else if (p.cmd === 'unsubscribe') strings.push(...p.unsubscriptions);
    else if (p.cmd === 'connect') {
      strings.push(p.clientId);
      if (p.will) strings.push(p.will.topic);
    }
    for (const s of strings) {
      if (!isWellFormed(s, raw)) {
        this.inbound.push(
          new MqttProtocolError('Topic name contained invalid UTF-8 encoding.', ReasonCode.MalformedPacket),
        );
        return;
      }
    }
    this.inbound.push(p);
  }

  private async handle(p: Packet): Promise<void> {
    if (this.logger.channel('mqtt')) this.logger.trace('mqtt', 'received', { cmd: p.cmd, messageId: p.messageId });
    if (p.cmd === 'connect') return this.onConnect(p);
    // [MQTT-3.1.0-1]: the first packet must be CONNECT.
    if (this.state !== 'connected') throw new MqttProtocolError('Not connected.');
    switch (p.cmd) {
      case 'publish':
        return this.onPublish(p);
      case 'puback':
        return this.onPubAck(p.messageId!);
      case 'pubrec':
        return this.onPubRec(p.messageId!);
      case 'pubrel':
        return this.onPubRel(p.messageId!);
      case 'pubcomp':
        return this.onPubComp(p.messageId!);
      case 'subscribe':
        return this.onSubscribe(p);
      case 'unsubscribe':
        return this.onUnsubscribe(p);
      case 'pingreq':
        this.write({ cmd: 'pingresp' });
        return;
      case 'disconnect':
        return this.onDisconnect(p);
      default:
        throw new MqttProtocolError(`Unknown MQTTFrame type: ${p.cmd}`, ReasonCode.ProtocolError);
    }
  }

  // ---- CONNECT --------------------------------------------------------------------------------------

  private async onConnect(p: IConnectPacket): Promise<void> {
    // [MQTT-3.1.0-2]: a second CONNECT is a protocol violation.
    if (this.state !== 'awaiting-connect') throw new MqttProtocolError('Already connected.', ReasonCode.ProtocolError);
    this.watch?.connected();
    this.state = 'connecting';
    const version = p.protocolVersion ?? 4;
    this.version = version;
    if (p.password !== undefined && p.username === undefined && version === 4) {
      // [MQTT-3.1.2-22]; ActiveMQ closes without a CONNACK.
      throw new MqttProtocolError('Password given without a user name');
    }
    const clean = p.clean !== false;
    let clientId = p.clientId ?? '';
    let assigned = false;
    if (clientId === '') {
      if (version !== 5 && !clean) {
        // [MQTT-3.1.3-8]: a zero-length client id needs clean session.
        this.refuse(2, 'Invalid Client ID'); // 3.1.1 CONNACK 0x02: identifier rejected
        return;
      }
      // ActiveMQ names such a client by its connection id; MQTT 5 tells the client the name it got.
      clientId = this.connectionId;
      assigned = version === 5;
    }
    this.sessionExpiry = version === 5 ? (p.properties?.sessionExpiryInterval ?? 0) : clean ? 0 : NEVER_EXPIRES;
    this.persistent = this.sessionExpiry > 0;
    if (version === 5 && p.properties?.receiveMaximum !== undefined)
      this.clientReceiveMaximum = p.properties.receiveMaximum;
    this.will = p.will ?? null;

    // Link stealing: the connection holding this client id is closed first (allowLinkStealing, on by default
    // for MQTT in ActiveMQ); without it the broker refuses the id and the CONNACK says so.
    const previous = sessionsOf(this.broker).get(clientId);
    if (previous?.owner && this.settings.allowLinkStealing) await previous.owner.takeOver();
    if (this.isClosing()) return;

    const info: ConnectionInfo = {
      connectionId: this.connectionId,
      clientId,
      userName: p.username ?? null,
      password: p.password === undefined ? null : p.password.toString('utf8'),
      remoteAddress: this.transport.remoteAddress,
      protocol: 'mqtt',
      secure: this.transport.secure,
      peerCertificates: this.transport.peerCertificates,
    };
    const context: ConnectionContext = { info, security: null, control: { close: (e) => this.failWith(e) } };
    this.context = context;
    try {
      await this.broker.addConnection(context);
      this.registered = true;
      if (this.isClosing()) return;
      await this.broker.addProducer(context, { producerId: this.producerId, destination: null, windowSize: 0 });
    } catch (e) {
      const code = connackCode(e, version);
      this.logger.info('MQTT connection refused', { clientId, error: (e as Error).message });
      this.refuse(code, (e as Error).message);
      return;
    }
    if (this.isClosing()) return;

    const session = openSession(this.broker, clientId);
    this.session = session;
    session.owner = this;
    // ActiveMQ's durable subscriptions of an MQTT client: `<QoS>:<filter>` under its client id.
    const stored = (this.broker.durableSubscriptions?.(clientId) ?? []).filter((s) => parseDurableName(s) !== null);
    // MQTTVirtualTopicSubscriptionStrategy.onConnect: the client's consumer queues are its session too.
    const queues = this.virtualTopics ? clientQueues(this.broker.getDestinations(), clientId) : [];
    // 3.1.1 Clean Session and MQTT 5 Clean Start both mean: begin without the stored session.
    const startClean = clean;
    if (startClean) {
      session.packetIds.clear();
      session.awaitingRelease.clear();
      session.awaitingComplete.clear();
      for (const s of stored) await this.broker.removeSubscription(context, clientId, s);
      for (const q of queues) await this.broker.removeDestination(context, q).catch(() => {});
    }
    const sessionPresent = !startClean && (stored.length > 0 || queues.length > 0);
    this.state = 'connected';
    const keepAliveMs = (p.keepalive ?? 0) > 0 ? p.keepalive! * 1000 : this.settings.defaultKeepAliveMs;
    if (keepAliveMs > 0) this.keepAlive.start(Math.floor(keepAliveMs * KEEP_ALIVE_GRACE), 0);

    if (version === 5) {
      this.write({
        cmd: 'connack',
        reasonCode: 0,
        sessionPresent,
        properties: {
          receiveMaximum: this.settings.receiveMaximum,
          topicAliasMaximum: this.settings.topicAliasMaximum,
          maximumPacketSize: Math.min(this.settings.maxFrameSize + 5, 268_435_455),
          retainAvailable: true,
          wildcardSubscriptionAvailable: true,
          subscriptionIdentifiersAvailable: false,
          sharedSubscriptionAvailable: true,
          ...(assigned ? { assignedClientIdentifier: clientId } : {}),
        },
      });
    } else {
      this.write({ cmd: 'connack', returnCode: 0, sessionPresent });
    }
    this.logger.debug('MQTT client connected', { clientId, version });

    // The session's subscriptions go on delivering (ActiveMQ's restoreDurableSubs), after the CONNACK.
    if (!startClean) {
      // [MQTT-4.4.0-1]: PUBRELs the client has not completed are sent again first.
      for (const id of session.awaitingComplete) this.write({ cmd: 'pubrel', messageId: id });
      for (const name of stored) {
        const parsed = parseDurableName(name)!;
        await this.subscribe(parsed.filter, parsed.qos, { restored: true });
      }
      for (const q of queues) {
        const parsed = parseConsumerQueue(q, clientId);
        if (parsed !== null) await this.subscribe(parsed.filter, parsed.qos, { restored: true });
      }
    }
  }

  /** CONNACK with a refusal, then close ([MQTT-3.2.2-5]). */
  private refuse(code: number, reason: string): void {
    if (this.version === 5) {
      this.write({ cmd: 'connack', reasonCode: code, sessionPresent: false, properties: { reasonString: reason } });
    } else {
      this.write({ cmd: 'connack', returnCode: code, sessionPresent: false });
    }
    this.state = 'closing';
    this.transport.end();
  }

  // ---- PUBLISH from the client -----------------------------------------------------------------------

  private async onPublish(p: IPublishPacket): Promise<void> {
    const context = this.context!;
    let topic = p.topic;
    const alias = this.v5 ? p.properties?.topicAlias : undefined;
    if (alias !== undefined) {
      // [MQTT-3.3.2-9] / [MQTT-3.3.2-10]: an alias is 1..Topic Alias Maximum.
      if (alias === 0 || alias > this.settings.topicAliasMaximum) {
        throw new MqttProtocolError(`Topic alias ${alias} is out of range`, ReasonCode.TopicAliasInvalid);
      }
      if (topic.length > 0) this.aliases.set(alias, topic);
      else {
        const known = this.aliases.get(alias);
        if (known === undefined) throw new MqttProtocolError(`Unknown topic alias ${alias}`, ReasonCode.ProtocolError);
        topic = known;
      }
    }
    try {
      validateTopicName(topic);
    } catch (e) {
      throw new MqttProtocolError((e as Error).message, ReasonCode.TopicNameInvalid);
    }
    const id = p.messageId ?? 0;
    const session = this.session!;
    if (p.qos === 2) {
      if (session.awaitingRelease.has(id)) {
        // A resent QoS 2 PUBLISH whose first copy the broker has: exactly once means not sending it again.
        this.write({ cmd: 'pubrec', messageId: id });
        return;
      }
      if (session.awaitingRelease.size >= this.settings.receiveMaximum) {
        // [MQTT-3.3.4-9]: more than Receive Maximum QoS 2 PUBLISHes unreleased.
        throw new MqttProtocolError(
          `More than ${this.settings.receiveMaximum} QoS 2 PUBLISH packets await PUBREL (transport.receiveMaximum)`,
          ReasonCode.ReceiveMaximumExceeded,
        );
      }
      session.awaitingRelease.add(id);
    }
    // ActiveMQ drops PUBLISH to `$` topics (reserved for the server) unless publishDollarTopics, and acks it.
    if (topic.startsWith('$') && !this.settings.publishDollarTopics) {
      this.acknowledgePublish(p, 0);
      return;
    }
    const message = publishToMessage(p, topic, {
      producerId: this.producerId,
      messageId: `ID:${this.producerId}:${++this.messageSequence}`,
      connectionId: this.connectionId,
      now: this.clock.now(),
      v5: this.v5,
    });
    if (this.virtualTopics) message.destination = Destination.topic(virtualPublishTopic(message.destination.name));
    message.responseRequired = p.qos > 0;
    const sent = this.broker.send(context, message, null).then(
      () => this.acknowledgePublish(p, 0),
      (e: unknown) => {
        // ActiveMQ logs a failed publish and still acknowledges it (createResponseHandler); MQTT 5 can say why.
        this.logger.info('MQTT publish refused', { topic, error: (e as Error).message });
        this.acknowledgePublish(p, subscribeFailureCode(e, true));
      },
    );
    await this.inbound.runAlongside(sent);
  }

  private acknowledgePublish(p: IPublishPacket, reasonCode: number): void {
    if (this.isClosing()) return;
    const extra = this.v5 && reasonCode !== 0 ? { reasonCode } : {};
    if (p.qos === 1) this.write({ cmd: 'puback', messageId: p.messageId!, ...extra });
    else if (p.qos === 2) this.write({ cmd: 'pubrec', messageId: p.messageId!, ...extra });
  }

  private onPubRel(id: number): void {
    // The message went to the broker at PUBLISH; PUBREL only ends the handshake (ActiveMQ answers an unknown
    // PUBREL with PUBCOMP too, [MQTT-4.3.3-11]).
    this.session!.awaitingRelease.delete(id);
    this.write({ cmd: 'pubcomp', messageId: id });
  }

  // ---- deliveries acknowledged by the client ---------------------------------------------------------

  private onPubAck(id: number): void {
    const d = this.inflight.get(id);
    if (d === undefined || d.qos !== 1) return;
    this.inflight.delete(id);
    this.session?.packetIds.delete(d.messageId);
    this.ack(d.subscription.consumerId, d.messageId);
    this.wakeupAll();
  }

  private onPubRec(id: number): void {
    const d = this.inflight.get(id);
    if (d !== undefined && d.qos === 2) {
      // The client has the message now ([MQTT-4.3.3]): the broker may forget it; the id stays in use until PUBCOMP.
      this.ack(d.subscription.consumerId, d.messageId);
      this.session?.packetIds.delete(d.messageId);
    }
    this.session?.awaitingComplete.add(id);
    this.write({ cmd: 'pubrel', messageId: id });
  }

  private onPubComp(id: number): void {
    this.session?.awaitingComplete.delete(id);
    if (this.inflight.delete(id)) this.wakeupAll();
  }

  private ack(consumerId: string, messageId: string): void {
    const context = this.context;
    if (context === null || this.state === 'closed' || !this.byConsumer.has(consumerId)) return;
    this.broker
      .acknowledge(context, {
        consumerId,
        type: AckType.Individual,
        firstMessageId: messageId,
        lastMessageId: messageId,
        messageCount: 1,
        transactionId: null,
        poisonCause: null,
      })
      .catch((e: unknown) => this.logger.warn('MQTT acknowledge failed', { error: e }));
  }

  // ---- SUBSCRIBE / UNSUBSCRIBE -----------------------------------------------------------------------

  private async onSubscribe(p: ISubscribePacket): Promise<void> {
    if (p.subscriptions.length > this.settings.maxSubscriptions) {
      throw new MqttProtocolError(
        `SUBSCRIBE with ${p.subscriptions.length} topic filters exceeds transport.maxSubscriptions=${this.settings.maxSubscriptions}`,
        ReasonCode.QuotaExceeded,
      );
    }
    const granted: number[] = [];
    for (const s of p.subscriptions) {
      try {
        validateTopicFilter(s.topic);
      } catch (e) {
        // ActiveMQ closes the connection on an invalid filter (MQTTProtocolSupport.validate).
        throw new MqttProtocolError((e as Error).message, ReasonCode.TopicFilterInvalid);
      }
      granted.push(await this.subscribe(s.topic, s.qos, { noLocal: s.nl === true, retainHandling: s.rh ?? 0 }));
    }
    if (this.v5) this.write({ cmd: 'suback', messageId: p.messageId!, granted: granted });
    else this.write({ cmd: 'suback', messageId: p.messageId!, granted: granted.map((g) => (g >= 0x80 ? 0x80 : g)) });
  }

  /** Subscribes one filter; answers the SUBACK code (granted QoS, or a failure). */
  private async subscribe(
    filter: string,
    qos: QoS,
    opts: { restored?: boolean; noLocal?: boolean; retainHandling?: number },
  ): Promise<number> {
    const context = this.context!;
    let shared: SharedFilter | null;
    try {
      shared = parseSharedFilter(filter);
    } catch {
      return this.v5 ? ReasonCode.TopicFilterInvalid : 0x80;
    }
    // [MQTT-3.8.3-4]: No Local on a shared subscription is a protocol error.
    if (shared !== null && opts.noLocal === true) {
      throw new MqttProtocolError(`No Local set on the shared subscription ${filter}`, ReasonCode.ProtocolError);
    }
    const existing = this.subscriptions.get(filter);
    if (existing !== undefined) {
      // MQTTDefaultSubscriptionStrategy: the same QoS keeps the subscription; another QoS replaces it.
      if (existing.qos === qos) return qos;
      await this.unsubscribe(filter);
    }
    if (this.subscriptions.size >= this.settings.maxSubscriptions) {
      this.logger.info('MQTT subscription refused: transport.maxSubscriptions reached', { filter });
      return this.v5 ? ReasonCode.QuotaExceeded : 0x80;
    }
    // A resumed subscription keeps its durable name even if this connection's session will end with it. For a
    // shared subscription the name makes the session a holder of the group (SharedSubscriptionBroker): its queue
    // keeps filling while the session's client is away.
    const durable = (this.persistent || opts.restored === true) && qos > 0;
    let prefetch = shared !== null ? QUEUE_PREFETCH : durable ? DURABLE_TOPIC_PREFETCH : TOPIC_PREFETCH;
    if (this.settings.subscriptionPrefetch > 0) prefetch = this.settings.subscriptionPrefetch;
    let destination = Destination.topic(mqttToActiveMQ(shared?.filter ?? filter));
    let subscriptionName = durable ? `${QOS_NAMES[qos]}:${filter}` : null;
    if (this.virtualTopics && shared !== null) {
      destination = Destination.topic(virtualPublishTopic(destination.name));
    } else if (this.virtualTopics) {
      // MQTTVirtualTopicSubscriptionStrategy.onSubscribe: a consumer queue, or the virtual topic.
      const target = virtualSubscription(filter, qos, durable, context.info.clientId ?? this.connectionId);
      destination = target.destination;
      subscriptionName = target.durableName;
      if (destination.isQueue && this.settings.subscriptionPrefetch <= 0) prefetch = QUEUE_PREFETCH;
    }
    const info: ConsumerInfo = {
      consumerId: `${this.connectionId}:-1:${++this.consumerSequence}`,
      destination,
      // Members of one group share its messages (SharedSubscriptionBroker).
      shareGroup: shared?.group ?? null,
      prefetch,
      selector: null,
      // QoS 0 on a non-durable subscription needs no acknowledgement; the rest is acknowledged per message.
      ackMode: qos === 0 && !durable ? 'auto' : 'individual',
      noLocal: opts.noLocal === true,
      exclusive: false,
      priority: 0,
      // Retained messages reach a new subscriber as retroactive recovery (ActiveMQ sets retroactive=true);
      // MQTT 5 retain handling 2 asks for none, and a restored session already had them. A shared subscription
      // gets none (MQTT 5 §4.8.2: retained messages are not sent when a shared subscription is made).
      retroactive: shared === null && opts.restored !== true && opts.retainHandling !== 2,
      browser: false,
      subscriptionName,
    };
    const sub = new MqttSubscription(this, filter, qos, info);
    // Registered before the broker may deliver (ActiveMQ: "optimistic add to local maps first").
    this.subscriptions.set(filter, sub);
    this.byConsumer.set(info.consumerId, sub);
    try {
      const handle = await this.broker.addConsumer(context, info, sub);
      sub.activate(handle);
      return qos;
    } catch (e) {
      this.subscriptions.delete(filter);
      this.byConsumer.delete(info.consumerId);
      sub.close();
      this.logger.info('MQTT subscription refused', { filter, error: (e as Error).message });
      // 3.1.1 answers 0x80 for a refused filter (AbstractMQTTSubscriptionStrategy.doSubscribe).
      return this.v5 ? subscribeFailureCode(e, false) : 0x80;
    }
  }

  private async onUnsubscribe(p: IUnsubscribePacket): Promise<void> {
    const codes: number[] = [];
    for (const filter of p.unsubscriptions) {
      try {
        validateTopicFilter(filter);
      } catch (e) {
        throw new MqttProtocolError((e as Error).message, ReasonCode.TopicFilterInvalid);
      }
      codes.push((await this.unsubscribe(filter)) ? 0 : ReasonCode.NoSubscriptionExisted);
    }
    if (this.v5) this.write({ cmd: 'unsuback', messageId: p.messageId!, granted: codes });
    else this.write({ cmd: 'unsuback', messageId: p.messageId!, granted: [] });
  }

  private async unsubscribe(filter: string): Promise<boolean> {
    const context = this.context!;
    const sub = this.subscriptions.get(filter);
    if (sub === undefined) return false;
    this.subscriptions.delete(filter);
    this.byConsumer.delete(sub.consumerId);
    sub.close();
    for (const [id, d] of this.inflight) if (d.subscription === sub) this.inflight.delete(id);
    await this.broker.removeConsumer(context, sub.consumerId);
    if (sub.info.subscriptionName !== null) {
      await this.broker.removeSubscription(context, context.info.clientId!, sub.info.subscriptionName);
    }
    // MQTTVirtualTopicSubscriptionStrategy.onUnSubscribe: a consumer queue goes with its subscription.
    if (sub.info.destination.isQueue)
      await this.broker.removeDestination(context, sub.info.destination).catch(() => {});
    return true;
  }

  // ---- DISCONNECT and failures -----------------------------------------------------------------------

  private async onDisconnect(p: IDisconnectPacket): Promise<void> {
    // [MQTT-3.14.4-3]: a normal DISCONNECT discards the will; MQTT 5's 0x04 asks for it to be sent.
    if (!(this.v5 && p.reasonCode === 0x04)) this.will = null;
    const expiry = this.v5 ? p.properties?.sessionExpiryInterval : undefined;
    if (expiry !== undefined) {
      // [MQTT-3.14.2-2]: a session that was not persistent cannot be made so at DISCONNECT.
      if (this.sessionExpiry === 0 && expiry > 0) {
        throw new MqttProtocolError(
          'Session Expiry Interval set on DISCONNECT after 0 on CONNECT',
          ReasonCode.ProtocolError,
        );
      }
      this.sessionExpiry = expiry;
    }
    this.state = 'closing';
    this.keepAlive.stop();
    for (const sub of this.subscriptions.values()) sub.close();
    await this.release();
    this.transport.end();
  }

  private failWith(error: unknown): void {
    if (error instanceof MqttProtocolError) return this.fail(error.message, error.reasonCode);
    if (error instanceof MqttFrameError) return this.fail(error.message, ReasonCode.PacketTooLarge);
    const message = error instanceof Error ? error.message : String(error);
    if (isBrokerError(error) && error.isBrokerFault) this.logger.warn('MQTT connection failed', { error });
    this.fail(
      message,
      isBrokerError(error) && error.code === 'ERR_BROKER_STOPPED'
        ? ReasonCode.ServerShuttingDown
        : ReasonCode.UnspecifiedError,
    );
  }

  /**
   * Ends the connection from the broker side. MQTT 3.1.1 has no way to say why, so ActiveMQ just closes; an
   * MQTT 5 client gets a DISCONNECT with the reason code and text first.
   */
  fail(reason: string, reasonCode: number | null): void {
    if (this.isClosing()) return;
    this.logger.info('MQTT connection closed', { reason });
    if (this.v5 && this.state === 'connected' && reasonCode !== null) {
      this.write({ cmd: 'disconnect', reasonCode, properties: { reasonString: reason.slice(0, 1024) } });
    }
    this.state = 'closing';
    this.keepAlive.stop();
    for (const sub of this.subscriptions.values()) sub.close();
    this.transport.end();
    void this.release();
  }

  private async onTransportClose(error?: Error): Promise<void> {
    if (this.state === 'closed') return;
    if (error !== undefined) this.logger.debug('MQTT transport closed', { error: error.message });
    this.state = 'closing';
    this.keepAlive.stop();
    for (const sub of this.subscriptions.values()) sub.close();
    await this.release();
    this.state = 'closed';
    this.closedResolve();
  }

  /** Publishes the will if due, releases everything the broker holds for this connection, keeps or ends the session. */
  private release(): Promise<void> {
    this.released ??= this.doRelease();
    return this.released;
  }

  private async doRelease(): Promise<void> {
    await this.inbound.drainSends().catch(() => {});
    const context = this.context;
    if (!this.registered || context === null) return;
    this.registered = false;
    if (this.will != null) await this.publishWill(context, this.will);
    this.inflight.clear();
    const session = this.session;
    const ending = !this.persistent || this.sessionExpiry === 0;
    if (ending && session !== null && session.owner === this && this.byConsumer.size > 0) {
      // The session ends with the connection (clean session, or MQTT 5 expiry 0): durable subscriptions it
      // resumed go too, once their consumers are detached.
      for (const id of [...this.byConsumer.keys()]) await this.broker.removeConsumer(context, id).catch(() => {});
      await this.expireSession(context, session.clientId);
    }
    try {
      await this.broker.removeConnection(context);
    } catch (e) {
      this.logger.warn('removing an MQTT connection failed', { error: e });
    }
    if (session === null || session.owner !== this) return;
    session.owner = null;
    const sessions = sessionsOf(this.broker);
    if (ending) {
      sessions.delete(session.clientId);
      return;
    }
    if (this.sessionExpiry !== NEVER_EXPIRES) {
      // MQTT 5 session expiry: the durable subscriptions go when nobody resumed the session in time.
      const clientId = session.clientId;
      session.expiry = this.clock.setTimeout(() => {
        if (session.owner !== null || sessions.get(clientId) !== session) return;
        sessions.delete(clientId);
        void this.expireSession(context, clientId);
      }, this.sessionExpiry * 1000);
    }
  }

  private async expireSession(context: ConnectionContext, clientId: string): Promise<void> {
    if (this.virtualTopics) {
      for (const q of clientQueues(this.broker.getDestinations(), clientId)) {
        await this.broker.removeDestination(context, q).catch(() => {});
      }
    }
    for (const name of this.broker.durableSubscriptions?.(clientId) ?? []) {
      if (parseDurableName(name) === null) continue;
      await this.broker.removeSubscription(context, clientId, name).catch((e: unknown) => {
        this.logger.info('MQTT session expiry could not remove a subscription', { name, error: (e as Error).message });
      });
    }
  }

  private async publishWill(context: ConnectionContext, will: NonNullable<IConnectPacket['will']>): Promise<void> {
    try {
      validateTopicName(will.topic);
      const payload = typeof will.payload === 'string' ? Buffer.from(will.payload) : will.payload;
      const packet: IPublishPacket = {
        cmd: 'publish',
        topic: will.topic,
        payload,
        qos: will.qos ?? 0,
        retain: will.retain === true,
        dup: false,
        ...(will.properties ? { properties: will.properties } : {}),
      };
      const message = publishToMessage(packet, will.topic, {
        producerId: this.producerId,
        messageId: `ID:${this.producerId}:${++this.messageSequence}`,
        connectionId: this.connectionId,
        now: this.clock.now(),
        v5: this.v5,
      });
      if (this.virtualTopics) message.destination = Destination.topic(virtualPublishTopic(message.destination.name));
      await this.broker.send(context, message, null);
    } catch (e) {
      // ActiveMQ: "Failed to publish Will Message".
      this.logger.info('Failed to publish Will Message', { topic: will.topic, error: (e as Error).message });
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private isClosing(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  private wakeupAll(): void {
    for (const sub of this.byConsumer.values()) sub.wakeup();
  }

  private write(packet: Packet): void {
    if (this.state === 'closed') return;
    if (this.logger.channel('mqtt'))
      this.logger.trace('mqtt', 'sent', { cmd: packet.cmd, messageId: packet.messageId });
    this.transport.write(mqtt.generate(packet, { protocolVersion: shortForm(packet) ? 4 : this.version }));
  }
}

/**
 * MQTT 5 lets PUBACK, PUBREC, PUBREL and PUBCOMP with reason 0 and no properties be just the packet id, the
 * 3.1.1 form (§3.4.2.1); sent so, since some clients (paho-mqtt 1.6) read only that form of PUBREL.
 */
function shortForm(p: Packet): boolean {
  if (p.cmd !== 'puback' && p.cmd !== 'pubrec' && p.cmd !== 'pubrel' && p.cmd !== 'pubcomp') return false;
  return (p.reasonCode ?? 0) === 0 && p.properties === undefined;
}

/** `<QoS enum name>:<filter>`, the name ActiveMQ gives an MQTT durable subscription; null for other names. */
function parseDurableName(name: string): { qos: QoS; filter: string } | null {
  const colon = name.indexOf(':');
  if (colon < 0) return null;
  const qos = QOS_NAMES.indexOf(name.slice(0, colon) as (typeof QOS_NAMES)[number]);
  if (qos < 0) return null;
  return { qos: qos as QoS, filter: name.slice(colon + 1) };
}

export { MqttTopicError };
