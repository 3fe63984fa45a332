import type { Broker } from '../broker/broker.js';
import { RegionBroker } from '../broker/region/region-broker.js';
import type { SelectorCompiler } from '../broker/region/selector-support.js';
import type { ProtocolModule, ProtocolOptions } from '../protocol/protocol.js';
import { defaultProtocolOptions } from '../protocol/protocol.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import type { PersistenceAdapter } from '../store/persistence-adapter.js';
import type { TlsOptions } from 'node:tls';
import { systemClock, type Clock } from '../util/clock.js';
import { MemoryReducer } from './memory-reducer.js';
import { MasterLock, StoppedWhileSlaveError } from './master-lock.js';
import { Logger } from '../util/logger.js';
import type { ClientTlsOptions } from '../client/connection.js';
import type { NetworkConnectorConfig } from '../config/broker-config.js';
import type { DiscoveryAgent } from '../network/discovery/discovery-agent.js';
import { NetworkConnector } from '../network/network-connector.js';
import { DuplexResponders } from '../network/duplex-responders.js';
import type { LocalBrokerInfo } from '../network/demand-forwarding-bridge.js';
import { durableSyncAnswer } from '../network/durable-sync.js';
import { NetworkSubscriptions } from '../network/network-subscriptions.js';
import { TransportConnector, type ConnectorTransportOptions } from './transport-connector.js';
import { AdvisoryBroker } from '../broker/advisory/advisory-broker.js';
import { VirtualDestinationMatcher } from '../broker/advisory/virtual-destination-advisories.js';
import { ProducerAudit } from '../broker/audit/producer-audit.js';
import { RejectDurableConsumersBroker } from '../broker/durable/reject-durable-consumers-broker.js';
import { ProducerAuditBroker, auditRecovered } from '../broker/audit/producer-audit-broker.js';
import type { PolicyMap } from '../broker/policy/policy-map.js';
import { PeerBrokers } from '../broker/peer-brokers.js';
import { LocalServices } from '../network/discovery/local-services.js';
import { MulticastDiscoveryAgent } from '../network/discovery/multicast-discovery-agent.js';
import { isMulticastDiscoveryUri, parseMulticastDiscoveryUri } from '../network/discovery/multicast-options.js';
import type { ClusterUpdateOptions } from './cluster-client-updates.js';
import type { RedeliveryPolicyMap } from '../broker/policy/redelivery-policy.js';
import {
  CompositeDestinationBroker,
  type CompositeDestinationConfig,
} from '../broker/virtual/composite-destination-broker.js';
import {
  VirtualTopicBroker,
  defaultVirtualTopic,
  type VirtualTopicConfig,
} from '../broker/virtual/virtual-topic-broker.js';
import { SharedSubscriptionBroker } from '../broker/virtual/shared-subscription-broker.js';

/** A broker plugin installs a filter in front of the rest of the chain (ActiveMQ's BrokerPlugin). */
export type BrokerPlugin = (next: Broker) => Broker;

export interface ConnectorSpec {
  name: string;
  /** The scheme clients write (`tcp`, `stomp`, `ssl`, …). */
  scheme: string;
  protocol: ProtocolModule;
  host: string;
  port: number;
  tls?: TlsOptions;
  maximumConnections?: number;
  options?: Partial<ProtocolOptions>;
  /** WebSocket, TLS host-name checks, TLS debug, trace (see ConnectorTransportOptions). */
  transport?: ConnectorTransportOptions;
  /** updateClusterClients, rebalanceClusterClients, updateClusterClientsOnRemove, updateClusterFilter. */
  cluster?: ClusterUpdateOptions;
  /** The connector's discoveryUri (multicast://…): its publishable URI is advertised there. */
  discoveryUri?: string;
}

