import { Destination } from '../model/destination.js';
import { Message, type BodyType, type PropertyDecoder } from '../model/message.js';
import { PropertyType, type Properties, type TypedValue } from '../model/properties.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { StoreCorruptError, StoreStateError } from './store-errors.js';

/**
 * The store's own encoding of a Message: every header, the properties, the body bytes and the compressed
 * flag. Destinations are written as their `queue://x` keys. Fields that are usually absent cost one bit in a
 * flag word; integers are LEB128 varints, so a small message's headers take a few dozen bytes.
 *
 * Properties: when the message still holds its protocol's encoded block (`encodedProperties`, e.g.
 * OpenWire's marshalled primitive map), that block is stored verbatim and handed back to the configured
 * decoder on recovery, so a message that only passes through is never decoded. Otherwise the typed
 * properties are written in a compact form of our own whose value tags are the model's PropertyType
 * codes (ActiveMQ's MarshallingSupport codes).
 *
 * `origin` (a protocol's decoded form, kept only to avoid re-marshalling) is a cache and is not stored.
 */
export const MESSAGE_FORMAT_VERSION = 1;

/** Nested maps/lists in properties deeper than this are refused (ActiveMQ bounds nesting the same way). */
export const MAX_PROPERTY_DEPTH = 16;

const F_PERSISTENT = 1 << 0;
const F_COMPRESSED = 1 << 1;
const F_ORIGINAL_DEST = 1 << 2;
const F_REPLY_TO = 1 << 3;
const F_CORRELATION = 1 << 4;
const F_TYPE = 1 << 5;
const F_GROUP = 1 << 6;
const F_USER = 1 << 7;
const F_PRODUCER = 1 << 8;
const F_PRODUCER_CONN = 1 << 9;
const F_BROKER_PATH = 1 << 10;
const F_BODY = 1 << 11;
const F_ENCODED_PROPS = 1 << 12;
const F_TYPED_PROPS = 1 << 13;
const F_ALL = (1 << 14) - 1;

const BODY_TYPES: readonly BodyType[] = ['message', 'text', 'bytes', 'map', 'stream', 'object', 'blob'];
const BODY_CODES = new Map<BodyType, number>(BODY_TYPES.map((t, i) => [t, i]));

export interface MessageDecodeOptions {
  /**
   * Decodes a stored encoded property block (the same decoder the producing protocol installed, e.g.
   * OpenWire's primitive-map decoder). Called lazily, on the first read of `message.properties`.
   */
  readonly propertyDecoder?: PropertyDecoder;
}

/** Used when no decoder was configured: reading the properties then fails with a clear message. */
const missingDecoder: PropertyDecoder = () => {
  throw new StoreStateError(
    'a recovered message carries encoded properties but the store was given no propertyDecoder to read them',
  );
};

function int(v: number, field: string, messageId: string): number {
  if (!Number.isSafeInteger(v)) {
    throw new StoreStateError(`message ${messageId}: ${field} must be an integer to be stored, got ${v}`);
  }
  return v;
}

