import type { ClientTlsOptions } from '../client/connection.js';
import type { NetworkConnectorConfig } from '../config/broker-config.js';
import type { Clock } from '../util/clock.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { ClientChannel } from './client-channel.js';
import { DemandForwardingBridge, LoopbackBridgeError, type LocalBrokerInfo } from './demand-forwarding-bridge.js';
import type { DiscoveredService, DiscoveryAgent } from './discovery/discovery-agent.js';
import { StaticDiscoveryAgent } from './discovery/static-discovery-agent.js';

export interface NetworkConnectorOptions {
  readonly config: NetworkConnectorConfig;
  readonly local: LocalBrokerInfo;
  /** The broker's `<sslContext>`, for ssl:// peers. */
  readonly tls?: ClientTlsOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Builds the agent for discovery URIs other than static: and masterslave: (multicast://). */
  readonly discoveryFor?: (uri: string) => DiscoveryAgent | null;
}

/** What management shows of one bridge (NetworkBridgeView). */
export interface BridgeState {
  readonly remoteUri: string;
  readonly remoteBrokerName: string;
  readonly remoteBrokerId: string;
  readonly demandSubscriptions: number;
  readonly enqueued: number;
  readonly dequeued: number;
  readonly received: number;
}

/**
 * A `<networkConnector>` (ActiveMQ's DiscoveryNetworkConnector): a discovery agent names the peers, and this
 * connector keeps one DemandForwardingBridge to each of them, starting another after a failure when the agent
 * offers the peer again. It logs each change of a peer's state once — established, lost, failing (repeated
 * failures of the same kind only at debug) — and refuses for good a peer that turns out to be this broker.
 */
export class NetworkConnector {
  private readonly agent: DiscoveryAgent;
  private readonly bridges = new Map<string, DemandForwardingBridge>();
  private readonly starting = new Set<string>();
  /** URIs that reached this very broker: never tried again. */
  private readonly loopbacks = new Set<string>();
  /** The last failure logged per URI, so a peer that stays down is reported once, not at every retry. */
  private readonly lastFailure = new Map<string, string>();
  private running = false;

  constructor(private readonly o: NetworkConnectorOptions) {
    this.agent = NetworkConnector.agentFor(o);
    this.agent.on('serviceAdd', (s: DiscoveredService) => this.onServiceAdd(s));
    this.agent.on('serviceRemove', (s: DiscoveredService) => {
      this.o.local.peers?.remove(`bridge:${this.name}:${s.uri}`);
      void this.bridges.get(s.uri)?.stop();
    });
    this.agent.on('serviceGivenUp', (s: DiscoveredService, attempts: number) =>
      this.log.warn(`Network connector ${this.name} gave up on ${s.uri} after ${attempts} reconnect attempts`),
    );
  }

  private static agentFor(o: NetworkConnectorOptions): DiscoveryAgent {
    const uri = o.config.uri.trim();
    if (/^(static|masterslave):/.test(uri)) return StaticDiscoveryAgent.parse(uri, o.clock);
    const agent = o.discoveryFor?.(uri) ?? null;
    if (agent === null) {
      throw new BrokerError('ERR_CONFIG', `Network connector ${o.config.name}: no discovery for ${uri}`);
    }
    return agent;
  }

  get name(): string {
    return this.o.config.name;
  }

  get uri(): string {
    return this.o.config.uri;
  }

  get config(): NetworkConnectorOptions['config'] {
    return this.o.config;
  }

  private get log(): Logger {
    return this.o.logger;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.agent.start();
    this.log.info(`Network connector ${this.name} started (${this.uri})`);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.agent.stop();
    await Promise.all([...this.bridges.values()].map((b) => b.stop()));
    for (const uri of this.bridges.keys()) this.o.local.peers?.remove(`bridge:${this.name}:${uri}`);
    this.bridges.clear();
    this.log.info(`Network connector ${this.name} stopped`);
  }

  /** The active bridges. */
  activeBridges(): BridgeState[] {
    return [...this.bridges.entries()].map(([uri, b]) => ({
      remoteUri: uri,
      remoteBrokerName: b.remoteName,
      remoteBrokerId: b.remoteId,
      demandSubscriptions: b.demandCount,
      enqueued: b.statistics.enqueued,
      dequeued: b.statistics.dequeued,
      received: b.statistics.received,
    }));
  }

  private onServiceAdd(service: DiscoveredService): void {
    const uri = service.uri;
    if (!this.running || this.loopbacks.has(uri) || this.bridges.has(uri) || this.starting.has(uri)) return;
    const local = this.o.local;
    const c = this.o.config;
    const tls = this.o.tls;
    const bridge = new DemandForwardingBridge({
      config: c,
      local,
      // The remote side goes through the remote broker's security with the bridge's credentials.
      connect: (announce, clientId) =>
        ClientChannel.open(uri, {
          userName: c.remoteUserName ?? c.userName ?? undefined,
          password: (c.remoteUserName !== null ? c.remotePassword : c.password) ?? undefined,
          clientId,
          ...(tls !== undefined ? { tls } : {}),
          logger: this.log,
          clock: this.o.clock,
          announce,
          // A duplex peer hands the connection to its responder bridge and never answers the ConnectionInfo.
          connectionInfoOneway: c.duplex,
        }),
      clock: this.o.clock,
      logger: this.log,
    });
    this.starting.add(uri);
    bridge.start().then(
      () => {
        this.starting.delete(uri);
        if (!this.running) {
          void bridge.stop();
          return;
        }
        this.bridges.set(uri, bridge);
        this.lastFailure.delete(uri);
        (this.agent as Partial<StaticDiscoveryAgent>).serviceStarted?.(service);
        this.log.info(
          `Network connection between ${local.brokerName} and ${bridge.remoteName} (${uri}) has been established.`,
        );
        // DemandForwardingBridgeSupport.startLocalBridge: addBroker(remoteBrokerInfo), so this broker's
        // updateClusterClients connectors tell their clients of the remote broker (docs/clustering.md).
        const peerKey = `bridge:${this.name}:${uri}`;
        local.peers?.add(peerKey, {
          brokerId: bridge.remoteId,
          brokerName: bridge.remoteName,
          brokerUrl: bridge.remoteBrokerUrl,
          duplex: c.duplex,
        });
        bridge.once('failed', (e: Error) => {
          local.peers?.remove(peerKey);
          this.bridges.delete(uri);
          this.log.warn(
            `Network connection between ${local.brokerName} and ${bridge.remoteName} (${uri}) shutdown: ${e.message}`,
          );
          this.lastFailure.set(uri, e.message);
          this.agent.serviceFailed(service);
        });
      },
      (e: unknown) => {
        this.starting.delete(uri);
        const error = e instanceof Error ? e : new Error(String(e));
        if (error instanceof LoopbackBridgeError) {
          this.loopbacks.add(uri);
          this.log.warn(`Network connector ${this.name}: ${error.message}; ${uri} will not be tried again`);
          return;
        }
        if (this.lastFailure.get(uri) !== error.message) {
          this.lastFailure.set(uri, error.message);
          this.log.warn(
            `Network connector ${this.name} could not start a bridge between ${local.brokerName} and ${uri}: ${error.message} (retrying with back-off)`,
          );
        } else {
          this.log.debug(`Network connector ${this.name}: ${uri} still failing: ${error.message}`);
        }
        if (this.running) this.agent.serviceFailed(service);
      },
    );
  }
}
