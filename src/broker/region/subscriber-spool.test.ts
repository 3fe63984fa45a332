import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../../model/destination.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { testJournal } from '../../../test/support/broker/region/gated-journal.js';
import { Logger } from '../../util/logger.js';
import { PolicyMap } from '../policy/policy-map.js';
import { RegionBroker } from './region-broker.js';
import { ack, consumer, context, message, settle } from '../../../test/support/broker/region/test-support.js';
import type { PendingSubscriberCursor } from './subscriber-spool.js';
import type { TopicSubscription } from './topic.js';

const T = Destination.topic('spool.t');
const LIMIT = 64 * 1024;
const BODY = 'x'.repeat(600);

const journal = testJournal;

function broker(kind: PendingSubscriberCursor = 'file') {
  const fs = new FakeFileLayer();
  const policies = new PolicyMap();
  policies.setDefaultEntry({ pendingSubscriberPolicy: kind });
  const tempStore = journal(fs, '/tmp_storage');
  const b = new RegionBroker({
    store: journal(fs, '/store'),
    tempStore,
    memoryLimit: LIMIT,
    policies,
    logger: Logger.silent(),
  });
  return { b, tempStore };
}

/** Publishes `n` non-persistent messages and reports whether every send completed (a held producer does not). */
async function publish(b: RegionBroker, n: number): Promise<boolean> {
  const ctx = context();
  await b.addConnection(ctx);
  let done = 0;
  for (let i = 0; i < n; i++) {
    void b.send(ctx, message(T, `${i}:${BODY}`, { persistent: false }), null).then(
      () => done++,
      () => {},
    );
    if (i % 100 === 99) await settle();
  }
  for (let i = 0; i < 100 && done < n; i++) await settle();
  return done === n;
}

const numbers = (bodies: string[]) => bodies.map((s) => Number(s.slice(0, s.indexOf(':'))));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('non-durable topic subscribers: the spool in the temp store (pendingSubscriberPolicy)', () => {
  it('fileCursor: a slow subscriber spools what memory cannot hold, the producer and a fast subscriber go on, and it gets everything in order', async () => {
    const { b } = broker();
    await b.start();
    const ctx = context();
    await b.addConnection(ctx);
    const slow = await consumer(b, ctx, T, { prefetch: 10 });
    const fast = await consumer(b, ctx, T, { prefetch: 10, ackMode: 'auto' });
    const n = 1000; // ~1.4 MiB accounted: 20x the 64 KiB limit
    assert.equal(await publish(b, n), true, 'the producer was held back');
    assert.deepEqual(numbers(fast.sink.bodies), range(n));
    const state = b as unknown as { connections: Map<string, { consumers: Map<string, TopicSubscription> }> };
    const sub = state.connections.get(ctx.info.connectionId)!.consumers.get(slow.handle.info.consumerId)!;
    assert.ok(sub.spool !== null && sub.spool.backlog > n / 2, `spooled ${sub.spool?.backlog}`);
    assert.ok(b.memoryUsage.usage <= LIMIT, `memory ${b.memoryUsage.usage} over the limit`);

    let acked = 0;
    for (let spins = 0; acked < n && spins < 20_000; spins++) {
      while (acked < slow.sink.received.length) {
        const d = slow.sink.received[acked++]!;
        await b.acknowledge(ctx, ack(slow.handle.info.consumerId, d.message.messageId));
        assert.ok(b.memoryUsage.usage <= LIMIT, `memory ${b.memoryUsage.usage} over the limit`);
      }
      await settle();
    }
    assert.deepEqual(numbers(slow.sink.bodies), range(n));
    assert.equal(sub.spool.backlog, 0);
    await b.stop();
  });

  it('a subscriber that leaves takes its spool out of the temp store', async () => {
    const { b, tempStore } = broker();
    await b.start();
    const ctx = context();
    await b.addConnection(ctx);
    const slow = await consumer(b, ctx, T, { prefetch: 10 });
    assert.equal(await publish(b, 500), true);
    const spoolOf = Destination.queue(`ActiveMQ.Spool.${slow.handle.info.consumerId}`);
    assert.ok((await tempStore.readMessages(spoolOf, 0, 1000)).length > 100);
    await b.removeConsumer(ctx, slow.handle.info.consumerId);
    for (let i = 0; i < 20; i++) await settle();
    assert.equal((await tempStore.readMessages(spoolOf, 0, 1000)).length, 0);
    await b.stop();
  });

  it('vmCursor: everything stays in memory, so producer flow control holds the producer at the limit', async () => {
    const { b } = broker('vm');
    await b.start();
    const ctx = context();
    await b.addConnection(ctx);
    await consumer(b, ctx, T, { prefetch: 10 });
    assert.equal(await publish(b, 1000), false);
    await b.stop();
  });
});
