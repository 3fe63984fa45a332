import { Destination, type DestinationType } from '../../../model/destination.js';
import type {
  ActiveMQDestination,
  BrokerId,
  ConnectionId,
  ConsumerId,
  DataStructure,
  DestinationTypeNumber,
  LocalTransactionId,
  Message,
  MessageId,
  ProducerId,
  SessionId,
  TransactionId,
  XATransactionId,
} from './commands.js';
import { CodecError } from './errors.js';
import { T } from './types.js';

/**
 * Ids and destinations as ActiveMQ prints and parses them (the toString of each Java class), so logs, JMSMessageID
 * values and STOMP headers read exactly as Classic's do, and ids made from those strings marshal back the same.
 */

// ----------------------------------------------------------------------------------------------- to strings

/** ConnectionId.toString: the value. */
export function connectionIdToString(id: ConnectionId): string {
  return String(id.value);
}

/** SessionId.toString: `connectionId:value`. */
export function sessionIdToString(id: SessionId): string {
  return `${id.connectionId}:${id.value}`;
}

/** ConsumerId.toString: `connectionId:sessionId:value`. */
export function consumerIdToString(id: ConsumerId): string {
  return `${id.connectionId}:${id.sessionId}:${id.value}`;
}

/** ProducerId.toString: `connectionId:sessionId:value`. */
export function producerIdToString(id: ProducerId): string {
  return `${id.connectionId}:${id.sessionId}:${id.value}`;
}

/** BrokerId.toString: the value. */
export function brokerIdToString(id: BrokerId): string {
  return String(id.value);
}

/**
 * MessageId.toString: the textView when one was set (v10+, prefixed with `ID:` if it lacks it), else
 * `producerId:producerSequenceId`.
 */
export function messageIdToString(id: MessageId): string {
  if (id.textView !== null && id.textView !== undefined) {
    return id.textView.startsWith('ID:') ? id.textView : `ID:${id.textView}`;
  }
  return messageIdProducerKey(id);
}

/** MessageId.toProducerKey: always `producerId:producerSequenceId`, whatever the textView. */
export function messageIdProducerKey(id: MessageId): string {
  const p = id.producerId;
  return `${p === null ? 'null' : producerIdToString(p)}:${id.producerSequenceId}`;
}

/** LocalTransactionId.toString: `TX:connectionId:value`. */
export function localTransactionIdToString(id: LocalTransactionId): string {
  return `TX:${id.connectionId === null ? 'null' : connectionIdToString(id.connectionId)}:${id.value}`;
}

/**
 * XATransactionId.toString: `XID:[formatId,globalId=…,branchId=…]`, where each id is its bytes as Java's
 * Integer.toHexString of each signed byte (no padding: 0x0a is `a`, 0x80 is `ffffff80`), or for format 131077
 * (Arjuna) five colon-separated hex numbers.
 */
export function xaTransactionIdToString(id: XATransactionId): string {
  const g = xidPart(id.formatId, id.globalTransactionId);
  const b = xidPart(id.formatId, id.branchQualifier);
  return `XID:[${id.formatId},globalId=${g},branchId=${b}]`;
}

const ARJUNA_FORMAT = 131077;

function xidPart(format: number, uid: Uint8Array | null): string {
  const bytes = uid ?? new Uint8Array(0);
  let s = '';
  if (format === ARJUNA_FORMAT) {
    // stringFormArj: long:long:int:int:int; when the bytes run out part-way, what was printed stays and the
    // default form of all the bytes follows (its catch block appends to the same builder).
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const sizes = [8, 8, 4, 4, 4];
    let pos = 0;
    let complete = true;
    for (let i = 0; i < sizes.length; i++) {
      const n = sizes[i]!;
      if (pos + n > bytes.length) {
        complete = false;
        break;
      }
      s += n === 8 ? v.getBigInt64(pos).toString(16) : v.getInt32(pos).toString(16);
      if (i < sizes.length - 1) s += ':';
      pos += n;
    }
    if (complete) return s;
  }
  for (const b of bytes) s += b < 0x80 ? b.toString(16) : ((0xffffff00 | b) >>> 0).toString(16);
  return s;
}

