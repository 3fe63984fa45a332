import type { Destination } from './destination.js';
import type { AdvisoryPayload } from './advisory.js';
import type { Properties } from './properties.js';

/** The JMS body kinds, named as ActiveMQ's message classes are. */
export type BodyType = 'message' | 'text' | 'bytes' | 'map' | 'stream' | 'object' | 'blob';

/**
 * Decodes an encoded property block on first use. The OpenWire codec installs ActiveMQ's primitive-map
 * decoder, so properties that only pass through the broker are never decoded.
 */
export type PropertyDecoder = (encoded: Uint8Array) => Properties;

/**
 * One message as the core sees it: JMS headers, typed properties and a body kept as bytes.
 *
 * The body is stored in a protocol-neutral form: for `text` the UTF-8 bytes, for `bytes` the raw bytes,
 * and for `map`, `stream` and `object` ActiveMQ's own marshalled content (those formats only mean something
 * to ActiveMQ clients, so nothing else needs them decoded). `compressed` marks a body the Java client
 * deflated (jms.useCompression); it passes through unchanged and is inflated only for a protocol that
 * cannot carry it.
 *
 * A message is shared by every subscription it is dispatched to and is never mutated after `send`;
 * per-delivery state (redelivered, delivery count) lives on the reference a subscription holds.
 */
export class Message {
  messageId = '';
  destination!: Destination;
  /** Where a virtual or composite destination first received it; ActiveMQ's originalDestination. */
  originalDestination: Destination | null = null;
  replyTo: Destination | null = null;
  correlationId: string | null = null;
  type: string | null = null;
  priority = 4;
  /** Absolute expiry in epoch milliseconds; 0 means never. */
  expiration = 0;
  timestamp = 0;
  persistent = false;
  groupId: string | null = null;
  groupSequence = 0;
  /** JMSXUserID, set by the broker when populateJMSXUserID is on. */
  userId: string | null = null;
  producerId: string | null = null;
  /** The connection that produced it, for noLocal subscriptions. */
  producerConnectionId: string | null = null;
  brokerInTime = 0;
  brokerOutTime = 0;
  /**
   * Order of arrival at this broker, across all destinations (ActiveMQ's brokerSequenceId). Clients report the
   * last one they handed to the application, so the broker knows which unacknowledged messages were seen.
   */
  brokerSequence = 0;
  /**
   * Its place in the store's send order, set by the store when it is added (0 until then). The store cursor
   * reads a queue's backlog after a position in this order.
   */
  storeSequence = 0;
  /**
   * The producer waits for an answer (a sync send, a STOMP receipt): the store must make it durable before
   * the send completes. Sends nobody waits for join the next group commit without a sync of their own, as
   * KahaDB syncs only messages whose isResponseRequired() is true.
   */
  responseRequired = true;
  /** Deliveries already counted before this broker loaded it (from the store). */
  redeliveryCounter = 0;
  bodyType: BodyType = 'message';
  body: Uint8Array | null = null;
  compressed = false;
  /** Brokers this message has crossed, for networks of brokers. */
  brokerPath: string[] | null = null;
  /** What an advisory message reports (ActiveMQ's dataStructure); null for ordinary messages. */
  advisory: AdvisoryPayload | null = null;
  /** Deliver only to this consumer (ActiveMQ's targetConsumerId), e.g. an advisory replaying current state. */
  targetConsumerId: string | null = null;
  /** A transaction or cluster id set by the producing protocol; opaque to the core. */
  origin: MessageOrigin | null = null;

  private sizeCache = -1;
  private props: Properties | null = null;
  private encodedProps: Uint8Array | null = null;
  private decoder: PropertyDecoder | null = null;

  /** Properties decoded on first use. */
  get properties(): Properties {
    if (this.props === null) {
      if (this.encodedProps !== null && this.decoder !== null) {
        this.props = this.decoder(this.encodedProps);
      } else {
        this.props = new Map();
      }
    }
    return this.props;
  }

  set properties(value: Properties) {
    this.sizeCache = -1;
    this.props = value;
    this.encodedProps = null;
    this.decoder = null;
  }

  /** Keeps properties in their encoded form until someone reads them. */
  setEncodedProperties(encoded: Uint8Array, decoder: PropertyDecoder): void {
    this.sizeCache = -1;
    this.props = null;
    this.encodedProps = encoded;
    this.decoder = decoder;
  }

  /** The encoded property block when it is still the source of truth (nothing has replaced it). */
  get encodedProperties(): Uint8Array | null {
    return this.props === null ? this.encodedProps : null;
  }

  /** The decoder of `encodedProperties` (a store writing another format checks it is the one it writes). */
  get encodedPropertiesDecoder(): PropertyDecoder | null {
    return this.props === null ? this.decoder : null;
  }

  get hasProperties(): boolean {
    return this.props !== null ? this.props.size > 0 : this.encodedProps !== null && this.encodedProps.length > 0;
  }

  /**
   * Bytes this message holds in the heap, for memory limits: its body and properties plus what the objects
   * around them cost, as measured by bench/message-cost.ts (a 1 KiB message held by a queue: about 1.9 KiB
   * from STOMP, 2.6 KiB from OpenWire, whose decoded original rides along). Computed once, so what a
   * destination adds and later subtracts is the same figure even if properties are decoded in between.
   */
  get size(): number {
    if (this.sizeCache < 0) {
      let n = MESSAGE_OVERHEAD + (this.body?.length ?? 0) + (this.encodedProps?.length ?? 0);
      if (this.props !== null && this.encodedProps === null) n += this.props.size * PROPERTY_OVERHEAD;
      n += this.origin?.overhead ?? 0;
      this.sizeCache = n;
    }
    return this.sizeCache;
  }

  isExpired(now: number): boolean {
    return this.expiration > 0 && this.expiration <= now;
  }

  /** A shallow copy for the broker to readdress (DLQ, virtual topic); headers can then be changed. */
  copy(): Message {
    const m = new Message();
    Object.assign(m, this);
    m.sizeCache = -1;
    if (this.props !== null) m.props = new Map(this.props);
    return m;
  }
}

/**
 * The producing protocol's own decoded form of the message, kept so that a consumer on the same protocol
 * can be sent the original encoding without re-marshalling. `format` names the protocol and version.
 */
export interface MessageOrigin {
  readonly format: string;
  readonly data: unknown;
  /** Heap the original form costs beyond the Message itself, counted in `size`. */
  readonly overhead?: number;
}

/** The Message, its reference in a queue and their small fields (measured: ~850 B for a STOMP message). */
const MESSAGE_OVERHEAD = 800;
/** One decoded property: its Map entry, name and value. */
const PROPERTY_OVERHEAD = 96;

/**
 * Bytes the broker may keep: a small view into a large buffer (a message decoded from a 64 KiB socket read
 * keeps the whole read alive) is copied to a buffer of its own, so what memory limits count is what the heap
 * holds. A view that is most of its buffer is kept as it is (no copy for large messages).
 */
export function ownedBytes<T extends Uint8Array>(b: T): T {
  const backing = b.buffer.byteLength;
  if (backing <= 2 * b.byteLength + 1024) return b;
  return (Buffer.isBuffer(b) ? Buffer.from(b) : b.slice()) as T;
}
