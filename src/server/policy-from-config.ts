import type {
  DeadLetterStrategyConfig,
  DestinationRef,
  PolicyEntryConfig,
  PolicyMapConfig,
  RedeliveryPluginConfig,
  RedeliveryPolicyConfig,
} from '../config/broker-config.js';
import { Destination, type DestinationType } from '../model/destination.js';
import {
  discardingDeadLetterStrategy,
  individualDeadLetterStrategy,
  PolicyMap,
  redeliveryPolicy,
  RedeliveryPolicyMap,
  sharedDeadLetterStrategy,
  type DeadLetterStrategy,
  type PolicyEntry,
  type RedeliveryPolicy,
  type SubscriptionRecoveryPolicy,
} from '../broker/policy/index.js';

/** activemq.xml's `<destinationPolicy><policyMap>` as the broker's PolicyMap. */
export function policyMapFromConfig(config: PolicyMapConfig): PolicyMap {
  const map = new PolicyMap();
  for (const e of config.entries) {
    if (e.destination !== null) map.put(destinationOf(e.destination), policyEntryFromConfig(e));
  }
  if (config.defaultEntry !== null) map.setDefaultEntry(policyEntryFromConfig(config.defaultEntry));
  return map;
}

/** One `<policyEntry>`; attributes TideMQ does not implement yet are left out (docs/semantics.md lists them). */
export function policyEntryFromConfig(c: PolicyEntryConfig): PolicyEntry {
  const entry: PolicyEntry = {
    queuePrefetch: c.queuePrefetch,
    queueBrowserPrefetch: c.queueBrowserPrefetch,
    topicPrefetch: c.topicPrefetch,
    durableTopicPrefetch: c.durableTopicPrefetch,
    producerFlowControl: c.producerFlowControl,
    memoryLimit: c.memoryLimit,
    maxPageSize: c.maxPageSize,
    maxBrowsePageSize: c.maxBrowsePageSize,
    maxExpirePageSize: c.maxExpirePageSize,
    pendingQueuePolicy: c.pendingQueuePolicy,
    pendingDurableSubscriberPolicy: c.pendingDurableSubscriberPolicy,
    pendingSubscriberPolicy: c.pendingSubscriberPolicy,
    useCache: c.useCache,
    cursorMemoryHighWaterMark: c.cursorMemoryHighWaterMark,
    prioritizedMessages: c.prioritizedMessages,
    expireMessagesPeriod: c.expireMessagesPeriod,
    useConsumerPriority: c.useConsumerPriority,
    allConsumersExclusiveByDefault: c.allConsumersExclusiveByDefault,
    alwaysRetroactive: c.alwaysRetroactive,
    advisoryForConsumed: c.advisoryForConsumed,
    advisoryForDelivery: c.advisoryForDelivery,
    advisoryForSlowConsumers: c.advisoryForSlowConsumers,
    advisoryForFastProducers: c.advisoryForFastProducers,
    advisoryWhenFull: c.advisoryWhenFull,
    advisoryForDiscardingMessages: c.advisoryForDiscardingMessages,
    sendAdvisoryIfNoConsumers: c.sendAdvisoryIfNoConsumers,
    includeBodyForAdvisory: c.includeBodyForAdvisory,
    deadLetterStrategy: deadLetterStrategyFromConfig(c.deadLetterStrategy),
    pendingMessageLimitStrategy:
      c.pendingMessageLimitStrategy?.type === 'constant'
        ? { type: 'constant', limit: c.pendingMessageLimitStrategy.limit }
        : null,
    subscriptionRecoveryPolicy: recoveryFromConfig(c),
    slowConsumerStrategy:
      c.slowConsumerStrategy?.type === 'abortSlowConsumer'
        ? {
            type: 'abortSlowConsumer',
            abortConnection: c.slowConsumerStrategy.abortConnection,
            checkPeriod: c.slowConsumerStrategy.checkPeriod,
            maxSlowCount: c.slowConsumerStrategy.maxSlowCount,
            maxSlowDuration: c.slowConsumerStrategy.maxSlowDuration,
            ignoreNetworkConsumers: c.slowConsumerStrategy.ignoreNetworkConsumers,
          }
        : null,
  };
  if (c.networkBridgeFilterFactory !== null) entry.networkBridgeFilterFactory = c.networkBridgeFilterFactory;
  if (c.sendFailIfNoSpace !== null) entry.sendFailIfNoSpace = c.sendFailIfNoSpace;
  if (c.sendFailIfNoSpaceAfterTimeout !== null) entry.sendFailIfNoSpaceAfterTimeout = c.sendFailIfNoSpaceAfterTimeout;
  return entry;
}

