import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from './region-broker.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { AckType } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import { ManualClock } from '../../util/clock.js';
import { consumer, context, message } from '../../../test/support/broker/region/test-support.js';

async function broker(): Promise<RegionBroker> {
  const b = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  await b.start();
  return b;
}

function ack(consumerId: string, messageId: string, type = AckType.Standard, transactionId: string | null = null) {
  return {
    consumerId,
    type,
    firstMessageId: null,
    lastMessageId: messageId,
    messageCount: 1,
    transactionId,
    poisonCause: null,
  };
}

test('a queue dispatches round-robin among its consumers', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.RR');
  const a = await consumer(b, ctx, q);
  const c = await consumer(b, ctx, q);
  for (let i = 0; i < 6; i++) await b.send(ctx, message(q, `m${i}`), null);
  assert.deepEqual(a.sink.bodies, ['m0', 'm2', 'm4']);
  assert.deepEqual(c.sink.bodies, ['m1', 'm3', 'm5']);
});

test('prefetch bounds what is in flight; acks free credit', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.PREFETCH');
  const a = await consumer(b, ctx, q, { prefetch: 2 });
  for (let i = 0; i < 5; i++) await b.send(ctx, message(q, `m${i}`), null);
  assert.deepEqual(a.sink.bodies, ['m0', 'm1']);
  await b.acknowledge(ctx, ack(a.handle.info.consumerId, a.sink.received[0]!.message.messageId));
  assert.deepEqual(a.sink.bodies, ['m0', 'm1', 'm2']);
  // A cumulative ack of the newest frees everything before it too.
  await b.acknowledge(ctx, ack(a.handle.info.consumerId, a.sink.received[2]!.message.messageId));
  assert.deepEqual(a.sink.bodies, ['m0', 'm1', 'm2', 'm3', 'm4']);
});

test('a second consumer gets messages the first has no room for', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.SPREAD');
  const a = await consumer(b, ctx, q, { prefetch: 1 });
  for (let i = 0; i < 3; i++) await b.send(ctx, message(q, `m${i}`), null);
  const c = await consumer(b, ctx, q, { prefetch: 1 });
  assert.deepEqual(a.sink.bodies, ['m0']);
  assert.deepEqual(c.sink.bodies, ['m1']);
});

test('individual ack consumes only that message', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.INDIVIDUAL');
  const a = await consumer(b, ctx, q, { prefetch: 10, ackMode: 'individual' });
  for (let i = 0; i < 3; i++) await b.send(ctx, message(q, `m${i}`), null);
  await b.acknowledge(ctx, ack(a.handle.info.consumerId, a.sink.received[1]!.message.messageId, AckType.Individual));
  await b.removeConsumer(ctx, a.handle.info.consumerId);
  const c = await consumer(b, ctx, q);
  assert.deepEqual(c.sink.bodies, ['m0', 'm2']);
  assert.equal(c.sink.received[0]!.redelivered, true);
  assert.equal(c.sink.received[0]!.redeliveryCount, 1);
});

test('unacknowledged messages go back, in order, marked redelivered, when the consumer leaves', async () => {
  const b = await broker();
  const ctx = context();
  const ctx2 = context();
  await b.addConnection(ctx);
  await b.addConnection(ctx2);
  const q = Destination.queue('Q.REDELIVER');
  const a = await consumer(b, ctx, q, { prefetch: 2 });
  for (let i = 0; i < 4; i++) await b.send(ctx, message(q, `m${i}`), null);
  await b.removeConnection(ctx);
  const c = await consumer(b, ctx2, q);
  assert.deepEqual(a.sink.bodies, ['m0', 'm1']);
  assert.deepEqual(c.sink.bodies, ['m0', 'm1', 'm2', 'm3']);
  assert.deepEqual(
    c.sink.received.map((d) => d.redelivered),
    [true, true, false, false],
  );
});

test('auto-ack consumers consume on dispatch', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.AUTO');
  const a = await consumer(b, ctx, q, { prefetch: 1, ackMode: 'auto' });
  for (let i = 0; i < 3; i++) await b.send(ctx, message(q, `m${i}`), null);
  assert.deepEqual(a.sink.bodies, ['m0', 'm1', 'm2']);
  assert.equal(b.getQueue(q).size, 0);
});

