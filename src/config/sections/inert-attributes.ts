import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';

/**
 * An attribute TideMQ reads (it has a typed field, so embedders can see it) but does not act on. `behaves`
 * is what TideMQ does regardless, in the attribute's own terms: writing that value changes nothing and is
 * accepted quietly (Debian's stock file says useJmx="false", and TideMQ has no JMX); any other value is
 * reported where it stands, and is an error under --strict.
 */
export interface InertAttribute {
  readonly name: string;
  /** The value TideMQ behaves as; undefined: any value is reported. */
  readonly behaves?: string | number | boolean;
  readonly why: string;
}

/** The <broker> attributes no part of TideMQ consumes (the audit of issue 12.9; keep it in step with the code). */
export const INERT_BROKER_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'brokerId', why: 'TideMQ generates the broker id' },
  { name: 'schedulerDirectory', why: 'scheduled messages are kept with the broker, not in a directory of their own' },
  { name: 'useJmx', behaves: false, why: 'TideMQ has no JMX; its management API replaces it' },
  { name: 'maxSchedulerRepeatAllowed', behaves: 1000, why: 'the scheduler does not cap repeats' },
  { name: 'anonymousProducerAdvisorySupport', behaves: false, why: 'no advisories for anonymous producers' },
  { name: 'schedulePeriodForDestinationPurge', behaves: 0, why: 'inactive destinations are not purged' },
  { name: 'maxPurgedDestinationsPerSweep', behaves: 0, why: 'inactive destinations are not purged' },
  { name: 'start', behaves: true, why: '`tidemq start` always starts the broker it loads' },
  { name: 'offlineDurableSubscriberTimeout', behaves: -1, why: 'offline durable subscriptions are kept forever' },
  {
    name: 'offlineDurableSubscriberTaskSchedule',
    behaves: 300000,
    why: 'offline durable subscriptions are kept forever',
  },
  { name: 'keepDurableSubsActive', behaves: true, why: 'not configurable in TideMQ' },
  { name: 'enableStatistics', behaves: true, why: 'statistics cannot be turned off' },
  {
    name: 'allowTempAutoCreationOnSend',
    behaves: false,
    why: 'temporary destinations are created by their connection only',
  },
  { name: 'cacheTempDestinations', behaves: false, why: 'temporary destinations go with their connection' },
  { name: 'timeBeforePurgeTempDestinations', behaves: 5000, why: 'temporary destinations go with their connection' },
  {
    name: 'enableMessageExpirationOnActiveDurableSubs',
    behaves: false,
    why: 'not configurable in TideMQ',
  },
  { name: 'splitSystemUsageForProducersConsumers', behaves: false, why: 'producers and consumers share systemUsage' },
  { name: 'producerSystemUsagePortion', behaves: 60, why: 'producers and consumers share systemUsage' },
  { name: 'consumerSystemUsagePortion', behaves: 40, why: 'producers and consumers share systemUsage' },
  { name: 'useShutdownHook', behaves: true, why: '`tidemq start` always stops cleanly on SIGTERM and SIGINT' },
];

/**
 * The <transportConnector> attributes nothing consumes (allowLinkStealing is honoured; name and uri are used;
 * the cluster update attributes and discoveryUri work, docs/clustering.md).
 */
export const INERT_CONNECTOR_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'disableAsyncDispatch', behaves: false, why: 'dispatch is always asynchronous' },
  { name: 'displayStackTrace', behaves: false, why: 'errors sent to clients never carry stack traces' },
  { name: 'maximumConsumersAllowedPerConnection', behaves: 0, why: 'consumers per connection are not limited' },
  { name: 'maximumProducersAllowedPerConnection', behaves: 0, why: 'producers per connection are not limited' },
  { name: 'warnOnRemoteClose', behaves: false, why: 'a client closing its socket is logged at info' },
  {
    name: 'auditNetworkProducers',
    behaves: true,
    why: 'messages from network bridges always pass the broker-wide producer audit (one that names this broker in its brokerPath is let back in)',
  },
];

/**
 * The <kahaDB> attributes TideMQ's journal store does not read: it has no B-tree index (the index is rebuilt
 * from the journal at start, so forceRecoverIndex always holds), no archive, no ack compaction, no preallocation.
 */
export const INERT_KAHADB_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'journalMaxWriteBatchSize', behaves: 4 * 1024 * 1024, why: 'batches are sized by the journal itself' },
  { name: 'checksumJournalFiles', behaves: true, why: 'every journal record is always checksummed' },
  { name: 'archiveDataLogs', behaves: false, why: 'journal files are deleted, never archived' },
  { name: 'directoryArchive', why: 'journal files are deleted, never archived' },
  { name: 'concurrentStoreAndDispatchTopics', behaves: false, why: 'not configurable in TideMQ' },
  { name: 'indexCacheSize', behaves: 10000, why: 'the index is in memory' },
  { name: 'indexWriteBatchSize', behaves: 1000, why: 'the index is in memory' },
  { name: 'enableIndexWriteAsync', behaves: false, why: 'the index is in memory' },
  { name: 'enableAckCompaction', behaves: true, why: 'not configurable in TideMQ' },
  { name: 'compactAcksAfterNoGC', behaves: 10, why: 'not configurable in TideMQ' },
  { name: 'cleanupOnStop', behaves: true, why: 'not configurable in TideMQ' },
  { name: 'preallocationStrategy', behaves: 'sparse_file', why: 'journal files are not preallocated' },
  { name: 'preallocationScope', behaves: 'entire_journal', why: 'journal files are not preallocated' },
];