export interface BrokerServiceOptions {
  brokerName?: string;
  connectors: ConnectorSpec[];
  store?: PersistenceAdapter;
  /** Where queues spill non-persistent messages beyond their memory window (tmp_storage); none = memory. */
  tempStore?: PersistenceAdapter;
  /** Filters in install order: the first one listed sees each call first. */
  plugins?: BrokerPlugin[];
  selectorCompiler?: SelectorCompiler;
  /** ActiveMQ's advisorySupport (default true). */
  advisorySupport?: boolean;
  /** Virtual topics (default: ActiveMQ's `VirtualTopic.>` with consumer queues `Consumer.*.`). */
  virtualTopics?: VirtualTopicConfig[];
  compositeDestinations?: CompositeDestinationConfig[];
  /** `<broker useVirtualDestSubs>`: advisories for consumers of what virtual destinations feed (default false). */
  useVirtualDestSubs?: boolean;
  /** `<broker useVirtualDestSubsOnCreation>`: with useVirtualDestSubs, a new consumer queue is demand at once. */
  useVirtualDestSubsOnCreation?: boolean;
  logger?: Logger;
  clock?: Clock;
  /** destinationPolicy: policy entries keyed by destination pattern (src/broker/policy). */
  policies?: PolicyMap;
  /** redeliveryPlugin's redeliveryPolicyMap: broker-side redelivery for poison-acked (NACKed) messages. */
  redeliveryPolicies?: RedeliveryPolicyMap;
  /** The broker attribute rejectDurableConsumers: refuse durable topic subscriptions (default false). */
  rejectDurableConsumers?: boolean;
  /** ActiveMQ's schedulerSupport (default false). */
  schedulerSupport?: boolean;
  /** systemUsage memoryUsage limit in bytes (default 1 GiB). */
  memoryLimit?: number;
  /** systemUsage sendFailIfNoSpace. */
  sendFailIfNoSpace?: boolean;
  /** systemUsage sendFailIfNoSpaceAfterTimeout (ms). */
  sendFailIfNoSpaceAfterTimeout?: number;
  /** `<kahaDB concurrentStoreAndDispatchQueues>`: dispatch persistent queue messages while they are stored. */
  concurrentStoreAndDispatchQueues?: boolean;
  /** ms between checks that the store's lock is still held (master/slave); 0: none. Default 5000. */
  lockKeepAlivePeriod?: number;
  /** Told when the broker stopped itself because its store's lock was lost (the process should exit). */
  onLockLost?: () => void;
  /** `<networkConnectors>`: bridges to other brokers, started once the transport connectors listen. */
  networkConnectors?: NetworkConnectorSpec[];
}

export interface NetworkConnectorSpec {
  readonly config: NetworkConnectorConfig;
  /** The broker's `<sslContext>` as client key material, for ssl:// peers. */
  readonly tls?: ClientTlsOptions;
  /** Agents for discovery URIs other than static: and masterslave:. */
  readonly discoveryFor?: (uri: string) => DiscoveryAgent | null;
}

/**
 * Assembles a broker: the store, the RegionBroker, the plugin chain in front of it, and the transport
 * connectors. Start order is store → broker → connectors; stop is the reverse, and stop stops every part
 * even when one of them fails.
 */
export class BrokerService {
  readonly broker: Broker;
  readonly region: RegionBroker;
  private readonly memoryReducer: MemoryReducer;
  readonly connectors: TransportConnector[];
  readonly networkConnectors: NetworkConnector[];
  readonly duplexResponders: DuplexResponders;
  /** The brokers networked with this one (network connections in and bridges out); cluster updates follow it. */
  readonly peerBrokers = new PeerBrokers();
  /** The service URIs this broker's connectors advertise by discovery; its own discovery agents ignore them. */
  readonly localServices = new LocalServices();
  private readonly logger: Logger;
  private started = false;
  /** Master/slave: the store's locker, taken before anything starts (see master-lock.ts). */
  private readonly masterLock: MasterLock | null;
  private startAbort: AbortController | null = null;

