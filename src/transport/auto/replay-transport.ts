import { writeChunks, type Transport } from '../transport.js';

/**
 * A view of a transport whose first bytes were already read (to recognise the protocol): the protocol
 * module that takes over receives them again as its first data, then everything that follows, in order.
 * Everything else (writes, close, backpressure, certificates) is the underlying transport's.
 */
export class ReplayTransport implements Transport {
  private readonly listeners: ((chunk: Buffer) => void)[] = [];
  private readonly queued: Buffer[] = [];
  private paused = false;

  constructor(private readonly inner: Transport) {}

  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
  get scheme(): string {
    return this.inner.scheme;
  }
  get secure(): boolean {
    return this.inner.secure;
  }

  get peerCertificates(): readonly Uint8Array[] {
    return this.inner.peerCertificates;
  }
  get writable(): boolean {
    return this.inner.writable;
  }
  get bufferedBytes(): number {
    return this.inner.bufferedBytes;
  }

  /** Bytes from the wire (or the replayed head) for the listeners; held while paused. */
  push(chunk: Buffer): void {
    if (this.paused || this.queued.length > 0) {
      this.queued.push(chunk);
      return;
    }
    for (const l of this.listeners) l(chunk);
  }

  write(chunk: Uint8Array): boolean {
    return this.inner.write(chunk);
  }
  writev(chunks: readonly Uint8Array[]): boolean {
    return writeChunks(this.inner, chunks);
  }
  end(): void {
    this.inner.end();
  }
  destroy(): void {
    this.inner.destroy();
  }
  onData(listener: (chunk: Buffer) => void): void {
    this.listeners.push(listener);
  }
  onDrain(listener: () => void): void {
    this.inner.onDrain(listener);
  }
  onClose(listener: (error?: Error) => void): void {
    this.inner.onClose(listener);
  }

  pause(): void {
    this.paused = true;
    this.inner.pause();
  }

  resume(): void {
    this.paused = false;
    // Deliver what was held back before new bytes, stopping again if a listener pauses.
    while (!this.paused && this.queued.length > 0) {
      const chunk = this.queued.shift()!;
      for (const l of this.listeners) l(chunk);
    }
    if (!this.paused) this.inner.resume();
  }
}