/** TransactionId.toString for either kind. */
export function transactionIdToString(id: TransactionId): string {
  return id.type === T.ACTIVEMQ_LOCAL_TRANSACTION_ID ? localTransactionIdToString(id) : xaTransactionIdToString(id);
}

/** toString of any id (the RemoveInfo.objectId case); other structures give their type name. */
export function idToString(id: DataStructure): string {
  switch (id.type) {
    case T.CONNECTION_ID:
      return connectionIdToString(id);
    case T.SESSION_ID:
      return sessionIdToString(id);
    case T.CONSUMER_ID:
      return consumerIdToString(id);
    case T.PRODUCER_ID:
      return producerIdToString(id);
    case T.BROKER_ID:
      return brokerIdToString(id);
    case T.MESSAGE_ID:
      return messageIdToString(id);
    case T.ACTIVEMQ_LOCAL_TRANSACTION_ID:
    case T.ACTIVEMQ_XA_TRANSACTION_ID:
      return transactionIdToString(id);
    case T.ACTIVEMQ_QUEUE:
    case T.ACTIVEMQ_TOPIC:
    case T.ACTIVEMQ_TEMP_QUEUE:
    case T.ACTIVEMQ_TEMP_TOPIC:
      return destinationToString(id);
    default:
      return `type ${id.type}`;
  }
}

// ----------------------------------------------------------------------------------------------- constructors

export function connectionId(value: string): ConnectionId {
  return { type: T.CONNECTION_ID, value };
}

export function sessionId(connection: string, value: number): SessionId {
  return { type: T.SESSION_ID, connectionId: connection, value };
}

export function consumerId(connection: string, session: number, value: number): ConsumerId {
  return { type: T.CONSUMER_ID, connectionId: connection, sessionId: session, value };
}

export function producerId(connection: string, session: number, value: number): ProducerId {
  return { type: T.PRODUCER_ID, connectionId: connection, value, sessionId: session };
}

export function brokerId(value: string): BrokerId {
  return { type: T.BROKER_ID, value };
}

/** A brokerPath as OpenWire carries it; an empty or missing path is null, as ActiveMQ sends it. */
export function brokerIds(path: readonly string[] | null | undefined): BrokerId[] | null {
  return path === null || path === undefined || path.length === 0 ? null : path.map(brokerId);
}

/** One of the ActiveMQ*Message commands (types 23–29). */
export function isMessage(cmd: DataStructure): cmd is Message {
  return cmd.type >= T.ACTIVEMQ_MESSAGE && cmd.type <= T.ACTIVEMQ_BLOB_MESSAGE;
}

export function messageId(producer: ProducerId, producerSequenceId: number, brokerSequenceId = 0): MessageId {
  return { type: T.MESSAGE_ID, textView: null, producerId: producer, producerSequenceId, brokerSequenceId };
}

// ----------------------------------------------------------------------------------------------- parsers