/** The <policyEntry> attributes nothing consumes (the cursors' settings are all consumed). */
export const INERT_POLICY_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'gcInactiveDestinations', behaves: false, why: 'inactive destinations are not removed' },
  { name: 'gcWithNetworkConsumers', behaves: false, why: 'inactive destinations are not removed' },
  { name: 'inactiveTimeoutBeforeGC', behaves: 60000, why: 'inactive destinations are not removed' },
  { name: 'inactiveTimoutBeforeGC', behaves: 60000, why: 'inactive destinations are not removed' },
  { name: 'optimizedDispatch', behaves: false, why: 'not configurable in TideMQ' },
  { name: 'lazyDispatch', behaves: false, why: 'not configurable in TideMQ' },
  {
    name: 'storeUsageHighWaterMark',
    behaves: 100,
    why: 'producers are held back only when the store is full (systemUsage storeUsage)',
  },
  { name: 'strictOrderDispatch', behaves: false, why: 'not configurable in TideMQ' },
  {
    name: 'persistJMSRedelivered',
    behaves: false,
    why: 'the redelivered flag is not written to the store before dispatch',
  },
  { name: 'enableAudit', behaves: true, why: 'the producer audit is always on' },
  { name: 'maxAuditDepth', behaves: 10000, why: 'the audit is sized by TideMQ' },
  { name: 'maxProducersToAudit', behaves: 64, why: 'the audit is sized by TideMQ' },
  { name: 'maxQueueAuditDepth', behaves: 10000, why: 'the audit is sized by TideMQ' },
  { name: 'blockedProducerWarningInterval', behaves: 30000, why: 'not configurable in TideMQ' },
  { name: 'timeBeforeDispatchStarts', behaves: 0, why: 'dispatch starts at once' },
  { name: 'consumersBeforeDispatchStarts', behaves: 0, why: 'dispatch starts at once' },
  { name: 'maxDestinations', behaves: -1, why: 'the number of destinations is not limited' },
];

/** <virtualTopic> attributes the virtual topic filter does not read (it takes name, prefix and selectorAware). */
export const INERT_VIRTUAL_TOPIC_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'postfix', behaves: '', why: 'consumer queues are named prefix + topic name' },
  {
    name: 'local',
    behaves: false,
    why: 'messages a network bridge brings in fill the consumer queues like local ones',
  },
  { name: 'concurrentSend', behaves: false, why: 'consumer queues are written one after another' },
  { name: 'transactedSend', behaves: false, why: 'not configurable in TideMQ' },
  { name: 'dropOnResourceLimit', behaves: false, why: 'a full consumer queue holds back the send' },
  { name: 'setOriginalDestination', behaves: true, why: 'the original destination is always set' },
];

/** <compositeQueue>/<compositeTopic> attributes the composite filter does not read. */
export const INERT_COMPOSITE_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'concurrentSend', behaves: false, why: 'targets are written one after another' },
  { name: 'sendWhenNotMatched', behaves: false, why: 'a message no filtered target matches goes nowhere else' },
];

/** <redeliveryPolicy> attributes broker-side redelivery does not read. */
export const INERT_REDELIVERY_ATTRIBUTES: readonly InertAttribute[] = [
  { name: 'useCollisionAvoidance', behaves: false, why: 'redelivery delays are not randomised' },
  { name: 'collisionAvoidancePercent', behaves: 15, why: 'redelivery delays are not randomised' },
  { name: 'preDispatchCheck', behaves: true, why: 'not configurable in TideMQ' },
];

/** Reports each inert attribute written with a value TideMQ does not behave as (call after reading them). */
export function reportInert(r: ElementReader, table: readonly InertAttribute[]): void {
  for (const a of table) {
    const attr = r.attribute(a.name);
    if (attr === undefined) continue;
    const value = valueOf(r, a);
    if (a.behaves !== undefined && (value === a.behaves || sameText(value, a.behaves))) continue;
    r.ctx.warn(
      attr.location,
      `attribute ${a.name}="${attr.value}" of ${tag(r.el)} is not implemented by TideMQ and has no effect: ${a.why}`,
    );
  }
}

function valueOf(r: ElementReader, a: InertAttribute): unknown {
  switch (typeof a.behaves) {
    case 'boolean':
      return r.bool(a.name);
    case 'number':
      return r.number(a.name);
    default:
      return r.string(a.name);
  }
}

/** Enum-like strings compare case-insensitively, as ActiveMQ's valueOf after toUpperCase. */
function sameText(value: unknown, behaves: string | number | boolean): boolean {
  return typeof value === 'string' && typeof behaves === 'string' && value.toLowerCase() === behaves.toLowerCase();
}
