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
