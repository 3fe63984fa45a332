import {
  T,
  encodeMapContent,
  encodeTextContent,
  messageId,
  messageIdToString,
  type ActiveMQDestination,
  type BrokerId,
  type Message,
  type MessageTypeNumber,
  type ProducerInfo,
  type RemoveInfo,
} from '../protocol/openwire/codec/index.js';
import { encodePrimitiveMap } from '../model/primitive-map.js';
import { command } from './commands.js';
import { illegalState } from './errors.js';
import { toDestination, toProperties, type DestinationLike, type MessageBody, type PropertyValue } from './message.js';
import type { Session } from './session.js';

export interface SendOptions {
  /** For a producer created without a destination (or to override it). */
  destination?: DestinationLike;
  /** JMSDeliveryMode; default persistent, as JMS says. */
  persistent?: boolean;
  /** 0–9, default 4. */
  priority?: number;
  /** ms; 0 (default) never expires. */
  timeToLive?: number;
  properties?: Record<string, PropertyValue>;
  correlationId?: string;
  replyTo?: DestinationLike;
  /** JMSType. */
  type?: string;
  /** JMSXGroupID / JMSXGroupSeq. */
  groupId?: string;
  groupSeq?: number;
  /** Forces a synchronous (true) or asynchronous (false) send; default as the Java client decides. */
  sync?: boolean;
}

/**
 * A MessageProducer (ActiveMQMessageProducer). Each message gets the id `producerId:sequence`. Like the Java
 * client, a persistent send outside a transaction waits for the broker's receipt unless jms.useAsyncSend; a
 * non-persistent or transacted send does not (unless jms.alwaysSyncSend).
 */
export class Producer {
  private sequence = 0;
  private closed = false;

  constructor(
    readonly info: ProducerInfo,
    private readonly session: Session,
    private readonly defaults: SendOptions,
  ) {}

  get destination(): ActiveMQDestination | null {
    return this.info.destination;
  }

  /** Sends `body` (string → TextMessage, bytes → BytesMessage, object → MapMessage, null → Message); returns its JMSMessageID. */
  async send(body: MessageBody, options: SendOptions = {}): Promise<string> {
    const o = { ...this.defaults, ...options };
    const destination = o.destination !== undefined ? toDestination(o.destination) : this.info.destination;
    if (destination === null) throw illegalState('No destination specified');
    let type: MessageTypeNumber;
    let content: Uint8Array | null;
    if (typeof body === 'string') {
      type = T.ACTIVEMQ_TEXT_MESSAGE;
      content = encodeTextContent(body);
    } else if (body instanceof Uint8Array) {
      type = T.ACTIVEMQ_BYTES_MESSAGE;
      content = body;
    } else if (body === null) {
      type = T.ACTIVEMQ_MESSAGE;
      content = null;
    } else {
      type = T.ACTIVEMQ_MAP_MESSAGE;
      content = encodeMapContent(toProperties(body));
    }
    const props = toProperties(o.properties);
    const now = this.session.connection.clock.now();
    const ttl = o.timeToLive ?? 0;
    const m = command<Message>(type, {
      producerId: this.info.producerId,
      destination,
      messageId: messageId(this.info.producerId!, ++this.sequence),
      persistent: o.persistent ?? true,
      priority: o.priority ?? 4,
      expiration: ttl > 0 ? now + ttl : 0,
      timestamp: now,
      correlationId: o.correlationId ?? null,
      replyTo: o.replyTo === undefined ? null : toDestination(o.replyTo),
      jmsType: o.type ?? null,
      groupID: o.groupId ?? null,
      groupSequence: o.groupSeq ?? 0,
      content,
      marshalledProperties: props.size === 0 ? null : encodePrimitiveMap(props),
    });
    await this.dispatch(m, o.sync);
    return messageIdToString(m.messageId!);
  }

  /**
   * Sends a message received elsewhere unchanged — message id, properties, body, timestamps — as ActiveMQ's
   * network bridge forwards (DemandForwardingBridge): only the producer id, the transaction and, when given, the
   * destination and brokerPath are this client's.
   */
  async forward(
    raw: Message,
    options: { destination?: DestinationLike; brokerPath?: BrokerId[]; sync?: boolean } = {},
  ): Promise<void> {
    const m: Message = {
      ...raw,
      producerId: this.info.producerId,
      destination: options.destination !== undefined ? toDestination(options.destination) : raw.destination,
      brokerPath: options.brokerPath ?? raw.brokerPath,
      transactionId: null,
      targetConsumerId: null,
      redeliveryCounter: 0,
    };
    await this.dispatch(m, options.sync);
  }

  private async dispatch(m: Message, sync: boolean | undefined): Promise<void> {
    if (this.closed) throw illegalState('The producer is closed');
    const session = this.session;
    const tx = session.transacted ? session.ensureTransaction() : null;
    m.transactionId = tx;
    const c = session.connectionImpl;
    // ActiveMQSession.send: async when not persistent, in a transaction, or useAsyncSend — unless alwaysSyncSend.
    const async =
      sync !== undefined ? !sync : !c.jms.alwaysSyncSend && (!m.persistent || c.jms.useAsyncSend || tx !== null);
    if (async) await c.oneway(m);
    else await c.request(m, c.jms.sendTimeout > 0 ? c.jms.sendTimeout : undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session.forgetProducer(this);
    await this.session.connection
      .oneway(command<RemoveInfo>(T.REMOVE_INFO, { objectId: this.info.producerId, lastDeliveredSequenceId: -1 }))
      .catch(() => {});
  }

  /** @internal */
  closedByParent(): void {
    this.closed = true;
  }
}
