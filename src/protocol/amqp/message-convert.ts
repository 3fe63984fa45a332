import { isUtf8 } from 'node:buffer';
import type { Destination } from '../../model/destination.js';
import { Message, ownedBytes, type BodyType } from '../../model/message.js';
import {
  decodePrimitiveMap,
  decodePrimitiveValues,
  encodePrimitiveMap,
  encodePrimitiveValues,
} from '../../model/primitive-map.js';
import { PropertyType, typed, type Properties, type TypedValue } from '../../model/properties.js';
import { stompBody } from '../stomp/body.js';
import { annotatedAddress, destinationAddress, destinationTypeByte } from './addresses.js';
import { rheaTypes as T, type Typed } from './rhea-facade.js';

/** Message.origin.format of a message that arrived over AMQP: `data` is the encoded AMQP message as received. */
export const AMQP_ORIGIN = 'amqp-1.0';

// Message section descriptors (AMQP 1.0 §3.2).
const HEADER = 0x70;
const DELIVERY_ANNOTATIONS = 0x71;
const MESSAGE_ANNOTATIONS = 0x72;
const PROPERTIES = 0x73;
const APPLICATION_PROPERTIES = 0x74;
const DATA = 0x75;
const SEQUENCE = 0x76;
const VALUE = 0x77;

// The JMS mapping annotations ActiveMQ (AmqpMessageSupport) and Qpid JMS use.
const JMS_MSG_TYPE = 'x-opt-jms-msg-type';
const JMS_DEST = 'x-opt-jms-dest';
const JMS_REPLY_TO = 'x-opt-jms-reply-to';
const DELIVERY_DELAY = 'x-opt-delivery-delay';
const DELIVERY_TIME = 'x-opt-delivery-time';
/** ActiveMQ keeps other message annotations as properties with this prefix (JMSMappingInboundTransformer). */
const ANNOTATION_PROPERTY_PREFIX = 'JMS_AMQP_MA_';
const MSG_TYPE_BYTE: Record<BodyType, number> = {
  message: 0,
  object: 1,
  map: 2,
  bytes: 3,
  stream: 4,
  text: 5,
  blob: 3,
};
const OCTET_STREAM = 'application/octet-stream';
const SERIALIZED_OBJECT = 'application/x-java-serialized-object';

/** The sections of a decoded AMQP message, values kept typed so JMS properties keep their Java types. */
interface Sections {
  header: Typed[] | null;
  annotations: Map<string, Typed>;
  properties: Typed[] | null;
  application: Map<string, Typed>;
  body:
    { kind: 'data'; bytes: Buffer } | { kind: 'value'; value: Typed } | { kind: 'sequence'; values: Typed[] } | null;
}

export interface InboundContext {
  readonly destination: Destination | null;
  readonly messageId: string;
  readonly producerId: string;
  readonly connectionId: string;
  readonly now: number;
}

/** Thrown for a message that does not decode; the transfer is rejected with amqp:decode-error. */
export class AmqpDecodeError extends Error {}

/**
 * An AMQP message as a JMS message, following ActiveMQ's JMSMappingInboundTransformer: the body section picks
 * the JMS type (data → BytesMessage, amqp-value string → TextMessage, map → MapMessage, list or amqp-sequence →
 * StreamMessage, null or none → Message, binary → BytesMessage; `x-opt-jms-msg-type` refines it), the header
 * and properties sections become JMS headers, application-properties become JMS properties with their types,
 * and the encoded original rides along for AMQP consumers (`Message.origin`).
 */
