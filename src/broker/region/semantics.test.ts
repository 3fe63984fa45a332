import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckType } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import type { StoreOperation } from '../../store/persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import { PolicyMap } from '../policy/policy-map.js';
import { individualDeadLetterStrategy, sharedDeadLetterStrategy } from '../policy/dead-letter-strategy.js';
import { RedeliveryPolicyMap, redeliveryPolicy } from '../policy/redelivery-policy.js';
import { RegionBroker, type RegionBrokerOptions } from './region-broker.js';
import { ack, consumer, context, message, settle } from '../../../test/support/broker/region/test-support.js';

const Q = Destination.queue;
const T = Destination.topic;

async function broker(
  options: Partial<RegionBrokerOptions> = {},
): Promise<{ b: RegionBroker; clock: ManualClock; events: string[]; logs: string[] }> {
  const clock = new ManualClock();
  const logs: string[] = [];
  const b = new RegionBroker({
    store: new MemoryPersistenceAdapter(),
    clock,
    logger: Logger.create({ level: 'debug', format: 'text', write: (l) => logs.push(l) }),
    ...options,
  });
  const events: string[] = [];
  b.addEventListener({
    messageExpired: (d) => events.push(`expired ${d.key}`),
    messageDeadLettered: (d, _m, dlq) => events.push(`dlq ${d.key} -> ${dlq.key}`),
    messageDiscarded: (d, _m, _c, n) => events.push(`discarded ${d.key} ${n}`),
    noConsumer: (d) => events.push(`noConsumer ${d.key}`),
    full: (d) => events.push(`full ${d.key}`),
  });
  await b.start();
  return { b, clock, events, logs };
}

const prop = (m: Message, name: string): unknown => m.properties.get(name)?.value;

test('an expired message is never delivered; it goes to ActiveMQ.DLQ with ActiveMQ cause text', async () => {
  const { b, clock, events } = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const expiration = clock.now() + 1000;
  await b.send(ctx, message(Q('EXP'), 'old', { persistent: true, expiration }), null);
  clock.advance(1000);
  const c = await consumer(b, ctx, Q('EXP'));
  await settle();
  assert.deepEqual(c.sink.bodies, []);
  const dlq = await consumer(b, ctx, Q('ActiveMQ.DLQ'));
  assert.deepEqual(dlq.sink.bodies, ['old']);
  const m = dlq.sink.received[0]!.message;
  assert.equal(prop(m, 'dlqDeliveryFailureCause'), `java.lang.Throwable: Message Expired. Expiration:${expiration}`);
  assert.equal(prop(m, 'originalExpiration'), BigInt(expiration));
  assert.equal(m.expiration, 0);
  assert.equal(m.originalDestination, Q('EXP'));
  assert.deepEqual(events, ['expired queue://EXP', 'dlq queue://EXP -> queue://ActiveMQ.DLQ']);
});

test('the periodic sweep expires messages nobody consumes (expireMessagesPeriod from the policy)', async () => {
  const policies = new PolicyMap().put(Q('SWEEP.>'), { expireMessagesPeriod: 5000 });
  const { b, clock, events } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  await b.send(ctx, message(Q('SWEEP.A'), 'x', { persistent: true, expiration: clock.now() + 100 }), null);
  await b.send(ctx, message(Q('SWEEP.A'), 'y', { persistent: true }), null);
  assert.equal(b.findQueue('SWEEP.A')!.pending.length, 2);
  clock.advance(5000);
  await settle();
  assert.equal(b.findQueue('SWEEP.A')!.pending.length, 1);
  assert.deepEqual(events, ['expired queue://SWEEP.A', 'dlq queue://SWEEP.A -> queue://ActiveMQ.DLQ']);
});

