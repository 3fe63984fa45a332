import {
  DEFAULT_DLQ,
  type DeadLetterStrategyConfig,
  type DispatchPolicyConfig,
  type MessageGroupMapFactoryConfig,
  type PendingMessageLimitStrategyConfig,
  type PolicyEntryConfig,
  type PolicyMapConfig,
  type SlowConsumerStrategyConfig,
  type SubscriptionRecoveryPolicyConfig,
} from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';
import { destinationElement, entryDestination } from './destinations.js';
import { INERT_POLICY_ATTRIBUTES, reportInert } from './inert-attributes.js';

/** <destinationPolicy><policyMap>: entries and the defaultEntry. */
export function readPolicyMap(r: ElementReader): PolicyMapConfig {
  const entries: PolicyEntryConfig[] = [];
  for (const prop of ['policyEntries', 'entries']) {
    for (const e of r.items(prop)) {
      if (e.name !== 'policyEntry') {
        throw new ConfigError(e.el.location, `${tag(e.el)} is not allowed inside <${prop}>; expected <policyEntry>`);
      }
      const entry = readPolicyEntry(e);
      if (!entry.destination) {
        throw new ConfigError(e.el.location, `${tag(e.el)} needs one of queue, topic, tempQueue, tempTopic`);
      }
      entries.push(entry);
    }
  }
  const def = r.single('defaultEntry');
  const config = { entries, defaultEntry: def ? readPolicyEntry(def) : null };
  r.finish();
  return config;
}

/** The shared dead letter strategy ActiveMQ uses when a policy sets none (PolicyEntry.deadLetterStrategy). */
export function defaultDeadLetterStrategy(): DeadLetterStrategyConfig {
  return {
    type: 'shared',
    deadLetterQueue: { type: 'queue', name: DEFAULT_DLQ },
    processExpired: true,
    processNonPersistent: false,
    expiration: 0,
    enableAudit: true,
  };
}