export function amqpToMessage(payload: Buffer, ctx: InboundContext): Message {
  let s: Sections;
  try {
    s = readSections(payload);
  } catch (e) {
    throw new AmqpDecodeError(`Could not decode AMQP message: ${(e as Error).message}`);
  }
  const m = new Message();
  m.messageId = ctx.messageId;
  m.producerId = ctx.producerId;
  m.producerConnectionId = ctx.connectionId;
  m.timestamp = ctx.now;
  const props: Properties = new Map();

  const h = s.header;
  if (h !== null) {
    m.persistent = h[0]?.value === true;
    const priority = numberOf(h[1]);
    if (priority !== null) m.priority = Math.min(9, Math.max(0, priority));
    const ttl = numberOf(h[2]);
    if (ttl !== null && ttl > 0) m.expiration = ctx.now + ttl;
  }

  let destination = ctx.destination;
  const p = s.properties;
  if (p !== null) {
    const id = p[0];
    if (id !== undefined && id.value !== null) props.set('JMS_AMQP_MESSAGE_ID', typed.string(messageIdText(id)));
    const userId = p[1];
    if (userId !== undefined && Buffer.isBuffer(userId.value))
      props.set('JMSXUserID', typed.string(userId.value.toString('utf8')));
    const to = stringOf(p[2]);
    if (destination === null && to !== null) {
      destination = annotatedAddress(to, numberOf(s.annotations.get(JMS_DEST)) ?? undefined);
    }
    const subject = stringOf(p[3]);
    if (subject !== null) m.type = subject;
    const replyTo = stringOf(p[4]);
    if (replyTo !== null) m.replyTo = annotatedAddress(replyTo, numberOf(s.annotations.get(JMS_REPLY_TO)) ?? undefined);
    const correlation = p[5];
    if (correlation !== undefined && correlation.value !== null) m.correlationId = correlationText(correlation);
    const absoluteExpiry = timeOf(p[8]);
    if (absoluteExpiry !== null && absoluteExpiry > 0) m.expiration = absoluteExpiry;
    const created = timeOf(p[9]);
    if (created !== null && created > 0) m.timestamp = created;
    const groupId = stringOf(p[10]);
    if (groupId !== null) m.groupId = groupId;
    const groupSeq = numberOf(p[11]);
    if (groupSeq !== null) m.groupSequence = groupSeq;
  }
  if (destination === null) throw new AmqpMissingToError('Missing to field for message sent to an anonymous producer');
  m.destination = destination;

  for (const [key, value] of s.annotations) {
    if (key === DELIVERY_DELAY) {
      const delay = numberOf(value);
      if (delay !== null && delay > 0) props.set('AMQ_SCHEDULED_DELAY', typed.long(BigInt(delay)));
    } else if (key === DELIVERY_TIME) {
      const at = timeOf(value) ?? numberOf(value);
      if (at !== null && at > ctx.now) props.set('AMQ_SCHEDULED_DELAY', typed.long(BigInt(at - ctx.now)));
    } else if (key !== JMS_MSG_TYPE && key !== JMS_DEST && key !== JMS_REPLY_TO) {
      const v = toTypedValue(value);
      if (v !== null) props.set(ANNOTATION_PROPERTY_PREFIX + key, v);
    }
  }
  for (const [name, value] of s.application) {
    const v = toTypedValue(value);
    if (v !== null) props.set(name, v);
  }

  setBody(m, s, numberOf(s.annotations.get(JMS_MSG_TYPE)), contentTypeOf(p));
  if (props.size > 0) m.properties = props;
  m.origin = { format: AMQP_ORIGIN, data: ownedBytes(payload), overhead: payload.length };
  return m;
}

/** A message to an anonymous relay link without `to`: rejected with ActiveMQ's `failed` condition. */
export class AmqpMissingToError extends Error {}

