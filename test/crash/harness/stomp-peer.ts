import { Socket } from 'node:net';
import { encodeFrame, StompFrameParser, type StompFrame } from '../../interop/harness/stomp-frames.js';

/**
 * A raw-TCP STOMP 1.2 client for the crash tests: several requests with receipts may be outstanding at once
 * (each resolves on its own RECEIPT, or rejects on ERROR or when the broker dies), and MESSAGE frames go to
 * a callback. Nothing is retried: a request the broker did not confirm stays unconfirmed.
 */
export class StompPeer {
  private readonly parser = new StompFrameParser();
  private readonly waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private connected: ((f: StompFrame) => void) | null = null;
  private nextReceipt = 1;
  private closedWith: Error | null = null;
  /** Called for every MESSAGE frame. */
  onMessage: (frame: StompFrame) => void = () => {};
  /** The last ERROR frame's message header, for assertions. */
  lastError: string | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      let frames: StompFrame[];
      try {
        frames = this.parser.push(chunk);
      } catch (e) {
        this.close(e as Error);
        return;
      }
      for (const f of frames) this.onFrame(f);
    });
    socket.on('error', (e) => this.close(e));
    socket.on('close', () => this.close(new Error('STOMP: the broker closed the connection')));
  }

  static async connect(host: string, port: number, headers: Record<string, string> = {}): Promise<StompPeer> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const peer = new StompPeer(socket);
    const frame = await new Promise<StompFrame>((resolve, reject) => {
      peer.connected = resolve;
      peer.waiting.set('connect', { resolve: () => {}, reject });
      socket.write(
        encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0', ...headers }),
      );
    });
    peer.waiting.delete('connect');
    if (frame.command !== 'CONNECTED') throw new Error(`STOMP: expected CONNECTED, got ${frame.command}`);
    return peer;
  }

  /** Sends a frame with a receipt header; resolves when the broker's RECEIPT for it arrives. */
  request(command: string, headers: Record<string, string>, body = ''): Promise<void> {
    if (this.closedWith !== null) return Promise.reject(this.closedWith);
    const receipt = `r${this.nextReceipt++}`;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(receipt, { resolve, reject }));
    this.socket.write(encodeFrame(command, { ...headers, receipt }, body));
    return done;
  }

  /** Sends a frame without waiting for anything. */
  post(command: string, headers: Record<string, string>, body = ''): void {
    if (this.closedWith === null) this.socket.write(encodeFrame(command, headers, body));
  }

  get isClosed(): boolean {
    return this.closedWith !== null;
  }

  close(reason: Error = new Error('STOMP: closed by the test')): void {
    if (this.closedWith !== null) return;
    this.closedWith = reason;
    this.socket.destroy();
    for (const w of this.waiting.values()) w.reject(reason);
    this.waiting.clear();
  }

  private onFrame(f: StompFrame): void {
    if (f.command === 'CONNECTED' && this.connected !== null) {
      const c = this.connected;
      this.connected = null;
      c(f);
    } else if (f.command === 'RECEIPT') {
      const id = f.headers.get('receipt-id') ?? '';
      this.waiting.get(id)?.resolve();
      this.waiting.delete(id);
    } else if (f.command === 'MESSAGE') {
      this.onMessage(f);
    } else if (f.command === 'ERROR') {
      this.lastError = f.headers.get('message') ?? f.body.toString('utf8');
      const id = f.headers.get('receipt-id');
      const err = new Error(`STOMP ERROR: ${this.lastError}`);
      if (id !== undefined) {
        this.waiting.get(id)?.reject(err);
        this.waiting.delete(id);
      }
      this.close(err);
    }
  }
}
