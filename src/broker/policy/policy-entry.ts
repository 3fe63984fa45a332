import { sharedDeadLetterStrategy, type DeadLetterStrategy } from './dead-letter-strategy.js';
import type { SlowConsumerStrategyConfig } from './abort-slow-consumer-strategy.js';
import type { PendingQueueCursor } from '../region/queue-cursor.js';
import type { PendingDurableCursor } from '../region/durable-cursor.js';
import type { PendingSubscriberCursor } from '../region/subscriber-spool.js';

/** Keeps the last messages of a topic for retroactive consumers (ActiveMQ's subscriptionRecoveryPolicy). */
export type SubscriptionRecoveryPolicy =
  | { readonly type: 'fixedCount'; readonly maximumSize: number }
  | { readonly type: 'lastImage' }
  | { readonly type: 'none' };

/** ActiveMQ's constantPendingMessageLimitStrategy: a non-durable topic subscriber keeps at most `limit`. */
export type PendingMessageLimitStrategy = { readonly type: 'constant'; readonly limit: number };

/**
 * One `<policyEntry>`: what a destination (or a wildcard family of them) does. The attribute names are
 * ActiveMQ's; every field is optional and `resolvePolicy` fills ActiveMQ's defaults.
 */
export interface PolicyEntry {
  /** Replaces a queue consumer's prefetch when the client left it at its default (1000). */
  queuePrefetch?: number;
  /** Replaces a queue browser's prefetch when the client left it at its default (500). */
  queueBrowserPrefetch?: number;
  /** Replaces a topic subscriber's prefetch when the client left it at its default (32767). */
  topicPrefetch?: number;
  /** Replaces a durable subscriber's prefetch when the client left it at its default (100). */
  durableTopicPrefetch?: number;
  /** Block (or fail) producers when the destination is over its memory limit (default true). */
  producerFlowControl?: boolean;
  /** Bytes of pending messages this destination may hold; 0 = only the broker's memoryLimit applies. */
  memoryLimit?: number;
  /** Reject instead of blocking when full: ResourceAllocationException (systemUsage sendFailIfNoSpace). */
  sendFailIfNoSpace?: boolean;
  /** Block at most this long (ms), then reject; 0 = block until there is room. */
  sendFailIfNoSpaceAfterTimeout?: number;
  /** How far past messages no consumer can take the dispatcher looks (default 200). */
  maxPageSize?: number;
  /** `<pendingQueuePolicy>`: storeCursor (default), vmQueueCursor or fileQueueCursor. */
  pendingQueuePolicy?: PendingQueueCursor;
  /** `<pendingDurableSubscriberPolicy>`: storeDurableSubscriberCursor (default), vmDurableCursor, fileDurableSubscriberCursor. */
  pendingDurableSubscriberPolicy?: PendingDurableCursor;
  /** `<pendingSubscriberPolicy>` for non-durable topic subscribers: fileCursor (default) or vmCursor. */
  pendingSubscriberPolicy?: PendingSubscriberCursor;
  /** Keep newly sent persistent messages in memory while below the high-water mark (default true). */
  useCache?: boolean;
  /** Percent of the destination's memory limit above which the cursor leaves new messages on disk (70). */
  cursorMemoryHighWaterMark?: number;
  /** How many messages a browser is given at most, memory and disk together (default 400). */
  maxBrowsePageSize?: number;
  /** How many messages of a queue's backlog on disk each expiry sweep looks at (default 400). */
  maxExpirePageSize?: number;
  /** Queues dispatch higher JMSPriority first (default false: arrival order). */
  prioritizedMessages?: boolean;
  /** Period of the expired-message sweep (ms, default 30000; 0 = no sweep). */
  expireMessagesPeriod?: number;
  useConsumerPriority?: boolean;
  allConsumersExclusiveByDefault?: boolean;
  /** Every topic consumer is treated as retroactive. */
  alwaysRetroactive?: boolean;
  advisoryForConsumed?: boolean;
  advisoryForDelivery?: boolean;
  advisoryForSlowConsumers?: boolean;
  advisoryForFastProducers?: boolean;
  advisoryWhenFull?: boolean;
  advisoryForDiscardingMessages?: boolean;
  /** ActiveMQ.Advisory.NoConsumer.* when a message finds no consumer (default false). */
  sendAdvisoryIfNoConsumers?: boolean;
  /** Advisories carrying a message keep its body (default false). */
  includeBodyForAdvisory?: boolean;
  deadLetterStrategy?: DeadLetterStrategy;
  pendingMessageLimitStrategy?: PendingMessageLimitStrategy | null;
  subscriptionRecoveryPolicy?: SubscriptionRecoveryPolicy | null;
  /** What happens to a slow consumer besides the advisory (abortSlowConsumerStrategy); null = nothing. */
  slowConsumerStrategy?: SlowConsumerStrategyConfig | null;
  /**
   * `<networkBridgeFilterFactory><conditionalNetworkBridgeFilterFactory …/>`: network bridges may send queue
   * messages back to the broker they came from when nobody here consumes them; null = never (the default filter).
   */
  networkBridgeFilterFactory?: ConditionalNetworkBridgeFilter | null;
}

