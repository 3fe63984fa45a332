/**
 * Just enough of a STOMP 1.2 client for the benchmark scripts (restart-bench, backlog-bench, flood-bench): CONNECT,
 * frames written with back-pressure, receipts, MESSAGE frames to a callback or one at a time. Any ERROR frame or
 * closed connection fails every pending request.
 */
import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, type Frame } from './frame.js';

export class StompClient {
  private readonly decoder = new FrameDecoder();
  private readonly receipts = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly messages: Frame[] = [];
  private messageWaiter: ((f: Frame) => void) | undefined;
  private failure: Error | undefined;
  private failWaiters: ((e: Error) => void)[] = [];
  private nextReceipt = 0;
  /** When set, MESSAGE frames go here instead of to nextMessage(). */
  onMessage: ((f: Frame) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.decoder.push(chunk);
      } catch (e) {
        this.fail(new Error(`STOMP decode: ${(e as Error).message}`));
        return;
      }
      for (const f of frames) this.dispatch(f);
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  /** Connects and completes the STOMP handshake; rejects on refusal, an ERROR frame or after timeoutMs. */
  static async open(port: number, timeoutMs: number): Promise<StompClient> {
    const socket = connect({ host: '127.0.0.1', port });
    const c = new StompClient(socket);
    const timer = setTimeout(() => c.fail(new Error(`no CONNECTED within ${timeoutMs} ms`)), timeoutMs);
    try {
      await c.until(new Promise<void>((r) => socket.once('connect', () => r())));
      const connected = c.until(
        new Promise<void>((r) => {
          c.onConnected = r;
        }),
      );
      socket.write(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' }));
      await connected;
      return c;
    } catch (e) {
      c.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private onConnected: (() => void) | undefined;

  private dispatch(f: Frame): void {
    switch (f.command) {
      case 'CONNECTED':
        this.onConnected?.();
        this.onConnected = undefined;
        return;
      case 'RECEIPT': {
        const id = f.headers.get('receipt-id') ?? '';
        const w = this.receipts.get(id);
        this.receipts.delete(id);
        w?.resolve();
        return;
      }
      case 'MESSAGE':
        if (this.onMessage !== undefined) this.onMessage(f);
        else if (this.messageWaiter !== undefined) {
          const w = this.messageWaiter;
          this.messageWaiter = undefined;
          w(f);
        } else this.messages.push(f);
        return;
      case 'ERROR':
        this.fail(new Error(`STOMP ERROR: ${f.headers.get('message') ?? ''} ${f.body.toString('utf8', 0, 300)}`));
        return;
      default:
        this.fail(new Error(`unexpected STOMP frame ${f.command}`));
    }
  }

  private fail(e: Error): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    for (const w of this.receipts.values()) w.reject(e);
    this.receipts.clear();
    for (const w of this.failWaiters) w(e);
    this.failWaiters = [];
    this.socket.destroy();
  }

  /** `p`, or the connection's failure if that comes first. */
  private until<T>(p: Promise<T>): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return Promise.race([p, new Promise<never>((_r, reject) => this.failWaiters.push(reject))]);
  }

  /** Writes bytes, waiting for the socket to drain when its buffer is full (so the loader never outruns TCP). */
  async write(bytes: Buffer): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.socket.write(bytes)) await this.until(new Promise<void>((r) => this.socket.once('drain', () => r())));
  }

  /** Sends a frame with a receipt header and resolves when the broker's RECEIPT arrives. */
  async request(command: string, headers: Record<string, string | number>, body?: Buffer): Promise<void> {
    const id = `r${++this.nextReceipt}`;
    const answered = new Promise<void>((resolve, reject) => this.receipts.set(id, { resolve, reject }));
    await this.write(encodeFrame(command, { ...headers, receipt: id }, body));
    await this.until(answered);
  }

  nextMessage(timeoutMs: number): Promise<Frame> {
    const queued = this.messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`no MESSAGE within ${timeoutMs} ms`)), timeoutMs);
    });
    return this.until(
      Promise.race([new Promise<Frame>((r) => (this.messageWaiter = r)), timeout]).finally(() => clearTimeout(timer)),
    );
  }

  /** Resolves when the connection fails (with its error), so a caller waiting on messages also hears of it. */
  failed(): Promise<never> {
    return this.until(new Promise<never>(() => undefined));
  }

  close(): void {
    this.socket.destroy();
  }
}