  constructor(readonly options: BrokerServiceOptions) {
    this.logger = options.logger ?? Logger.silent();
    const clock = options.clock ?? systemClock;
    // ActiveMQ's producer audit: a persistent message re-sent with an id already accepted (a producer's retry
    // after failover) is not enqueued twice. It learns the ids the store recovers at start.
    const audit = new ProducerAudit();
    this.region = new RegionBroker({
      brokerName: options.brokerName ?? 'localhost',
      store: options.store ?? new MemoryPersistenceAdapter(),
      onRecovered: auditRecovered(audit),
      ...(options.tempStore !== undefined ? { tempStore: options.tempStore } : {}),
      clock,
      logger: this.logger.child({ area: 'broker' }),
      ...(options.selectorCompiler ? { selectorCompiler: options.selectorCompiler } : {}),
      ...(options.policies ? { policies: options.policies } : {}),
      ...(options.redeliveryPolicies ? { redeliveryPolicies: options.redeliveryPolicies } : {}),
      ...(options.schedulerSupport !== undefined ? { schedulerSupport: options.schedulerSupport } : {}),
      ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
      ...(options.sendFailIfNoSpace !== undefined ? { sendFailIfNoSpace: options.sendFailIfNoSpace } : {}),
      ...(options.sendFailIfNoSpaceAfterTimeout !== undefined
        ? { sendFailIfNoSpaceAfterTimeout: options.sendFailIfNoSpaceAfterTimeout }
        : {}),
      concurrentStoreAndDispatchQueues: options.concurrentStoreAndDispatchQueues === true,
    });
    const locker = options.store?.locker;
    this.masterLock =
      locker === undefined
        ? null
        : new MasterLock({
            locker,
            brokerName: options.brokerName ?? 'localhost',
            keepAlivePeriod: options.lockKeepAlivePeriod ?? 5000,
            clock,
            logger: this.logger,
            onLost: () => void this.stop().finally(() => options.onLockLost?.()),
          });
    this.memoryReducer = new MemoryReducer(this.region.memoryUsage, clock, this.logger.child({ area: 'memory' }));
    // The install order, innermost first: rejectDurableConsumers, destination interceptors, advisories, then the configured plugins
    // (security outermost), as ActiveMQ's BrokerService assembles them.
    let chain: Broker = this.region;
    // ActiveMQ refuses durable consumers in TopicRegion, behind every filter: security is checked first.
    if (options.rejectDurableConsumers === true) chain = new RejectDurableConsumersBroker(chain);
    const virtualTopics = options.virtualTopics ?? [defaultVirtualTopic];
    if (virtualTopics.length > 0) chain = new VirtualTopicBroker(chain, virtualTopics);
    // Shared subscriptions (MQTT 5 $share) are queues fed from topics, like virtual topics, inside security.
    chain = new SharedSubscriptionBroker(chain);
    if ((options.compositeDestinations ?? []).length > 0) {
      chain = new CompositeDestinationBroker(chain, options.compositeDestinations ?? []);
    }
    if (options.advisorySupport !== false) {
      // useVirtualDestSubs: BrokerService hands every virtual destination to the advisory broker at start.
      const virtualDestinations =
        options.useVirtualDestSubs === true
          ? new VirtualDestinationMatcher([
              ...virtualTopics.map((v) => ({ kind: 'virtualTopic' as const, prefix: v.prefix })),
              ...(options.compositeDestinations ?? []).map((c) => ({
                kind: 'composite' as const,
                destination: c.destination,
                forwardTo: c.forwardTo.map((f) => f.destination),
              })),
            ])
          : undefined;
      chain = new AdvisoryBroker(chain, {
        logger: this.logger,
        events: this.region,
        ...(virtualDestinations !== undefined
          ? { virtualDestinations, virtualDestSubsOnCreation: options.useVirtualDestSubsOnCreation === true }
          : {}),
      });
    }
    chain = new ProducerAuditBroker(chain, audit, { logger: this.logger });
    for (const plugin of [...(options.plugins ?? [])].reverse()) chain = plugin(chain);
    this.broker = chain;
    this.connectors = options.connectors.map(
      (spec) =>
        new TransportConnector(
          {
            name: spec.name,
            scheme: spec.scheme,
            server: {
              host: spec.host,
              port: spec.port,
              ...(spec.tls ? { tls: spec.tls } : {}),
              ...(spec.maximumConnections ? { maximumConnections: spec.maximumConnections } : {}),
            },
            protocol: spec.protocol,
            protocolOptions: { ...defaultProtocolOptions, ...spec.options },
            ...(spec.transport ? { transport: spec.transport } : {}),
            // Failover cluster updates and discovery (docs/clustering.md): small hooks, the work is in
            // cluster-client-updates.ts and src/network/discovery.
            peerBrokers: this.peerBrokers,
            ...(spec.cluster ? { clusterUpdates: spec.cluster } : {}),
            ...(spec.discoveryUri !== undefined
              ? {
                  discovery: {
                    uri: spec.discoveryUri,
                    brokerName: options.brokerName ?? 'localhost',
                    localServices: this.localServices,
                  },
                }
              : {}),
          },
          chain,
          this.logger.child({ area: spec.protocol.name }),
          clock,
        ),
    );
    const policies = options.policies;
    const local: LocalBrokerInfo = {
      broker: chain,
      brokerId: chain.brokerId,
      brokerName: chain.brokerName,
      // The URL peers and failover clients are told to use: the first connector's publishable address (a
      // wildcard bind becomes the host name, as in BrokerInfo.brokerURL; see TransportConnector.publishableUri).
      brokerUrl: () => this.connectors[0]?.publishableUri ?? '',
      conditionalFilter: (d) => policies?.entryFor(d).networkBridgeFilterFactory ?? null,
      peers: this.peerBrokers,
      networkSubscriptions: new NetworkSubscriptions(),
      durables: () =>
        [...this.region.managedDurables()].map((sub) => ({
          clientId: sub.clientId,
          subscriptionName: sub.subscriptionName,
          destination: sub.info.destination,
          selector: sub.info.selector,
          noLocal: sub.info.noLocal,
          brokerPath: sub.info.brokerPath ?? null,
        })),
    };
    // A peer that connects with duplex="true" gets the responder end of its bridge, as from ActiveMQ.
    this.duplexResponders = new DuplexResponders(local, clock, this.logger.child({ area: 'network' }));
    for (const c of this.connectors) {
      c.acceptDuplexBridge = (channel) => this.duplexResponders.accept(channel);
      // The passive end of a one-way bridge with syncDurableSubs answers with this broker's durable subscriptions.
      c.durableSync = (peer) => durableSyncAnswer(peer, local);
    }
    this.networkConnectors = (options.networkConnectors ?? []).map(
      (spec) =>
        new NetworkConnector({
          config: spec.config,
          local,
          ...(spec.tls !== undefined ? { tls: spec.tls } : {}),
          discoveryFor: spec.discoveryFor ?? ((uri) => this.multicastAgentFor(uri, clock)),
          clock,
          logger: this.logger.child({ area: 'network', connector: spec.config.name }),
        }),
    );
  }

