const EMPTY = Buffer.alloc(0);
/** The largest buffer allocated from the size hint alone (one huge frame should not make every batch huge). */
const MAX_HINT = 1 << 20;

/**
 * A growable output buffer that frames can be appended to, so a connection can batch several commands into one
 * socket write: `format.encodeTo(cmd, writer)` for each, then `writer.take()`.
 *
 * The buffer is allocated on the first write after a `take`, sized from the batch taken last time, so a steady
 * stream of batches grows its buffer once rather than by doubling each time, and an idle connection holds none.
 */
export class ByteWriter {
  buf: Buffer = EMPTY;
  pos = 0;
  /** Size of the last batch taken: the next batch is probably about as large. */
  private hint = 0;
  /** Byte arrays kept by reference instead of copied (see `external`), in order. */
  private segments: { at: number; data: Uint8Array }[] = [];
  private segmentBytes = 0;

  /**
   * `initialSize`: the smallest buffer allocated. `externalMin`: byte arrays of a frame at least this long are
   * referenced rather than copied into the buffer (0 = copy everything); see OpenWireFormat.encodeTo.
   */
  constructor(
    private readonly initialSize = 8192,
    readonly externalMin = 0,
  ) {}

  /** Bytes written into the buffer so far (without the external ones). */
  get length(): number {
    return this.pos;
  }

  /** Everything the next take hands over: the buffer's bytes and the external ones. */
  get queuedBytes(): number {
    return this.pos + this.segmentBytes;
  }

  /** Records `data` as belonging at buffer position `at` (the current end or before it), without copying it. */
  external(at: number, data: Uint8Array): void {
    this.segments.push({ at, data });
    this.segmentBytes += data.length;
  }

  /**
   * Hands over what was written as chunks in order (buffer slices and the external arrays between them), for
   * one vectored socket write; forgets them as `take` does.
   */
  takeChunks(): Uint8Array[] {
    if (this.segments.length === 0) return this.pos === 0 ? [] : [this.take()];
    const buf = this.buf;
    const out: Uint8Array[] = [];
    let from = 0;
    for (const s of this.segments) {
      if (s.at > from) out.push(buf.subarray(from, s.at));
      out.push(s.data);
      from = s.at;
    }
    if (this.pos > from) out.push(buf.subarray(from, this.pos));
    this.hint = this.pos;
    this.buf = EMPTY;
    this.pos = 0;
    this.segments = [];
    this.segmentBytes = 0;
    return out;
  }

  /** Makes room for `n` more bytes (the codec computes each frame's exact size before writing it). */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    // A fresh buffer takes the last batch's size and a quarter more; a full one doubles.
    const fresh = this.pos === 0 ? Math.min(MAX_HINT, this.hint + (this.hint >> 2)) : 0;
    let size = Math.max(this.initialSize, this.buf.length * 2, fresh);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    if (this.pos > 0) this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A view of what was written; valid until the next write or reset. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /**
   * Hands over what was written without copying and forgets the buffer, so the bytes returned can be queued on
   * a socket while the writer goes on in a new one.
   */
  take(): Buffer {
    if (this.segments.length > 0) return Buffer.concat(this.takeChunks());
    const out = this.buf.subarray(0, this.pos);
    this.hint = this.pos;
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  reset(): void {
    this.pos = 0;
    this.segments = [];
    this.segmentBytes = 0;
  }
}
