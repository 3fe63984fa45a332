import type { Broker } from '../broker/broker.js';
import type { RegionBroker } from '../broker/region/region-broker.js';
import type { Clock } from '../util/clock.js';

/** A transport connector as management sees it (ConnectorViewMBean). */
export interface ManagedConnector {
  readonly name: string;
  /** The URI clients use, with the bound port (`tcp://127.0.0.1:61616`). */
  readonly publishedUri: string;
  readonly connectionCount: number;
  readonly protocol: string;
}

/** A `<networkConnector>` and its live bridges, as NetworkConnectorViewMBean and NetworkBridgeViewMBean show. */
export interface ManagedNetworkConnector {
  readonly name: string;
  readonly uri: string;
  readonly settings: {
    readonly duplex: boolean;
    readonly networkTTL: number;
    readonly messageTTL: number;
    readonly consumerTTL: number;
    readonly prefetchSize: number;
    readonly conduitSubscriptions: boolean;
    readonly dynamicOnly: boolean;
    readonly decreaseNetworkConsumerPriority: boolean;
    readonly bridgeTempDestinations: boolean;
    readonly suppressDuplicateQueueSubscriptions: boolean;
    readonly suppressDuplicateTopicSubscriptions: boolean;
    readonly userName: string | null;
  };
  bridges(): readonly ManagedNetworkBridge[];
}

export interface ManagedNetworkBridge {
  readonly remoteAddress: string;
  readonly remoteBrokerName: string;
  readonly remoteBrokerId: string;
  readonly demandSubscriptions: number;
  readonly enqueued: number;
  readonly dequeued: number;
  readonly received: number;
}

/**
 * What the management model needs of a running broker. The server assembles it from a BrokerService, so
 * management depends on the core and not on sockets or configuration, and the HTTP server, the CLI and the
 * console all reach the broker through the same views.
 */
export interface ManagementHost {
  /** The head of the filter chain: messages management sends (sendTextMessage, REST) pass every filter. */
  readonly broker: Broker;
  /** The region, for statistics and the operations only it can do (purge of the store backlog …). */
  readonly region: RegionBroker;
  readonly connectors: readonly ManagedConnector[];
  /** `<networkConnectors>`; absent or empty when the broker bridges to nobody. */
  readonly networkConnectors?: readonly ManagedNetworkConnector[];
  readonly clock: Clock;
  /** Epoch ms when the broker started (BrokerViewMBean Uptime). */
  readonly startedAt: number;
  readonly version: string;
  readonly persistent: boolean;
  readonly dataDirectory: string;
  /** storeUsage / tempUsage limits in bytes (0 = none known). */
  readonly storeLimit: number;
  readonly tempLimit: number;
  /** BrokerViewMBean.stop(): stops the broker (the process exits once it has). */
  stop(): void;
}