test('a consumer whose sink is not ready is skipped until it wakes up', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.SLOW');
  const slow = await consumer(b, ctx, q);
  const fast = await consumer(b, ctx, q);
  slow.sink.ready = false;
  for (let i = 0; i < 4; i++) await b.send(ctx, message(q, `m${i}`), null);
  assert.deepEqual(fast.sink.bodies, ['m0', 'm1', 'm2', 'm3']);
  assert.deepEqual(slow.sink.bodies, []);
  fast.sink.ready = false;
  await b.send(ctx, message(q, 'm4'), null);
  slow.sink.ready = true;
  slow.handle.wakeup();
  assert.deepEqual(slow.sink.bodies, ['m4']);
});

test('topics fan out to every subscriber; wildcards match', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const s1 = await consumer(b, ctx, Destination.topic('PRICE.STOCK.IBM'));
  const s2 = await consumer(b, ctx, Destination.topic('PRICE.>'));
  const s3 = await consumer(b, ctx, Destination.topic('PRICE.*.IBM'));
  const s4 = await consumer(b, ctx, Destination.topic('PRICE.*'));
  await b.send(ctx, message(Destination.topic('PRICE.STOCK.IBM'), 'x'), null);
  await b.send(ctx, message(Destination.topic('PRICE.BOND'), 'y'), null);
  assert.deepEqual(s1.sink.bodies, ['x']);
  assert.deepEqual(s2.sink.bodies, ['x', 'y']);
  assert.deepEqual(s3.sink.bodies, ['x']);
  assert.deepEqual(s4.sink.bodies, ['y']);
});

test('wildcard queue consumers attach to queues created later', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const w = await consumer(b, ctx, Destination.queue('ORDERS.>'));
  await b.send(ctx, message(Destination.queue('ORDERS.EU'), 'eu'), null);
  await b.send(ctx, message(Destination.queue('ORDERS.US.EAST'), 'us'), null);
  await b.send(ctx, message(Destination.queue('OTHER'), 'no'), null);
  assert.deepEqual(w.sink.bodies, ['eu', 'us']);
});

test('composite destinations send to every member, queues and topics mixed', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const qa = await consumer(b, ctx, Destination.queue('A'));
  const qb = await consumer(b, ctx, Destination.queue('B'));
  const tc = await consumer(b, ctx, Destination.topic('C'));
  await b.send(ctx, message(Destination.queue('A,B,topic://C'), 'all'), null);
  assert.deepEqual([qa.sink.bodies, qb.sink.bodies, tc.sink.bodies], [['all'], ['all'], ['all']]);
  assert.equal(qa.sink.received[0]!.message.destination.key, 'queue://A');
  assert.equal(tc.sink.received[0]!.message.destination.key, 'topic://C');
});

test('a durable subscriber receives what was published while it was offline', async () => {
  const b = await broker();
  const t = Destination.topic('NEWS');
  const ctx1 = context('client-1');
  await b.addConnection(ctx1);
  const d1 = await consumer(b, ctx1, t, { subscriptionName: 'sub' });
  const pub = context();
  await b.addConnection(pub);
  await b.send(pub, message(t, 'one'), null);
  await b.acknowledge(ctx1, ack(d1.handle.info.consumerId, d1.sink.received[0]!.message.messageId));
  await b.removeConnection(ctx1);
  await b.send(pub, message(t, 'two'), null);
  await b.send(pub, message(t, 'three'), null);
  const ctx2 = context('client-1');
  await b.addConnection(ctx2);
  const d2 = await consumer(b, ctx2, t, { subscriptionName: 'sub' });
  assert.deepEqual(d2.sink.bodies, ['two', 'three']);
  await b.removeConsumer(ctx2, d2.handle.info.consumerId);
  await b.removeSubscription(ctx2, 'client-1', 'sub');
  await assert.rejects(b.removeSubscription(ctx2, 'client-1', 'sub'), /No durable subscription exists/);
});

test('a durable subscription in use cannot be opened twice', async () => {
  const b = await broker();
  const t = Destination.topic('NEWS2');
  const ctx = context('client-2');
  await b.addConnection(ctx);
  await consumer(b, ctx, t, { subscriptionName: 'sub' });
  await assert.rejects(
    consumer(b, ctx, t, { subscriptionName: 'sub' }),
    /Durable consumer is in use for client: client-2/,
  );
});

