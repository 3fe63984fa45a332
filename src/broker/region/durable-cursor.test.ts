import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../../model/destination.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { GatedJournal } from '../../../test/support/broker/region/gated-journal.js';
import { Logger } from '../../util/logger.js';
import { PolicyMap } from '../policy/policy-map.js';
import { typed } from '../../model/properties.js';
import { RegionBroker } from './region-broker.js';
import {
  ack,
  autoAcker,
  consumer,
  context,
  message,
  settle,
} from '../../../test/support/broker/region/test-support.js';
import type { ConnectionContext } from '../broker.js';
import type { PendingDurableCursor } from './durable-cursor.js';

const T = Destination.topic('cursor.t');
const LIMIT = 64 * 1024;
const BODY = 'x'.repeat(600);
const CLIENT = 'durable-client';

function broker(fs: FakeFileLayer, kind: PendingDurableCursor = 'store', store = new GatedJournal(fs, '/store')) {
  const policies = new PolicyMap();
  policies.setDefaultEntry({ pendingDurableSubscriberPolicy: kind });
  const b = new RegionBroker({ store, memoryLimit: LIMIT, policies, logger: Logger.silent() });
  return { b, store };
}

/** Registers durable subscriptions `names` on T, then leaves them offline. */
async function subscribe(b: RegionBroker, names: string[], selector: string | null = null): Promise<void> {
  const ctx = context(CLIENT);
  await b.addConnection(ctx);
  for (const name of names) {
    const { handle } = await consumer(b, ctx, T, { subscriptionName: name, selector });
    await b.removeConsumer(ctx, handle.info.consumerId);
  }
  await b.removeConnection(ctx);
}

/** Sends `n` persistent messages numbered from `from`; reports whether every send completed. */
async function publish(b: RegionBroker, from: number, n: number): Promise<boolean> {
  const ctx = context();
  await b.addConnection(ctx);
  let done = 0;
  for (let i = from; i < from + n; i++) {
    const m = message(T, `${i}:${BODY}`, { persistent: true, responseRequired: i % 50 === 0 });
    m.properties.set('n', typed.int(i));
    void b.send(ctx, m, null).then(
      () => done++,
      () => {},
    );
    if (i % 100 === 99) await settle();
  }
  for (let i = 0; i < 50 && done < n; i++) await settle();
  return done === n;
}

