import type { Message } from '../../model/message.js';
import { decodePrimitiveMap } from '../../model/primitive-map.js';
import type { JdbcMessageFormat } from '../../store/jdbc/message-format.js';
import { brokerId, parseMessageId } from './codec/ids.js';
import type * as ow from './codec/commands.js';
import { OpenWireFormat } from './codec/wire-format.js';
import { fromOpenWireMessage, toOpenWireMessage } from './message-convert.js';

/** CommandTypes.PROTOCOL_STORE_VERSION: the OpenWire version ActiveMQ 5.17 marshals stored messages with. */
export const STORE_OPENWIRE_VERSION = 11;

/**
 * What ActiveMQ's JDBC store writes in ACTIVEMQ_MSGS.MSG: `wireFormat.marshal(message)` with JDBCPersistenceAdapter's
 * OpenWireFormat at the store version (11): loose encoding, no marshal cache, 4-byte size prefix.
 *
 * A few things TideMQ keeps about a message have no OpenWire field (the producing connection's id when it is not
 * the producer id's own). They follow the frame as a trailer: `TQM1`, then UTF-8 JSON. ActiveMQ's
 * OpenWireFormat.unmarshal reads the frame its size prefix announces and ignores what follows (its size check
 * is commented out in 5.17), so it reads these rows as its own; a row ActiveMQ rewrites simply loses the trailer.
 */
export class OpenWireJdbcMessageFormat implements JdbcMessageFormat {
  encode(original: Message): Uint8Array {
    let message = original;
    if (message.encodedProperties !== null && message.encodedPropertiesDecoder !== decodePrimitiveMap) {
      // Properties kept in another encoding (not OpenWire's primitive map) are written as OpenWire's.
      message = original.copy();
      message.properties = new Map(original.properties);
    }
    let base: ow.Message;
    try {
      base = toOpenWireMessage(message);
    } catch {
      // An id set from outside, not of ActiveMQ's producer-id shape: converted with a stand-in, then kept as the
      // MessageId's text view, as ActiveMQ keeps such ids.
      const c = message.copy();
      c.messageId = 'ID:tidemq:0:0:0';
      base = toOpenWireMessage(c);
    }
    // The converted object may be the one the producer sent (still referenced by the broker): never modify it.
    const m: ow.Message = { ...base };
    m.redeliveryCounter = message.redeliveryCounter;
    m.brokerPath =
      message.brokerPath === null || message.brokerPath.length === 0 ? null : message.brokerPath.map(brokerId);
    m.transactionId = null;
    m.originalTransactionId = null;
    if (m.messageId === null || !sameId(m.messageId, message.messageId)) m.messageId = idFor(message.messageId);
    const frame = encoder.encode(m);
    const extra: Trailer = {};
    const fromProducer = connectionOf(message.producerId);
    if (message.producerConnectionId !== null && message.producerConnectionId !== fromProducer) {
      extra.c = message.producerConnectionId;
    }
    if (message.body === null && base.content !== null) extra.n = 1;
    if (Object.keys(extra).length === 0) return frame;
    return Buffer.concat([frame, TRAILER_MAGIC, Buffer.from(JSON.stringify(extra), 'utf8')]);
  }

  decode(bytes: Uint8Array): Message {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 5) throw new Error(`${buf.length} bytes are too few for an OpenWire frame`);
    const size = buf.readInt32BE(0);
    if (size < 1 || size + 4 > buf.length) throw new Error(`frame size ${size} does not fit the ${buf.length} bytes`);
    const f = format();
    // The row's bytes are the frame; the decoded message keeps views into them, so they are copied once here.
    f.push(Buffer.from(buf.subarray(0, size + 4)));
    const cmd = f.next() as ow.Message | undefined;
    if (cmd === undefined || typeof cmd.type !== 'number' || !('messageId' in cmd)) {
      throw new Error('the frame is not a message');
    }
    let trailer: Trailer = {};
    const rest = buf.subarray(size + 4);
    if (rest.length > TRAILER_MAGIC.length && rest.subarray(0, TRAILER_MAGIC.length).equals(TRAILER_MAGIC)) {
      trailer = JSON.parse(rest.subarray(TRAILER_MAGIC.length).toString('utf8')) as Trailer;
    }
    const producer = cmd.producerId;
    const connection =
      trailer.c ?? (producer !== null && producer.connectionId !== null ? producer.connectionId : null);
    const msg = fromOpenWireMessage(cmd, connection ?? '');
    msg.producerConnectionId = connection;
    // Stamped by the broker that stored it; a conversion from a client's frame leaves them to the broker.
    msg.brokerInTime = cmd.brokerInTime;
    msg.brokerOutTime = cmd.brokerOutTime;
    if (cmd.brokerPath !== null) msg.brokerPath = cmd.brokerPath.map((b) => b.value ?? '');
    if (trailer.n === 1) msg.body = null;
    return msg;
  }
}

interface Trailer {
  /** The producing connection's id, when it differs from the producer id's connection. */
  c?: string;
  /** The body was null although OpenWire content was written. */
  n?: 1;
}

const TRAILER_MAGIC = Buffer.from('TQM1', 'latin1');

/**
 * The store's format has no marshal cache, so nothing carries over from one message to the next: one encoder
 * serves every call (encoding is synchronous), while each decode gets a fresh format, so that bytes which fail to
 * decode cannot leave a half-read frame behind for the next row.
 */
function format(): OpenWireFormat {
  return new OpenWireFormat({
    version: STORE_OPENWIRE_VERSION,
    tightEncodingEnabled: false,
    cacheEnabled: false,
    sizePrefixDisabled: false,
    maxFrameSizeEnabled: false,
  });
}

const encoder = format();

function sameId(id: ow.MessageId, text: string): boolean {
  if (id.textView !== null) return id.textView === text;
  const p = id.producerId;
  return p !== null && `${p.connectionId}:${p.sessionId}:${p.value}:${id.producerSequenceId}` === text;
}

/** A message id as ActiveMQ's MessageId: parsed when it has the producer-id shape, else kept as its text view. */
function idFor(text: string): ow.MessageId {
  try {
    return parseMessageId(text);
  } catch {
    return { ...parseMessageId('ID:tidemq:0:0:0'), textView: text };
  }
}

function connectionOf(producerId: string | null): string | null {
  if (producerId === null) return null;
  const parts = producerId.split(':');
  return parts.length > 2 ? parts.slice(0, -2).join(':') : null;
}