test('processExpired=false drops expired messages; a message expired on arrival is never stored', async () => {
  const policies = new PolicyMap().setDefaultEntry({
    deadLetterStrategy: sharedDeadLetterStrategy({ processExpired: false }),
  });
  const store = new MemoryPersistenceAdapter();
  const adds: string[] = [];
  const write = store.write.bind(store);
  store.write = (ops, sync) => {
    for (const o of ops) if (o.op === 'add') adds.push(o.destination.key);
    return write(ops, sync);
  };
  const { b, clock, events } = await broker({ policies, store });
  const ctx = context();
  await b.addConnection(ctx);
  await b.send(ctx, message(Q('E2'), 'dead', { persistent: true, expiration: clock.now() - 1 }), null);
  const c = await consumer(b, ctx, Q('E2'));
  assert.deepEqual(c.sink.bodies, []);
  assert.equal(b.findQueue('ActiveMQ.DLQ'), undefined);
  assert.deepEqual(events, ['expired queue://E2']);
  assert.deepEqual(adds, []);
});

test('individualDeadLetterStrategy with DLQ. prefixes; non-persistent messages when processNonPersistent', async () => {
  const policies = new PolicyMap().put(Q('>'), {
    deadLetterStrategy: individualDeadLetterStrategy({
      queuePrefix: 'DLQ.',
      topicPrefix: 'DLQ.',
      processNonPersistent: true,
    }),
  });
  const { b } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q('ORDERS'));
  await b.send(ctx, message(Q('ORDERS'), 'bad', { persistent: false }), null);
  const id = c.sink.received[0]!.message.messageId;
  await b.acknowledge(ctx, ack(c.handle.info.consumerId, id, AckType.Poison, 'java.lang.Throwable: boom'));
  await settle();
  const dlq = await consumer(b, ctx, Q('DLQ.ORDERS'));
  assert.deepEqual(dlq.sink.bodies, ['bad']);
  const m = dlq.sink.received[0]!.message;
  assert.equal(m.persistent, true);
  assert.equal(prop(m, 'originalDeliveryMode'), 'NON_PERSISTENT');
  assert.equal(prop(m, 'dlqDeliveryFailureCause'), 'java.lang.Throwable: boom');
});

test('a poison ack without a cause (STOMP NACK) dead-letters without dlqDeliveryFailureCause', async () => {
  const { b } = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q('NACKED'));
  await b.send(ctx, message(Q('NACKED'), 'n', { persistent: true }), null);
  await b.acknowledge(ctx, ack(c.handle.info.consumerId, c.sink.received[0]!.message.messageId, AckType.Poison));
  await settle();
  const dlq = await consumer(b, ctx, Q('ActiveMQ.DLQ'));
  assert.equal(dlq.sink.received[0]!.message.properties.has('dlqDeliveryFailureCause'), false);
});

test('prioritizedMessages: higher JMSPriority first, FIFO within a priority; without it arrival order', async () => {
  const policies = new PolicyMap().put(Q('PRIO.>'), { prioritizedMessages: true });
  const { b } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  for (const d of [Q('PRIO.A'), Q('FIFO.A')]) {
    for (const [body, priority] of [
      ['a1', 1],
      ['b9', 9],
      ['c4', 4],
      ['d9', 9],
      ['e0', 0],
      ['f4', 4],
    ] as const) {
      await b.send(ctx, message(d, body, { priority }), null);
    }
  }
  const p = await consumer(b, ctx, Q('PRIO.A'));
  const f = await consumer(b, ctx, Q('FIFO.A'));
  assert.deepEqual(p.sink.bodies, ['b9', 'd9', 'c4', 'f4', 'a1', 'e0']);
  assert.deepEqual(f.sink.bodies, ['a1', 'b9', 'c4', 'd9', 'e0', 'f4']);
});

test('a redelivered message returns to its priority place in a prioritized queue', async () => {
  const policies = new PolicyMap().put(Q('>'), { prioritizedMessages: true });
  const { b } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  const first = await consumer(b, ctx, Q('PR'), { prefetch: 1 });
  await b.send(ctx, message(Q('PR'), 'low', { priority: 1 }), null);
  await b.send(ctx, message(Q('PR'), 'high', { priority: 8 }), null);
  await b.send(ctx, message(Q('PR'), 'mid', { priority: 5 }), null);
  assert.deepEqual(first.sink.bodies, ['low']);
  await b.removeConsumer(ctx, first.handle.info.consumerId);
  const second = await consumer(b, ctx, Q('PR'));
  assert.deepEqual(second.sink.bodies, ['high', 'mid', 'low']);
});