/** <policyEntry>, every field filled: ActiveMQ applies the single most specific entry, never a merge. */
export function readPolicyEntry(r: ElementReader): PolicyEntryConfig {
  const n = (name: string, dflt: number): number => r.number(name) ?? dflt;
  const b = (name: string, dflt: boolean): boolean => r.bool(name) ?? dflt;
  // inactiveTimoutBeforeGC is ActiveMQ's old misspelt alias of inactiveTimeoutBeforeGC.
  const inactive = r.number('inactiveTimeoutBeforeGC') ?? r.number('inactiveTimoutBeforeGC') ?? 60_000;
  const groupType = r.choice('messageGroupMapFactoryType', ['cached', 'simple', 'bucket'] as const);
  const entry: PolicyEntryConfig = {
    destination: entryDestination(r),
    producerFlowControl: b('producerFlowControl', true),
    memoryLimit: n('memoryLimit', 0),
    // ActiveMQPrefetchPolicy defaults: queue 1000, browser 500, topic 32766 (Short.MAX_VALUE - 1), durable 100.
    queuePrefetch: n('queuePrefetch', 1000),
    queueBrowserPrefetch: n('queueBrowserPrefetch', 500),
    topicPrefetch: n('topicPrefetch', 32766),
    durableTopicPrefetch: n('durableTopicPrefetch', 100),
    prioritizedMessages: b('prioritizedMessages', false),
    maxPageSize: n('maxPageSize', 200),
    maxBrowsePageSize: n('maxBrowsePageSize', 400),
    expireMessagesPeriod: n('expireMessagesPeriod', 30_000),
    maxExpirePageSize: n('maxExpirePageSize', 400),
    gcInactiveDestinations: b('gcInactiveDestinations', false),
    gcWithNetworkConsumers: b('gcWithNetworkConsumers', false),
    inactiveTimeoutBeforeGC: inactive,
    advisoryForSlowConsumers: b('advisoryForSlowConsumers', false),
    advisoryForFastProducers: b('advisoryForFastProducers', false),
    advisoryForDiscardingMessages: b('advisoryForDiscardingMessages', false),
    advisoryWhenFull: b('advisoryWhenFull', false),
    advisoryForDelivery: b('advisoryForDelivery', false),
    advisoryForConsumed: b('advisoryForConsumed', false),
    includeBodyForAdvisory: b('includeBodyForAdvisory', false),
    sendAdvisoryIfNoConsumers: b('sendAdvisoryIfNoConsumers', false),
    useCache: b('useCache', true),
    optimizedDispatch: b('optimizedDispatch', false),
    lazyDispatch: b('lazyDispatch', false),
    strictOrderDispatch: b('strictOrderDispatch', false),
    useConsumerPriority: b('useConsumerPriority', true),
    allConsumersExclusiveByDefault: b('allConsumersExclusiveByDefault', false),
    alwaysRetroactive: b('alwaysRetroactive', false),
    persistJMSRedelivered: b('persistJMSRedelivered', false),
    enableAudit: b('enableAudit', true),
    maxAuditDepth: n('maxAuditDepth', 10_000),
    maxProducersToAudit: n('maxProducersToAudit', 64),
    maxQueueAuditDepth: n('maxQueueAuditDepth', 10_000),
    cursorMemoryHighWaterMark: n('cursorMemoryHighWaterMark', 70),
    storeUsageHighWaterMark: n('storeUsageHighWaterMark', 100),
    blockedProducerWarningInterval: n('blockedProducerWarningInterval', 30_000),
    timeBeforeDispatchStarts: n('timeBeforeDispatchStarts', 0),
    consumersBeforeDispatchStarts: n('consumersBeforeDispatchStarts', 0),
    maxDestinations: n('maxDestinations', -1),
    sendFailIfNoSpace: r.bool('sendFailIfNoSpace') ?? null,
    sendFailIfNoSpaceAfterTimeout: r.number('sendFailIfNoSpaceAfterTimeout') ?? null,
    deadLetterStrategy: readDeadLetterStrategy(r) ?? defaultDeadLetterStrategy(),
    pendingMessageLimitStrategy: readPendingLimit(r),
    subscriptionRecoveryPolicy: onlyOne(r, 'subscriptionRecoveryPolicy', readRecoveryPolicy),
    messageGroupMapFactory:
      onlyOne(r, 'messageGroupMapFactory', readGroupMapFactory) ??
      (groupType === 'simple'
        ? { type: 'simple' }
        : groupType === 'bucket'
          ? { type: 'hashBucket', bucketCount: 1024, cacheSize: 64 }
          : { type: 'cached', cacheSize: 1024 }),
    slowConsumerStrategy: onlyOne(r, 'slowConsumerStrategy', readSlowConsumerStrategy),
    // ConditionalNetworkBridgeFilterFactory's defaults: no replay, replayDelay 0, no rate limit, 1 s windows.
    networkBridgeFilterFactory: onlyOne(r, 'networkBridgeFilterFactory', (s) =>
      s.name === 'conditionalNetworkBridgeFilterFactory'
        ? {
            replayWhenNoConsumers: s.bool('replayWhenNoConsumers') ?? false,
            replayDelay: s.number('replayDelay') ?? 0,
            rateLimit: s.number('rateLimit') ?? 0,
            rateDuration: s.number('rateDuration') ?? 1000,
          }
        : null,
    ),
    dispatchPolicy: onlyOne(r, 'dispatchPolicy', readDispatchPolicy),
    pendingQueuePolicy:
      onlyOne(r, 'pendingQueuePolicy', (s) =>
        s.name === 'vmQueueCursor' ? 'vm' : s.name === 'fileQueueCursor' ? 'file' : 'store',
      ) ?? 'store',
    pendingDurableSubscriberPolicy:
      onlyOne(r, 'pendingDurableSubscriberPolicy', (s) =>
        s.name === 'vmDurableCursor' ? 'vm' : s.name === 'fileDurableSubscriberCursor' ? 'file' : 'store',
      ) ?? 'store',
    pendingSubscriberPolicy:
      onlyOne(r, 'pendingSubscriberPolicy', (s) => (s.name === 'vmCursor' ? 'vm' : 'file')) ?? 'file',
  };
  reportInert(r, INERT_POLICY_ATTRIBUTES);
  const dispatch = r.properties('dispatchPolicy')[0];
  // Every topic subscriber gets every message either way; roundRobin only rotates who gets it first.
  const quiet =
    entry.dispatchPolicy === null || entry.dispatchPolicy === 'simple' || entry.dispatchPolicy === 'roundRobin';
  if (dispatch !== undefined && !quiet) {
    r.ctx.warn(
      dispatch.location,
      `${tag(dispatch)} ${entry.dispatchPolicy} is not implemented by TideMQ; topics dispatch as simpleDispatchPolicy`,
    );
  }
  r.finish();
  return entry;
}

function onlyOne<T>(r: ElementReader, property: string, read: (item: ElementReader) => T | null): T | null {
  const item = r.single(property);
  if (!item) return null;
  const value = read(item);
  if (value !== null) item.finish();
  return value;
}

