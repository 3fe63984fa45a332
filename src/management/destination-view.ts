import type { Queue } from '../broker/region/queue.js';
import type { TopicSubscription, Topic } from '../broker/region/topic.js';
import type { Subscription } from '../broker/region/subscription.js';
import { Destination } from '../model/destination.js';
import type { BrokerManagement } from './broker-management.js';
import { messageData } from './message-data.js';
import { attr, objectNameValue, op, S, type AttributeInfo, type MBean, type OperationInfo } from './mbean.js';
import { destinationObjectName, subscriptionObjectName } from './names.js';
import { BrokerError } from '../util/errors.js';

/** Statistics a view reads once per request (producer counts need a walk over connections). */
export interface ViewSnapshot {
  readonly producers: ReadonlyMap<Destination, number>;
}

/** The ObjectName of a (non-durable or active durable) consumer under its destination. */
export function consumerObjectName(
  brokerName: string,
  dest: Destination,
  sub: Subscription,
): ReturnType<typeof subscriptionObjectName> {
  const clientId = sub.context.info.clientId ?? sub.context.info.connectionId;
  return subscriptionObjectName(brokerName, dest, clientId, sub.consumerId);
}

/** DestinationView attributes shared by QueueView and TopicView (DestinationViewMBean). */
function destinationAttributes(
  mgmt: BrokerManagement,
  d: Queue | Topic,
  snapshot: ViewSnapshot,
  counts: { size: () => number; inFlight: () => number; consumers: () => Subscription[] },
): Record<string, AttributeInfo> {
  const s = d.statistics;
  const usage = d.usage;
  const name = mgmt.brokerName;
  return {
    Name: attr(S, 'Name of this destination.', () => d.destination.name),
    EnqueueCount: attr('long', 'Number of messages that have been sent to the destination.', () => s.enqueues),
    DequeueCount: attr(
      'long',
      'Number of messages that has been acknowledged (and removed) from the destination.',
      () => s.dequeues,
    ),
    DispatchCount: attr(
      'long',
      'Number of messages that has been delivered to consumers, including those not acknowledged',
      () => s.dispatched,
    ),
    ExpiredCount: attr('long', 'Number of messages that have been expired.', () => s.expired),
    InFlightCount: attr(
      'long',
      'Number of messages that have been dispatched to, but not acknowledged by, consumers.',
      counts.inFlight,
    ),
    ForwardCount: attr(
      'long',
      'Number of messages that have been forwarded (to a networked broker) from the destination.',
      () => 0,
    ),
    DuplicateFromStoreCount: attr(
      'long',
      'Number of duplicate messages that have been paged-in from the store.',
      () => 0,
    ),
    ConsumerCount: attr('long', 'Number of consumers subscribed to this destination.', () => counts.consumers().length),
    ProducerCount: attr(
      'long',
      'Number of producers attached to this destination',
      () => snapshot.producers.get(d.destination) ?? 0,
    ),
    QueueSize: attr(
      'long',
      'Number of messages on this destination, including any that have been dispatched but not acknowledged',
      counts.size,
    ),
    MemoryUsageByteCount: attr('long', 'Memory used by undelivered messages in bytes', () => usage?.usage ?? 0),
    MemoryPercentUsage: attr('int', 'The percentage of the memory limit used', () =>
      Math.round(usage !== null && usage.limit > 0 ? (usage.usage * 100) / usage.limit : 0),
    ),
    MemoryLimit: attr(
      'long',
      'Memory limit, in bytes, used by undelivered messages before paging to temporary storage.',
      () => usage?.limit || (usage?.root.limit ?? 0),
    ),
    MemoryUsagePortion: attr('float', 'Portion of memory from the broker memory limit for this destination', () => 0),
    TempUsagePercentUsage: attr('int', 'The percentage of the temp usage limit used', () => 0),
    TempUsageLimit: attr(
      'long',
      'Temp usage limit, in bytes, assigned to this destination.',
      () => mgmt.host.tempLimit,
    ),
    AverageEnqueueTime: attr(
      'double',
      'Average time a message was held on this destination.',
      () => s.averageEnqueueTime,
    ),
    MaxEnqueueTime: attr('long', 'The longest time a message was held on this destination', () => s.enqueueTimeMax),
    MinEnqueueTime: attr('long', 'The shortest time a message was held on this destination', () => s.enqueueTimeMin),
    AverageMessageSize: attr('double', 'Average message size on this destination', () => s.averageMessageSize),
    MaxMessageSize: attr('long', 'Max message size on this destination', () => s.sizeMax),
    MinMessageSize: attr('long', 'Min message size on this destination', () => s.sizeMin),
    ProducerFlowControl: attr('boolean', 'Flow control is enabled for producers', () => true),
    AlwaysRetroactive: attr('boolean', 'Always treat consumers as retroactive', () =>
      'alwaysRetroactive' in d ? d.alwaysRetroactive : false,
    ),
    BlockedSends: attr('long', 'Number of messages blocked for flow control', () => 0),
    AverageBlockedTime: attr('double', 'Average time (ms) messages have been blocked by flow control', () => 0),
    TotalBlockedTime: attr('long', 'Total time (ms) messages have been blocked by flow control', () => 0),
    MaxUncommittedExceededCount: attr(
      'long',
      'Number of times the max uncommitted limit has been exceed for this destination',
      () => 0,
    ),
    Options: attr(S, 'Destination options as name value pairs in a URL queryString', () => ''),
    DLQ: attr('boolean', 'Dead Letter Queue', () => /^ActiveMQ\.DLQ$|^DLQ\./.test(d.destination.name)),
    SlowConsumerStrategy: attr(
      'javax.management.ObjectName',
      'Optional slowConsumer handler MBean for this destination',
      () => null,
    ),
    Subscriptions: attr('[Ljavax.management.ObjectName;', 'Subscription MBeans matching this destination', () =>
      counts.consumers().map((c) => objectNameValue(consumerObjectName(name, d.destination, c))),
    ),
  };
}