export function encodeMessage(w: ByteWriter, m: Message): void {
  const encodedProps = m.encodedProperties;
  const typedProps = encodedProps === null && m.hasProperties ? m.properties : null;
  let flags = 0;
  if (m.persistent) flags |= F_PERSISTENT;
  if (m.compressed) flags |= F_COMPRESSED;
  if (m.originalDestination !== null) flags |= F_ORIGINAL_DEST;
  if (m.replyTo !== null) flags |= F_REPLY_TO;
  if (m.correlationId !== null) flags |= F_CORRELATION;
  if (m.type !== null) flags |= F_TYPE;
  if (m.groupId !== null) flags |= F_GROUP;
  if (m.userId !== null) flags |= F_USER;
  if (m.producerId !== null) flags |= F_PRODUCER;
  if (m.producerConnectionId !== null) flags |= F_PRODUCER_CONN;
  if (m.brokerPath !== null) flags |= F_BROKER_PATH;
  if (m.body !== null) flags |= F_BODY;
  if (encodedProps !== null) flags |= F_ENCODED_PROPS;
  else if (typedProps !== null) flags |= F_TYPED_PROPS;
  const bodyCode = BODY_CODES.get(m.bodyType);
  if (bodyCode === undefined) throw new StoreStateError(`message ${m.messageId}: unknown body type ${m.bodyType}`);
  if (m.destination === undefined) throw new StoreStateError(`message ${m.messageId}: no destination`);

  w.u8(MESSAGE_FORMAT_VERSION);
  w.varuint(flags);
  w.string(m.messageId);
  w.string(m.destination.key);
  if (m.originalDestination !== null) w.string(m.originalDestination.key);
  if (m.replyTo !== null) w.string(m.replyTo.key);
  if (m.correlationId !== null) w.string(m.correlationId);
  if (m.type !== null) w.string(m.type);
  if (m.groupId !== null) w.string(m.groupId);
  if (m.userId !== null) w.string(m.userId);
  if (m.producerId !== null) w.string(m.producerId);
  if (m.producerConnectionId !== null) w.string(m.producerConnectionId);
  w.u8(int(m.priority, 'priority', m.messageId) & 0xff);
  w.varint(int(m.expiration, 'expiration', m.messageId));
  w.varint(int(m.timestamp, 'timestamp', m.messageId));
  w.varint(int(m.groupSequence, 'groupSequence', m.messageId));
  w.varint(int(m.brokerInTime, 'brokerInTime', m.messageId));
  w.varint(int(m.brokerOutTime, 'brokerOutTime', m.messageId));
  w.varuint(Math.max(0, int(m.redeliveryCounter, 'redeliveryCounter', m.messageId)));
  w.u8(bodyCode);
  if (m.brokerPath !== null) {
    w.varuint(m.brokerPath.length);
    for (const b of m.brokerPath) w.string(b);
  }
  if (m.body !== null) w.bytes(m.body);
  if (encodedProps !== null) w.bytes(encodedProps);
  else if (typedProps !== null) encodeProperties(w, typedProps);
}

export function decodeMessage(r: ByteReader, options: MessageDecodeOptions = {}): Message {
  const version = r.u8();
  if (version !== MESSAGE_FORMAT_VERSION) throw new StoreCorruptError(`unknown message format version ${version}`);
  const flags = r.varuint();
  if ((flags & ~F_ALL) !== 0) throw new StoreCorruptError(`unknown message flags ${flags.toString(16)}`);
  const m = new Message();
  m.messageId = r.string('message id');
  m.destination = parseDestination(r.string('destination'));
  m.persistent = (flags & F_PERSISTENT) !== 0;
  m.compressed = (flags & F_COMPRESSED) !== 0;
  if (flags & F_ORIGINAL_DEST) m.originalDestination = parseDestination(r.string('originalDestination'));
  if (flags & F_REPLY_TO) m.replyTo = parseDestination(r.string('replyTo'));
  if (flags & F_CORRELATION) m.correlationId = r.string('correlationId');
  if (flags & F_TYPE) m.type = r.string('type');
  if (flags & F_GROUP) m.groupId = r.string('groupId');
  if (flags & F_USER) m.userId = r.string('userId');
  if (flags & F_PRODUCER) m.producerId = r.string('producerId');
  if (flags & F_PRODUCER_CONN) m.producerConnectionId = r.string('producerConnectionId');
  m.priority = r.u8();
  m.expiration = r.varint();
  m.timestamp = r.varint();
  m.groupSequence = r.varint();
  m.brokerInTime = r.varint();
  m.brokerOutTime = r.varint();
  m.redeliveryCounter = r.varuint();
  const bodyCode = r.u8();
  const bodyType = BODY_TYPES[bodyCode];
  if (bodyType === undefined) throw new StoreCorruptError(`unknown body type code ${bodyCode}`);
  m.bodyType = bodyType;
  if (flags & F_BROKER_PATH) {
    const n = r.count('brokerPath', 1);
    const path: string[] = [];
    for (let i = 0; i < n; i++) path.push(r.string('brokerPath entry'));
    m.brokerPath = path;
  }
  if (flags & F_BODY) m.body = r.bytes('body');
  if (flags & F_ENCODED_PROPS) {
    m.setEncodedProperties(r.bytes('properties'), options.propertyDecoder ?? missingDecoder);
  } else if (flags & F_TYPED_PROPS) {
    m.properties = decodeProperties(r);
  }
  return m;
}

/** Reads only the version, flags and id at the start of an encoded message. */
export function peekMessageId(r: ByteReader): string {
  const version = r.u8();
  if (version !== MESSAGE_FORMAT_VERSION) throw new StoreCorruptError(`unknown message format version ${version}`);
  r.varuint();
  return r.string('message id');
}

