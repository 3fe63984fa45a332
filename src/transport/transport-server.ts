import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../util/logger.js';
import { Logger as LoggerClass } from '../util/logger.js';
import type { Transport } from './transport.js';
import { SocketTransport } from './tcp/socket-transport.js';
import { attachTlsDebug, explainHandshakeFailure, tlsDebugEnabled } from './tls/tls-debug.js';
import { verifyClientHostName } from './tls/server-options.js';
import { chooseSubprotocol, offeredSubprotocols } from './ws/subprotocols.js';
import { WebSocketTransport } from './ws/websocket-transport.js';

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
  /** ws:// and wss://: accept WebSocket upgrades (any path, as ActiveMQ's servlet is mapped at `/`). */
  websocket?: { readonly subprotocols: readonly string[]; readonly maxPayload?: number };
  /** transport.verifyHostName: a TLS client's certificate must name the address it connects from. */
  verifyHostName?: boolean;
  /** Log every TLS handshake (transport.tlsDebug=true; TIDEMQ_TLS_DEBUG=1 turns it on everywhere). */
  tlsDebug?: boolean;
  /**
   * How long a TLS handshake or a WebSocket upgrade request may take (the connect-attempt timeout): a
   * client that opens the socket and stays silent must not hold it longer than one that skips TLS.
   */
  handshakeTimeoutMs?: number;
}

/** Node/OpenSSL codes that mean the client spoke plaintext to the TLS port. */
const PLAINTEXT_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_HTTPS_PROXY_REQUEST',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
]);

/**
 * Listens on one address and turns each accepted connection into a Transport: a TCP or TLS socket, or a
 * WebSocket (over HTTP or HTTPS) for ws:// and wss://. Knows nothing of protocols: the connector decides
 * what to do with each transport. TLS connections are handed over after a successful handshake; a failed
 * handshake is logged with its cause in plain words and never reaches the connector.
 */
export class TransportServer {
  private server: net.Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private detachDebug: () => void = () => {};

