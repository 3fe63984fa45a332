import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Transport } from '../transport.js';

/**
 * A Transport over a TCP or TLS socket. Writes made during one tick are corked and leave in a single
 * writev when the tick ends, so a burst of dispatched messages costs one syscall, not one per frame.
 */
export class SocketTransport implements Transport {
  readonly remoteAddress: string;
  private corked = false;
  private closed = false;
  private readonly closeListeners: ((error?: Error) => void)[] = [];
  private failure: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly scheme: string,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on('error', (e) => {
      this.failure = e;
    });
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      for (const l of this.closeListeners) l(this.failure);
    });
  }

  get secure(): boolean {
    return this.socket instanceof TLSSocket;
  }

  get peerCertificates(): readonly Uint8Array[] {
    return peerCertificateChain(this.socket);
  }

  get writable(): boolean {
    return !this.closed && !this.socket.writableNeedDrain;
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  write(chunk: Uint8Array): boolean {
    if (this.closed || this.socket.destroyed) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    return this.socket.write(chunk);
  }

  writev(chunks: readonly Uint8Array[]): boolean {
    // The cork of this tick (see write) turns the chunks into one writev when it is released.
    let ok = true;
    for (const c of chunks) ok = this.write(c);
    return ok;
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  end(): void {
    if (this.corked) this.uncork();
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.socket.on('data', listener);
  }

  onDrain(listener: () => void): void {
    this.socket.on('drain', listener);
  }

  onClose(listener: (error?: Error) => void): void {
    if (this.closed) queueMicrotask(() => listener(this.failure));
    else this.closeListeners.push(listener);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}

/**
 * The client's certificate chain (DER, leaf first) when the socket is TLS and the chain was verified against
 * the trust store; empty otherwise. Under wantClientAuth an untrusted certificate does not fail the handshake,
 * and it must not reach ConnectionInfo either: ActiveMQ's JaasCertificateAuthenticationPlugin would otherwise
 * trust a chain nobody verified.
 */
export function peerCertificateChain(socket: Socket): readonly Uint8Array[] {
  const tls = socket as TLSSocket;
  if (typeof tls.getPeerCertificate !== 'function' || tls.encrypted !== true || !tls.authorized) return [];
  const chain: Uint8Array[] = [];
  let cert = tls.getPeerCertificate(true);
  const seen = new Set<string>();
  // A self-signed root names itself as its issuer; the set stops the walk there.
  while (cert !== undefined && cert !== null && cert.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}
