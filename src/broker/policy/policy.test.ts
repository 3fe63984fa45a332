import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../model/destination.js';
import { Message } from '../../model/message.js';
import {
  DEFAULT_POLICY,
  PolicyMap,
  RedeliveryPolicyMap,
  deadLetterDestinationFor,
  discardingDeadLetterStrategy,
  individualDeadLetterStrategy,
  isSentToDeadLetterQueue,
  redeliveryDelayFor,
  redeliveryPolicy,
  resolvePolicy,
  sharedDeadLetterStrategy,
  validateRedeliveryPolicies,
} from './index.js';

const Q = Destination.queue;
const T = Destination.topic;

test('ActiveMQ defaults: prefetches, flow control, expiry period, shared ActiveMQ.DLQ', () => {
  const p = resolvePolicy({});
  assert.equal(p.queuePrefetch, 1000);
  assert.equal(p.queueBrowserPrefetch, 500);
  assert.equal(p.topicPrefetch, 32767);
  assert.equal(p.durableTopicPrefetch, 100);
  assert.equal(p.producerFlowControl, true);
  assert.equal(p.expireMessagesPeriod, 30_000);
  assert.equal(p.prioritizedMessages, false);
  assert.equal(p.maxPageSize, 200);
  assert.deepEqual(deadLetterDestinationFor(p.deadLetterStrategy, Q('A'), null), Q('ActiveMQ.DLQ'));
});

test('PolicyMap picks the single most specific entry and never merges', () => {
  const map = new PolicyMap()
    .put(Q('>'), { queuePrefetch: 1, prioritizedMessages: true })
    .put(Q('ORDERS.>'), { queuePrefetch: 2 })
    .put(Q('ORDERS.EU'), { queuePrefetch: 3 })
    .put(T('>'), { topicPrefetch: 7 });
  assert.equal(map.entryFor(Q('X')).queuePrefetch, 1);
  assert.equal(map.entryFor(Q('ORDERS.US')).queuePrefetch, 2);
  // Not merged: ORDERS.> does not inherit prioritizedMessages from >.
  assert.equal(map.entryFor(Q('ORDERS.US')).prioritizedMessages, false);
  assert.equal(map.entryFor(Q('ORDERS.EU')).queuePrefetch, 3);
  assert.equal(map.entryFor(T('ORDERS.EU')).topicPrefetch, 7);
  assert.equal(map.entryFor(T('ORDERS.EU')).queuePrefetch, 1000);
});

test('PolicyMap default entry applies where nothing matches; temp destinations need temp entries', () => {
  const map = new PolicyMap().put(Q('>'), { queuePrefetch: 5 }).setDefaultEntry({ queuePrefetch: 9 });
  assert.equal(map.entryFor(Destination.of('temp-queue', 'ID:x:1')).queuePrefetch, 9);
  assert.equal(new PolicyMap().entryFor(Q('A')), DEFAULT_POLICY);
});

test('bad numbers are refused with the attribute name', () => {
  assert.throws(() => resolvePolicy({ queuePrefetch: -1 }), /queuePrefetch/);
  assert.throws(
    () => resolvePolicy({ pendingMessageLimitStrategy: { type: 'constant', limit: 1.5 } }),
    /constantPendingMessageLimitStrategy/,
  );
});

test('individualDeadLetterStrategy: ActiveMQ.DLQ.Queue./Topic. by default, custom prefixes, topic DLQs as queues', () => {
  const s = individualDeadLetterStrategy();
  assert.equal(deadLetterDestinationFor(s, Q('ORDERS'), null), Q('ActiveMQ.DLQ.Queue.ORDERS'));
  assert.equal(deadLetterDestinationFor(s, T('NEWS'), null), Q('ActiveMQ.DLQ.Topic.NEWS'));
  const c = individualDeadLetterStrategy({ queuePrefix: 'DLQ.', topicPrefix: 'DLQ.', useQueueForTopicMessages: false });
  assert.equal(deadLetterDestinationFor(c, Q('ORDERS'), null), Q('DLQ.ORDERS'));
  assert.equal(deadLetterDestinationFor(c, T('NEWS'), null), T('DLQ.NEWS'));
  const d = individualDeadLetterStrategy({ destinationPerDurableSubscriber: true });
  assert.equal(deadLetterDestinationFor(d, T('NEWS'), 'cid:sub'), Q('ActiveMQ.DLQ.Topic.NEWS.cid:sub'));
});

test('processExpired / processNonPersistent / discarding decide whether a message is kept', () => {
  const persistent = Object.assign(new Message(), { persistent: true });
  const transient = Object.assign(new Message(), { persistent: false });
  const shared = sharedDeadLetterStrategy();
  assert.equal(isSentToDeadLetterQueue(shared, persistent, true), true);
  assert.equal(isSentToDeadLetterQueue(shared, transient, false), false);
  assert.equal(
    isSentToDeadLetterQueue(sharedDeadLetterStrategy({ processNonPersistent: true }), transient, false),
    true,
  );
  assert.equal(isSentToDeadLetterQueue(sharedDeadLetterStrategy({ processExpired: false }), persistent, true), false);
  assert.equal(isSentToDeadLetterQueue(sharedDeadLetterStrategy({ processExpired: false }), persistent, false), true);
  assert.equal(isSentToDeadLetterQueue(discardingDeadLetterStrategy(), persistent, false), false);
});

test('redelivery delays: initial, then fixed, or exponential capped by maximumRedeliveryDelay', () => {
  const fixed = redeliveryPolicy({ initialRedeliveryDelay: 100, redeliveryDelay: 300 });
  assert.deepEqual(
    [0, 1, 2].map((n) => redeliveryDelayFor(fixed, n)),
    [100, 300, 300],
  );
  const exp = redeliveryPolicy({
    initialRedeliveryDelay: 100,
    useExponentialBackOff: true,
    backOffMultiplier: 2,
    maximumRedeliveryDelay: 500,
  });
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((n) => redeliveryDelayFor(exp, n)),
    [100, 200, 400, 1000, 1000],
  );
});

test('RedeliveryPolicyMap: most specific entry, then the default entry', () => {
  const map = new RedeliveryPolicyMap().put(Q('ORDERS.>'), redeliveryPolicy({ maximumRedeliveries: 2 }));
  assert.equal(map.entryFor(Q('ORDERS.A'))?.maximumRedeliveries, 2);
  assert.equal(map.entryFor(Q('OTHER')), null);
  map.defaultEntry = redeliveryPolicy({ maximumRedeliveries: 9 });
  assert.equal(map.entryFor(Q('OTHER'))?.maximumRedeliveries, 9);
});

test('RedeliveryPlugin needs schedulerSupport and delays of at least 1000 ms, as ActiveMQ checks at start', () => {
  const ok = new RedeliveryPolicyMap().put(Destination.queue('R.>'), redeliveryPolicy());
  assert.doesNotThrow(() => validateRedeliveryPolicies(ok, true));
  assert.throws(() => validateRedeliveryPolicies(ok, false), /RedeliveryPlugin requires schedulerSupport=true/);
  const fast = new RedeliveryPolicyMap().put(Destination.queue('R.>'), redeliveryPolicy({ redeliveryDelay: 999 }));
  assert.throws(() => validateRedeliveryPolicies(fast, true), /redeliveryDelay must exceed: 1000/);
  const dflt = new RedeliveryPolicyMap();
  dflt.defaultEntry = redeliveryPolicy({ initialRedeliveryDelay: 10 });
  assert.throws(() => validateRedeliveryPolicies(dflt, true), /initialRedeliveryDelay must exceed: 1000/);
});
