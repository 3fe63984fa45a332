import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { writeChunks, type Transport } from './transport.js';

/**
 * The lifetime limits every accepted connection lives under, whatever its protocol and transport. Names are
 * the connector URI options that set them (docs/configuration.md, "Connection lifetime and slow clients").
 */
export interface ConnectionLimits {
  /**
   * transport.connectAttemptTimeout: time from accept until the protocol's handshake (STOMP CONNECT, OpenWire
   * WireFormatInfo) arrives; 0 = none. ActiveMQ's AbstractInactivityMonitor connect check, 30 s by default.
   */
  readonly connectAttemptTimeoutMs: number;
  /** transport.frameTimeout: time a frame may stay half-received; 0 = none. TideMQ's own (slow-loris). */
  readonly frameTimeoutMs: number;
  /** transport.closeGracePeriod: after the broker ends a connection, time the peer gets to close its side. */
  readonly closeGraceMs: number;
  /** transport.maxPendingWriteBytes: outbound bytes the client may leave unread before it is cut off; 0 = none. */
  readonly maxPendingWriteBytes: number;
  /** transport.soWriteTimeout: time a backed-up write buffer may go without draining; 0 = none. */
  readonly writeTimeoutMs: number;
  /** Above this many unread outbound bytes the connection's input is paused until the client reads. */
  readonly pauseReadingAtBytes: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  connectAttemptTimeoutMs: 30_000,
  frameTimeoutMs: 60_000,
  closeGraceMs: 5_000,
  maxPendingWriteBytes: 64 * 1024 * 1024,
  writeTimeoutMs: 60_000,
  pauseReadingAtBytes: 1024 * 1024,
};

/**
 * What a protocol connection tells the guard about itself (ProtocolContext.watch). The guard knows bytes,
 * the protocol knows frames: these two calls are all it needs to apply the limits to any protocol.
 */
export interface ConnectionWatch {
  /** The client's handshake arrived: the connect-attempt check stops (ActiveMQ's stopConnectCheckTask). */
  connected(): void;
  /** `partial()` says whether the protocol's parser holds part of a frame; read after every chunk. */
  watchFrames(partial: () => boolean): void;
  /**
   * How the protocol wants a timeout reported (it may tell the client, e.g. a STOMP ERROR frame, then end
   * the transport). Without a handler, or if the handler leaves the transport open, the guard ends it.
   */
  onTimeout(handler: (reason: string) => void): void;
}

/**
 * A filter over one accepted Transport that owns the connection's lifetime, so that no protocol has to
 * (ActiveMQ spreads the same duties over AbstractInactivityMonitor's connect check, WriteTimeoutFilter and
 * TcpTransport's socket close):
 *
 * - every close the broker decides on ends with the socket destroyed after `closeGraceMs`, so a peer that
 *   neither reads nor closes cannot keep its file descriptor and its maximumConnections slot (ActiveMQ closes
 *   the socket outright when a transport stops);
 * - the connect-attempt timeout and a frame-completion timeout, for every protocol;
 * - a bound on unread outbound bytes and a write deadline, with input paused while the client is not
 *   reading, so a client that sends requests but never reads cannot make the broker buffer answers.
 */
export class ConnectionGuard implements Transport {
  readonly watch: ConnectionWatch;
  private connectTimer: Timer | null = null;
  private frameTimer: Timer | null = null;
  private graceTimer: Timer | null = null;
  private writeTimer: Timer | null = null;
  private partial: (() => boolean) | null = null;
  private timeoutHandler: ((reason: string) => void) | null = null;
  private protocolPaused = false;
  private outboundPaused = false;
  private ending = false;
  private closed = false;
  /** Bytes handed to the inner transport so far; minus its bufferedBytes, what the client has taken. */
  private written = 0;

  constructor(
    private readonly inner: Transport,
    private readonly limits: ConnectionLimits,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.watch = {
      connected: () => {
        this.connectTimer?.cancel();
        this.connectTimer = null;
      },
      watchFrames: (partial) => {
        this.partial = partial;
      },
      onTimeout: (handler) => {
        this.timeoutHandler = handler;
      },
    };
    const connectTimeout = limits.connectAttemptTimeoutMs;
    if (connectTimeout > 0) {
      this.connectTimer = clock.setTimeout(() => {
        this.connectTimer = null;
        // ActiveMQ's text (AbstractInactivityMonitor.connectChecker).
        this.timedOut(
          `Channel was inactive (no connection attempt made) for too (>${connectTimeout}) long: ${inner.remoteAddress}`,
        );
      }, connectTimeout);
    }
    inner.onDrain(() => this.drained());
    inner.onClose(() => this.released());
  }

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

  /** The transport it guards (a protocol module asks a WebSocket transport for its agreed subprotocol). */
  get guarded(): Transport {
    return this.inner;
  }

  write(chunk: Uint8Array): boolean {
    return this.writev([chunk]);
  }

