import { Socket } from 'node:net';
import { encodeFrame, StompFrameParser, type StompFrame } from './stomp-frames.js';

const TIMEOUT_MS = 10_000;

/**
 * A raw-TCP STOMP 1.2 client for the interop tests. It shows frames exactly as the broker sent them and sends
 * frames with or without content-length on purpose, which is what the STOMP/OpenWire mapping checks need.
 */
export class StompTestClient {
  private readonly parser = new StompFrameParser();
  private readonly frames: StompFrame[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private nextReceipt = 1;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.frames.push(...this.parser.push(chunk));
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      this.wake();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('STOMP: connection closed by the broker')));
  }

  static async connect(host: string, port: number): Promise<StompTestClient> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const client = new StompTestClient(socket);
    socket.write(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' }));
    const connected = await client.nextFrame();
    if (connected.command !== 'CONNECTED') {
      client.close();
      throw new Error(`STOMP: expected CONNECTED, got ${describe(connected)}`);
    }
    return client;
  }

  /** Sends a frame and waits for the broker's RECEIPT, so the message is on the broker when this resolves. */
  async send(
    destination: string,
    headers: Readonly<Record<string, string>>,
    body: Buffer | string,
    opts: { contentLength?: boolean } = {},
  ): Promise<void> {
    const receipt = `r-${this.nextReceipt++}`;
    this.socket.write(encodeFrame('SEND', { destination, ...headers, receipt }, body, opts));
    const reply = await this.nextFrame();
    if (reply.command !== 'RECEIPT' || reply.headers.get('receipt-id') !== receipt) {
      throw new Error(`STOMP: expected RECEIPT ${receipt}, got ${describe(reply)}`);
    }
  }

  subscribe(destination: string, id: string): void {
    this.socket.write(encodeFrame('SUBSCRIBE', { destination, id, ack: 'auto' }));
  }

  /** The next frame from the broker; an ERROR frame is returned like any other so tests can show it. */
  async nextFrame(timeoutMs = TIMEOUT_MS): Promise<StompFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) return frame;
      if (this.failure !== undefined) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`STOMP: no frame from the broker within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async nextMessage(timeoutMs = TIMEOUT_MS): Promise<StompFrame> {
    const frame = await this.nextFrame(timeoutMs);
    if (frame.command !== 'MESSAGE') throw new Error(`STOMP: expected MESSAGE, got ${describe(frame)}`);
    return frame;
  }

  close(): void {
    this.failure ??= new Error('STOMP: client closed');
    if (!this.socket.destroyed) {
      this.socket.end(encodeFrame('DISCONNECT', {}));
      // The broker closes after DISCONNECT; do not let a slow one keep the test process alive.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

export function describe(frame: StompFrame): string {
  const headers = [...frame.headers].map(([k, v]) => `${k}:${v}`).join(', ');
  return `${frame.command} {${headers}} ${frame.body.toString('utf8').slice(0, 200)}`;
}