function setBody(m: Message, s: Sections, msgType: number | null, contentType: string | null): void {
  const body = s.body;
  if (body === null) {
    m.bodyType = msgType === 5 ? 'text' : msgType === 3 ? 'bytes' : msgType === 2 ? 'map' : 'message';
    m.body = null;
    return;
  }
  if (body.kind === 'data') {
    const textual = msgType === 5 || (msgType === null && contentType !== null && isTextContentType(contentType));
    if (textual) setText(m, body.bytes);
    else if (msgType === 1 || contentType === SERIALIZED_OBJECT) {
      m.bodyType = 'object';
      m.body = ownedBytes(body.bytes);
    } else {
      m.bodyType = 'bytes';
      m.body = ownedBytes(body.bytes);
    }
    return;
  }
  if (body.kind === 'sequence') {
    m.bodyType = 'stream';
    m.body = encodePrimitiveValues(body.values.map((v) => toTypedValue(v) ?? typed.null()));
    return;
  }
  const v = body.value;
  const name = v.type.name;
  if (name === 'Null') {
    m.bodyType = msgType === 5 ? 'text' : 'message';
    m.body = null;
  } else if (name === 'Str8' || name === 'Str32') {
    setText(m, Buffer.from(v.value as string, 'utf8'));
  } else if (name === 'Vbin8' || name === 'Vbin32') {
    m.bodyType = 'bytes';
    m.body = ownedBytes(v.value as Buffer);
  } else if (name === 'Map8' || name === 'Map32') {
    m.bodyType = 'map';
    m.body = encodePrimitiveMap(mapEntries(v));
  } else if (name === 'List0' || name === 'List8' || name === 'List32') {
    m.bodyType = 'stream';
    m.body = encodePrimitiveValues((v.value as Typed[]).map((x) => toTypedValue(x) ?? typed.null()));
  } else {
    // ActiveMQ serializes any other value into an ObjectMessage; TideMQ has no Java serializer, so the value's
    // text is the body of a TextMessage, and AMQP consumers still receive the original encoding.
    setText(m, Buffer.from(String(T.unwrap(v)), 'utf8'));
  }
}

function setText(m: Message, bytes: Buffer): void {
  m.bodyType = 'text';
  m.body = isUtf8(bytes) ? ownedBytes(bytes) : Buffer.from(bytes.toString('utf8'), 'utf8');
}

function isTextContentType(ct: string): boolean {
  const t = ct.toLowerCase();
  return (
    t.startsWith('text/') ||
    t.startsWith('application/json') ||
    t.startsWith('application/xml') ||
    t.startsWith('application/javascript') ||
    t.startsWith('application/ecmascript')
  );
}

function contentTypeOf(p: Typed[] | null): string | null {
  return p === null ? null : stringOf(p[6]);
}

function readSections(payload: Buffer): Sections {
  const s: Sections = { header: null, annotations: new Map(), properties: null, application: new Map(), body: null };
  const reader = new T.Reader(payload);
  while (reader.remaining() > 0) {
    const section = reader.read();
    const code = descriptorCode(section.descriptor);
    // rhea marks a described value by setting `descriptor` on the value itself.
    const inner = section;
    switch (code) {
      case HEADER:
        s.header = listItems(inner);
        break;
      case DELIVERY_ANNOTATIONS:
        break;
      case MESSAGE_ANNOTATIONS:
        for (const [k, v] of mapPairs(inner)) s.annotations.set(String(T.unwrap(k)), v);
        break;
      case PROPERTIES:
        s.properties = listItems(inner);
        break;
      case APPLICATION_PROPERTIES:
        for (const [k, v] of mapPairs(inner)) s.application.set(String(T.unwrap(k)), v);
        break;
      case DATA: {
        const bytes = inner.value as Buffer;
        // Several data sections form one body (AMQP 1.0 §3.2.6).
        s.body =
          s.body?.kind === 'data'
            ? { kind: 'data', bytes: Buffer.concat([s.body.bytes, bytes]) }
            : { kind: 'data', bytes };
        break;
      }
      case SEQUENCE: {
        const values = listItems(inner);
        s.body =
          s.body?.kind === 'sequence'
            ? { kind: 'sequence', values: [...s.body.values, ...values] }
            : { kind: 'sequence', values };
        break;
      }
      case VALUE:
        s.body = { kind: 'value', value: inner };
        break;
      default:
        // Footer and unknown sections are ignored, as proton does.
        break;
    }
  }
  return s;
}

