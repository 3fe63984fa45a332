/**
 * A growable output buffer that frames can be appended to, so a connection can batch several commands into one
 * socket write: `format.encodeTo(cmd, writer)` for each, then `writer.take()`.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(private readonly initialSize = 8192) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes (the codec computes each frame's exact size before writing it). */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A view of what was written; valid until the next write or reset. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /**
   * Hands over what was written without copying and starts a fresh buffer, so the bytes returned can be queued
   * on a socket while the writer goes on.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.initialSize);
    this.pos = 0;
    return out;
  }

  reset(): void {
    this.pos = 0;
  }
}
