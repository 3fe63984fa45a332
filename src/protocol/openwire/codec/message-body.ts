import { deflateSync, inflateSync } from 'node:zlib';
import type { Properties } from '../../../model/properties.js';
import {
  decodePrimitiveMap,
  encodePrimitiveMap,
  javaUtf8Length,
  PrimitiveMapError,
  readJavaUtf8,
  writeJavaUtf8,
} from '../../../model/primitive-map.js';
import type { Message } from './commands.js';
import { CodecError } from './errors.js';
import { T } from './types.js';

/**
 * ActiveMQ's message body formats (the `content` of a Message), and their compressed forms.
 *
 * - Text (ActiveMQTextMessage.storeContent): int32 length + the text in Java modified UTF-8
 *   (MarshallingSupport.writeUTF8); length -1 = null text; no content at all = null text too.
 * - Map (ActiveMQMapMessage): a marshalled primitive map.
 * - Bytes: the bytes as written.
 * - Compression (jms.useCompression, the `compressed` flag): the body is deflated with java.util.zip's default
 *   Deflater, i.e. a zlib stream (78 9C header, Adler-32 trailer). Bytes messages differ
 *   (ActiveMQBytesMessage.doCompress): int32 uncompressed length, then the zlib stream. Every other kind
 *   (Message.doCompress and the Text/Map/Stream/Object storeContent paths) is the zlib stream alone.
 *
 * Inflation is bounded (ActiveMQ's maxInflatedDataSize, 100 MiB by default): a small deflated body cannot
 * expand into unbounded memory.
 */

/** OpenWireFormat.DEFAULT_MAX_INFLATED_DATA_SIZE. */
export const DEFAULT_MAX_INFLATED_SIZE = 100 * 1024 * 1024;

function view(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Whether the message body is deflated. */
export function isCompressed(message: Pick<Message, 'compressed'>): boolean {
  return message.compressed === true;
}

/** Inflates a zlib stream, refusing to produce more than `maxSize` bytes. */
export function inflateZlib(data: Uint8Array, maxSize = DEFAULT_MAX_INFLATED_SIZE): Buffer {
  try {
    return inflateSync(view(data), { maxOutputLength: Math.max(1, maxSize) });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new CodecError(`compressed body inflates past the limit of ${maxSize} bytes`);
    }
    throw new CodecError(`compressed body is not a valid zlib stream: ${(e as Error).message}`);
  }
}

/**
 * The plain body of a message whose `compressed` flag is set, laid out per kind as ActiveMQ deflates it.
 * Returns `content` itself when it is not compressed.
 */
export function inflateContent(
  message: Pick<Message, 'type' | 'content' | 'compressed'>,
  maxSize = DEFAULT_MAX_INFLATED_SIZE,
): Uint8Array | null {
  const content = message.content;
  if (content === null || !message.compressed) return content;
  if (message.type === T.ACTIVEMQ_BYTES_MESSAGE) {
    if (content.length === 0) return content;
    if (content.length < 4) throw new CodecError('compressed bytes body is shorter than its length prefix');
    const length = view(content).readInt32BE(0);
    if (length < 0 || length > maxSize) {
      throw new CodecError(`compressed bytes body claims ${length} bytes (limit ${maxSize})`);
    }
    // ActiveMQBytesMessage.doCompress deflates its whole backing array (Deflater.setInput(bytes.data)), which
    // can be longer than the body; decompress() reads just `length` bytes. So may we.
    const out = inflateZlib(content.subarray(4), maxSize);
    if (out.length < length) {
      throw new CodecError(`inflated bytes body is ${out.length} bytes, less than the ${length} it claims`);
    }
    return out.subarray(0, length);
  }
  return inflateZlib(content, maxSize);
}

/** The compressed `content` ActiveMQ would send for `plain` in a message of `type`. */
export function deflateContent(type: number, plain: Uint8Array): Buffer {
  const z = deflateSync(view(plain));
  if (type !== T.ACTIVEMQ_BYTES_MESSAGE) return z;
  const out = Buffer.allocUnsafe(4 + z.length);
  out.writeInt32BE(plain.length, 0);
  z.copy(out, 4);
  return out;
}

// ----------------------------------------------------------------------------------------------- text

/** ActiveMQTextMessage content for `text` (null text → null content), optionally deflated. */
export function encodeTextContent(text: string | null, compress = false): Buffer | null {
  if (text === null) return null;
  const n = javaUtf8Length(text);
  const out = Buffer.allocUnsafe(4 + n);
  out.writeInt32BE(n, 0);
  writeJavaUtf8(out, 4, text);
  return compress ? deflateSync(out) : out;
}

/** The text of an ActiveMQTextMessage content (inflated first when `compressed`). */
export function decodeTextContent(
  content: Uint8Array | null,
  compressed = false,
  maxSize = DEFAULT_MAX_INFLATED_SIZE,
): string | null {
  if (content === null) return null;
  const plain = compressed ? inflateZlib(content, maxSize) : view(content);
  if (plain.length < 4) throw new CodecError('text body is shorter than its length prefix');
  const n = plain.readInt32BE(0);
  if (n === -1) return null;
  if (n < 0 || n > plain.length - 4) throw new CodecError(`text body claims ${n} bytes, has ${plain.length - 4}`);
  const s = readJavaUtf8(plain, 4, 4 + n);
  if (s === null) throw new CodecError('text body is not valid modified UTF-8');
  return s;
}

/** The text of a TextMessage, whatever its compression. */
export function messageText(
  message: Pick<Message, 'content' | 'compressed'>,
  maxSize = DEFAULT_MAX_INFLATED_SIZE,
): string | null {
  return decodeTextContent(message.content, message.compressed, maxSize);
}

// ----------------------------------------------------------------------------------------------- map

/** The entries of an ActiveMQMapMessage body (inflated first when `compressed`). */
export function decodeMapContent(
  content: Uint8Array | null,
  compressed = false,
  maxSize = DEFAULT_MAX_INFLATED_SIZE,
): Properties {
  if (content === null) return new Map();
  const plain = compressed ? inflateZlib(content, maxSize) : content;
  try {
    return decodePrimitiveMap(plain);
  } catch (e) {
    if (e instanceof PrimitiveMapError) throw new CodecError(`map body: ${e.message}`);
    throw e;
  }
}

/** ActiveMQMapMessage content for `entries`, optionally deflated. */
export function encodeMapContent(entries: Properties, compress = false): Buffer {
  const plain = Buffer.from(encodePrimitiveMap(entries));
  return compress ? deflateSync(plain) : plain;
}

// ----------------------------------------------------------------------------------------------- properties

/** A message's properties (Message.marshalledProperties decoded; CodecError if malformed). */
export function decodeMessageProperties(marshalled: Uint8Array | null): Properties {
  if (marshalled === null) return new Map();
  try {
    return decodePrimitiveMap(marshalled);
  } catch (e) {
    if (e instanceof PrimitiveMapError) throw new CodecError(`message properties: ${e.message}`);
    throw e;
  }
}