test('durable subscriptions need a client id', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  await assert.rejects(consumer(b, ctx, Destination.topic('X'), { subscriptionName: 's' }), /clientID/);
});

test('a client id can be connected only once', async () => {
  const b = await broker();
  await b.addConnection(context('dup'));
  await assert.rejects(b.addConnection(context('dup')), /Client: dup already connected from test/);
});

test('transactions: sends appear on commit, vanish on rollback; acks are undone by rollback', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.TX');
  const a = await consumer(b, ctx, q, { prefetch: 10 });
  await b.beginTransaction(ctx, 'tx1');
  await b.send(ctx, message(q, 'kept'), 'tx1');
  assert.deepEqual(a.sink.bodies, []);
  await b.commitTransaction(ctx, 'tx1', true);
  assert.deepEqual(a.sink.bodies, ['kept']);
  await b.beginTransaction(ctx, 'tx2');
  await b.send(ctx, message(q, 'dropped'), 'tx2');
  await b.rollbackTransaction(ctx, 'tx2');
  assert.deepEqual(a.sink.bodies, ['kept']);

  await b.beginTransaction(ctx, 'tx3');
  await b.acknowledge(
    ctx,
    ack(a.handle.info.consumerId, a.sink.received[0]!.message.messageId, AckType.Standard, 'tx3'),
  );
  await b.rollbackTransaction(ctx, 'tx3');
  await b.removeConsumer(ctx, a.handle.info.consumerId);
  const c = await consumer(b, ctx, q);
  assert.deepEqual(c.sink.bodies, ['kept']);
  await b.beginTransaction(ctx, 'tx4');
  await b.acknowledge(
    ctx,
    ack(c.handle.info.consumerId, c.sink.received[0]!.message.messageId, AckType.Standard, 'tx4'),
  );
  await b.commitTransaction(ctx, 'tx4', true);
  assert.equal(b.getQueue(q).size, 0);
  await assert.rejects(b.commitTransaction(ctx, 'nope', true), /has not been started/);
});

test('an ack for a message that was never dispatched is refused', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const a = await consumer(b, ctx, Destination.queue('Q.BADACK'));
  await assert.rejects(b.acknowledge(ctx, ack(a.handle.info.consumerId, 'ID:nope')), /Unmatched acknowledge/);
});

test('a poison ack sends a persistent message to ActiveMQ.DLQ with the cause', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.POISON');
  const a = await consumer(b, ctx, q);
  await b.send(ctx, message(q, 'bad', { persistent: true }), null);
  await b.acknowledge(ctx, {
    ...ack(a.handle.info.consumerId, a.sink.received[0]!.message.messageId, AckType.Poison),
    poisonCause: 'boom',
  });
  await new Promise((r) => setImmediate(r));
  const dlq = await consumer(b, ctx, Destination.queue('ActiveMQ.DLQ'));
  assert.deepEqual(dlq.sink.bodies, ['bad']);
  const m = dlq.sink.received[0]!.message;
  assert.equal(m.properties.get('dlqDeliveryFailureCause')?.value, 'boom');
  assert.equal(m.originalDestination?.key, 'queue://Q.POISON');
});

test('temporary queues belong to their connection and die with it', async () => {
  const b = await broker();
  const owner = context();
  const other = context();
  await b.addConnection(owner);
  await b.addConnection(other);
  const tq = Destination.of('temp-queue', 'ID:owner-1:1');
  await b.addDestination(owner, tq);
  await assert.rejects(consumer(b, other, tq), /temporary destination of another connection/);
  const mine = await consumer(b, owner, tq);
  await b.send(other, message(tq, 'reply'), null);
  assert.deepEqual(mine.sink.bodies, ['reply']);
  await b.removeConnection(owner);
  await assert.rejects(
    b.send(other, message(tq, 'late'), null),
    /Cannot publish to a deleted Destination: temp-queue:\/\/ID:owner-1:1/,
  );
});

test('prefetch-0 consumers pull one message at a time; an empty pull answers null', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.PULL');
  const a = await consumer(b, ctx, q, { prefetch: 0 });
  await b.send(ctx, message(q, 'm0'), null);
  await b.send(ctx, message(q, 'm1'), null);
  assert.deepEqual(a.sink.bodies, []);
  b.pull(ctx, a.handle.info.consumerId, 0);
  assert.deepEqual(a.sink.bodies, ['m0']);
  b.pull(ctx, a.handle.info.consumerId, 0);
  b.pull(ctx, a.handle.info.consumerId, 0);
  assert.deepEqual(a.sink.bodies, ['m0', 'm1']);
  assert.equal(a.sink.nulls, 1);
});

