import { inflateSync } from 'node:zlib';
import type { Message } from '../../model/message.js';
import { readJavaUtf8 } from '../../model/primitive-map.js';

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
    return Buffer.from(readJavaUtf8(inflated, 4, inflated.length) ?? '', 'utf8');
  }
  return inflated;
}
