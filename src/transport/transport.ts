/**
 * A byte stream to one client, whatever carries it (TCP, TLS, WebSocket). Protocol modules see only this:
 * they never open or hold a socket, so the same protocol runs over every transport and tests can drive it
 * with an in-memory pair.
 */
export interface Transport {
  /** `127.0.0.1:53422` style, for logs and error texts. */
  readonly remoteAddress: string;
  /** The scheme the client used, as ActiveMQ prints it: `tcp`, `ssl`, `ws`, … */
  readonly scheme: string;
  /** True when the bytes travel over TLS (ssl://, stomp+ssl://, wss://, auto+ssl://). */
  readonly secure: boolean;
  /** The verified client certificate chain (DER, leaf first) on TLS transports with client auth. */
  readonly peerCertificates: readonly Uint8Array[];

  /**
   * Queues bytes; returns false once the buffer is above its high-water mark, after which the caller should
   * stop producing until `onDrain`. Writes made in one tick are coalesced into as few syscalls as possible.
   */
  write(chunk: Uint8Array): boolean;
  /**
   * Queues the chunks of one batch (frame bytes and the large bodies between them, which are not copied) as one
   * write: a socket sends them with a single writev, and a limit on unread output is checked once for the batch
   * as it is for one `write`. Transports without it get one `write` per chunk.
   */
  writev?(chunks: readonly Uint8Array[]): boolean;
  /** True while the write buffer is below its high-water mark. */
  readonly writable: boolean;
  /** Bytes accepted by `write` that have not yet reached the kernel: what the client has left unread. */
  readonly bufferedBytes: number;
  /** Flushes what is queued, then closes. */
  end(): void;
  /** Closes at once, dropping anything not yet written. */
  destroy(): void;

  onData(listener: (chunk: Buffer) => void): void;
  onDrain(listener: () => void): void;
  /** Called once, however the transport ends; `error` is set when it ended abnormally. */
  onClose(listener: (error?: Error) => void): void;
  /** Stops delivering data until `resume` (inbound backpressure). */
  pause(): void;
  resume(): void;
}

/** Writes one batch through `writev` when the transport has it, else chunk by chunk; false once above the mark. */
export function writeChunks(t: Transport, chunks: readonly Uint8Array[]): boolean {
  if (t.writev !== undefined) return t.writev(chunks);
  let ok = true;
  for (const c of chunks) ok = t.write(c);
  return ok;
}