test('exclusive consumers take everything; the next takes over when it leaves', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.EXCL');
  const plain = await consumer(b, ctx, q);
  const ex = await consumer(b, ctx, q, { exclusive: true });
  for (let i = 0; i < 3; i++) await b.send(ctx, message(q, `m${i}`), null);
  assert.deepEqual(ex.sink.bodies, ['m0', 'm1', 'm2']);
  assert.deepEqual(plain.sink.bodies, []);
});

test('message groups stick to one consumer until closed with sequence -1', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.GROUP');
  const a = await consumer(b, ctx, q);
  const c = await consumer(b, ctx, q);
  await b.send(ctx, message(q, 'g1', { groupId: 'G' }), null);
  await b.send(ctx, message(q, 'g2', { groupId: 'G' }), null);
  await b.send(ctx, message(q, 'g3', { groupId: 'G', groupSequence: -1 }), null);
  await b.send(ctx, message(q, 'other'), null);
  assert.deepEqual(a.sink.bodies, ['g1', 'g2', 'g3']);
  assert.deepEqual(c.sink.bodies, ['other']);
});

test('browsers see pending messages without consuming them, then an end marker', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.BROWSE');
  for (let i = 0; i < 3; i++) await b.send(ctx, message(q, `m${i}`), null);
  const br = await consumer(b, ctx, q, { browser: true });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(br.sink.bodies, ['m0', 'm1', 'm2']);
  assert.equal(br.sink.nulls, 1);
  assert.equal(b.getQueue(q).size, 3);
});

test('noLocal subscribers do not see their own connection’s messages', async () => {
  const b = await broker();
  const ctx = context();
  const other = context();
  await b.addConnection(ctx);
  await b.addConnection(other);
  const t = Destination.topic('CHAT');
  const s = await consumer(b, ctx, t, { noLocal: true });
  await b.send(ctx, message(t, 'mine'), null);
  await b.send(other, message(t, 'theirs'), null);
  assert.deepEqual(s.sink.bodies, ['theirs']);
});

test('a consumer on a composite of topics hears each member (the Java client’s advisory consumer)', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const s = await consumer(b, ctx, Destination.topic('ActiveMQ.Advisory.TempQueue,ActiveMQ.Advisory.TempTopic'));
  await b.send(ctx, message(Destination.topic('ActiveMQ.Advisory.TempQueue'), 'q'), null);
  await b.send(ctx, message(Destination.topic('ActiveMQ.Advisory.TempTopic'), 't'), null);
  await b.send(ctx, message(Destination.topic('ActiveMQ.Advisory.Other'), 'x'), null);
  assert.deepEqual(s.sink.bodies, ['q', 't']);
  await assert.rejects(consumer(b, ctx, Destination.queue('A,topic://B')), /queues and topics at once/);
});

test('consumers of higher priority are served first', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const q = Destination.queue('Q.PRIO');
  const low = await consumer(b, ctx, q, { priority: 1, prefetch: 2 });
  const high = await consumer(b, ctx, q, { priority: 9, prefetch: 2 });
  for (let i = 0; i < 3; i++) await b.send(ctx, message(q, `m${i}`), null);
  assert.deepEqual(high.sink.bodies, ['m0', 'm1']);
  assert.deepEqual(low.sink.bodies, ['m2']);
});

test('a connection closed while its durable subscriber is being created leaves the subscription free', async () => {
  const b = await broker();
  const t = Destination.topic('T.RACE');
  const ctx = context('race-client');
  await b.addConnection(ctx);
  // The new subscription's store write is in flight when the connection goes (a client that subscribes and
  // closes its socket at once).
  const adding = consumer(b, ctx, t, { subscriptionName: 'sub' });
  await b.removeConnection(ctx);
  await assert.rejects(adding, /not registered/);
  const again = context('race-client');
  await b.addConnection(again);
  const { handle } = await consumer(b, again, t, { subscriptionName: 'sub' });
  assert.equal(handle.info.subscriptionName, 'sub');
  await b.send(again, message(t, 'kept'), null);
});
