import { isUtf8 } from 'node:buffer';
import type { Destination } from '../../model/destination.js';
import { Message, ownedBytes } from '../../model/message.js';
import { PropertyType, typed, typedToString, type Properties, type TypedValue } from '../../model/properties.js';
import { encodeHeaderText } from './codec/escape.js';
import type { StompFrame, StompVersion } from './codec/frame.js';
import type { StompDestinations } from './destinations.js';
import { StompProtocolError } from './protocol-error.js';

/** SEND headers that become message fields or are STOMP-only, so they are not copied into properties. */
const CONSUMED_SEND_HEADERS = new Set([
  'destination',
  'correlation-id',
  'expires',
  'timestamp',
  'priority',
  'type',
  'reply-to',
  'persistent',
  'transaction',
  'content-length',
  'JMSXGroupID',
  'JMSXGroupSeq',
  // ActiveMQ strips these so a property can never pose as a MESSAGE header (FrameTranslator.Helper).
  'receipt',
  'message-id',
  'redelivered',
  'subscription',
  'JMSXUserID',
]);

/** Headers the MESSAGE frame sets itself; a property of the same name is not written twice. */
const MESSAGE_HEADERS = new Set([
  'message-id',
  'destination',
  'subscription',
  'ack',
  'content-length',
  'persistent',
  'priority',
  'expires',
  'timestamp',
  'correlation-id',
  'reply-to',
  'type',
  'redelivered',
  'JMSXUserID',
  'original-destination',
]);

export interface SendContext {
  readonly destinations: StompDestinations;
  /** Called for each temporary destination the frame's names create. */
  readonly createdTemp: (d: Destination) => void;
  readonly producerId: string;
  readonly messageId: string;
  readonly connectionId: string;
  readonly now: number;
}

/**
 * A SEND frame as a Message, following ActiveMQ's LegacyFrameTranslator: `amq-msg-type` (text|bytes) picks
 * the body type, otherwise a `content-length` header makes a bytes message and its absence a text message;
 * JMS headers come from their STOMP headers and every other header becomes a string property.
 */
export function frameToMessage(frame: StompFrame, destination: Destination, ctx: SendContext): Message {
  const h = frame.headers;
  const m = new Message();
  const intended = h.get('amq-msg-type');
  if (intended !== undefined) {
    const t = intended.toLowerCase();
    if (t === 'text') setText(m, frame.body);
    else if (t === 'bytes') setBytes(m, frame.body);
    else throw new StompProtocolError(`Unsupported message type '${intended}'`);
  } else if (h.has('content-length')) {
    setBytes(m, frame.body);
  } else {
    setText(m, frame.body);
  }

  m.destination = destination;
  m.messageId = ctx.messageId;
  m.producerId = ctx.producerId;
  m.producerConnectionId = ctx.connectionId;
  m.correlationId = h.get('correlation-id') ?? null;
  const expires = h.get('expires');
  if (expires !== undefined) m.expiration = parseLong('expires', expires);
  const timestamp = h.get('timestamp');
  m.timestamp = timestamp !== undefined ? parseLong('timestamp', timestamp) : ctx.now;
  const priority = h.get('priority');
  // JMS priorities are 0..9; ActiveMQ's dispatch assumes that range, so an out-of-range value is clamped.
  m.priority = priority !== undefined ? Math.min(9, Math.max(0, parseLong('priority', priority))) : 4;
  m.type = h.get('type') ?? null;
  // ActiveMQ's default for STOMP is non-persistent unless `persistent:true`.
  m.persistent = h.get('persistent') === 'true';
  const groupId = h.get('JMSXGroupID');
  if (groupId !== undefined) m.groupId = groupId;
  const groupSeq = h.get('JMSXGroupSeq');
  if (groupSeq !== undefined) m.groupSequence = parseLong('JMSXGroupSeq', groupSeq);

  const props: Properties = new Map();
  const replyTo = h.get('reply-to');
  if (replyTo !== undefined) {
    try {
      m.replyTo = ctx.destinations.toDestination(replyTo, false, ctx.createdTemp);
    } catch (e) {
      // ActiveMQ keeps a reply-to it cannot map as a plain string property.
      if (!(e instanceof StompProtocolError)) throw e;
      props.set('reply-to', typed.string(replyTo));
    }
  }
  for (const [name, value] of h) {
    if (!CONSUMED_SEND_HEADERS.has(name)) props.set(name, typed.string(value));
  }
  if (props.size > 0) m.properties = props;
  return m;
}

