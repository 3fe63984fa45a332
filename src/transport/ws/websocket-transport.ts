import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { WebSocket } from 'ws';
import { peerCertificateChain } from '../tcp/socket-transport.js';
import type { Transport } from '../transport.js';

/** Close codes a client uses for an ordinary goodbye (RFC 6455 §7.4.1): not failures. */
const NORMAL_CLOSE = new Set([1000, 1001, 1005]);

/**
 * A Transport over one WebSocket connection (ws:// and wss:// connectors). The protocol sees a byte stream:
 * every WebSocket message, text or binary, is delivered as its bytes, and the bytes a protocol writes during
 * one tick leave as one message. That matters for STOMP, whose writer hands a large body over in three
 * writes (head, body, NUL): WebSocket clients such as stompjs and browsers expect whole frames per message.
 * A message that is valid UTF-8 goes as a text message, as ActiveMQ's StompSocket sends every frame
 * (sendString); one that is not (a binary STOMP body) goes as a binary message, which stompjs also reads.
 *
 * Backpressure follows `bufferedAmount`: bytes accepted but not yet handed to the socket. Above the socket's
 * high-water mark `write` returns false and `onDrain` fires once the backlog has been flushed.
 */
export class WebSocketTransport implements Transport {
  readonly remoteAddress: string;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private closed = false;
  private ending = false;
  private needDrain = false;
  private failure: Error | undefined;
  private readonly closeListeners: ((error?: Error) => void)[] = [];
  private readonly drainListeners: (() => void)[] = [];
  private readonly highWaterMark: number;
  /** Every message goes as a binary one (MQTT over WebSocket, [MQTT-6.0.0-1]), whatever its bytes. */
  binaryFrames = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    readonly scheme: string,
    /** The subprotocol agreed in the handshake (`v12.stomp`, …), or '' when the client offered none. */
    readonly subprotocol: string,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    this.highWaterMark = socket.writableHighWaterMark;
    socket.setNoDelay(true);
    ws.on('error', (e) => {
      this.failure ??= e;
    });
    ws.on('close', (code, reason) => {
      if (this.closed) return;
      this.closed = true;
      if (this.failure === undefined && !NORMAL_CLOSE.has(code)) {
        const text = reason.length > 0 ? `: ${reason.toString('utf8')}` : '';
        this.failure = new Error(`WebSocket closed with code ${code}${text}`);
      }
      for (const l of this.closeListeners) l(this.failure);
    });
  }

  get secure(): boolean {
    return this.socket instanceof TLSSocket;
  }

  get peerCertificates(): readonly Uint8Array[] {
    return peerCertificateChain(this.socket);
  }

  /** Bytes written but not yet on the socket: ws's own backlog plus this tick's batch. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount + this.pendingBytes;
  }

  get bufferedBytes(): number {
    return this.bufferedAmount;
  }

  get writable(): boolean {
    return !this.closed && !this.ending && this.bufferedAmount < this.highWaterMark;
  }

  write(chunk: Uint8Array): boolean {
    if (this.closed || this.ending) return false;
    this.pending.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.pendingBytes += chunk.byteLength;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
    const ok = this.bufferedAmount < this.highWaterMark;
    if (!ok) this.needDrain = true;
    return ok;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(data, { binary: this.binaryFrames || !isUtf8(data), compress: false }, this.afterSend);
  };

  /** ws calls back once the message is handed to the socket; that is when a stalled writer may go on. */
  private readonly afterSend = (error?: Error | null): void => {
    // ws passes null on success.
    if (error) {
      this.failure ??= error;
      return;
    }
    this.checkDrain();
  };

  private waitingForSocket = false;

  /**
   * Tells the writer to go on once the backlog is under the mark. If it is not yet, the socket's own 'drain'
   * (its buffer flushed to the kernel) is the next moment worth looking again; no further send callback
   * may come, because the writer has stopped.
   */
  private readonly checkDrain = (): void => {
    if (!this.needDrain || this.closed || this.waitingForSocket) return;
    if (this.writable) {
      this.needDrain = false;
      for (const l of this.drainListeners) l();
      return;
    }
    this.waitingForSocket = true;
    const again = (): void => {
      this.waitingForSocket = false;
      this.checkDrain();
    };
    if (this.socket.writableNeedDrain) this.socket.once('drain', again);
    else setImmediate(again);
  };

  end(): void {
    if (this.closed || this.ending) return;
    this.flush();
    this.ending = true;
    // A normal closure; ws sends the close frame after the queued messages and cuts the socket if the
    // client never answers it.
    this.ws.close(1000);
  }

  destroy(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.ws.terminate();
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.ws.on('message', (data, _isBinary) => {
      // binaryType is 'nodebuffer' (ws's default): fragmented messages arrive already joined.
      listener(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
    });
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  onClose(listener: (error?: Error) => void): void {
    if (this.closed) queueMicrotask(() => listener(this.failure));
    else this.closeListeners.push(listener);
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }
}
