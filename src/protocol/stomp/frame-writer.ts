import type { Transport } from '../../transport/transport.js';
import { FRAME_END } from './codec/encoder.js';

const BATCH_SIZE = 64 * 1024;
/** Bodies at least this large are handed to the transport as they are instead of being copied into a batch. */
const DIRECT_BODY = 16 * 1024;

/**
 * Writes outbound frames in batches: frames produced in the same turn of the event loop are packed into one
 * buffer and handed to the transport in one write (one syscall), and a frame needs no buffer of its own.
 * Large bodies skip the copy and go to the transport directly, after whatever is batched before them.
 */
export class FrameWriter {
  private batch: Buffer | null = null;
  private used = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly transport: Transport,
    /** Told of every write, for the heart-beat write check. */
    private readonly onWrite: () => void,
  ) {}

  /** False while the transport's buffer is above its high-water mark. */
  get writable(): boolean {
    return !this.closed && this.transport.writable;
  }

  /** Queues one frame: `head` from encodeHead, then the body, then NUL and EOL. */
  frame(head: string, body: Uint8Array | null): void {
    if (this.closed) return;
    this.onWrite();
    const bodyLength = body === null ? 0 : body.length;
    if (bodyLength >= DIRECT_BODY) {
      this.flush();
      this.transport.write(Buffer.from(head, 'utf8'));
      this.transport.write(body!);
      this.transport.write(FRAME_END);
      return;
    }
    // head.length * 3 bounds its UTF-8 size without measuring it.
    const bound = head.length * 3 + bodyLength + FRAME_END.length;
    const exact = bound > BATCH_SIZE ? Buffer.byteLength(head) + bodyLength + FRAME_END.length : bound;
    this.reserve(exact);
    const batch = this.batch!;
    this.used += batch.write(head, this.used, 'utf8');
    if (body !== null && bodyLength > 0) {
      batch.set(body, this.used);
      this.used += bodyLength;
    }
    batch[this.used++] = 0;
    batch[this.used++] = 0x0a;
    this.schedule();
  }

  /** Queues bytes as they are (a heart-beat EOL). */
  raw(bytes: Uint8Array): void {
    if (this.closed) return;
    this.onWrite();
    this.reserve(bytes.length);
    this.batch!.set(bytes, this.used);
    this.used += bytes.length;
    this.schedule();
  }

  /** Hands everything batched to the transport now. */
  flush(): void {
    if (this.batch === null || this.used === 0) return;
    const out = this.batch.subarray(0, this.used);
    // The transport may keep the buffer until the socket has written it, so a flushed batch is never reused.
    this.batch = null;
    this.used = 0;
    this.transport.write(out);
  }

  /** Flushes, then ends the transport; later frames are dropped. */
  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.transport.end();
  }

  /** Drops what is batched; the transport is being destroyed. */
  discard(): void {
    this.closed = true;
    this.batch = null;
    this.used = 0;
  }

  private reserve(n: number): void {
    if (this.batch !== null && this.batch.length - this.used >= n) return;
    this.flush();
    this.batch = Buffer.allocUnsafe(Math.max(BATCH_SIZE, n));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed) this.flush();
    });
  }
}
