import type { EventEmitter } from 'node:events';

/**
 * A broker service found by discovery (ActiveMQ's DiscoveryEvent): the URI to connect to and, where the
 * discovery mechanism carries it, the advertising broker's name.
 */
export interface DiscoveredService {
  /** A connectable URI such as `tcp://10.0.0.2:61616`. */
  readonly uri: string;
  readonly brokerName: string | null;
}

/**
 * How a network connector learns where its peers are (ActiveMQ's DiscoveryAgent): `static:(…)` and
 * `masterslave:(…)` list them, `multicast://` hears them announced. Emits `'serviceAdd'` and `'serviceRemove'`
 * with a DiscoveredService. A network connector reports a bridge that failed through `serviceFailed`, and the
 * agent decides when to offer the service again (back-off for static, the next announcement for multicast).
 */
export interface DiscoveryAgent extends EventEmitter {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Advertises one of this broker's own connector URIs (a transportConnector's `discoveryUri`). */
  registerService(uri: string): void;
  /** The bridge to this service failed or ended; offer it again later. */
  serviceFailed(service: DiscoveredService): void;
}