test('broker-side redelivery: a poisoned message comes back after the delay, then goes to the DLQ', async () => {
  const redeliveryPolicies = new RedeliveryPolicyMap().put(
    Q('RETRY.>'),
    redeliveryPolicy({ maximumRedeliveries: 2, initialRedeliveryDelay: 1000, redeliveryDelay: 3000 }),
  );
  const { b, clock, events } = await broker({ redeliveryPolicies, schedulerSupport: true });
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q('RETRY.A'));
  await b.send(ctx, message(Q('RETRY.A'), 'r', { persistent: true }), null);
  const nack = async (): Promise<void> => {
    const last = c.sink.received[c.sink.received.length - 1]!;
    await b.acknowledge(ctx, ack(c.handle.info.consumerId, last.message.messageId, AckType.Poison));
    await settle();
  };
  await nack();
  clock.advance(999);
  await settle();
  assert.equal(c.sink.received.length, 1);
  clock.advance(1);
  await settle();
  assert.equal(c.sink.received.length, 2);
  assert.deepEqual([c.sink.received[1]!.redelivered, c.sink.received[1]!.redeliveryCount], [true, 1]);
  await nack();
  clock.advance(3000);
  await settle();
  assert.equal(c.sink.received.length, 3);
  assert.equal(c.sink.received[2]!.redeliveryCount, 2);
  await nack();
  clock.advance(10_000);
  await settle();
  assert.equal(c.sink.received.length, 3);
  assert.deepEqual(events, ['dlq queue://RETRY.A -> queue://ActiveMQ.DLQ']);
});

test('producer flow control: a send over the memory limit waits until a consumer makes room', async () => {
  const policies = new PolicyMap().put(Q('PFC'), { memoryLimit: 2000, advisoryWhenFull: true });
  const { b, logs, events } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  const big = 'x'.repeat(600);
  await b.send(ctx, message(Q('PFC'), big, { producerId: 'ID:p:1:1' }), null);
  await b.send(ctx, message(Q('PFC'), big, { producerId: 'ID:p:1:1' }), null); // now over the limit
  let done = false;
  const blocked = b.send(ctx, message(Q('PFC'), 'third', { producerId: 'ID:p:1:1' }), null).then(() => (done = true));
  await settle();
  assert.equal(done, false);
  assert.ok(
    logs.some((l) =>
      l.includes(
        'Usage Manager Memory Limit reached. Stopping producer (ID:p:1:1) to prevent flooding queue://PFC. See http://activemq.apache.org/producer-flow-control.html for more info',
      ),
    ),
  );
  assert.deepEqual(events, ['full queue://PFC']);
  const c = await consumer(b, ctx, Q('PFC'));
  for (const d of c.sink.received) await b.acknowledge(ctx, ack(c.handle.info.consumerId, d.message.messageId));
  await blocked;
  assert.equal(done, true);
});

test('sendFailIfNoSpace rejects with ResourceAllocationException and ActiveMQ text', async () => {
  const { b } = await broker({ memoryLimit: 500, sendFailIfNoSpace: true });
  const ctx = context();
  await b.addConnection(ctx);
  await b.send(ctx, message(Q('FULL'), 'y'.repeat(600)), null);
  await assert.rejects(b.send(ctx, message(Q('FULL'), 'z'), null), {
    code: 'ERR_RESOURCE_ALLOCATION',
    message:
      'Usage Manager Memory Limit reached on queue://FULL. See http://activemq.apache.org/producer-flow-control.html for more info',
  });
  // The broker's memory as a whole is full, so topic sends are refused too, with Topic.send's text.
  await assert.rejects(b.send(ctx, message(T('T.FULL'), 'z'), null), /Rejecting send for producer/);
});

test('constantPendingMessageLimitStrategy: a slow topic subscriber loses the oldest, the producer never blocks', async () => {
  const policies = new PolicyMap().put(T('>'), {
    pendingMessageLimitStrategy: { type: 'constant', limit: 2 },
    advisoryForDiscardingMessages: true,
  });
  const { b, events } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  const slow = await consumer(b, ctx, T('FEED'), { prefetch: 1 });
  for (let i = 1; i <= 5; i++) await b.send(ctx, message(T('FEED'), `m${i}`), null);
  assert.deepEqual(slow.sink.bodies, ['m1']);
  await b.acknowledge(ctx, ack(slow.handle.info.consumerId, slow.sink.received[0]!.message.messageId));
  await b.acknowledge(ctx, ack(slow.handle.info.consumerId, slow.sink.received[1]!.message.messageId));
  await b.acknowledge(ctx, ack(slow.handle.info.consumerId, slow.sink.received[2]!.message.messageId));
  assert.deepEqual(slow.sink.bodies, ['m1', 'm4', 'm5']);
  assert.deepEqual(events, ['discarded topic://FEED 1', 'discarded topic://FEED 2']);
});