function parseLong(s: string, what: string, text: string): number {
  if (!/^[-+]?\d+$/.test(s)) throw new CodecError(`invalid ${what} "${text}": "${s}" is not a number`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new CodecError(`invalid ${what} "${text}": ${s} is out of range`);
  return n;
}

/** Splits `rest:n` at the last colon (how ActiveMQ's id constructors parse). */
function splitLast(s: string, what: string, text: string): [string, number] {
  const p = s.lastIndexOf(':');
  if (p < 0) throw new CodecError(`invalid ${what} "${text}"`);
  return [s.substring(0, p), parseLong(s.substring(p + 1), what, text)];
}

export function parseConnectionId(text: string): ConnectionId {
  return connectionId(text);
}

/** Parses `connectionId:value`. */
export function parseSessionId(text: string): SessionId {
  const [conn, value] = splitLast(text, 'session id', text);
  return sessionId(conn, value);
}

/**
 * Parses `connectionId:sessionId:value`. Unlike ActiveMQ's ConsumerId(String), which splits at every colon and
 * so breaks on its own `ID:host-…:1` connection ids, this splits at the last two.
 */
export function parseConsumerId(text: string): ConsumerId {
  const [rest, value] = splitLast(text, 'consumer id', text);
  const [conn, session] = splitLast(rest, 'consumer id', text);
  return consumerId(conn, session, value);
}

/** Parses `connectionId:sessionId:value` (ProducerId(String)). */
export function parseProducerId(text: string): ProducerId {
  const [rest, value] = splitLast(text, 'producer id', text);
  const [conn, session] = splitLast(rest, 'producer id', text);
  return producerId(conn, session, value);
}

/**
 * Parses a message id string as MessageId(String) does: `producerId:producerSequenceId`, the producer id itself
 * `connectionId:sessionId:value`. This is how the broker gives an id to a message produced over STOMP or AMQP.
 */
export function parseMessageId(text: string): MessageId {
  const [producer, seq] = splitLast(text, 'message id', text);
  return messageId(parseProducerId(producer), seq);
}

/** Parses `TX:connectionId:value` (LocalTransactionId.toString). */
export function parseLocalTransactionId(text: string): LocalTransactionId {
  if (!text.startsWith('TX:')) throw new CodecError(`invalid local transaction id "${text}"`);
  const [conn, value] = splitLast(text.substring(3), 'local transaction id', text);
  return { type: T.ACTIVEMQ_LOCAL_TRANSACTION_ID, value, connectionId: connectionId(conn) };
}

/**
 * Parses `XID:[formatId,globalId=…,branchId=…]`. Java's hex form has no padding, so it is not reversible in
 * general; this returns ids whose string form is exactly `text` again (each hex run is read greedily as the
 * bytes Integer.toHexString would print), which is what matters wherever the string is the key.
 */
export function parseXATransactionId(text: string): XATransactionId {
  const m = /^XID:\[(-?\d+),globalId=([^,]*),branchId=([^\]]*)\]$/.exec(text);
  if (!m) throw new CodecError(`invalid XA transaction id "${text}"`);
  const formatId = parseLong(m[1]!, 'XA transaction id', text) | 0;
  return {
    type: T.ACTIVEMQ_XA_TRANSACTION_ID,
    formatId,
    globalTransactionId: parseXidPart(formatId, m[2]!, text),
    branchQualifier: parseXidPart(formatId, m[3]!, text),
  };
}

function parseXidPart(format: number, s: string, text: string): Uint8Array {
  if (format === ARJUNA_FORMAT && s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 5) throw new CodecError(`invalid XA transaction id "${text}"`);
    const out = new Uint8Array(28);
    const v = new DataView(out.buffer);
    try {
      v.setBigInt64(0, BigInt.asIntN(64, hexBig(parts[0]!)));
      v.setBigInt64(8, BigInt.asIntN(64, hexBig(parts[1]!)));
      for (let i = 0; i < 3; i++) v.setInt32(16 + 4 * i, Number(BigInt.asIntN(32, hexBig(parts[2 + i]!))));
    } catch {
      throw new CodecError(`invalid XA transaction id "${text}"`);
    }
    return out;
  }
  if (!/^[0-9a-f]*$/.test(s)) throw new CodecError(`invalid XA transaction id "${text}"`);
  const out: number[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('ffffff', i) && i + 8 <= s.length && parseInt(s[i + 6]!, 16) >= 8) {
      out.push(parseInt(s.substring(i + 6, i + 8), 16));
      i += 8;
    } else if (i + 2 <= s.length && s[i]! >= '1' && s[i]! <= '7') {
      out.push(parseInt(s.substring(i, i + 2), 16));
      i += 2;
    } else {
      out.push(parseInt(s[i]!, 16));
      i += 1;
    }
  }
  return Uint8Array.from(out);
}