function descriptorCode(d: Typed | undefined): number | null {
  if (d === undefined) return null;
  if (typeof d.value === 'number') return d.value;
  if (typeof d.value === 'string') {
    const names: Record<string, number> = {
      'amqp:header:list': HEADER,
      'amqp:delivery-annotations:map': DELIVERY_ANNOTATIONS,
      'amqp:message-annotations:map': MESSAGE_ANNOTATIONS,
      'amqp:properties:list': PROPERTIES,
      'amqp:application-properties:map': APPLICATION_PROPERTIES,
      'amqp:data:binary': DATA,
      'amqp:amqp-sequence:list': SEQUENCE,
      'amqp:value:*': VALUE,
    };
    return names[d.value] ?? null;
  }
  return null;
}

function listItems(t: Typed): Typed[] {
  return Array.isArray(t.value) ? (t.value as Typed[]) : [];
}

function mapPairs(t: Typed): Array<[Typed, Typed]> {
  const items = Array.isArray(t.value) ? (t.value as Typed[]) : [];
  const out: Array<[Typed, Typed]> = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i]!, items[i + 1]!]);
  return out;
}

function mapEntries(t: Typed): Properties {
  const out: Properties = new Map();
  for (const [k, v] of mapPairs(t)) out.set(String(T.unwrap(k)), toTypedValue(v) ?? typed.null());
  return out;
}

function isNullish(t: Typed | undefined): t is undefined {
  return t === undefined || t.value === null || t.value === undefined || t.type.name === 'Null';
}

function stringOf(t: Typed | undefined): string | null {
  if (isNullish(t)) return null;
  return typeof t.value === 'string' ? t.value : String(T.unwrap(t));
}

function numberOf(t: Typed | undefined): number | null {
  if (isNullish(t)) return null;
  const v = t.value;
  if (typeof v === 'number') return v;
  if (Buffer.isBuffer(v) && v.length === 8) return Number(v.readBigInt64BE(0));
  return null;
}

function timeOf(t: Typed | undefined): number | null {
  if (isNullish(t)) return null;
  return t.value instanceof Date ? t.value.getTime() : numberOf(t);
}

/** AMQPMessageIdHelper: non-string ids are kept with a type prefix so they survive a round trip as text. */
function messageIdText(t: Typed): string {
  const name = t.type.name;
  if (name === 'Str8' || name === 'Str32') return t.value as string;
  if (name === 'Uuid') return `ID:AMQP_UUID:${uuidText(t.value as Buffer)}`;
  if (name.includes('Ulong')) return `ID:AMQP_ULONG:${String(numberOf(t) ?? 0)}`;
  if (name === 'Vbin8' || name === 'Vbin32')
    return `ID:AMQP_BINARY:${(t.value as Buffer).toString('hex').toUpperCase()}`;
  return String(T.unwrap(t));
}

function correlationText(t: Typed): string {
  const name = t.type.name;
  // A string correlation id is application data and passes unchanged (AMQPMessageIdHelper.toCorrelationIdString).
  if (name === 'Str8' || name === 'Str32') return t.value as string;
  return messageIdText(t);
}

