import type { ManagedConnector, ManagedNetworkConnector, ManagementHost } from '../management/management-host.js';
import { systemClock } from '../util/clock.js';
import { tidemqVersion } from '../util/version.js';
import type { BrokerService } from './broker-service.js';

export interface ManagementHostOptions {
  persistent?: boolean;
  dataDirectory?: string;
  storeLimit?: number;
  tempLimit?: number;
  /** What BrokerViewMBean.stop() does; by default it stops the service. */
  stop?: () => void;
}

/** The management model's view of a BrokerService (ActiveMQ's ManagedRegionBroker + BrokerView wiring). */
export function managementHost(service: BrokerService, options: ManagementHostOptions = {}): ManagementHost {
  const connectors: ManagedConnector[] = service.connectors.map((c) => ({
    get name() {
      return c.name;
    },
    get publishedUri() {
      return c.publishedUri;
    },
    get connectionCount() {
      return c.connectionCount;
    },
    get protocol() {
      return c.options.protocol.name;
    },
  }));
  const networkConnectors: ManagedNetworkConnector[] = service.networkConnectors.map((n) => ({
    name: n.name,
    uri: n.uri,
    settings: n.config,
    bridges: () =>
      n.activeBridges().map((b) => ({
        remoteAddress: b.remoteUri,
        remoteBrokerName: b.remoteBrokerName,
        remoteBrokerId: b.remoteBrokerId,
        demandSubscriptions: b.demandSubscriptions,
        enqueued: b.enqueued,
        dequeued: b.dequeued,
        received: b.received,
      })),
  }));
  const clock = service.options.clock ?? systemClock;
  return {
    broker: service.broker,
    region: service.region,
    connectors,
    networkConnectors,
    clock,
    startedAt: clock.now(),
    version: tidemqVersion(),
    persistent: options.persistent ?? service.options.store !== undefined,
    dataDirectory: options.dataDirectory ?? '',
    storeLimit: options.storeLimit ?? 0,
    tempLimit: options.tempLimit ?? 0,
    stop: options.stop ?? (() => void service.stop().catch(() => {})),
  };
}