function setText(m: Message, body: Buffer): void {
  m.bodyType = 'text';
  // Java decodes the body as UTF-8 (replacing malformed bytes) before storing the text; the same is done
  // here so the core only ever holds valid UTF-8.
  m.body = isUtf8(body) ? ownedBytes(body) : Buffer.from(body.toString('utf8'), 'utf8');
}

function setBytes(m: Message, body: Buffer): void {
  m.bodyType = 'bytes';
  m.body = ownedBytes(body);
}

function parseLong(name: string, value: string): number {
  const t = value.trim();
  if (!/^[+-]?\d{1,18}$/.test(t)) throw new StompProtocolError(`Invalid value for header ${name}: [${value}]`);
  return Number(t);
}

/** What a MESSAGE head needs besides the message. */
export interface MessageHeadContext {
  readonly version: StompVersion;
  readonly destinations: StompDestinations;
  /** Null for a STOMP 1.0 subscription made without an id (ActiveMQ then sends no subscription header). */
  readonly subscriptionId: string | null;
  /** The 1.2 `ack` header value, or null. */
  readonly ackId: string | null;
  readonly redelivered: boolean;
  readonly contentLength: number | null;
}

/**
 * The head of a MESSAGE frame, built as one string (no header list is allocated). Headers are those of
 * ActiveMQ's FrameTranslator.Helper.copyStandardHeadersFromMessageToFrame: message-id, destination,
 * correlation-id, expires, redelivered, priority, reply-to, timestamp, type, JMSXUserID,
 * original-destination, persistent, then every property as a header.
 */
export function messageHead(m: Message, c: MessageHeadContext): string {
  const v = c.version;
  // STOMP 1.0 has no escaping; an EOL in a value (a property set by another protocol) would end the header
  // early and let the value forge headers, so it becomes a space there.
  const e = v === '1.0' ? flattenEol : (s: string) => encodeHeaderText(s, v);
  let h =
    'MESSAGE\nmessage-id:' + e(m.messageId) + '\ndestination:' + e(c.destinations.toStompName(m.destination)) + '\n';
  if (c.subscriptionId !== null) h += 'subscription:' + e(c.subscriptionId) + '\n';
  if (c.ackId !== null) h += 'ack:' + e(c.ackId) + '\n';
  if (m.correlationId !== null) h += 'correlation-id:' + e(m.correlationId) + '\n';
  h += 'expires:' + m.expiration + '\n';
  if (c.redelivered) h += 'redelivered:true\n';
  h += 'priority:' + m.priority + '\n';
  if (m.replyTo !== null) h += 'reply-to:' + e(c.destinations.toStompName(m.replyTo)) + '\n';
  h += 'timestamp:' + m.timestamp + '\n';
  if (m.type !== null) h += 'type:' + e(m.type) + '\n';
  if (m.userId !== null) h += 'JMSXUserID:' + e(m.userId) + '\n';
  if (m.originalDestination !== null) {
    h += 'original-destination:' + e(c.destinations.toStompName(m.originalDestination)) + '\n';
  }
  if (m.persistent) h += 'persistent:true\n';
  if (m.hasProperties) {
    for (const [name, value] of m.properties) {
      if (MESSAGE_HEADERS.has(name)) continue;
      h += e(name) + ':' + e(propertyText(value)) + '\n';
    }
  }
  if (c.contentLength !== null) h += 'content-length:' + c.contentLength + '\n';
  return h + '\n';
}

function flattenEol(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}

/** A property as Java's `"" + value` prints it, which is what ActiveMQ writes into the header. */
export function propertyText(v: TypedValue): string {
  switch (v.type) {
    case PropertyType.Null:
      return 'null';
    case PropertyType.Double:
    case PropertyType.Float:
      return javaFloatingText(v.value);
    default:
      return typedToString(v);
  }
}

function javaFloatingText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return n.toFixed(1);
  return String(n);
}