function uuidText(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An AMQP value as a JMS property value, by the AMQP JMS mapping's type table; unsigned types widen. */
export function toTypedValue(t: Typed): TypedValue | null {
  const v = t.value;
  switch (t.type.name) {
    case 'Null':
      return typed.null();
    case 'Boolean':
      return typed.boolean(v === true || v === 1);
    case 'True':
      return typed.boolean(true);
    case 'False':
      return typed.boolean(false);
    case 'Byte':
      return typed.byte(v as number);
    case 'Ubyte':
    case 'Short':
      return typed.short(v as number);
    case 'Ushort':
    case 'Int':
    case 'SmallInt':
      return typed.int(v as number);
    case 'Uint':
    case 'SmallUint':
    case 'Uint0':
    case 'Long':
    case 'SmallLong':
    case 'Ulong':
    case 'SmallUlong':
    case 'Ulong0':
      return typed.long(Buffer.isBuffer(v) ? v.readBigInt64BE(0) : BigInt(Math.trunc(v as number)));
    case 'Timestamp':
      return typed.long(BigInt(v instanceof Date ? v.getTime() : Number(v)));
    case 'Float':
      return typed.float(v as number);
    case 'Double':
      return typed.double(v as number);
    case 'CharUTF32':
      return typed.char(String.fromCodePoint(v as number));
    case 'Str8':
    case 'Str32':
    case 'Sym8':
    case 'Sym32':
      return typed.string(v as string);
    case 'Uuid':
      return typed.string(uuidText(v as Buffer));
    case 'Vbin8':
    case 'Vbin32':
      return typed.bytes(v as Buffer);
    case 'List0':
    case 'List8':
    case 'List32':
      return { type: PropertyType.List, value: (v as Typed[]).map((x) => toTypedValue(x) ?? typed.null()) };
    case 'Map8':
    case 'Map32':
      return { type: PropertyType.Map, value: mapEntries(t) };
    default:
      return null;
  }
}

/** A JMS value as the AMQP type the mapping gives it. */
export function toAmqpValue(v: TypedValue): Typed {
  switch (v.type) {
    case PropertyType.Null:
      return T.Null();
    case PropertyType.Boolean:
      return T.wrap_boolean(v.value);
    case PropertyType.Byte:
      return T.wrap_byte(v.value);
    case PropertyType.Short:
      return T.wrap_short(v.value);
    case PropertyType.Int:
      return T.wrap_int(v.value);
    case PropertyType.Long: {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(v.value);
      return T.wrap_long(b);
    }
    case PropertyType.Float:
      return T.wrap_float(v.value);
    case PropertyType.Double:
      return T.wrap_double(v.value);
    case PropertyType.Char:
      return T.wrap_char(v.value.codePointAt(0) ?? 0);
    case PropertyType.String:
      return T.wrap_string(v.value);
    case PropertyType.Bytes:
      return T.wrap_binary(Buffer.from(v.value));
    case PropertyType.Map:
      return mapValue(v.value);
    case PropertyType.List:
      return T.List32(v.value.map(toAmqpValue));
  }
}

function mapValue(props: ReadonlyMap<string, TypedValue>): Typed {
  const items: Typed[] = [];
  for (const [k, x] of props) items.push(T.wrap_string(k), toAmqpValue(x));
  return T.Map32(items);
}

function section(code: number, value: Typed): Typed {
  return T.described(T.wrap_ulong(code), value);
}

/**
 * The AMQP encoding of a message for an AMQP consumer. A message that came from AMQP goes out as it arrived,
 * with only its header replaced when the delivery count must show a redelivery (AutoOutboundTransformer sends
 * the native encoding unchanged); any other message is mapped as ActiveMQ's JMSMappingOutboundTransformer does.
 * `maxBodyBytes` bounds the inflation of a body the Java client compressed.
 */
export function messageToAmqp(m: Message, redeliveryCount: number, now: number, maxBodyBytes: number): Buffer {
  if (m.origin?.format === AMQP_ORIGIN) {
    const original = m.origin.data as Buffer;
    if (redeliveryCount === 0) return original;
    return withHeader(original, redeliveryCount, m);
  }
  const w = new T.Writer();
  w.write(headerSection(m, redeliveryCount, now));
  const annotations: Typed[] = [
    T.wrap_symbol(JMS_MSG_TYPE),
    T.wrap_byte(MSG_TYPE_BYTE[m.bodyType]),
    T.wrap_symbol(JMS_DEST),
    T.wrap_byte(destinationTypeByte(m.destination)),
  ];
  if (m.replyTo !== null) annotations.push(T.wrap_symbol(JMS_REPLY_TO), T.wrap_byte(destinationTypeByte(m.replyTo)));
  w.write(section(MESSAGE_ANNOTATIONS, T.Map32(annotations)));

  const nil = T.Null();
  const contentType = m.bodyType === 'bytes' ? OCTET_STREAM : m.bodyType === 'object' ? SERIALIZED_OBJECT : null;
  const props: Typed[] = [
    T.wrap_string(m.messageId),
    m.userId !== null ? T.wrap_binary(Buffer.from(m.userId, 'utf8')) : nil,
    T.wrap_string(destinationAddress(m.destination)),
    m.type !== null ? T.wrap_string(m.type) : nil,
    m.replyTo !== null ? T.wrap_string(destinationAddress(m.replyTo)) : nil,
    m.correlationId !== null ? T.wrap_string(m.correlationId) : nil,
    contentType !== null ? T.wrap_symbol(contentType) : nil,
    nil,
    m.expiration > 0 ? T.wrap_timestamp(m.expiration) : nil,
    m.timestamp > 0 ? T.wrap_timestamp(m.timestamp) : nil,
    m.groupId !== null ? T.wrap_string(m.groupId) : nil,
    m.groupId !== null && m.groupSequence > 0 ? T.wrap_uint(m.groupSequence) : nil,
  ];
  w.write(section(PROPERTIES, T.List32(props)));

  if (m.hasProperties) {
    const items: Typed[] = [];
    for (const [name, value] of m.properties) {
      if (name.startsWith('JMS_AMQP_')) continue;
      if (value.type === PropertyType.Map || value.type === PropertyType.List) continue; // not simple types (§3.2.5)
      items.push(T.wrap_string(name), toAmqpValue(value));
    }
    if (items.length > 0) w.write(section(APPLICATION_PROPERTIES, T.Map32(items)));
  }
  const body = bodySection(m, maxBodyBytes);
  if (body !== null) w.write(body);
  return w.toBuffer();
}

function headerSection(m: Message, redeliveryCount: number, now: number): Typed {
  const ttl = m.expiration > 0 ? Math.max(1, m.expiration - now) : null;
  return section(
    HEADER,
    T.List32([
      T.wrap_boolean(m.persistent),
      T.wrap_ubyte(m.priority),
      ttl !== null ? T.wrap_uint(Math.min(ttl, 0xffffffff)) : T.Null(),
      T.wrap_boolean(false),
      T.wrap_uint(redeliveryCount),
    ]),
  );
}

/** The original encoding with its header section replaced (or added) to carry the delivery count. */
function withHeader(original: Buffer, redeliveryCount: number, m: Message): Buffer {
  const reader = new T.Reader(original);
  let rest = original;
  let durable = m.persistent;
  let priority = m.priority;
  if (reader.remaining() > 0) {
    const first = reader.read();
    if (descriptorCode(first.descriptor) === HEADER) {
      const items = listItems(first);
      durable = items[0]?.value === true;
      priority = numberOf(items[1]) ?? 4;
      rest = original.subarray(reader.position);
    }
  }
  const w = new T.Writer();
  w.write(
    section(
      HEADER,
      T.List32([
        T.wrap_boolean(durable),
        T.wrap_ubyte(priority),
        T.Null(),
        T.wrap_boolean(false),
        T.wrap_uint(redeliveryCount),
      ]),
    ),
  );
  return Buffer.concat([w.toBuffer(), rest]);
}

function bodySection(m: Message, maxBodyBytes: number): Typed | null {
  switch (m.bodyType) {
    case 'text': {
      const bytes = stompBody(m, maxBodyBytes);
      return section(VALUE, bytes === null ? T.Null() : T.wrap_string(Buffer.from(bytes).toString('utf8')));
    }
    case 'bytes':
    case 'blob': {
      const bytes = m.bodyType === 'bytes' ? stompBody(m, maxBodyBytes) : m.body;
      return section(DATA, T.wrap_binary(Buffer.from(bytes ?? new Uint8Array(0))));
    }
    case 'map':
      return section(VALUE, mapValue(m.body === null || m.compressed ? new Map() : decodePrimitiveMap(m.body)));
    case 'stream':
      return section(
        SEQUENCE,
        T.List32((m.body === null || m.compressed ? [] : decodePrimitiveValues(m.body)).map(toAmqpValue)),
      );
    case 'object':
      return section(DATA, T.wrap_binary(Buffer.from(m.body ?? new Uint8Array(0))));
    case 'message':
      return null;
  }
}
