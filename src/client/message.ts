import {
  T,
  decodeMapContent,
  decodeMessageProperties,
  destinationToString,
  inflateContent,
  messageIdToString,
  messageText,
  parseDestination,
  type ActiveMQDestination,
  type Message,
} from '../protocol/openwire/codec/index.js';
import { PropertyType, type Properties, type TypedValue } from '../model/properties.js';

/** A property value as given by the application: JS values map to Java types, or a TypedValue chooses exactly. */
export type PropertyValue = string | number | boolean | bigint | null | Uint8Array | TypedValue;

/** A message body: text (TextMessage), bytes (BytesMessage), a map (MapMessage) or none (Message). */
export type MessageBody = string | Uint8Array | Record<string, PropertyValue> | null;

/** A destination as text: `queue://A`, `topic://B`, `temp-queue://…`; a bare name is a queue. */
export type DestinationLike = string | ActiveMQDestination;

export function toDestination(d: DestinationLike): ActiveMQDestination {
  return typeof d === 'string' ? parseDestination(d, T.ACTIVEMQ_QUEUE) : d;
}

/** A JS value as the Java type the Java client would store for it (Integer for int-sized numbers, else Double). */
export function toTyped(v: PropertyValue): TypedValue {
  if (v === null) return { type: PropertyType.Null, value: null };
  if (typeof v === 'string') return { type: PropertyType.String, value: v };
  if (typeof v === 'boolean') return { type: PropertyType.Boolean, value: v };
  if (typeof v === 'bigint') return { type: PropertyType.Long, value: v };
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647
      ? { type: PropertyType.Int, value: v }
      : Number.isSafeInteger(v)
        ? { type: PropertyType.Long, value: BigInt(v) }
        : { type: PropertyType.Double, value: v };
  }
  if (v instanceof Uint8Array) return { type: PropertyType.Bytes, value: v };
  return v;
}

/** A TypedValue as the nearest JS value (longs as bigint). */
export function fromTyped(v: TypedValue): unknown {
  switch (v.type) {
    case PropertyType.Map:
      return Object.fromEntries([...v.value].map(([k, x]) => [k, fromTyped(x)]));
    case PropertyType.List:
      return v.value.map(fromTyped);
    default:
      return v.value;
  }
}

export function toProperties(o: Record<string, PropertyValue> | undefined): Properties {
  const out: Properties = new Map();
  if (o !== undefined) for (const [k, v] of Object.entries(o)) out.set(k, toTyped(v));
  return out;
}

/**
 * A message as a consumer receives it. It reads the OpenWire object lazily (body and properties decoded on first
 * use); `raw` is that object unchanged, for a network bridge to forward it with its message id, brokerPath and
 * properties intact.
 */
export class ReceivedMessage {
  private props: Properties | undefined;

  constructor(
    readonly raw: Message,
    readonly redeliveryCounter: number,
    private readonly onAcknowledge: (m: ReceivedMessage) => Promise<void>,
  ) {}

  /** JMSMessageID (`ID:…`). */
  get messageId(): string {
    return this.raw.messageId === null ? '' : messageIdToString(this.raw.messageId);
  }
  get destination(): string {
    return this.raw.destination === null ? '' : destinationToString(this.raw.destination);
  }
  get replyTo(): string | null {
    return this.raw.replyTo === null ? null : destinationToString(this.raw.replyTo);
  }
  get correlationId(): string | null {
    return this.raw.correlationId;
  }
  get type(): string | null {
    return this.raw.jmsType;
  }
  get persistent(): boolean {
    return this.raw.persistent;
  }
  get priority(): number {
    return this.raw.priority;
  }
  get timestamp(): number {
    return this.raw.timestamp;
  }
  get expiration(): number {
    return this.raw.expiration;
  }
  /** JMSRedelivered. */
  get redelivered(): boolean {
    return this.redeliveryCounter > 0;
  }
  /** 'text', 'bytes', 'map', 'object', 'stream' or 'message'. */
  get kind(): 'text' | 'bytes' | 'map' | 'object' | 'stream' | 'blob' | 'message' {
    switch (this.raw.type) {
      case T.ACTIVEMQ_TEXT_MESSAGE:
        return 'text';
      case T.ACTIVEMQ_BYTES_MESSAGE:
        return 'bytes';
      case T.ACTIVEMQ_MAP_MESSAGE:
        return 'map';
      case T.ACTIVEMQ_OBJECT_MESSAGE:
        return 'object';
      case T.ACTIVEMQ_STREAM_MESSAGE:
        return 'stream';
      case T.ACTIVEMQ_BLOB_MESSAGE:
        return 'blob';
      default:
        return 'message';
    }
  }
  /** The text of a TextMessage; null for other kinds. */
  get text(): string | null {
    return this.raw.type === T.ACTIVEMQ_TEXT_MESSAGE ? messageText(this.raw) : null;
  }
  /** The body bytes (inflated when compressed); for a TextMessage, its UTF-8. */
  get body(): Buffer {
    if (this.raw.type === T.ACTIVEMQ_TEXT_MESSAGE) return Buffer.from(this.text ?? '', 'utf8');
    const c = inflateContent(this.raw);
    return c === null ? Buffer.alloc(0) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  /** The entries of a MapMessage. */
  get map(): Record<string, unknown> {
    if (this.raw.type !== T.ACTIVEMQ_MAP_MESSAGE) return {};
    const m = decodeMapContent(this.raw.content, this.raw.compressed);
    return Object.fromEntries([...m].map(([k, v]) => [k, fromTyped(v)]));
  }
  /** Properties with their Java types. */
  get typedProperties(): Properties {
    this.props ??= decodeMessageProperties(this.raw.marshalledProperties);
    return this.props;
  }
  /** Properties as JS values (longs as bigint). */
  get properties(): Record<string, unknown> {
    return Object.fromEntries([...this.typedProperties].map(([k, v]) => [k, fromTyped(v)]));
  }
  property(name: string): unknown {
    const v = this.typedProperties.get(name);
    return v === undefined ? undefined : fromTyped(v);
  }
  /**
   * Acknowledges: in CLIENT_ACKNOWLEDGE every message the session delivered so far (JMS semantics), in
   * INDIVIDUAL_ACKNOWLEDGE this one; a no-op in the other modes.
   */
  acknowledge(): Promise<void> {
    return this.onAcknowledge(this);
  }
}