test('retroactive consumers: fixedCount keeps the last N, lastImage the last one; others get nothing', async () => {
  const policies = new PolicyMap()
    .put(T('FIXED.>'), { subscriptionRecoveryPolicy: { type: 'fixedCount', maximumSize: 2 } })
    .put(T('IMAGE.>'), { subscriptionRecoveryPolicy: { type: 'lastImage' } });
  const { b } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  for (const t of ['FIXED.A', 'IMAGE.A', 'PLAIN.A']) {
    await b.addDestination(ctx, T(t));
    for (let i = 1; i <= 3; i++) await b.send(ctx, message(T(t), `${t}-${i}`), null);
  }
  const fixed = await consumer(b, ctx, T('FIXED.A'), { retroactive: true });
  const image = await consumer(b, ctx, T('IMAGE.A'), { retroactive: true });
  const plain = await consumer(b, ctx, T('PLAIN.A'), { retroactive: true });
  const notRetro = await consumer(b, ctx, T('FIXED.A'));
  assert.deepEqual(fixed.sink.bodies, ['FIXED.A-2', 'FIXED.A-3']);
  assert.deepEqual(image.sink.bodies, ['IMAGE.A-3']);
  assert.deepEqual(plain.sink.bodies, []);
  assert.deepEqual(notRetro.sink.bodies, []);
});

test('allConsumersExclusiveByDefault: one consumer takes everything, the next takes over when it leaves', async () => {
  const policies = new PolicyMap().put(Q('EXCL'), { allConsumersExclusiveByDefault: true });
  const { b } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  const a = await consumer(b, ctx, Q('EXCL'));
  const c = await consumer(b, ctx, Q('EXCL'));
  for (let i = 0; i < 4; i++) await b.send(ctx, message(Q('EXCL'), `m${i}`), null);
  assert.equal(a.sink.received.length, 4);
  assert.equal(c.sink.received.length, 0);
  await b.removeConsumer(ctx, a.handle.info.consumerId);
  assert.deepEqual(c.sink.bodies, ['m0', 'm1', 'm2', 'm3']);
});

test('policy prefetch replaces only the client default prefetch', async () => {
  const policies = new PolicyMap().put(Q('>'), { queuePrefetch: 1 }).put(T('>'), { topicPrefetch: 3 });
  const { b } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  const dflt = await consumer(b, ctx, Q('PF'), { prefetch: 1000 });
  const explicit = await consumer(b, ctx, Q('PF'), { prefetch: 50 });
  const topic = await consumer(b, ctx, T('PF'), { prefetch: 32767 });
  assert.deepEqual([dflt.handle.info.prefetch, explicit.handle.info.prefetch, topic.handle.info.prefetch], [1, 50, 3]);
});

test('sendAdvisoryIfNoConsumers reports NON_PERSISTENT messages nobody receives', async () => {
  const policies = new PolicyMap().put(T('>'), { sendAdvisoryIfNoConsumers: true });
  const { b, events } = await broker({ policies });
  const ctx = context();
  await b.addConnection(ctx);
  // BaseDestination.onMessageWithNoConsumers ignores persistent messages.
  await b.send(ctx, message(T('LONELY'), 'p', { persistent: true }), null);
  await b.send(ctx, message(T('LONELY'), 'x'), null);
  await consumer(b, ctx, T('LONELY'));
  await b.send(ctx, message(T('LONELY'), 'y'), null);
  assert.deepEqual(events, ['noConsumer topic://LONELY']);
});

