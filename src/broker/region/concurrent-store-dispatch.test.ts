/**
 * concurrentStoreAndDispatchQueues (issue 11, item 4): a persistent queue message that a consumer can take now is
 * dispatched while its store write runs, and the send settles only when the write does; without the option, or
 * when the queue cannot dispatch it at once, it is stored first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from './region-broker.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { Destination } from '../../model/destination.js';
import type { StoreOperation } from '../../store/persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { ack, consumer, context, message, settle } from '../../../test/support/broker/region/test-support.js';

const Q = Destination.queue('CONCURRENT.DISPATCH');

/** A memory store whose `add` writes wait until released. */
class GatedAdds extends MemoryPersistenceAdapter {
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  override async write(ops: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (this.gate !== null && ops.some((o) => o.op === 'add')) await this.gate;
    return super.write(ops, sync);
  }
}

async function broker(concurrent: boolean): Promise<{ b: RegionBroker; store: GatedAdds }> {
  const store = new GatedAdds();
  const b = new RegionBroker({ store, clock: new ManualClock(), concurrentStoreAndDispatchQueues: concurrent });
  await b.start();
  return { b, store };
}

test('with concurrentStoreAndDispatchQueues a ready consumer gets the message while the store write runs', async () => {
  const { b, store } = await broker(true);
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q, { prefetch: 10 });
  store.hold();
  let sent = false;
  const sending = b.send(ctx, message(Q, 'fast', { persistent: true }), null).then(() => (sent = true));
  await settle();
  assert.deepEqual(c.sink.bodies, ['fast'], 'dispatched before the write finished');
  assert.equal(sent, false, 'the send waits for its store write');
  store.release();
  await sending;
  assert.equal((await store.readMessages(Q, 0, 10)).length, 1);
});

test('without it, or without a consumer that can take it, the message is stored first', async () => {
  for (const concurrent of [false, true]) {
    const { b, store } = await broker(concurrent);
    const ctx = context();
    await b.addConnection(ctx);
    // With concurrency on, a consumer without credit (prefetch 1, one message held) makes the queue store first.
    const c = await consumer(b, ctx, Q, { prefetch: 1 });
    if (concurrent) await b.send(ctx, message(Q, 'held', { persistent: true }), null);
    store.hold();
    const sending = b.send(ctx, message(Q, 'later', { persistent: true }), null);
    await settle();
    assert.deepEqual(c.sink.bodies, concurrent ? ['held'] : [], `concurrent=${concurrent}`);
    store.release();
    await sending;
    if (!concurrent) assert.deepEqual(c.sink.bodies, ['later']);
  }
});

test('a page read while the write runs does not bring the message in a second time', async () => {
  const { b, store } = await broker(true);
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q, { prefetch: 100 });
  store.hold();
  const sending = b.send(ctx, message(Q, 'once', { persistent: true }), null);
  await settle();
  store.release();
  await sending;
  const q = b.getQueue(Q);
  assert.equal(q.cursor.storing.size, 0, 'the store mark is cleared once written');
  assert.deepEqual(c.sink.bodies, ['once']);
});

test('a message dispatched while storing never overtakes one that is being stored first', async () => {
  const { b, store } = await broker(true);
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q, { prefetch: 1 });
  await b.send(ctx, message(Q, 'a', { persistent: true }), null);
  store.hold();
  // No credit: 'b' is stored first. Then credit comes back and 'c' arrives while 'b' is still being written.
  const sendB = b.send(ctx, message(Q, 'b', { persistent: true }), null);
  await settle();
  await b.acknowledge(ctx, ack(c.handle.info.consumerId, c.sink.received[0]!.message.messageId));
  const sendC = b.send(ctx, message(Q, 'c', { persistent: true }), null);
  await settle();
  assert.deepEqual(c.sink.bodies, ['a'], 'c must wait for b');
  store.release();
  await Promise.all([sendB, sendC]);
  await settle();
  assert.deepEqual(c.sink.bodies, ['a', 'b']);
});