function hexBig(s: string): bigint {
  return s.startsWith('-') ? -BigInt(`0x${s.substring(1)}`) : BigInt(`0x${s}`);
}

/** Parses either transaction id form. */
export function parseTransactionId(text: string): TransactionId {
  return text.startsWith('XID:') ? parseXATransactionId(text) : parseLocalTransactionId(text);
}

// ----------------------------------------------------------------------------------------------- destinations

const PREFIXES: readonly [DestinationTypeNumber, string, DestinationType][] = [
  [T.ACTIVEMQ_QUEUE, 'queue://', 'queue'],
  [T.ACTIVEMQ_TOPIC, 'topic://', 'topic'],
  [T.ACTIVEMQ_TEMP_QUEUE, 'temp-queue://', 'temp-queue'],
  [T.ACTIVEMQ_TEMP_TOPIC, 'temp-topic://', 'temp-topic'],
];

function entryFor(type: number): readonly [DestinationTypeNumber, string, DestinationType] {
  const e = PREFIXES.find((p) => p[0] === type);
  if (e === undefined) throw new CodecError(`type ${type} is not a destination`);
  return e;
}

export function destination(type: DestinationTypeNumber, physicalName: string): ActiveMQDestination {
  return { type, physicalName };
}

/**
 * ActiveMQDestination.toString (getQualifiedName): `queue://name`, `topic://name`, `temp-queue://name`,
 * `temp-topic://name`; a composite (`a,b`) is its physical name alone, as in ActiveMQ.
 */
export function destinationToString(d: ActiveMQDestination): string {
  const name = String(d.physicalName);
  if (name.includes(',')) return name;
  return entryFor(d.type)[1] + name;
}

/**
 * ActiveMQDestination.createDestination(name, defaultType): a `queue://` / `topic://` / `temp-queue://` /
 * `temp-topic://` prefix chooses the type, else `defaultType`. The rest is the physical name, unchanged.
 */
export function parseDestination(
  text: string,
  defaultType: DestinationTypeNumber = T.ACTIVEMQ_QUEUE,
): ActiveMQDestination {
  for (const [type, prefix] of PREFIXES) {
    if (text.startsWith(prefix)) return { type, physicalName: text.substring(prefix.length) };
  }
  return { type: defaultType, physicalName: text };
}

/** The model's destination type name for an OpenWire destination type. */
export function destinationTypeName(type: DestinationTypeNumber): DestinationType {
  return entryFor(type)[2];
}

/** The OpenWire destination type for a model type name. */
export function destinationTypeNumber(type: DestinationType): DestinationTypeNumber {
  const e = PREFIXES.find((p) => p[2] === type);
  return e![0];
}

/** The model's interned Destination (the physical name as received, options included). */
export function toModelDestination(d: ActiveMQDestination): Destination {
  return Destination.of(destinationTypeName(d.type), String(d.physicalName));
}

export function fromModelDestination(d: Destination): ActiveMQDestination {
  return { type: destinationTypeNumber(d.type), physicalName: d.name };
}

/**
 * Splits `name?a=1&b=2` into the name and its options, as ActiveMQDestination.setPhysicalName does with
 * URISupport.parseQuery (values URL-decoded). A name without `?` has no options.
 */
export function splitDestinationOptions(physicalName: string): { name: string; options: Map<string, string> } {
  const p = physicalName.indexOf('?');
  const options = new Map<string, string>();
  if (p < 0) return { name: physicalName, options };
  for (const part of physicalName.substring(p + 1).split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.substring(0, eq);
    const v = eq < 0 ? '' : part.substring(eq + 1);
    options.set(decodeQuery(k), decodeQuery(v));
  }
  return { name: physicalName.substring(0, p), options };
}

function decodeQuery(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