/** conditionalNetworkBridgeFilterFactory's settings, with ActiveMQ's defaults applied by the reader. */
export interface ConditionalNetworkBridgeFilter {
  readonly replayWhenNoConsumers: boolean;
  readonly replayDelay: number;
  readonly rateLimit: number;
  readonly rateDuration: number;
}

/** A PolicyEntry with every default applied; what destinations read. */
export type ResolvedPolicy = Readonly<
  Required<
    Omit<
      PolicyEntry,
      | 'pendingMessageLimitStrategy'
      | 'subscriptionRecoveryPolicy'
      | 'slowConsumerStrategy'
      | 'networkBridgeFilterFactory'
    >
  > & {
    pendingMessageLimitStrategy: PendingMessageLimitStrategy | null;
    subscriptionRecoveryPolicy: SubscriptionRecoveryPolicy | null;
    slowConsumerStrategy: SlowConsumerStrategyConfig | null;
    networkBridgeFilterFactory: ConditionalNetworkBridgeFilter | null;
  }
>;

/** ActiveMQPrefetchPolicy's client defaults: a consumer still at one of these takes the policy's value. */
export const DEFAULT_PREFETCH = {
  queue: 1000,
  queueBrowser: 500,
  topic: 32767,
  durableTopic: 100,
  /** DEFAULT_OPTIMIZE_DURABLE_TOPIC_PREFETCH, also replaced by durableTopicPrefetch. */
  optimizedDurableTopic: 1000,
} as const;

const DEFAULTS: ResolvedPolicy = {
  queuePrefetch: DEFAULT_PREFETCH.queue,
  queueBrowserPrefetch: DEFAULT_PREFETCH.queueBrowser,
  topicPrefetch: DEFAULT_PREFETCH.topic,
  durableTopicPrefetch: DEFAULT_PREFETCH.durableTopic,
  producerFlowControl: true,
  memoryLimit: 0,
  sendFailIfNoSpace: false,
  sendFailIfNoSpaceAfterTimeout: 0,
  maxPageSize: 200,
  pendingQueuePolicy: 'store',
  pendingDurableSubscriberPolicy: 'store',
  pendingSubscriberPolicy: 'file',
  useCache: true,
  cursorMemoryHighWaterMark: 70,
  maxBrowsePageSize: 400,
  maxExpirePageSize: 400,
  prioritizedMessages: false,
  expireMessagesPeriod: 30_000,
  useConsumerPriority: true,
  allConsumersExclusiveByDefault: false,
  alwaysRetroactive: false,
  advisoryForConsumed: false,
  advisoryForDelivery: false,
  advisoryForSlowConsumers: false,
  advisoryForFastProducers: false,
  advisoryWhenFull: false,
  advisoryForDiscardingMessages: false,
  sendAdvisoryIfNoConsumers: false,
  includeBodyForAdvisory: false,
  deadLetterStrategy: sharedDeadLetterStrategy(),
  pendingMessageLimitStrategy: null,
  subscriptionRecoveryPolicy: null,
  slowConsumerStrategy: null,
  networkBridgeFilterFactory: null,
};

/** The policy destinations get when no entry matches and the map has no default entry. */
export const DEFAULT_POLICY: ResolvedPolicy = Object.freeze({ ...DEFAULTS });

/** Fills ActiveMQ's defaults into an entry and checks its numbers. */
export function resolvePolicy(entry: PolicyEntry | undefined): ResolvedPolicy {
  if (entry === undefined) return DEFAULT_POLICY;
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(entry)) if (v !== undefined) out[k] = v;
  const r = out as ResolvedPolicy;
  for (const key of [
    'queuePrefetch',
    'queueBrowserPrefetch',
    'topicPrefetch',
    'durableTopicPrefetch',
    'memoryLimit',
    'maxPageSize',
    'maxBrowsePageSize',
    'maxExpirePageSize',
    'cursorMemoryHighWaterMark',
    'expireMessagesPeriod',
    'sendFailIfNoSpaceAfterTimeout',
  ] as const) {
    const v = r[key];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`policyEntry ${key} must be a number >= 0, got ${v}`);
  }
  const limit = r.pendingMessageLimitStrategy;
  if (limit !== null && !(Number.isInteger(limit.limit) && limit.limit >= -1)) {
    throw new RangeError(`constantPendingMessageLimitStrategy limit must be an integer >= -1, got ${limit.limit}`);
  }
  const recovery = r.subscriptionRecoveryPolicy;
  if (recovery?.type === 'fixedCount' && !(Number.isInteger(recovery.maximumSize) && recovery.maximumSize >= 0)) {
    throw new RangeError(`fixedCountSubscriptionRecoveryPolicy maximumSize must be an integer >= 0`);
  }
  const slow = r.slowConsumerStrategy;
  if (slow !== null) {
    for (const key of ['checkPeriod', 'maxSlowCount', 'maxSlowDuration'] as const) {
      const v = slow[key];
      if (v !== undefined && !Number.isFinite(v))
        throw new RangeError(`abortSlowConsumerStrategy ${key} must be a number`);
    }
    if (slow.checkPeriod !== undefined && slow.checkPeriod <= 0) {
      throw new RangeError(`abortSlowConsumerStrategy checkPeriod must be > 0, got ${slow.checkPeriod}`);
    }
  }
  return Object.freeze(r);
}
