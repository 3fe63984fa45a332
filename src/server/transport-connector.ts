import type { RemoteChannel } from '../protocol/openwire/remote-channel.js';
import type { Broker } from '../broker/broker.js';
import type { ProtocolConnection, ProtocolModule, ProtocolOptions } from '../protocol/protocol.js';
import { ConnectionGuard, defaultConnectionLimits, type ConnectionLimits } from '../transport/connection-guard.js';
import type { Transport } from '../transport/transport.js';
import { TransportServer, type TransportServerOptions } from '../transport/transport-server.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { tracingLogger } from '../transport/trace-logger.js';

/** How a connector listens, beyond address and protocol: the URI options that shape the transport. */
export interface ConnectorTransportOptions {
  /** ws:// and wss://: WebSocket upgrades carrying the protocol named by the agreed subprotocol. */
  websocket?: boolean;
  /** transport.verifyHostName on a TLS connector. */
  verifyHostName?: boolean;
  /** transport.tlsDebug: log every TLS handshake of this connector. */
  tlsDebug?: boolean;
  /** trace=true: these debug channels (`openwire`, `stomp`) are on for this connector's connections. */
  traceChannels?: readonly string[];
  /** Connection lifetime and slow-client limits (ConnectionGuard); unset fields keep their defaults. */
  limits?: Partial<ConnectionLimits>;
}

export interface TransportConnectorOptions {
  /** The connector's name, as in `<transportConnector name="openwire" …>`. */
  name: string;
  /** The scheme printed in the started-at line and used in logs (`tcp`, `stomp`, `ssl`, …). */
  scheme: string;
  server: Omit<TransportServerOptions, 'scheme'>;
  protocol: ProtocolModule;
  protocolOptions: ProtocolOptions;
  /** How long shutdown waits for connections to close politely before cutting them. */
  shutdownGraceMs?: number;
  transport?: ConnectorTransportOptions;
}

/**
 * ActiveMQ's TransportConnector: one listening address bound to one protocol. It accepts transports,
 * hands each to the protocol module, and on stop closes every connection it accepted.
 */
export class TransportConnector {
  private readonly server: TransportServer;
  private readonly connections = new Set<ProtocolConnection>();
  private readonly connectionLogger: Logger;
  private readonly limits: ConnectionLimits;
  /** Set by BrokerService when the broker runs network bridges: duplex peers get a responder bridge. */
  acceptDuplexBridge: ((channel: RemoteChannel) => void) | null = null;

  constructor(
    readonly options: TransportConnectorOptions,
    private readonly broker: Broker,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    const t = options.transport ?? {};
    const traced = t.traceChannels ?? [];
    this.limits = { ...defaultConnectionLimits, ...t.limits };
    this.connectionLogger = traced.length > 0 ? tracingLogger(logger, traced) : logger;
    this.server = new TransportServer(
      {
        ...options.server,
        scheme: options.scheme,
        ...(t.websocket ? { websocket: { subprotocols: options.protocol.webSocketSubprotocols } } : {}),
        ...(t.verifyHostName ? { verifyHostName: true } : {}),
        ...(t.tlsDebug ? { tlsDebug: true } : {}),
        // A TLS handshake or a WebSocket upgrade that never completes is a connect attempt too.
        ...(this.limits.connectAttemptTimeoutMs > 0 ? { handshakeTimeoutMs: this.limits.connectAttemptTimeoutMs } : {}),
      },
      (transport) => this.accept(transport),
      (remote, reason) => this.logger.warn('Connection refused', { connector: options.name, remote, reason }),
      logger.child({ connector: options.name }),
    );
  }

  get name(): string {
    return this.options.name;
  }

  /** The URI clients use, with the port actually bound (port 0 picks a free one). */
  get publishedUri(): string {
    const host = this.options.server.host.includes(':') ? `[${this.options.server.host}]` : this.options.server.host;
    return `${this.options.scheme}://${host}:${this.server.port}`;
  }

  get port(): number {
    return this.server.port;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async start(): Promise<void> {
    try {
      await this.server.start();
    } catch (e) {
      throw new Error(`Connector ${this.options.name} failed to start: ${(e as Error).message}`, { cause: e });
    }
  }

  async stop(reason = 'The broker is shutting down'): Promise<void> {
    await this.server.stopAccepting();
    const grace = this.options.shutdownGraceMs ?? 5000;
    const closing = [...this.connections].map((c) => c.close(reason).catch(() => {}));
    await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, grace).unref())]);
    this.server.destroyAll();
    this.connections.clear();
  }

  /**
   * Every accepted transport is wrapped in a ConnectionGuard before the protocol sees it: the one place where
   * connect and frame timeouts, slow-reader limits and the final destroy of a closed connection live.
   */
  private accept(raw: Transport): void {
    const log = this.connectionLogger.child({ connector: this.options.name, remote: raw.remoteAddress });
    const transport = new ConnectionGuard(raw, this.limits, this.clock, log);
    try {
      const connection = this.options.protocol.accept(transport, {
        broker: this.broker,
        logger: log,
        clock: this.clock,
        options: this.options.protocolOptions,
        connectorName: this.options.name,
        connectorUri: this.publishedUri,
        watch: transport.watch,
        ...(this.acceptDuplexBridge !== null ? { acceptDuplexBridge: this.acceptDuplexBridge } : {}),
      });
      this.connections.add(connection);
      transport.onClose(() => this.connections.delete(connection));
    } catch (e) {
      log.error('Could not accept connection', { error: e });
      transport.destroy();
    }
  }
}