function readDeadLetterStrategy(r: ElementReader): DeadLetterStrategyConfig | null {
  return onlyOne(r, 'deadLetterStrategy', (s) => {
    const processExpired = s.bool('processExpired') ?? true;
    const processNonPersistent = s.bool('processNonPersistent') ?? false;
    const expiration = s.number('expiration') ?? 0;
    const enableAudit = s.bool('enableAudit') ?? true;
    switch (s.name) {
      case 'sharedDeadLetterStrategy': {
        const dlq = s.single('deadLetterQueue');
        return {
          type: 'shared',
          deadLetterQueue: dlq ? destinationElement(dlq) : { type: 'queue', name: DEFAULT_DLQ },
          processExpired,
          processNonPersistent,
          expiration,
          enableAudit,
        };
      }
      case 'individualDeadLetterStrategy':
        return {
          type: 'individual',
          queuePrefix: s.string('queuePrefix') ?? 'ActiveMQ.DLQ.Queue.',
          queueSuffix: s.string('queueSuffix') ?? '',
          topicPrefix: s.string('topicPrefix') ?? 'ActiveMQ.DLQ.Topic.',
          topicSuffix: s.string('topicSuffix') ?? '',
          useQueueForQueueMessages: s.bool('useQueueForQueueMessages') ?? true,
          useQueueForTopicMessages: s.bool('useQueueForTopicMessages') ?? true,
          destinationPerDurableSubscriber: s.bool('destinationPerDurableSubscriber') ?? false,
          processExpired,
          processNonPersistent,
          expiration,
          enableAudit,
        };
      default: // <discarding/>: DiscardingDeadLetterStrategy
        s.accept('expiration', 'enableAudit');
        return { type: 'discarding', processExpired, processNonPersistent };
    }
  });
}

function readPendingLimit(r: ElementReader): PendingMessageLimitStrategyConfig | null {
  return onlyOne(r, 'pendingMessageLimitStrategy', (s) =>
    s.name === 'constantPendingMessageLimitStrategy'
      ? { type: 'constant', limit: s.number('limit') ?? -1 }
      : { type: 'prefetchRate', multiplier: s.number('multiplier') ?? 0.5 },
  );
}

function readRecoveryPolicy(s: ElementReader): SubscriptionRecoveryPolicyConfig {
  switch (s.name) {
    case 'fixedCountSubscriptionRecoveryPolicy':
      return { type: 'fixedCount', maximumSize: s.number('maximumSize') ?? 100 };
    case 'fixedSizedSubscriptionRecoveryPolicy':
      return {
        type: 'fixedSized',
        maximumSize: s.number('maximumSize') ?? 64 * 1024,
        useSharedBuffer: s.bool('useSharedBuffer') ?? true,
      };
    case 'lastImageSubscriptionRecoveryPolicy':
      return { type: 'lastImage' };
    case 'noSubscriptionRecoveryPolicy':
      return { type: 'none' };
    case 'timedSubscriptionRecoveryPolicy':
      return { type: 'timed', recoverDuration: s.number('recoverDuration') ?? 60_000 };
    case 'queryBasedSubscriptionRecoveryPolicy':
      return { type: 'queryBased', query: s.string('query') ?? null };
    default: {
      const wrapped = s.single('wrapped');
      const inner = wrapped ? readRecoveryPolicy(wrapped) : null;
      wrapped?.finish();
      return { type: 'retainedMessage', wrapped: inner };
    }
  }
}

function readGroupMapFactory(s: ElementReader): MessageGroupMapFactoryConfig {
  switch (s.name) {
    case 'cachedMessageGroupMapFactory':
      return { type: 'cached', cacheSize: s.number('cacheSize') ?? 1024 };
    case 'simpleMessageGroupMapFactory':
      return { type: 'simple' };
    default:
      return {
        type: 'hashBucket',
        bucketCount: s.number('bucketCount') ?? 1024,
        cacheSize: s.number('cacheSize') ?? 64,
      };
  }
}

function readSlowConsumerStrategy(s: ElementReader): SlowConsumerStrategyConfig {
  const ack = s.name === 'abortSlowAckConsumerStrategy';
  s.accept('name');
  return {
    type: ack ? 'abortSlowAckConsumer' : 'abortSlowConsumer',
    abortConnection: s.bool('abortConnection') ?? false,
    checkPeriod: s.number('checkPeriod') ?? 30_000,
    maxSlowCount: s.number('maxSlowCount') ?? -1,
    maxSlowDuration: s.number('maxSlowDuration') ?? 30_000,
    ignoreNetworkConsumers: s.bool('ignoreNetworkConsumers') ?? true,
    maxTimeSinceLastAck: ack ? (s.number('maxTimeSinceLastAck') ?? 30_000) : null,
    ignoreIdleConsumers: ack ? (s.bool('ignoreIdleConsumers') ?? true) : null,
  };
}

const DISPATCH: Record<string, DispatchPolicyConfig> = {
  roundRobinDispatchPolicy: 'roundRobin',
  simpleDispatchPolicy: 'simple',
  strictOrderDispatchPolicy: 'strictOrder',
  priorityDispatchPolicy: 'priority',
  clientIdFilterDispatchPolicy: 'clientIdFilter',
  priorityNetworkDispatchPolicy: 'priorityNetwork',
};

function readDispatchPolicy(s: ElementReader): DispatchPolicyConfig | null {
  const policy = DISPATCH[s.name];
  if (policy === 'clientIdFilter' || policy === 'priorityNetwork' || policy === undefined) {
    s.ctx.warn(s.el.location, `${tag(s.el)} is not implemented by TideMQ; topics use the default dispatch`);
    return null;
  }
  return policy;
}
