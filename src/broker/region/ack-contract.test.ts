/**
 * The acknowledgement contract of Broker.acknowledge / commitTransaction (see src/broker/broker.ts): what is applied
 * at once, which store removals the promise waits for, and that a commit's batch stands only for its own acks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from './region-broker.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { AckType } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import { typed } from '../../model/properties.js';
import type { StoreOperation } from '../../store/persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { ack, consumer, context, message } from '../../../test/support/broker/region/test-support.js';

const Q = Destination.queue('ACK.CONTRACT');

/** A memory store whose `remove` writes can be held back or failed, to see what an ack's promise waits for. */
class GatedStore extends MemoryPersistenceAdapter {
  hold: Promise<void> | null = null;
  failRemovals = false;
  override async write(ops: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (ops.some((o) => o.op === 'remove')) {
      if (this.failRemovals) throw new Error('disk gone');
      if (this.hold !== null) await this.hold;
    }
    return super.write(ops, sync);
  }
}

async function stored(store: MemoryPersistenceAdapter): Promise<string[]> {
  return (await store.readMessages(Q, 0, 100)).map((m) => Buffer.from(m.body ?? []).toString());
}

test('an ack is applied before its promise settles; the promise waits for the removal it caused', async () => {
  const store = new GatedStore();
  const b = new RegionBroker({ store, clock: new ManualClock() });
  await b.start();
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q, { prefetch: 1 });
  await b.send(ctx, message(Q, 'one', { persistent: true }), null);
  await b.send(ctx, message(Q, 'two', { persistent: true }), null);
  assert.deepEqual(c.sink.bodies, ['one']);
  let release!: () => void;
  store.hold = new Promise<void>((resolve) => (release = resolve));
  let settled = false;
  const acked = b
    .acknowledge(ctx, ack(c.handle.info.consumerId, c.sink.received[0]!.message.messageId))
    .then(() => (settled = true));
  // Applied synchronously: credit came back and the next message went out before the removal was written.
  assert.deepEqual(c.sink.bodies, ['one', 'two']);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'the promise must wait for the removal');
  release();
  await acked;
  assert.deepEqual(await stored(store), ['two']);
});

test("an ack's promise rejects when the removal it caused fails, also for a Poison ack", async () => {
  const store = new GatedStore();
  const b = new RegionBroker({ store, clock: new ManualClock() });
  await b.start();
  const ctx = context();
  await b.addConnection(ctx);
  const c = await consumer(b, ctx, Q, { prefetch: 10 });
  await b.send(ctx, message(Q, 'one', { persistent: true }), null);
  await b.send(ctx, message(Q, 'two', { persistent: true }), null);
  store.failRemovals = true;
  const [one, two] = c.sink.received.map((d) => d.message.messageId);
  await assert.rejects(b.acknowledge(ctx, ack(c.handle.info.consumerId, one!)), /disk gone/);
  await assert.rejects(b.acknowledge(ctx, ack(c.handle.info.consumerId, two!, AckType.Poison)), /disk gone/);
});

test("a commit's batch stands for its own acks only: a message another consumer takes meanwhile is removed", async () => {
  // The commit applies its acks and wakes their consumer, whose queue then dispatches to a ready auto-ack
  // consumer: that consumption is not in the commit's batch and must still be removed from the store (or it
  // would come back after a restart).
  const store = new MemoryPersistenceAdapter();
  const b = new RegionBroker({ store, clock: new ManualClock() });
  await b.start();
  const ctx = context();
  await b.addConnection(ctx);
  const a = await consumer(b, ctx, Q, { prefetch: 10, selector: "kind = 'a'" });
  const auto = await consumer(b, ctx, Q, { prefetch: 10, ackMode: 'auto' });
  auto.sink.ready = false;
  const forA = message(Q, 'for-a', { persistent: true });
  forA.properties = new Map([['kind', typed.string('a')]]);
  await b.send(ctx, forA, null);
  await b.send(ctx, message(Q, 'for-auto', { persistent: true }), null);
  assert.deepEqual([a.sink.bodies, auto.sink.bodies], [['for-a'], []]);
  await b.beginTransaction(ctx, 'tx-1');
  await b.acknowledge(ctx, { ...ack(a.handle.info.consumerId, forA.messageId), transactionId: 'tx-1' });
  auto.sink.ready = true; // its socket drained, the wakeup not yet delivered
  await b.commitTransaction(ctx, 'tx-1', true);
  assert.deepEqual(auto.sink.bodies, ['for-auto']);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(await stored(store), [], 'both consumptions are removed from the store');
});
