/**
 * Integration helpers: a BrokerService with one STOMP connector on 127.0.0.1 port 0, a WebSocket-shaped
 * adapter so @stomp/stompjs can run over plain TCP, and a raw-socket STOMP reader for bad-input tests.
 */
import { connect, type Socket } from 'node:net';
import { Client, type IFrame, type IMessage, type IStompSocket } from '@stomp/stompjs';
import { BrokerService } from '../../src/server/broker-service.js';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import type { ProtocolOptions } from '../../src/protocol/protocol.js';
import { StompParser, type StompFrame } from '../../src/protocol/stomp/codec/index.js';

export async function startBroker(
  options: Partial<ProtocolOptions> = {},
): Promise<{ service: BrokerService; port: number }> {
  const service = new BrokerService({
    brokerName: 'stomp-it',
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options }],
  });
  await service.start();
  return { service, port: service.connector('stomp').port };
}

/** stompjs speaks through a WebSocket-like object; this one carries the bytes over TCP. */
class TcpStompSocket implements IStompSocket {
  url: string;
  onclose: ((ev?: unknown) => unknown) | null = null;
  onerror: ((ev: unknown) => unknown) | null = null;
  onmessage: ((ev: unknown) => unknown) | null = null;
  onopen: ((ev?: unknown) => unknown) | null = null;
  binaryType = 'arraybuffer';
  readyState = 0;
  private readonly socket: Socket;

  constructor(port: number) {
    this.url = `tcp://127.0.0.1:${port}`;
    this.socket = connect(port, '127.0.0.1', () => {
      this.readyState = 1;
      this.onopen?.();
    });
    this.socket.on('data', (chunk) => {
      const ab = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
      this.onmessage?.({ data: ab });
    });
    this.socket.on('error', (e) => this.onerror?.(e));
    this.socket.on('close', () => {
      this.readyState = 3;
      this.onclose?.({ code: 1000, reason: '' });
    });
  }

  close(): void {
    this.readyState = 2;
    this.socket.end();
  }

  terminate(): void {
    this.socket.destroy();
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (typeof data === 'string') this.socket.write(data, 'utf8');
    else if (ArrayBuffer.isView(data)) this.socket.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else this.socket.write(Buffer.from(data as ArrayBuffer));
  }
}

export interface TestClient {
  readonly client: Client;
  readonly received: IMessage[];
  readonly errors: IFrame[];
}

/** Connects a stompjs client and resolves once CONNECTED arrived. */
export async function stompClient(port: number, connectHeaders: Record<string, string> = {}): Promise<TestClient> {
  const errors: IFrame[] = [];
  const client = new Client({
    webSocketFactory: () => new TcpStompSocket(port),
    connectHeaders: { host: 'localhost', ...connectHeaders },
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
    onStompError: (f) => errors.push(f),
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onWebSocketError = (e: unknown) => reject(e instanceof Error ? e : new Error(String(e)));
    client.activate();
  });
  return { client, received: [], errors };
}

export async function waitFor(cond: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A raw TCP STOMP peer: writes bytes as given, parses what comes back. */
export class RawStomp {
  readonly frames: StompFrame[] = [];
  closed = false;
  private readonly socket: Socket;
  private readonly parser = new StompParser();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c) =>
      this.parser.push(c, (f) => {
        this.frames.push(f);
        const v = f.command === 'CONNECTED' ? f.headers.get('version') : undefined;
        if (v === '1.0' || v === '1.1' || v === '1.2') this.parser.version = v;
      }),
    );
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawStomp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawStomp(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async frame(index: number): Promise<StompFrame> {
    await waitFor(() => this.frames.length > index || this.closed, 'a frame');
    const f = this.frames[index];
    if (f === undefined) throw new Error('closed without that frame');
    return f;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
