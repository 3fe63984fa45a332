import { Destination } from '../../model/destination.js';
import { Message, ownedBytes, type BodyType } from '../../model/message.js';
import { checkPrimitiveMap, decodePrimitiveMap, encodePrimitiveMap } from '../../model/primitive-map.js';
import { CompressedBodyError, declaredInflatedSize } from '../../model/compressed-body.js';
import { BrokerError } from '../../util/errors.js';
import { T } from './codec/types.js';
import { brokerIds, destinationTypeName, destinationTypeNumber, splitDestinationOptions } from './codec/ids.js';
import type * as ow from './codec/commands.js';
import { javaUtf8ToUtf8, utf8ToJavaUtf8 } from './java-utf8.js';
import { advisoryToOpenWire } from './advisory-convert.js';
import { messageIdToString, parseMessageId, producerIdToString, parseProducerId } from './wire.js';

/** The tag under which an OpenWire message keeps its original decoded form (Message.origin.format). */
export const OPENWIRE_ORIGIN = 'openwire';

const bodyTypes: Record<number, BodyType> = {
  [T.ACTIVEMQ_MESSAGE]: 'message',
  [T.ACTIVEMQ_BYTES_MESSAGE]: 'bytes',
  [T.ACTIVEMQ_MAP_MESSAGE]: 'map',
  [T.ACTIVEMQ_OBJECT_MESSAGE]: 'object',
  [T.ACTIVEMQ_STREAM_MESSAGE]: 'stream',
  [T.ACTIVEMQ_TEXT_MESSAGE]: 'text',
  [T.ACTIVEMQ_BLOB_MESSAGE]: 'blob',
};

const messageTypes: Record<BodyType, ow.MessageTypeNumber> = {
  message: T.ACTIVEMQ_MESSAGE,
  bytes: T.ACTIVEMQ_BYTES_MESSAGE,
  map: T.ACTIVEMQ_MAP_MESSAGE,
  object: T.ACTIVEMQ_OBJECT_MESSAGE,
  stream: T.ACTIVEMQ_STREAM_MESSAGE,
  text: T.ACTIVEMQ_TEXT_MESSAGE,
  blob: T.ACTIVEMQ_BLOB_MESSAGE,
};

/**
 * Converted destinations, by the decoded object. The decoder hands out the same object for every frame that
 * refers to a destination through the marshal cache, so a producer's messages convert their destination once.
 * Decoded commands are never modified, which is what makes remembering the result safe.
 */
const fromCache = new WeakMap<
  ow.ActiveMQDestination,
  { destination: Destination; options: ReadonlyMap<string, string> }
>();
const noOptions: ReadonlyMap<string, string> = new Map();

/**
 * A destination as sent by a client. Options after `?` (`queue://Q?consumer.prefetchSize=3000`) are split
 * off: the Java client parses them itself, other clients may leave them in the name.
 */
export function fromOpenWireDestination(d: ow.ActiveMQDestination): {
  destination: Destination;
  options: ReadonlyMap<string, string>;
} {
  const known = fromCache.get(d);
  if (known !== undefined && known.destination.name === nameOf(d)) return known;
  const physical = nameOf(d);
  const { name, options: parsed } = splitDestinationOptions(physical);
  const out = {
    destination: Destination.of(destinationTypeName(d.type), name),
    options: parsed.size === 0 ? noOptions : parsed,
  };
  // Only names without options are remembered: the cache check compares the name as received.
  if (name.length === physical.length) fromCache.set(d, out);
  return out;
}

function nameOf(d: ow.ActiveMQDestination): string {
  return d.physicalName ?? '';
}

/**
 * One OpenWire destination object per core Destination (interned, so identity is equality). Dispatching the
 * same object every time lets the marshal cache find it without building its key again.
 */
const toCache = new WeakMap<Destination, ow.ActiveMQDestination>();

export function toOpenWireDestination(d: Destination): ow.ActiveMQDestination {
  let out = toCache.get(d);
  if (out === undefined) {
    out = { type: destinationTypeNumber(d.type), physicalName: d.name };
    toCache.set(d, out);
  }
  return out;
}

/** The Java client's Message.getSize(): what it counts against its producer window. */
export function javaMessageSize(m: ow.Message): number {
  return 1024 + (m.content?.length ?? 0) + (m.marshalledProperties?.length ?? 0);
}