  /** One batch: the unread-output limit is checked once before it, as for a single write. */
  writev(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return false;
    const max = this.limits.maxPendingWriteBytes;
    const pending = this.inner.bufferedBytes;
    // Checked before the write, so one frame larger than the limit still goes to a client that reads; what
    // is refused is piling more on top of bytes the client has left unread.
    if (max > 0 && pending >= max) {
      this.cut(`${pending} bytes of output are waiting for the client, over transport.maxPendingWriteBytes (${max})`);
      return false;
    }
    for (const c of chunks) this.written += c.byteLength;
    const ok = chunks.length === 1 ? this.inner.write(chunks[0]!) : writeChunks(this.inner, chunks);
    if (!ok) this.armWriteDeadline();
    if (!this.outboundPaused && this.inner.bufferedBytes >= this.limits.pauseReadingAtBytes) {
      // Stop reading requests until the client reads its answers (transport.maxPendingWriteBytes docs).
      this.outboundPaused = true;
      this.armWriteDeadline();
      this.applyPause();
    }
    return ok;
  }

  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.stopChecks();
    this.inner.end();
    // The peer gets a short grace to read what is left and close its side; then the socket goes regardless.
    this.graceTimer = this.clock.setTimeout(() => {
      this.graceTimer = null;
      if (this.closed) return;
      this.logger.debug('Peer did not close within transport.closeGracePeriod; connection destroyed', {
        remote: this.inner.remoteAddress,
        graceMs: this.limits.closeGraceMs,
      });
      this.inner.destroy();
    }, this.limits.closeGraceMs);
  }

  destroy(): void {
    this.stopChecks();
    this.graceTimer?.cancel();
    this.graceTimer = null;
    this.inner.destroy();
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.inner.onData((chunk) => {
      listener(chunk);
      this.checkFrame();
    });
  }
  onDrain(listener: () => void): void {
    this.inner.onDrain(listener);
  }
  onClose(listener: (error?: Error) => void): void {
    this.inner.onClose(listener);
  }

  pause(): void {
    this.protocolPaused = true;
    this.applyPause();
  }
  resume(): void {
    this.protocolPaused = false;
    this.applyPause();
  }

  private applyPause(): void {
    if (this.closed) return;
    if (this.protocolPaused || this.outboundPaused) this.inner.pause();
    else this.inner.resume();
  }

  /** After each chunk the protocol has read: starts or stops the clock on a half-received frame. */
  private checkFrame(): void {
    const timeout = this.limits.frameTimeoutMs;
    if (timeout <= 0 || this.partial === null || this.closed || this.ending) return;
    if (!this.partial()) {
      this.frameTimer?.cancel();
      this.frameTimer = null;
      return;
    }
    // Timed from the first byte of the frame: a client trickling one byte a second keeps no connection.
    this.frameTimer ??= this.clock.setTimeout(() => {
      this.frameTimer = null;
      // Not reading on purpose (back-pressure): the frame's rest waits in the socket, not on the client.
      if (this.protocolPaused || this.outboundPaused) {
        this.checkFrame();
        return;
      }
      if (this.partial?.() === true) {
        this.timedOut(`Frame not completed within transport.frameTimeout (${timeout} ms): ${this.inner.remoteAddress}`);
      }
    }, timeout);
  }

  /**
   * Output is backed up: from now on the client must take at least one byte every `writeTimeoutMs`, or it is
   * cut. Progress, not an empty buffer, is what counts, so a client that reads steadily while the broker
   * keeps writing is never cut (ActiveMQ's WriteTimeoutFilter likewise times one blocked write).
   */
  private armWriteDeadline(): void {
    const timeout = this.limits.writeTimeoutMs;
    if (timeout <= 0 || this.writeTimer !== null || this.closed) return;
    const takenAtArm = this.taken();
    this.writeTimer = this.clock.setTimeout(() => {
      this.writeTimer = null;
      const waiting = this.inner.bufferedBytes;
      if (waiting === 0) return;
      if (this.taken() > takenAtArm) {
        this.armWriteDeadline();
        return;
      }
      this.cut(
        `the client has not read its output for transport.soWriteTimeout (${timeout} ms); ${waiting} bytes waiting`,
      );
    }, timeout);
  }

  private taken(): number {
    return this.written - this.inner.bufferedBytes;
  }

  private drained(): void {
    this.writeTimer?.cancel();
    this.writeTimer = null;
    if (this.outboundPaused && this.inner.bufferedBytes < this.limits.pauseReadingAtBytes) {
      this.outboundPaused = false;
      this.applyPause();
    }
  }

  /** A timeout the protocol may report to the client before the transport ends (with the close grace). */
  private timedOut(reason: string): void {
    if (this.closed || this.ending) return;
    this.logger.info('Connection closed', { remote: this.inner.remoteAddress, reason });
    const handler = this.timeoutHandler;
    if (handler !== null) {
      try {
        handler(reason);
      } catch (e) {
        this.logger.warn('Timeout handler failed', { error: e });
      }
    }
    this.end();
  }

  /** The client is not reading: nothing more can reach it, so the connection is cut at once. */
  private cut(reason: string): void {
    if (this.closed) return;
    this.logger.warn('Closing connection of a client that does not read', {
      remote: this.inner.remoteAddress,
      reason,
    });
    this.destroy();
  }

  private stopChecks(): void {
    this.connectTimer?.cancel();
    this.frameTimer?.cancel();
    this.writeTimer?.cancel();
    this.connectTimer = null;
    this.frameTimer = null;
    this.writeTimer = null;
  }

  private released(): void {
    this.closed = true;
    this.stopChecks();
    this.graceTimer?.cancel();
    this.graceTimer = null;
  }
}