  constructor(
    private readonly options: TransportServerOptions,
    private readonly onTransport: (transport: Transport) => void,
    private readonly onRefused: (remote: string, reason: string) => void,
    private readonly logger: Logger = LoggerClass.silent(),
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Whether the next connection would be over maximumConnections; refuses and logs it if so. */
  private admit(socket: Socket): boolean {
    const max = this.options.maximumConnections ?? 0;
    if (max > 0 && this.sockets.size >= max) {
      // ActiveMQ's TransportConnector: "Exceeded the maximum number of allowed client connections".
      this.onRefused(remote(socket), `Exceeded the maximum number of allowed client connections (${max})`);
      socket.destroy();
      return false;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.options.keepAlive) socket.setKeepAlive(true);
    return true;
  }

  /** transport.verifyHostName; true when the client may stay. */
  private hostNameOk(socket: Socket): boolean {
    if (!this.options.verifyHostName || !(socket instanceof tls.TLSSocket)) return true;
    const problem = verifyClientHostName(socket);
    if (problem === undefined) return true;
    this.onRefused(remote(socket), `transport.verifyHostName: ${problem.message}`);
    socket.destroy();
    return false;
  }

  async start(): Promise<void> {
    const server = this.options.websocket ? this.createWebSocketServer() : this.createStreamServer();
    if (this.options.tls) this.watchHandshakes(server as tls.Server);
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
    // After start-up, an error on the listening socket (rare: EMFILE on accept) must not crash the process.
    server.on('error', (e) => this.logger.error('Listener error', { error: e }));
    const address = server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
    this.server = server;
  }

  private createStreamServer(): net.Server {
    const accept = (socket: Socket): void => {
      if (!this.admit(socket) || !this.hostNameOk(socket)) return;
      this.onTransport(new SocketTransport(socket, this.options.scheme));
    };
    return this.options.tls ? tls.createServer(this.tlsOptions(), accept) : net.createServer(accept);
  }

  private tlsOptions(): tls.TlsOptions {
    const ms = this.options.handshakeTimeoutMs;
    return ms !== undefined && ms > 0 ? { ...this.options.tls, handshakeTimeout: ms } : this.options.tls!;
  }

  /** Node's HTTP timeouts for the upgrade request, bounded like any other connect attempt. */
  private httpOptions(): http.ServerOptions {
    const ms = this.options.handshakeTimeoutMs;
    return ms !== undefined && ms > 0 ? { headersTimeout: ms, requestTimeout: ms } : {};
  }

  private createWebSocketServer(): net.Server {
    const ws = this.options.websocket!;
    const server = this.options.tls
      ? https.createServer({ ...this.tlsOptions(), ...this.httpOptions() })
      : http.createServer(this.httpOptions());
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      ...(ws.maxPayload !== undefined ? { maxPayload: ws.maxPayload } : {}),
      handleProtocols: (offered) => chooseSubprotocol([...offered], ws.subprotocols) || false,
    });
    this.wss = wss;
    // A plain GET gets an empty 200, as ActiveMQ's WSServlet answers it (AMQ-6491).
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
    server.on('upgrade', (req: http.IncomingMessage, duplex: Duplex, head: Buffer) => {
      const socket = duplex as Socket;
      const offered = offeredSubprotocols(req.headers['sec-websocket-protocol']);
      const agreed = chooseSubprotocol(offered, ws.subprotocols);
      if (agreed === undefined) {
        this.onRefused(
          remote(socket),
          `no supported WebSocket subprotocol among [${offered.join(', ')}] (supported: ${ws.subprotocols.join(', ')})`,
        );
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (!this.admit(socket) || !this.hostNameOk(socket)) return;
      wss.handleUpgrade(req, socket, head, (client) => {
        this.onTransport(new WebSocketTransport(client, socket, this.options.scheme, agreed));
      });
    });
    return server;
  }

  /**
   * Failed handshakes: with the debug switch every handshake is logged by attachTlsDebug; without it a
   * failure is still logged once, in plain words, and plaintext on the TLS port as a warning because it is a
   * client misconfigured with tcp:// (or ws://) instead of ssl:// (wss://).
   */
  private watchHandshakes(server: tls.Server): void {
    // Node reports a failed or timed-out handshake but, once anyone listens for 'tlsClientError', leaves the
    // socket open: without this a client that never handshakes would hold its file descriptor for ever.
    server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
    const debug = tlsDebugEnabled(this.options.tlsDebug ? { enabled: true } : {});
    if (debug) {
      this.detachDebug = attachTlsDebug(server, this.logger, { enabled: true });
      return;
    }
    server.on('tlsClientError', (error: Error & { code?: string }, socket: tls.TLSSocket) => {
      const failure = explainHandshakeFailure(error, socket);
      const fields = { remote: remote(socket), reason: failure.reason, code: failure.code };
      if (PLAINTEXT_CODES.has(failure.code)) this.logger.warn('Plaintext connection on a TLS port refused', fields);
      else this.logger.info('TLS handshake failed', fields);
    });
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
    this.detachDebug();
    // close() stops the listening socket at once, but its callback waits until every accepted connection
    // has ended, which is the connector's job after this returns: waiting for it here would hold shutdown
    // hostage to the clients.
    server.close();
  }

  /** Destroys any socket still open (after the graceful close had its chance). */
  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.wss?.close();
    this.wss = null;
  }
}

function remote(socket: Socket): string {
  return `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
}

function describeListenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE')
    return new Error(`Address already in use: ${where} (another process is listening there)`);
  if (e.code === 'EACCES') return new Error(`Permission denied to listen on ${where}`);
  if (e.code === 'EADDRNOTAVAIL') return new Error(`Cannot listen on ${where}: no such local address`);
  return new Error(`Cannot listen on ${where}: ${e.message}`);
}
