/**
 * The regions' DestinationMap index: which destinations a wildcard consumer is attached to, and which wildcard
 * subscriptions a new destination joins. Each test checks what the consumers actually receive, so a lookup that
 * misses (or over-matches) a destination fails it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from './region-broker.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { Destination } from '../../model/destination.js';
import { ManualClock } from '../../util/clock.js';
import { consumer, context, message } from '../../../test/support/broker/region/test-support.js';

const q = Destination.queue;
const t = Destination.topic;

async function broker(): Promise<RegionBroker> {
  const b = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  await b.start();
  return b;
}

test('a wildcard queue consumer added after its queues exist is attached to exactly the ones it covers', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  for (const name of ['ORDERS', 'ORDERS.EU', 'ORDERS.US.EAST', 'ORDERSX.EU', 'OTHER.EU']) {
    await b.addDestination(ctx, q(name));
  }
  await b.addDestination(ctx, t('ORDERS.EU')); // a topic of the same name is not a queue
  const all = await consumer(b, ctx, q('ORDERS.>'));
  const one = await consumer(b, ctx, q('*.EU'));
  const attached = (name: string) =>
    b
      .findQueue(name)!
      .consumers.map((c) => c.consumerId)
      .sort();
  assert.deepEqual(attached('ORDERS'), [all.handle.info.consumerId]);
  assert.deepEqual(attached('ORDERS.EU'), [all.handle.info.consumerId, one.handle.info.consumerId].sort());
  assert.deepEqual(attached('ORDERS.US.EAST'), [all.handle.info.consumerId]);
  assert.deepEqual(attached('ORDERSX.EU'), [one.handle.info.consumerId]);
  assert.deepEqual(attached('OTHER.EU'), [one.handle.info.consumerId]);
  for (const name of ['ORDERS', 'ORDERS.US.EAST', 'ORDERSX.EU']) await b.send(ctx, message(q(name), name), null);
  assert.deepEqual(all.sink.bodies, ['ORDERS', 'ORDERS.US.EAST']);
  assert.deepEqual(one.sink.bodies, ['ORDERSX.EU']);
});

test('a queue created after wildcard consumers joins each one that covers it, and only those', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const gt = await consumer(b, ctx, q('A.>'));
  const star = await consumer(b, ctx, q('A.*.C'));
  const composite = await consumer(b, ctx, q('X.*,A.B.>'));
  const other = await consumer(b, ctx, q('B.>'));
  const topic = await consumer(b, ctx, t('A.>'));
  await b.send(ctx, message(q('A.B.C'), 'abc'), null);
  const ids = b.findQueue('A.B.C')!.consumers.map((c) => c.consumerId);
  // Joined in the order the consumers subscribed, as the scan over every subscription gave them.
  assert.deepEqual(ids, [gt.handle.info.consumerId, star.handle.info.consumerId, composite.handle.info.consumerId]);
  await b.send(ctx, message(q('X.Y'), 'xy'), null);
  assert.deepEqual(
    b.findQueue('X.Y')!.consumers.map((c) => c.consumerId),
    [composite.handle.info.consumerId],
  );
  assert.deepEqual(other.sink.bodies, []);
  assert.deepEqual(topic.sink.bodies, []);
  assert.equal(gt.sink.bodies.length + star.sink.bodies.length + composite.sink.bodies.length, 2);
  assert.deepEqual(composite.sink.bodies.slice(-1), ['xy']);
});

test('a topic created after wildcard subscribers fans out to each one that covers it', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const gt = await consumer(b, ctx, t('PRICE.>'));
  const star = await consumer(b, ctx, t('PRICE.*.IBM'));
  const miss = await consumer(b, ctx, t('PRICE.*'));
  await b.send(ctx, message(t('PRICE.STOCK.IBM'), 'ibm'), null);
  assert.deepEqual([gt.sink.bodies, star.sink.bodies, miss.sink.bodies], [['ibm'], ['ibm'], []]);
});

test('a removed wildcard consumer no longer joins new queues; a removed queue leaves the lookups', async () => {
  const b = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  const gone = await consumer(b, ctx, q('JOBS.>'));
  const stays = await consumer(b, ctx, q('JOBS.*'));
  await b.addDestination(ctx, q('JOBS.A'));
  await b.removeConsumer(ctx, gone.handle.info.consumerId);
  await b.addDestination(ctx, q('JOBS.B'));
  assert.deepEqual(
    b.findQueue('JOBS.B')!.consumers.map((c) => c.consumerId),
    [stays.handle.info.consumerId],
  );
  await b.removeConsumer(ctx, stays.handle.info.consumerId);
  await b.removeDestination(ctx, q('JOBS.A'));
  assert.equal(b.findQueue('JOBS.A'), undefined);
  assert.deepEqual(
    b.getDestinations().map((d) => d.key),
    ['queue://JOBS.B'],
  );
  // A browser over the wildcard sees only what is left (JOBS.A must not come back from the index).
  await b.send(ctx, message(q('JOBS.B'), 'b'), null);
  const browser = await consumer(b, ctx, q('JOBS.*'), { browser: true });
  await new Promise<void>((resolve) => queueMicrotask(resolve));
  assert.deepEqual(browser.sink.bodies, ['b']);
  assert.equal(b.findQueue('JOBS.A'), undefined);
  // A later consumer on the same wildcard is attached to the queue that exists, not the removed one.
  const again = await consumer(b, ctx, q('JOBS.>'));
  assert.deepEqual(
    b.findQueue('JOBS.B')!.consumers.map((c) => c.consumerId),
    [again.handle.info.consumerId],
  );
});

test('a wildcard durable subscription joins topics created later and is recorded on them', async () => {
  const store = new MemoryPersistenceAdapter();
  const b = new RegionBroker({ store, clock: new ManualClock() });
  await b.start();
  const ctx = context('client-idx');
  await b.addConnection(ctx);
  const d = await consumer(b, ctx, t('EVENTS.>'), { subscriptionName: 'all-events' });
  await b.send(ctx, message(t('EVENTS.A'), 'a', { persistent: true }), null);
  await b.send(ctx, message(t('OTHER.A'), 'x', { persistent: true }), null);
  assert.deepEqual(d.sink.bodies, ['a']);
  const sub = b.findDurableSubscription('client-idx', 'all-events')!;
  assert.deepEqual(
    sub.topics.map((x) => x.destination.key),
    ['topic://EVENTS.A'],
  );
});