/** What a received message is checked against before the broker accepts it. */
export interface ReceiveLimits {
  /**
   * The connector's wireFormat.maxFrameSize: a compressed text or bytes body may not declare more than this once
   * inflated, since the broker inflates those for STOMP consumers (what would not fit a frame uncompressed
   * does not fit one compressed either).
   */
  readonly maxFrameSize: number;
}

/**
 * Refuses a message the broker could accept but never deliver: a property block that does not decode (a lying
 * count, nesting past the limit, malformed UTF-8: issue 18.2) or a compressed body that would inflate past the
 * frame limit (issue 12.5). The properties are walked, not decoded, so they still pass through undecoded.
 * ActiveMQ 5.17 finds these only when something reads the properties (the scheduler, a selector, a STOMP
 * consumer), where the send or the dispatch fails with an IOException; here the producer hears of it at once,
 * as an ExceptionResponse to a synchronous send or a ConnectionError to an asynchronous one.
 */
export function checkOpenWireMessage(m: ow.Message, limits: ReceiveLimits): void {
  const props = m.marshalledProperties;
  if (props !== null && props.length > 0) {
    try {
      checkPrimitiveMap(props);
    } catch (e) {
      throw new BrokerError('ERR_PROTOCOL', `Invalid message properties: ${(e as Error).message}`, { cause: e });
    }
  }
  const bodyType = bodyTypes[m.type] ?? 'message';
  if (m.compressed && m.content !== null && (bodyType === 'text' || bodyType === 'bytes')) {
    const declared = declaredInflatedSize(bodyType, m.content);
    if (declared !== null && declared > limits.maxFrameSize) {
      throw new CompressedBodyError(
        `Compressed message body declares ${declared} bytes when inflated, more than the maximum frame size of ${limits.maxFrameSize}`,
      );
    }
  }
}

/**
 * An OpenWire message → the core's Message. Nothing is copied: the body and the property block are views
 * into the received frame, properties are decoded only if someone reads them, and the original object rides
 * along so an OpenWire consumer gets it back untouched.
 */
export function fromOpenWireMessage(m: ow.Message, connectionId: string): Message {
  // The decoded command keeps views into the frame; the broker may hold this message for long.
  if (m.content !== null) m.content = ownedBytes(m.content);
  if (m.marshalledProperties !== null) m.marshalledProperties = ownedBytes(m.marshalledProperties);
  const msg = new Message();
  msg.messageId = m.messageId === null ? '' : messageIdToString(m.messageId);
  msg.destination = m.destination === null ? Destination.queue('') : fromOpenWireDestination(m.destination).destination;
  if (m.originalDestination !== null)
    msg.originalDestination = fromOpenWireDestination(m.originalDestination).destination;
  if (m.replyTo !== null) msg.replyTo = fromOpenWireDestination(m.replyTo).destination;
  msg.correlationId = m.correlationId;
  msg.type = m.jmsType;
  msg.priority = m.priority;
  msg.expiration = m.expiration;
  msg.timestamp = m.timestamp;
  msg.persistent = m.persistent;
  msg.groupId = m.groupID;
  msg.groupSequence = m.groupSequence;
  msg.userId = m.userID;
  msg.producerId = m.producerId === null ? null : producerIdToString(m.producerId);
  msg.producerConnectionId = connectionId;
  msg.redeliveryCounter = m.redeliveryCounter;
  // The brokers a networked message crossed: bridges refuse to send it back along them (NetworkBridgeFilter).
  if (m.brokerPath !== null && m.brokerPath.length > 0) msg.brokerPath = m.brokerPath.map((b) => b.value ?? '');
  msg.bodyType = bodyTypes[m.type] ?? 'message';
  msg.compressed = m.compressed;
  if (m.content !== null) {
    msg.body = msg.bodyType === 'text' && !m.compressed ? textFromContent(m.content) : m.content;
  }
  if (m.marshalledProperties !== null && m.marshalledProperties.length > 0) {
    msg.setEncodedProperties(m.marshalledProperties, decodePrimitiveMap);
  }
  // The decoded command and its ids cost ~700 B more than the Message alone (bench/message-cost.ts).
  msg.origin = { format: OPENWIRE_ORIGIN, data: new OpenWireOrigin(m, msg.destination), overhead: 700 };
  // An async send (useAsyncSend, or non-persistent by default) waits for no answer: no disk sync of its own.
  msg.responseRequired = m.responseRequired;
  return msg;
}

/** What an OpenWire-produced message remembers of its wire form. */
export class OpenWireOrigin {
  constructor(
    readonly message: ow.Message,
    readonly destination: Destination,
  ) {}
}

