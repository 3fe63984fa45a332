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

  /** `initialSize`: the smallest buffer allocated. */
  constructor(private readonly initialSize = 8192) {}

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
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
    const out = this.buf.subarray(0, this.pos);
    this.hint = this.pos;
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  reset(): void {
    this.pos = 0;
  }
}