/** Attaches the durable consumer `name`, acknowledging each delivery until `expected` arrived (or `stopAfter`). */
async function drain(
  b: RegionBroker,
  name: string,
  expected: number,
  opts: { selector?: string; stopAfter?: number; ctx?: ConnectionContext } = {},
): Promise<number[]> {
  const ctx = opts.ctx ?? context(CLIENT);
  if (opts.ctx === undefined) await b.addConnection(ctx);
  const { sink, handle } = await consumer(b, ctx, T, {
    subscriptionName: name,
    prefetch: 10,
    selector: opts.selector ?? null,
  });
  const stop = opts.stopAfter ?? expected;
  let acked = 0;
  for (let spins = 0; acked < stop && spins < 20_000; spins++) {
    while (acked < sink.received.length && acked < stop) {
      const d = sink.received[acked++]!;
      await b.acknowledge(ctx, ack(handle.info.consumerId, d.message.messageId));
      assert.ok(b.memoryUsage.usage <= LIMIT, `memory ${b.memoryUsage.usage} over the limit`);
    }
    await settle();
  }
  await b.removeConsumer(ctx, handle.info.consumerId);
  if (opts.ctx === undefined) await b.removeConnection(ctx);
  return sink.bodies.slice(0, stop).map((s) => Number(s.slice(0, s.indexOf(':'))));
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('durable subscriber cursor: a backlog beyond the memory limit', () => {
  it('an offline subscription takes 10x the memory limit without holding the producer, then drains in order', async () => {
    const fs = new FakeFileLayer();
    const { b } = broker(fs);
    await b.start();
    await subscribe(b, ['a', 'b']);
    const n = 1000; // ~850 KiB per subscription: 13x the 64 KiB limit
    assert.equal(await publish(b, 0, n), true, 'a producer was blocked');
    const a = b.findDurableSubscription(CLIENT, 'a')!;
    assert.ok(b.memoryUsage.usage <= LIMIT, `memory ${b.memoryUsage.usage} over the limit`);
    assert.ok(a.pending.length < n / 2, `${a.pending.length} of ${n} held in memory`);
    assert.equal(a.backlog, n);
    assert.deepEqual(await drain(b, 'a', n), range(0, n));
    assert.equal(a.backlog, 0);
    // The other subscription kept its own copy of everything.
    assert.deepEqual(await drain(b, 'b', n), range(0, n));
    await b.stop();
  });

  it('a restart leaves the backlog in the store; the subscription pages it in, where it had got to', async () => {
    const fs = new FakeFileLayer();
    const first = broker(fs).b;
    await first.start();
    await subscribe(first, ['a']);
    assert.equal(await publish(first, 0, 900), true);
    assert.deepEqual(await drain(first, 'a', 900, { stopAfter: 250 }), range(0, 250));
    await first.stop();

    const { b } = broker(fs);
    await b.start();
    const a = b.findDurableSubscription(CLIENT, 'a')!;
    assert.equal(a.pending.length, 0, 'the backlog was read at start');
    assert.equal(a.backlog, 650);
    assert.equal(await publish(b, 900, 100), true);
    assert.deepEqual(await drain(b, 'a', 750), range(250, 750));
    await b.stop();
  });

  it('a selector subscription gets only its matches from the store, passing over the rest', async () => {
    const fs = new FakeFileLayer();
    const { b } = broker(fs);
    await b.start();
    await subscribe(b, ['all']);
    await subscribe(b, ['late'], 'n >= 900');
    assert.equal(await publish(b, 0, 1000), true);
    assert.deepEqual(await drain(b, 'late', 100, { selector: 'n >= 900' }), range(900, 100));
    assert.equal(b.findDurableSubscription(CLIENT, 'late')!.backlog, 0);
    await b.stop();
  });

  it('a message a subscription selector refuses is not kept in the store for it', async () => {
    const fs = new FakeFileLayer();
    const { b, store } = broker(fs);
    await b.start();
    await subscribe(b, ['all']);
    await subscribe(b, ['late'], 'n >= 900');
    assert.equal(await publish(b, 0, 10), true);
    assert.equal((await store.readSubscriptionMessages(T, `${CLIENT}:late`, 0, 100)).length, 0);
    assert.equal((await store.readSubscriptionMessages(T, `${CLIENT}:all`, 0, 100)).length, 10);
    // Once the only subscription that wanted them consumed them, nothing is left on disk.
    assert.deepEqual(await drain(b, 'all', 10), range(0, 10));
    for (let i = 0; i < 10; i++) await settle();
    await b.stop();
    const again = broker(fs).b;
    await again.start();
    assert.equal(again.findDurableSubscription(CLIENT, 'late')!.backlog, 0);
    assert.equal(again.findDurableSubscription(CLIENT, 'all')!.backlog, 0);
    await again.stop();
  });

  it('vmDurableCursor keeps everything in memory: producer flow control stops the producer at the limit', async () => {
    const fs = new FakeFileLayer();
    const { b } = broker(fs, 'vm');
    await b.start();
    await subscribe(b, ['a']);
    assert.equal(await publish(b, 0, 1000), false);
    const a = b.findDurableSubscription(CLIENT, 'a')!;
    assert.equal(a.cursor, null);
    assert.ok(a.pending.length < 1000 && a.pending.length === a.backlog);
    await b.stop();
  });

  it('a message stored while the last page of the backlog is read is still delivered', async () => {
    const fs = new FakeFileLayer();
    const { b, store } = broker(fs);
    await b.start();
    await subscribe(b, ['a']);
    const a = b.findDurableSubscription(CLIENT, 'a')!;
    // A short backlog: its last page fits in memory, so the page read finds the end of it.
    let n = 0;
    while ((a.cursor?.storeBacklog ?? 0) < 3) {
      assert.equal(await publish(b, n, 1), true);
      n++;
    }
    store.armed = true;
    const ctx = context(CLIENT);
    await b.addConnection(ctx);
    const { sink, handle } = await consumer(b, ctx, T, { subscriptionName: 'a', prefetch: 10 });
    const consumerAcks = autoAcker(b, ctx, handle, sink);
    for (let spins = 0; store.held === null && spins < 1000; spins++) await consumerAcks.ackAll();
    assert.ok(store.held !== null, 'no page read started');
    // The page read has taken its snapshot; this send is stored and reaches the subscription before the page lands.
    assert.equal(await publish(b, n, 1), true);
    n++;
    store.held();
    for (let spins = 0; consumerAcks.acked < n && spins < 2000; spins++) await consumerAcks.ackAll();
    assert.deepEqual(
      sink.bodies.map((s) => Number(s.slice(0, s.indexOf(':')))),
      range(0, n),
    );
    await b.stop();
  });
});