export function encodeProperties(w: ByteWriter, props: Properties): void {
  w.varuint(props.size);
  for (const [k, v] of props) {
    w.string(k);
    encodeValue(w, v, 0);
  }
}

export function decodeProperties(r: ByteReader, depth = 0): Properties {
  const n = r.count('properties', 2);
  const out: Properties = new Map();
  for (let i = 0; i < n; i++) {
    const k = r.string('property name');
    out.set(k, decodeValue(r, depth));
  }
  return out;
}

function encodeValue(w: ByteWriter, v: TypedValue, depth: number): void {
  if (depth > MAX_PROPERTY_DEPTH) throw new StoreStateError(`properties nested deeper than ${MAX_PROPERTY_DEPTH}`);
  w.u8(v.type);
  switch (v.type) {
    case PropertyType.Null:
      return;
    case PropertyType.Boolean:
      w.u8(v.value ? 1 : 0);
      return;
    case PropertyType.Byte:
      w.i8(v.value);
      return;
    case PropertyType.Char:
      w.u16(v.value.charCodeAt(0) || 0);
      return;
    case PropertyType.Short:
      w.i16(v.value);
      return;
    case PropertyType.Int:
      w.i32(v.value);
      return;
    case PropertyType.Long:
      w.i64(BigInt.asIntN(64, v.value));
      return;
    case PropertyType.Double:
      w.f64(v.value);
      return;
    case PropertyType.Float:
      w.f32(v.value);
      return;
    case PropertyType.String:
      w.string(v.value);
      return;
    case PropertyType.Bytes:
      w.bytes(v.value);
      return;
    case PropertyType.Map:
      w.varuint(v.value.size);
      for (const [k, x] of v.value) {
        w.string(k);
        encodeValue(w, x, depth + 1);
      }
      return;
    case PropertyType.List:
      w.varuint(v.value.length);
      for (const x of v.value) encodeValue(w, x, depth + 1);
      return;
  }
}

function decodeValue(r: ByteReader, depth: number): TypedValue {
  if (depth > MAX_PROPERTY_DEPTH) throw new StoreCorruptError(`properties nested deeper than ${MAX_PROPERTY_DEPTH}`);
  const tag = r.u8();
  switch (tag as PropertyType) {
    case PropertyType.Null:
      return { type: PropertyType.Null, value: null };
    case PropertyType.Boolean:
      return { type: PropertyType.Boolean, value: r.u8() !== 0 };
    case PropertyType.Byte:
      return { type: PropertyType.Byte, value: r.i8() };
    case PropertyType.Char:
      return { type: PropertyType.Char, value: String.fromCharCode(r.u16()) };
    case PropertyType.Short:
      return { type: PropertyType.Short, value: r.i16() };
    case PropertyType.Int:
      return { type: PropertyType.Int, value: r.i32() };
    case PropertyType.Long:
      return { type: PropertyType.Long, value: r.i64() };
    case PropertyType.Double:
      return { type: PropertyType.Double, value: r.f64() };
    case PropertyType.Float:
      return { type: PropertyType.Float, value: r.f32() };
    case PropertyType.String:
      return { type: PropertyType.String, value: r.string('string property') };
    case PropertyType.Bytes:
      // A plain Uint8Array (not a pooled Buffer), so the value is exactly what the model holds.
      return { type: PropertyType.Bytes, value: new Uint8Array(r.view(r.length('bytes property'), 'bytes property')) };
    case PropertyType.Map:
      return { type: PropertyType.Map, value: decodeProperties(r, depth + 1) };
    case PropertyType.List: {
      const n = r.count('list property', 1);
      const list: TypedValue[] = [];
      for (let i = 0; i < n; i++) list.push(decodeValue(r, depth + 1));
      return { type: PropertyType.List, value: list };
    }
    default:
      throw new StoreCorruptError(`unknown property type tag ${tag} at ${r.pos - 1}`);
  }
}

/**
 * Destination.parse behind a small cache: recovery decodes every pending message, and nearly all of them name
 * one of a few destinations, so this skips a regex and a key string per message. Bounded like the intern table.
 */
const parsedDestinations = new Map<string, Destination>();
export function parseDestination(text: string): Destination {
  let d = parsedDestinations.get(text);
  if (d === undefined) {
    if (parsedDestinations.size >= 1024) parsedDestinations.clear();
    d = Destination.parse(text);
    parsedDestinations.set(text, d);
  }
  return d;
}
