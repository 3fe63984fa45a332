import type { PersistenceAdapter, RecoveredState } from '../../store/persistence-adapter.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { sharedDeadLetterStrategy } from '../policy/dead-letter-strategy.js';
import { PolicyMap } from '../policy/policy-map.js';
import type { RedeliveryPolicyMap } from '../policy/redelivery-policy.js';
import type { SelectorCompiler } from './selector-support.js';

export interface RegionBrokerOptions {
  brokerName?: string;
  store: PersistenceAdapter;
  /** Told what the store recovered at start, before any client connects (the producer audit learns its ids). */
  onRecovered?: (state: RecoveredState) => void;
  clock?: Clock;
  logger?: Logger;
  /** Compiles JMS selectors (the built-in JMS selector parser unless replaced). */
  selectorCompiler?: SelectorCompiler;
  /**
   * Destination policies (ActiveMQ's destinationPolicy). Without it every destination gets ActiveMQ's
   * defaults, adjusted by the three shortcuts below.
   */
  policies?: PolicyMap;
  /** Shortcut for the default policy's shared DLQ name (without `policies`). */
  deadLetterQueue?: string;
  /** Shortcut: dead-letter non-persistent messages too (processNonPersistent; ActiveMQ default false). */
  processNonPersistent?: boolean;
  /** Shortcut: period of the expired-message sweep (expireMessagesPeriod). */
  expireMessagesPeriodMs?: number;
  /** Broker-side redelivery (redeliveryPlugin): poison-acked messages come back after a delay. */
  redeliveryPolicies?: RedeliveryPolicyMap;
  /** ActiveMQ's schedulerSupport: AMQ_SCHEDULED_* properties delay and repeat messages (default false). */
  schedulerSupport?: boolean;
  /** systemUsage memoryUsage limit in bytes for all pending messages (default 1 GiB; 0 = no limit). */
  memoryLimit?: number;
  /**
   * KahaDB's concurrentStoreAndDispatchQueues: a persistent queue message a consumer can take now is dispatched
   * while its store write runs (off unless set; the activemq.xml default is true, as ActiveMQ's: see
   * docs/persistence.md).
   */
  concurrentStoreAndDispatchQueues?: boolean;
  /** systemUsage sendFailIfNoSpace: reject sends when full instead of blocking (default false). */
  sendFailIfNoSpace?: boolean;
  /** systemUsage sendFailIfNoSpaceAfterTimeout (ms): block at most this long, then reject (0 = no limit). */
  sendFailIfNoSpaceAfterTimeout?: number;
  /**
   * The temp store (ActiveMQ's tmp_storage under tempUsage): where queues spill non-persistent messages
   * beyond their memory window. Emptied at start. Without one, non-persistent messages stay in memory.
   */
  tempStore?: PersistenceAdapter;
}

/** BrokerService's default systemUsage memory limit. */
export const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;

/** The policies a broker gets without a PolicyMap: ActiveMQ's defaults plus the region's shortcut options. */
export function defaultPolicies(options: RegionBrokerOptions): PolicyMap {
  const map = new PolicyMap();
  if (
    options.deadLetterQueue !== undefined ||
    options.processNonPersistent !== undefined ||
    options.expireMessagesPeriodMs !== undefined
  ) {
    map.setDefaultEntry({
      deadLetterStrategy: sharedDeadLetterStrategy({
        ...(options.deadLetterQueue !== undefined ? { deadLetterQueue: options.deadLetterQueue } : {}),
        ...(options.processNonPersistent !== undefined ? { processNonPersistent: options.processNonPersistent } : {}),
      }),
      ...(options.expireMessagesPeriodMs !== undefined ? { expireMessagesPeriod: options.expireMessagesPeriodMs } : {}),
    });
  }
  return map;
}