  get brokerName(): string {
    return this.broker.brokerName;
  }

  /**
   * `<networkConnector uri="multicast://…">`: bridges to the services heard on the group, never to one this broker
   * advertises itself (localServices; docs/clustering.md#multicast-discovery).
   */
  private multicastAgentFor(uri: string, clock: Clock): DiscoveryAgent | null {
    if (!isMulticastDiscoveryUri(uri)) return null;
    return new MulticastDiscoveryAgent(parseMulticastDiscoveryUri(uri), {
      clock,
      logger: this.logger.child({ area: 'network' }),
      brokerName: this.options.brokerName ?? 'localhost',
      localServices: this.localServices,
    });
  }

  connector(name: string): TransportConnector {
    const c = this.connectors.find((x) => x.name === name);
    if (c === undefined) throw new Error(`No connector named ${name}`);
    return c;
  }

  async start(): Promise<void> {
    if (this.started) return;
    // Master/slave as ActiveMQ: a slave waits here for the store's lock, its store unread and its connectors
    // closed (clients' failover: URLs try the next broker); `stop` while it waits ends the wait.
    const abort = (this.startAbort = new AbortController());
    await this.masterLock?.acquire(abort.signal);
    try {
      abort.signal.throwIfAborted();
      await this.broker.start();
    } catch (e) {
      await this.masterLock?.release().catch(() => {});
      throw e;
    }
    this.memoryReducer.start();
    const up: TransportConnector[] = [];
    try {
      for (const c of this.connectors) {
        await c.start();
        up.push(c);
        this.logger.info(`Connector ${c.name} started at ${c.publishedUri}`);
      }
    } catch (e) {
      for (const c of up) await c.stop().catch(() => {});
      await this.broker.stop().catch(() => {});
      await this.masterLock?.release().catch(() => {});
      throw e;
    }
    this.started = true;
    // After the transport connectors, as ActiveMQ's startAllConnectors: peers bridging back find us listening.
    for (const n of this.networkConnectors) await n.start();
    this.masterLock?.startKeepAlive();
    this.logger.info(`Broker ${this.brokerName} started`, { brokerId: this.broker.brokerId });
  }

  async stop(): Promise<void> {
    if (!this.started) {
      this.startAbort?.abort(new StoppedWhileSlaveError(this.brokerName));
      return;
    }
    this.started = false;
    const failures: unknown[] = [];
    // RegionBroker.removeBroker: no cluster updates while the broker tears down its own network connections.
    for (const c of this.connectors) c.cluster?.stop();
    for (const n of this.networkConnectors) {
      try {
        await n.stop();
      } catch (e) {
        failures.push(e);
      }
    }
    await this.duplexResponders.stop();
    for (const c of this.connectors) {
      try {
        await c.stop();
      } catch (e) {
        failures.push(e);
      }
    }
    this.memoryReducer.stop();
    try {
      await this.broker.stop();
    } catch (e) {
      failures.push(e);
    }
    await this.masterLock?.release().catch((e: unknown) => failures.push(e));
    this.logger.info(`Broker ${this.brokerName} stopped`);
    if (failures.length > 0) throw new AggregateError(failures, 'The broker did not stop cleanly');
  }
}