/**
 * The core's Message → an OpenWire message for dispatch. When the message came from OpenWire and the broker
 * changed nothing that travels in it (same destination, properties still in their encoded form), the
 * original object is sent again as it was received.
 */
export function toOpenWireMessage(msg: Message): ow.Message {
  const origin = msg.origin?.data;
  if (
    origin instanceof OpenWireOrigin &&
    origin.destination === msg.destination &&
    // JMSXUserID stamped by the broker (populateJMSXUserID) must go out, not the client's own value.
    origin.message.userID === msg.userId &&
    // Headers a broker plugin may rewrite on send (timeStampingBrokerPlugin, forcePersistencyModeBrokerPlugin).
    origin.message.persistent === msg.persistent &&
    origin.message.timestamp === msg.timestamp &&
    origin.message.expiration === msg.expiration &&
    (msg.encodedProperties !== null || !msg.hasProperties) &&
    origin.message.marshalledProperties === msg.encodedProperties
  ) {
    // The client reports this back (lastDeliveredSequenceId); ActiveMQ stamps it on the message id the same way.
    if (origin.message.messageId !== null) origin.message.messageId.brokerSequenceId = msg.brokerSequence;
    // Set once by the broker on arrival (RegionBroker.send), like brokerSequenceId: the same for every delivery.
    origin.message.brokerInTime = msg.brokerInTime;
    return origin.message;
  }
  const base = origin instanceof OpenWireOrigin ? origin.message : null;
  let content: Uint8Array | null = null;
  let compressed = msg.compressed;
  if (msg.body !== null) {
    if (msg.bodyType === 'text' && !msg.compressed) content = contentFromText(msg.body);
    else content = msg.body;
  } else if (base !== null) {
    content = base.content;
    compressed = base.compressed;
  }
  const encodedProps = msg.encodedProperties;
  const marshalledProperties =
    encodedProps !== null ? encodedProps : msg.hasProperties ? encodePrimitiveMap(msg.properties) : null;
  return {
    type: messageTypes[msg.bodyType],
    commandId: 0,
    responseRequired: false,
    producerId: base?.producerId ?? (msg.producerId !== null ? parseProducerId(msg.producerId) : null),
    destination: toOpenWireDestination(msg.destination),
    transactionId: null,
    originalDestination: msg.originalDestination === null ? null : toOpenWireDestination(msg.originalDestination),
    messageId: withBrokerSequence(base?.messageId ?? parseMessageId(msg.messageId), msg.brokerSequence),
    originalTransactionId: null,
    groupID: msg.groupId,
    groupSequence: msg.groupSequence,
    correlationId: msg.correlationId,
    persistent: msg.persistent,
    expiration: msg.expiration,
    priority: msg.priority,
    replyTo: msg.replyTo === null ? null : toOpenWireDestination(msg.replyTo),
    timestamp: msg.timestamp,
    jmsType: msg.type,
    content,
    marshalledProperties,
    dataStructure: msg.advisory === null ? null : advisoryToOpenWire(msg.advisory),
    targetConsumerId: null,
    compressed,
    redeliveryCounter: msg.redeliveryCounter,
    brokerPath: brokerIds(msg.brokerPath),
    arrival: 0,
    userID: msg.userId,
    recievedByDFBridge: false,
    droppable: false,
    cluster: null,
    brokerInTime: msg.brokerInTime,
    brokerOutTime: msg.brokerOutTime,
    jmsxGroupFirstForConsumer: false,
  };
}

/** ActiveMQTextMessage content (int length + modified UTF-8; -1 = null text) → UTF-8 body bytes. */
export function textFromContent(content: Uint8Array): Uint8Array | null {
  if (content.length < 4) return new Uint8Array(0);
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const len = view.getInt32(0);
  if (len < 0) return null;
  return javaUtf8ToUtf8(content.subarray(4, 4 + Math.min(len, content.length - 4)));
}

/** UTF-8 body bytes → ActiveMQTextMessage content. */
export function contentFromText(body: Uint8Array): Uint8Array {
  const java = utf8ToJavaUtf8(body);
  const out = new Uint8Array(4 + java.length);
  new DataView(out.buffer).setInt32(0, java.length);
  out.set(java, 4);
  return out;
}

function withBrokerSequence(id: ow.MessageId, sequence: number): ow.MessageId {
  return id.brokerSequenceId === sequence ? id : { ...id, brokerSequenceId: sequence };
}