test('a wildcard durable subscription is recorded on each physical topic and survives a restart', async () => {
  const store = new MemoryPersistenceAdapter();
  const writes: StoreOperation[] = [];
  const write = store.write.bind(store);
  store.write = (ops, sync) => {
    writes.push(...ops);
    return write(ops, sync);
  };
  const { b } = await broker({ store });
  const ctx = context('cid');
  await b.addConnection(ctx);
  await b.addDestination(ctx, T('NEWS.SPORT'));
  const sub = await consumer(b, ctx, T('NEWS.>'), { subscriptionName: 'all' });
  await b.send(ctx, message(T('NEWS.WEATHER'), 'rain', { persistent: true }), null);
  assert.deepEqual(
    writes
      .filter((o) => o.op === 'add-subscription')
      .map((o) => (o.op === 'add-subscription' ? o.subscription.destination.key : '')),
    ['topic://NEWS.>', 'topic://NEWS.SPORT', 'topic://NEWS.WEATHER'],
  );
  await b.removeConsumer(ctx, sub.handle.info.consumerId);
  await b.send(ctx, message(T('NEWS.SPORT'), 'goal', { persistent: true }), null);
  await b.stop();

  const again = new RegionBroker({ store, clock: new ManualClock() });
  await again.start();
  const ctx2 = context('cid');
  await again.addConnection(ctx2);
  const back = await consumer(again, ctx2, T('NEWS.>'), { subscriptionName: 'all' });
  assert.deepEqual(back.sink.bodies.sort(), ['goal', 'rain']);
  await again.stop();
});

test('schedulerSupport: AMQ_SCHEDULED_DELAY holds a message back; without it a warning and at once', async () => {
  const on = await broker({ schedulerSupport: true });
  const ctx = context();
  await on.b.addConnection(ctx);
  const c = await consumer(on.b, ctx, Q('LATER'));
  const m = message(Q('LATER'), 'later', { producerId: 'ID:prod:1:1' });
  m.properties = new Map([['AMQ_SCHEDULED_DELAY', typed.string('2000')]]);
  await on.b.send(ctx, m, null);
  assert.deepEqual(c.sink.bodies, []);
  on.clock.advance(2000);
  await settle();
  assert.deepEqual(c.sink.bodies, ['later']);

  const off = await broker();
  const ctx2 = context();
  await off.b.addConnection(ctx2);
  const d = await consumer(off.b, ctx2, Q('LATER'));
  const m2 = message(Q('LATER'), 'now', { producerId: 'ID:prod:1:1' });
  m2.properties = new Map([['AMQ_SCHEDULED_DELAY', typed.long(2000n)]]);
  await off.b.send(ctx2, m2, null);
  await off.b.send(ctx2, m2.copy(), null);
  assert.deepEqual(d.sink.bodies, ['now', 'now']);
  assert.equal(off.logs.filter((l) => l.includes('schedulerSupport is off')).length, 1);
});

test('a scheduled send in a transaction is scheduled only when it commits', async () => {
  const { b, clock } = await broker({ schedulerSupport: true });
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q('TXS'));
  await b.beginTransaction(ctx, 'tx1');
  const m = message(Q('TXS'), 'tx');
  m.properties = new Map([['AMQ_SCHEDULED_DELAY', typed.long(100n)]]);
  await b.send(ctx, m, 'tx1');
  clock.advance(500);
  await settle();
  assert.deepEqual(c.sink.bodies, []);
  await b.commitTransaction(ctx, 'tx1', true);
  clock.advance(100);
  await settle();
  assert.deepEqual(c.sink.bodies, ['tx']);
});

test('message groups move to another consumer when the owner closes', async () => {
  const { b } = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const a = await consumer(b, ctx, Q('GRP'));
  const c = await consumer(b, ctx, Q('GRP'));
  for (let i = 0; i < 4; i++) await b.send(ctx, message(Q('GRP'), `g${i}`, { groupId: 'G' }), null);
  const owner = a.sink.received.length > 0 ? a : c;
  const other = owner === a ? c : a;
  assert.equal(owner.sink.received.length, 4);
  await b.removeConsumer(ctx, owner.handle.info.consumerId);
  await b.send(ctx, message(Q('GRP'), 'g4', { groupId: 'G' }), null);
  assert.deepEqual(other.sink.bodies, ['g0', 'g1', 'g2', 'g3', 'g4']);
});