function recoveryFromConfig(c: PolicyEntryConfig): SubscriptionRecoveryPolicy | null {
  const r = c.subscriptionRecoveryPolicy;
  if (r === null) return null;
  switch (r.type) {
    case 'fixedCount':
      return { type: 'fixedCount', maximumSize: r.maximumSize };
    case 'lastImage':
      return { type: 'lastImage' };
    case 'none':
      return { type: 'none' };
    default:
      // fixedSized, timed, queryBased, retainedMessage: not implemented; ActiveMQ's default (none) applies.
      return null;
  }
}

export function deadLetterStrategyFromConfig(c: DeadLetterStrategyConfig): DeadLetterStrategy {
  switch (c.type) {
    case 'shared':
      return sharedDeadLetterStrategy({
        deadLetterQueue: destinationOf(c.deadLetterQueue),
        processExpired: c.processExpired,
        processNonPersistent: c.processNonPersistent,
        expiration: c.expiration,
      });
    case 'individual':
      return individualDeadLetterStrategy({
        queuePrefix: c.queuePrefix,
        queueSuffix: c.queueSuffix,
        topicPrefix: c.topicPrefix,
        topicSuffix: c.topicSuffix,
        useQueueForQueueMessages: c.useQueueForQueueMessages,
        useQueueForTopicMessages: c.useQueueForTopicMessages,
        destinationPerDurableSubscriber: c.destinationPerDurableSubscriber,
        processExpired: c.processExpired,
        processNonPersistent: c.processNonPersistent,
        expiration: c.expiration,
      });
    case 'discarding':
      return discardingDeadLetterStrategy();
  }
}

/** `<redeliveryPlugin>` as the region's redeliveryPolicies option. */
export function redeliveryPolicyMapFromConfig(c: RedeliveryPluginConfig): RedeliveryPolicyMap {
  const map = new RedeliveryPolicyMap();
  map.fallbackToDeadLetter = c.fallbackToDeadLetter;
  map.sendToDlqIfMaxRetriesExceeded = c.sendToDlqIfMaxRetriesExceeded;
  for (const e of c.entries) if (e.destination !== null) map.put(destinationOf(e.destination), redeliveryFromConfig(e));
  if (c.defaultEntry !== null) map.defaultEntry = redeliveryFromConfig(c.defaultEntry);
  return map;
}

function redeliveryFromConfig(c: RedeliveryPolicyConfig): RedeliveryPolicy {
  return redeliveryPolicy({
    maximumRedeliveries: c.maximumRedeliveries,
    initialRedeliveryDelay: c.initialRedeliveryDelay,
    redeliveryDelay: c.redeliveryDelay,
    useExponentialBackOff: c.useExponentialBackOff,
    backOffMultiplier: c.backOffMultiplier,
    maximumRedeliveryDelay: c.maximumRedeliveryDelay,
  });
}

const TYPES: Record<DestinationRef['type'], DestinationType> = {
  queue: 'queue',
  topic: 'topic',
  tempQueue: 'temp-queue',
  tempTopic: 'temp-topic',
};

function destinationOf(ref: DestinationRef): Destination {
  return Destination.of(TYPES[ref.type], ref.name);
}
