import type { RemoteChannel } from '../protocol/openwire/remote-channel.js';
import type * as ow from '../protocol/openwire/codec/commands.js';
import type { Broker } from '../broker/broker.js';
import type { ProtocolConnection, ProtocolModule, ProtocolOptions } from '../protocol/protocol.js';
import { ConnectionGuard, defaultConnectionLimits, type ConnectionLimits } from '../transport/connection-guard.js';
import type { Transport } from '../transport/transport.js';
import { TransportServer, type TransportServerOptions } from '../transport/transport-server.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { tracingLogger } from '../transport/trace-logger.js';
import { hostname } from 'node:os';
import type { PeerBrokers } from '../broker/peer-brokers.js';
import type { DiscoveryAgent } from '../network/discovery/discovery-agent.js';
import type { LocalServices } from '../network/discovery/local-services.js';
import { MulticastDiscoveryAgent } from '../network/discovery/multicast-discovery-agent.js';
import { parseMulticastDiscoveryUri } from '../network/discovery/multicast-options.js';
import { ClusterClientUpdates, type ClusterUpdateOptions } from './cluster-client-updates.js';

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
  /** The broker's peer registry: network connections register in it, cluster updates follow it. */
  peerBrokers?: PeerBrokers;
  /** Failover cluster updates (updateClusterClients, …); they need peerBrokers. */
  clusterUpdates?: ClusterUpdateOptions;
  /**
   * discoveryUri: the connector's publishable URI is advertised there while it runs (ActiveMQ's
   * TransportConnector.start registers getPublishableConnectString with its DiscoveryAgent).
   */
  discovery?: { uri: string; brokerName: string; localServices: LocalServices };
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
  /** Answers a one-way bridge's BrokerInfo with this broker's durable subscriptions (syncDurableSubs). */
  durableSync: ((peer: ow.BrokerInfo) => ow.BrokerSubscriptionInfo | null) | null = null;
  private readonly clusterUpdates: ClusterClientUpdates | null;
  private discoveryAgent: DiscoveryAgent | null = null;

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
    const cluster = options.clusterUpdates;
    this.clusterUpdates =
      cluster !== undefined &&
      options.peerBrokers !== undefined &&
      (cluster.updateClusterClients || cluster.rebalanceClusterClients)
        ? new ClusterClientUpdates(cluster, () => this.publishableUri, options.peerBrokers, logger)
        : null;
  }

  get name(): string {
    return this.options.name;
  }

  /** The URI clients use, with the port actually bound (port 0 picks a free one). */
  get publishedUri(): string {
    const host = this.options.server.host.includes(':') ? `[${this.options.server.host}]` : this.options.server.host;
    return `${this.options.scheme}://${host}:${this.server.port}`;
  }

  /**
   * The URI peers and failover clients are told (PublishedAddressPolicy.getPublishableConnectString): the
   * scheme, host and bound port without the query; a wildcard bind address (0.0.0.0, ::) becomes this host's
   * name, as ActiveMQ's TcpTransportServer.resolveHostName does. A specific address is published as written
   * (ActiveMQ would reverse-resolve it; an address is what a peer can always connect to).
   */
  get publishableUri(): string {
    const bound = this.options.server.host;
    const wildcard = bound === '' || bound === '0.0.0.0' || bound === '::' || bound === '[::]';
    const host = wildcard ? hostname() : bound.includes(':') ? `[${bound}]` : bound;
    return `${this.options.scheme}://${host}:${this.server.port}`;
  }

  /** The cluster update state of this connector (null without updateClusterClients/rebalanceClusterClients). */
  get cluster(): ClusterClientUpdates | null {
    return this.clusterUpdates;
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
    this.clusterUpdates?.start();
    await this.startDiscovery();
  }

  /** discoveryUri: advertise this connector's publishable URI on the group while it runs. */
  private async startDiscovery(): Promise<void> {
    const d = this.options.discovery;
    if (d === undefined) return;
    const uri = this.publishableUri;
    const agent = new MulticastDiscoveryAgent(parseMulticastDiscoveryUri(d.uri), {
      clock: this.clock,
      logger: this.logger,
      brokerName: d.brokerName,
      localServices: d.localServices,
    });
    d.localServices.add(uri);
    agent.registerService(uri);
    try {
      await agent.start();
    } catch (e) {
      d.localServices.delete(uri);
      this.clusterUpdates?.stop();
      await this.server.stopAccepting();
      this.server.destroyAll();
      throw new Error(`Connector ${this.options.name} failed to start: ${(e as Error).message}`, { cause: e });
    }
    this.discoveryAgent = agent;
  }

  async stop(reason = 'The broker is shutting down'): Promise<void> {
    // The discovery agent first (its `dead` datagram tells peers at once), as TransportConnector.stop.
    const agent = this.discoveryAgent;
    this.discoveryAgent = null;
    if (agent !== null) {
      this.options.discovery?.localServices.delete(this.publishableUri);
      await agent.stop().catch((e: unknown) => this.logger.warn('Discovery agent did not stop cleanly', { error: e }));
    }
    this.clusterUpdates?.stop();
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
        connectorUri: this.publishableUri,
        watch: transport.watch,
        ...(this.acceptDuplexBridge !== null ? { acceptDuplexBridge: this.acceptDuplexBridge } : {}),
        ...(this.durableSync !== null ? { durableSync: this.durableSync } : {}),
        ...(this.clusterUpdates !== null ? { cluster: this.clusterUpdates } : {}),
        ...(this.options.peerBrokers !== undefined ? { peerBrokers: this.options.peerBrokers } : {}),
      });
      this.connections.add(connection);
      transport.onClose(() => this.connections.delete(connection));
    } catch (e) {
      log.error('Could not accept connection', { error: e });
      transport.destroy();
    }
  }
}
