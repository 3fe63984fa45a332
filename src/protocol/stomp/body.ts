import { inflateBody } from '../../model/compressed-body.js';
import type { Message } from '../../model/message.js';
import { readJavaUtf8 } from '../../model/primitive-map.js';

/**
 * The bytes a MESSAGE frame carries for `message`, as ActiveMQ's LegacyFrameTranslator chooses them: the UTF-8
 * text of a text message, the content of a bytes message, and nothing for map, stream, object or plain
 * messages (Classic sends those only through an XStream `transformation`, which TideMQ does not offer).
 *
 * A body the Java client compressed (jms.useCompression) is inflated here, since a STOMP client cannot, into no
 * more than `maxBytes` (the STOMP connector's maxDataLength) nor more than the body declares; past that the
 * conversion throws a CompressedBodyError and the subscription dead-letters the message with that reason.
 */
export function stompBody(message: Message, maxBytes: number): Uint8Array | null {
  const body = message.body;
  if (message.bodyType !== 'text' && message.bodyType !== 'bytes') return null;
  if (body === null) return message.bodyType === 'bytes' ? new Uint8Array(0) : null;
  if (!message.compressed) return body;
  if (message.bodyType === 'bytes') return inflateBody('bytes', body, maxBytes);
  const inflated = inflateBody('text', body, maxBytes + 4);
  if (inflated.length === 4 && inflated.readInt32BE(0) === -1) return null;
  if (inflated.length >= 4 && inflated.readInt32BE(0) === inflated.length - 4) {
    const text = readJavaUtf8(inflated, 4, inflated.length);
    if (text === null) throw new Error('Compressed text body is not valid modified UTF-8');
    return Buffer.from(text, 'utf8');
  }
  return inflated;
}
