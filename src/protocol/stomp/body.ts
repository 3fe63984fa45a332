import { inflateSync } from 'node:zlib';
import type { Message } from '../../model/message.js';

/**
 * The bytes a MESSAGE frame carries for `message`, as ActiveMQ's LegacyFrameTranslator chooses them: the UTF-8
 * text of a text message, the content of a bytes message, and nothing for map, stream, object or plain
 * messages (Classic sends those only through an XStream `transformation`, which TideMQ does not offer).
 *
 * A body the Java client compressed (jms.useCompression) is inflated here, since a STOMP client cannot:
 * ActiveMQTextMessage deflates `[int length][modified UTF-8]` as one zlib stream, ActiveMQBytesMessage writes
 * `[int uncompressed length]` then the zlib stream. `maxBytes` bounds the inflated size.
 */
export function stompBody(message: Message, maxBytes: number): Uint8Array | null {
  const body = message.body;
  if (message.bodyType !== 'text' && message.bodyType !== 'bytes') return null;
  if (body === null) return message.bodyType === 'bytes' ? new Uint8Array(0) : null;
  if (!message.compressed) return body;
  if (message.bodyType === 'bytes') {
    if (body.length < 4) return new Uint8Array(0);
    const view = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const length = view.readInt32BE(0);
    if (length < 0 || length > maxBytes) throw new Error(`Compressed body of ${length} bytes is over the limit`);
    return inflateSync(view.subarray(4), { maxOutputLength: Math.max(1, length) });
  }
  const inflated = inflateSync(body, { maxOutputLength: Math.max(1, maxBytes) });
  if (inflated.length >= 4 && inflated.readInt32BE(0) === inflated.length - 4) {
    return Buffer.from(decodeModifiedUtf8(inflated.subarray(4)), 'utf8');
  }
  return inflated;
}

/**
 * Java's modified UTF-8 (DataOutput.writeUTF, MarshallingSupport.writeUTF8): NUL as C0 80 and characters
 * beyond the BMP as two 3-byte surrogates. Decoded to UTF-16 units so surrogate pairs join up again.
 */
export function decodeModifiedUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const a = bytes[i]!;
    if (a < 0x80) {
      units.push(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0 && i + 1 < bytes.length) {
      units.push(((a & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0 && i + 2 < bytes.length) {
      units.push(((a & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      units.push(0xfffd);
      i += 1;
    }
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}
