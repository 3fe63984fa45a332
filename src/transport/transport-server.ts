import net from 'node:net';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Transport } from './transport.js';
import { SocketTransport } from './tcp/socket-transport.js';

export interface TransportServerOptions {
  host: string;
  port: number;
  /** Scheme reported for accepted connections (`tcp`, `ssl`, `stomp`, …). */
  scheme: string;
  /** TLS server options when the connector is secure. */
  tls?: tls.TlsOptions;
  /** Refuse connections beyond this many (ActiveMQ's maximumConnections); 0 = unlimited. */
  maximumConnections?: number;
  backlog?: number;
  keepAlive?: boolean;
}

/**
 * Listens on one address and turns each accepted socket into a Transport. Knows nothing of protocols:
 * the connector decides what to do with each transport.
 */
export class TransportServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly options: TransportServerOptions,
    private readonly onTransport: (transport: Transport) => void,
    private readonly onRefused: (remote: string, reason: string) => void,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    const accept = (socket: Socket): void => {
      const max = this.options.maximumConnections ?? 0;
      if (max > 0 && this.sockets.size >= max) {
        this.onRefused(`${socket.remoteAddress}:${socket.remotePort}`, `maximumConnections (${max}) reached`);
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      if (this.options.keepAlive) socket.setKeepAlive(true);
      this.onTransport(new SocketTransport(socket, this.options.scheme));
    };
    const server = this.options.tls ? tls.createServer(this.options.tls, accept) : net.createServer(accept);
    // A TLS handshake failure is the client's problem; the tlsClientError event reports it, the server carries on.
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        reject(describeListenError(e, this.options.host, this.options.port));
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ host: this.options.host, port: this.options.port, backlog: this.options.backlog ?? 511 });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
    this.server = server;
  }

  /** The underlying server, for TLS debug logging. */
  get netServer(): net.Server | null {
    return this.server;
  }

  /** Stops accepting; existing sockets are left to their protocol connections to close. */
  async stopAccepting(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Destroys any socket still open (after the graceful close had its chance). */
  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

function describeListenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE')
    return new Error(`Address already in use: ${where} (another process is listening there)`);
  if (e.code === 'EACCES') return new Error(`Permission denied to listen on ${where}`);
  if (e.code === 'EADDRNOTAVAIL') return new Error(`Cannot listen on ${where}: no such local address`);
  return new Error(`Cannot listen on ${where}: ${e.message}`);
}
