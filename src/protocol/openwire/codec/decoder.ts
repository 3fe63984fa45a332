import { CodecError } from './errors.js';
import { NEED_MORE } from './unmarshaller.js';

/** What the frame decoder needs from the wire format: the frame layout and the body decoder. */
export interface FrameSource<C> {
  readonly sizePrefixDisabled: boolean;
  readonly maxFrameSize: number;
  readonly maxFrameSizeEnabled: boolean;
  /** Decodes one frame body; null for a NULL frame. With `partial` it may throw NEED_MORE. */
  decodeBody(buf: Buffer, start: number, end: number, partial: boolean): { command: C | null; end: number };
}

/**
 * The resumable frame layer: feed it chunks of any size, take whole commands out.
 *
 * With the size prefix (always, in practice): the 4-byte size is read first and checked against maxFrameSize
 * before a single byte of the body is kept; chunks are then only referenced until the frame is complete. A frame
 * inside one chunk is decoded in place (message content stays a view of the chunk); one spanning chunks is copied
 * once into a buffer of its exact size, allocated only when all of it has arrived.
 *
 * Without the size prefix (sizePrefixDisabled negotiated by both sides) a frame's end is only known by decoding
 * it, so the bytes are gathered in one growing buffer and decoding is retried as they arrive, up to maxFrameSize.
 *
 * Commands are taken out one at a time (`next`) so that the caller can renegotiate the wire format after the
 * WireFormatInfo, before the next frame in the same chunk is decoded.
 */
export class FrameDecoder<C> {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private offset = 0;
  private buffered = 0;
  private frameSize = -1;
  private failed: CodecError | null = null;

  // sizePrefixDisabled: one contiguous, geometrically grown buffer.
  private acc: Buffer | null = null;
  private accStart = 0;
  private accEnd = 0;

  constructor(private readonly source: FrameSource<C>) {}

  /** Bytes received and not yet consumed by a whole frame. */
  get pendingBytes(): number {
    return this.source.sizePrefixDisabled && this.acc !== null ? this.accEnd - this.accStart : this.buffered;
  }

  push(chunk: Uint8Array): void {
    if (this.failed !== null) throw this.failed;
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Pushes a chunk and hands each whole command to `onCommand` (which may renegotiate between frames). */
  feed(chunk: Uint8Array, onCommand: (command: C) => void): void {
    this.push(chunk);
    for (let c = this.next(); c !== undefined; c = this.next()) onCommand(c);
  }

  /** The next whole command, or undefined until more bytes arrive. Throws CodecError on a bad frame. */
  next(): C | undefined {
    if (this.failed !== null) throw this.failed;
    try {
      for (;;) {
        const r = this.source.sizePrefixDisabled ? this.nextUnprefixed() : this.nextPrefixed();
        if (r === undefined) return undefined;
        if (r !== null) return r;
        // A NULL frame (type 0): nothing to hand out, go on.
      }
    } catch (e) {
      this.failed = e instanceof CodecError ? e : new CodecError(`malformed frame: ${String(e)}`);
      this.chunks = [];
      this.acc = null;
      throw this.failed;
    }
  }

  private nextPrefixed(): C | null | undefined {
    if (this.frameSize < 0) {
      if (this.buffered < 4) return undefined;
      const size = this.readInt();
      if (size <= 0) throw new CodecError(`invalid frame size ${size}`);
      if (this.source.maxFrameSizeEnabled && size > this.source.maxFrameSize) {
        throw new CodecError(
          `frame size of ${size} bytes exceeds the maximum of ${this.source.maxFrameSize}`,
          'ERR_FRAME_TOO_LARGE',
        );
      }
      this.frameSize = size;
    }
    if (this.buffered < this.frameSize) return undefined;
    const size = this.frameSize;
    this.frameSize = -1;
    const frame = this.take(size);
    return this.source.decodeBody(frame, 0, size, false).command;
  }

  private nextUnprefixed(): C | null | undefined {
    this.gather();
    if (this.acc === null || this.accEnd === this.accStart) return undefined;
    let r: { command: C | null; end: number };
    try {
      r = this.source.decodeBody(this.acc, this.accStart, this.accEnd, true);
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      const pending = this.accEnd - this.accStart;
      if (this.source.maxFrameSizeEnabled && pending > this.source.maxFrameSize) {
        throw new CodecError(
          `incomplete frame of ${pending} bytes exceeds the maximum frame size of ${this.source.maxFrameSize}`,
          'ERR_FRAME_TOO_LARGE',
        );
      }
      return undefined;
    }
    this.accStart = r.end;
    if (this.accStart === this.accEnd) {
      // Decoded message content are views into this buffer: start a new one rather than write over them.
      this.acc = null;
      this.accStart = 0;
      this.accEnd = 0;
    }
    return r.command;
  }

  /** Moves pushed chunks into the contiguous buffer (sizePrefixDisabled only). */
  private gather(): void {
    if (this.buffered === 0) return;
    const n = this.buffered;
    let acc = this.acc;
    if (acc === null || this.accEnd + n > acc.length) {
      const live = this.accEnd - this.accStart;
      let cap = acc === null ? 8192 : acc.length;
      while (cap < live + n) cap *= 2;
      const next = Buffer.allocUnsafe(cap);
      if (acc !== null) acc.copy(next, 0, this.accStart, this.accEnd);
      acc = next;
      this.acc = next;
      this.accStart = 0;
      this.accEnd = live;
    }
    for (let i = this.head; i < this.chunks.length; i++) {
      const c = i === this.head ? this.chunks[i]!.subarray(this.offset) : this.chunks[i]!;
      acc.set(c, this.accEnd);
      this.accEnd += c.length;
    }
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.buffered = 0;
  }

  private readInt(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.chunks[this.head]!;
      v = (v << 8) | c[this.offset]!;
      this.advance(1);
    }
    return v | 0;
  }

  private advance(n: number): void {
    this.offset += n;
    this.buffered -= n;
    while (this.head < this.chunks.length && this.offset >= this.chunks[this.head]!.length) {
      this.offset -= this.chunks[this.head]!.length;
      this.head++;
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** The next `n` bytes (all buffered): a view when they lie in one chunk, else one exact copy. */
  private take(n: number): Buffer {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const out = Buffer.from(first.buffer, first.byteOffset + this.offset, n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const k = Math.min(n - filled, c.length - this.offset);
      out.set(c.subarray(this.offset, this.offset + k), filled);
      filled += k;
      this.advance(k);
    }
    return out;
  }
}
