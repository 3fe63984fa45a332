import { constants, inflateSync } from 'node:zlib';
import { BrokerError } from '../util/errors.js';
import type { BodyType } from './message.js';

/**
 * Bodies the Java client deflated (jms.useCompression), laid out as ActiveMQ writes them:
 * ActiveMQTextMessage deflates `[int32 length][modified UTF-8]` as one zlib stream; ActiveMQBytesMessage writes
 * `[int32 uncompressed length]` and then the zlib stream. The broker passes compressed bodies through untouched
 * and inflates one only for a protocol that cannot carry it (STOMP), so these are the only places where a
 * small body can become a large allocation. Every inflation here is bounded, and the size a body claims can be
 * read without inflating it, so a send can be refused before the message is accepted (issue 12.5: ten 100 KB
 * bodies that inflate to 100 MB each).
 */

/** A compressed body that is malformed or inflates past the limit. */
export class CompressedBodyError extends BrokerError {
  constructor(message: string) {
    super('ERR_FRAME_TOO_LARGE', message);
    this.name = 'CompressedBodyError';
  }
}

/** Compressed input read, at most, to find a text body's length prefix: enough for any dynamic block header. */
const PREFIX_PROBES = [16, 64, 256, 1024];

function view(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The inflated size a compressed body declares, without inflating it: the length prefix of a bytes body, or
 * 4 + the length prefix at the start of a text body's zlib stream (found by inflating at most its first 1 KiB
 * of input, which cannot produce more than about 1 MiB). Null for the body types the broker never inflates,
 * and for a text body whose text is null (length -1).
 */
export function declaredInflatedSize(bodyType: BodyType, body: Uint8Array): number | null {
  if (bodyType === 'bytes') {
    if (body.length === 0) return 0;
    if (body.length < 4) throw new CompressedBodyError('Compressed bytes body is shorter than its length prefix');
    const length = view(body).readInt32BE(0);
    if (length < 0) throw new CompressedBodyError(`Compressed bytes body declares a negative length ${length}`);
    return length;
  }
  if (bodyType !== 'text') return null;
  for (const probe of PREFIX_PROBES) {
    let head: Buffer;
    try {
      head = inflateSync(view(body).subarray(0, probe), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new CompressedBodyError(`Compressed text body is not a valid zlib stream: ${(e as Error).message}`);
    }
    if (head.length >= 4) {
      const length = head.readInt32BE(0);
      if (length === -1) return null;
      if (length < 0) throw new CompressedBodyError(`Compressed text body declares a negative length ${length}`);
      return 4 + length;
    }
    if (probe >= body.length) break;
  }
  throw new CompressedBodyError('Compressed text body ends before its length prefix');
}

/** Inflates a zlib stream into at most `maxBytes` bytes, or refuses it with the limit in the message. */
export function inflateBounded(data: Uint8Array, maxBytes: number, what: string): Buffer {
  try {
    return inflateSync(view(data), { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new CompressedBodyError(`${what} inflates past the limit of ${maxBytes} bytes`);
    }
    throw new CompressedBodyError(`${what} is not a valid zlib stream: ${(e as Error).message}`);
  }
}

/**
 * The plain content of a compressed text or bytes body, inflated into no more than `maxBytes` nor more than
 * the body declares (so a body that lies about its size is refused at that size): for text the
 * `[int32 length][modified UTF-8]` content, for bytes the bytes.
 */
export function inflateBody(bodyType: 'text' | 'bytes', body: Uint8Array, maxBytes: number): Buffer {
  const declared = declaredInflatedSize(bodyType, body);
  if (bodyType === 'bytes') {
    const length = declared ?? 0;
    if (length > maxBytes) {
      throw new CompressedBodyError(
        `Compressed bytes body declares ${length} bytes, more than the limit of ${maxBytes}`,
      );
    }
    if (length === 0) return Buffer.alloc(0);
    // ActiveMQBytesMessage.doCompress deflates its whole backing array (a ByteArrayOutputStream's buffer, at
    // most about twice the body) and decompress() reads just `length` bytes; the same here, with the
    // inflation stopped at that bound.
    const out = inflateBounded(view(body).subarray(4), 2 * length + 65_536, 'Compressed bytes body');
    if (out.length < length) {
      throw new CompressedBodyError(`Compressed bytes body inflates to ${out.length} bytes, less than its ${length}`);
    }
    return out.subarray(0, length);
  }
  const limit = Math.min(maxBytes, declared ?? 4);
  if (declared !== null && declared > maxBytes) {
    throw new CompressedBodyError(
      `Compressed text body declares ${declared} bytes, more than the limit of ${maxBytes}`,
    );
  }
  return inflateBounded(body, limit, 'Compressed text body');
}