function commonOperations(mgmt: BrokerManagement, d: Queue | Topic): Record<string, OperationInfo[]> {
  const send = async (headers: Record<string, unknown> | null, body: unknown): Promise<string> =>
    mgmt.sendText(mgmt.internalContext(null), d.destination, scalarText(body), {
      properties: Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, scalarText(v)])),
    });
  return {
    resetStatistics: [op([], 'void', 'Resets statistics.', () => d.statistics.reset())],
    sendTextMessage: [
      op([{ name: 'body', type: S }], S, 'Sends a TextMessage to the destination.', (a) => send(null, a[0])),
      op(
        [
          { name: 'headers', type: 'java.util.Map' },
          { name: 'body', type: S },
        ],
        S,
        'Sends a TextMessage to the destination.',
        (a) => send(a[0] as Record<string, unknown> | null, a[1]),
      ),
    ],
  };
}

/** QueueView: QueueViewMBean's attributes and operations over one queue. */
export function queueMBean(mgmt: BrokerManagement, q: Queue, snapshot: ViewSnapshot): MBean {
  const name = q.destination.name;
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new BrokerError('ERR_MANAGEMENT_BAD_REQUEST', `${what} must be a string`);
    return v;
  };
  const browse = async (selector: unknown): Promise<Record<string, unknown>[]> =>
    (
      await mgmt.browse(name, { limit: 400, selector: selector === undefined ? null : (selector as string | null) })
    ).messages.map((m) => messageData(m));
  const attributes = {
    ...destinationAttributes(mgmt, q, snapshot, {
      size: () => q.size,
      inFlight: () => q.inflightCount(),
      consumers: () => q.consumers,
    }),
    Paused: attr('boolean', 'Dispatch to consumers is paused', () => q.paused),
    PrioritizedMessages: attr('boolean', 'Prioritized messages is enabled', () => q.prioritized),
    UseCache: attr('boolean', 'Caching is enabled', () => q.cursor.useCache),
    CacheEnabled: attr('boolean', 'Caching is enabled', () => q.cursor.useCache),
    MaxPageSize: attr('int', 'Maximum number of messages to be paged in', () => q.cursor.pageSize),
    CursorMemoryUsage: attr('long', 'Message cursor memory usage, in bytes.', () => q.usage?.usage ?? 0),
    CursorPercentUsage: attr('int', 'Percentage of memory limit used', () => Math.round(q.usage?.percentUsage ?? 0)),
    CursorFull: attr('boolean', 'Message cursor is full', () => (q.usage?.percentUsage ?? 0) >= q.cursor.highWaterMark),
    MessageGroupType: attr(S, 'group implementation (simple,bucket,cached)', () => 'cached'),
  };
  const operations: Record<string, OperationInfo[]> = {
    ...commonOperations(mgmt, q),
    purge: [op([], 'void', 'Removes all of the messages in the queue.', async () => void (await mgmt.purge(name)))],
    pause: [op([], 'void', 'pause dispatch to consumers', () => mgmt.pause(name))],
    resume: [op([], 'void', 'resume dispatch to consumers if paused', () => mgmt.resume(name))],
    browse: [
      op(
        [],
        '[Ljavax.management.openmbean.CompositeData;',
        'An array of all messages in the destination.',
        () => browse(undefined),
        true,
      ),
      op(
        [{ name: 'selector', type: S }],
        '[Ljavax.management.openmbean.CompositeData;',
        'Messages matching an SQL-92 selector.',
        (a) => browse(a[0]),
        true,
      ),
    ],
    getMessage: [
      op(
        [{ name: 'messageId', type: S }],
        'javax.management.openmbean.CompositeData',
        'View a message from the destination by JMS message ID.',
        async (a) => {
          const m = await mgmt.findMessage(name, str(a[0], 'messageId'));
          return m === null ? null : messageData(m);
        },
        true,
      ),
    ],
    removeMessage: [
      op([{ name: 'messageId', type: S }], 'boolean', 'Remove a message from the destination by JMS message ID.', (a) =>
        mgmt.removeMessage(name, str(a[0], 'messageId')),
      ),
    ],
    moveMessageTo: [
      op(
        [
          { name: 'messageId', type: S },
          { name: 'destinationName', type: S },
        ],
        'boolean',
        'Moves a message with the given JMS message ID into the specified destination.',
        (a) => mgmt.moveMessageTo(name, str(a[0], 'messageId'), str(a[1], 'destinationName')),
      ),
    ],
    copyMessageTo: [
      op(
        [
          { name: 'messageId', type: S },
          { name: 'destinationName', type: S },
        ],
        'boolean',
        'Copies a message with the given JMS message ID into the specified destination.',
        (a) => mgmt.copyMessageTo(name, str(a[0], 'messageId'), str(a[1], 'destinationName')),
      ),
    ],
    retryMessage: [
      op(
        [{ name: 'messageId', type: S }],
        'boolean',
        'Moves a message with the given JMS message back to its original destination',
        (a) => mgmt.retryMessage(name, str(a[0], 'messageId')),
      ),
    ],
    retryMessages: [
      op([], 'int', 'Moves every message of this DLQ back to its original destination', () => mgmt.retryMessages(name)),
    ],
  };
  return {
    name: destinationObjectName(mgmt.brokerName, q.destination),
    className: 'org.apache.activemq.broker.jmx.QueueView',
    description: 'Queue',
    attributes,
    operations,
  };
}

/** TopicView: TopicViewMBean over one topic (its QueueSize is what waits in its subscriptions). */
export function topicMBean(mgmt: BrokerManagement, t: Topic, snapshot: ViewSnapshot): MBean {
  const subs = (): TopicSubscription[] => t.subscriptions.filter((s) => s.active);
  return {
    name: destinationObjectName(mgmt.brokerName, t.destination),
    className: 'org.apache.activemq.broker.jmx.TopicView',
    description: 'Topic',
    attributes: destinationAttributes(mgmt, t, snapshot, {
      size: () => t.subscriptions.reduce((n, s) => n + s.pending.length + s.dispatched.length, 0),
      inFlight: () => t.subscriptions.reduce((n, s) => n + s.dispatched.length, 0),
      consumers: subs,
    }),
    operations: commonOperations(mgmt, t),
  };
}

/** A JMX argument as text: strings as they are, numbers and booleans printed, anything else as JSON. */
function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
