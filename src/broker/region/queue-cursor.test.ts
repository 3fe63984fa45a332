import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../../model/destination.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { GatedJournal, testJournal } from '../../../test/support/broker/region/gated-journal.js';
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
import type { PendingQueueCursor } from './queue-cursor.js';

const Q = Destination.queue('cursor.q');
const LIMIT = 64 * 1024;
const BODY = 'x'.repeat(600);

const journal = testJournal;

function broker(fs: FakeFileLayer, kind: PendingQueueCursor = 'store'): RegionBroker {
  const policies = new PolicyMap();
  policies.setDefaultEntry({ pendingQueuePolicy: kind });
  return new RegionBroker({
    store: journal(fs, '/store'),
    tempStore: journal(fs, '/tmp_storage'),
    memoryLimit: LIMIT,
    policies,
    logger: Logger.silent(),
  });
}

/** Sends `n` messages and reports whether every send completed (a blocked producer never does). */
async function sendAll(b: RegionBroker, n: number, persistent: boolean, prefix = ''): Promise<boolean> {
  const ctx = context();
  await b.addConnection(ctx);
  let done = 0;
  for (let i = 0; i < n; i++) {
    const m = message(Q, `${prefix}${i}:${BODY}`, { persistent, responseRequired: i % 50 === 0 });
    void b.send(ctx, m, null).then(
      () => done++,
      () => {},
    );
    if (i % 100 === 99) await settle();
  }
  for (let i = 0; i < 50 && done < n; i++) await settle();
  return done === n;
}

/** Consumes everything with a small prefetch, acknowledging each delivery; returns the bodies' numbers. */
async function drain(b: RegionBroker, expected: number): Promise<number[]> {
  const ctx = context();
  await b.addConnection(ctx);
  const { sink, handle } = await consumer(b, ctx, Q, { prefetch: 10 });
  let acked = 0;
  for (let spins = 0; acked < expected && spins < 20_000; spins++) {
    while (acked < sink.received.length) {
      const d = sink.received[acked++]!;
      await b.acknowledge(ctx, ack(handle.info.consumerId, d.message.messageId));
      assert.ok(b.memoryUsage.usage <= LIMIT, `memory ${b.memoryUsage.usage} over the limit`);
    }
    await settle();
  }
  return sink.bodies.map((s) => Number(s.slice(0, s.indexOf(':'))));
}

const inOrder = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('queue cursors: a backlog beyond the memory limit', () => {
  for (const persistent of [true, false]) {
    it(`storeCursor takes 10x the memory limit of ${persistent ? '' : 'non-'}persistent messages, then drains them in order`, async () => {
      const fs = new FakeFileLayer();
      const b = broker(fs);
      await b.start();
      const n = 1000; // ~850 KiB accounted: 13x the 64 KiB limit
      assert.equal(await sendAll(b, n, persistent), true, 'a producer was blocked');
      const q = b.findQueue(Q.name)!;
      assert.equal(q.size, n);
      assert.ok(b.memoryUsage.usage <= LIMIT, `memory ${b.memoryUsage.usage} over the limit`);
      assert.ok(q.pending.length < n / 2, `${q.pending.length} of ${n} held in memory`);
      assert.deepEqual(await drain(b, n), inOrder(n));
      assert.equal(q.size, 0);
      await b.stop();
    });
  }

  it('restarts without reading the backlog, then pages it in order; a browse sees maxBrowsePageSize of it', async () => {
    const fs = new FakeFileLayer();
    const first = broker(fs);
    await first.start();
    assert.equal(await sendAll(first, 900, true), true);
    await first.stop();

    const b = broker(fs);
    await b.start();
    const q = b.findQueue(Q.name)!;
    assert.equal(q.size, 900);
    assert.equal(q.pending.length, 0, 'the backlog was read at start');

    const ctx = context();
    await b.addConnection(ctx);
    const browser = await consumer(b, ctx, Q, { browser: true });
    for (let i = 0; i < 20 && browser.sink.nulls === 0; i++) await settle();
    assert.deepEqual(
      browser.sink.bodies.map((s) => Number(s.slice(0, s.indexOf(':')))),
      inOrder(400),
    );
    assert.deepEqual(await drain(b, 900), inOrder(900));
    await b.stop();
  });

  it('storeCursor keeps both kinds beside each other: persistent in the store, non-persistent in the temp store', async () => {
    const fs = new FakeFileLayer();
    const b = broker(fs);
    await b.start();
    assert.equal(await sendAll(b, 500, true), true);
    assert.equal(await sendAll(b, 500, false, '9000'), true); // numbered 90000..9000499
    const bodies = await drain(b, 1000);
    assert.equal(bodies.length, 1000);
    assert.equal(new Set(bodies).size, 1000, 'a message was delivered twice');
    await b.stop();
  });

  it('a selector consumer finds its few matches deep in a backlog that memory cannot hold', async () => {
    const fs = new FakeFileLayer();
    const b = broker(fs);
    await b.start();
    const ctx = context();
    await b.addConnection(ctx);
    for (let i = 0; i < 1000; i++) {
      const m = message(Q, `${i}:${BODY}`, { persistent: true });
      m.properties.set('n', typed.int(i));
      await b.send(ctx, m, null);
    }
    assert.ok(b.findQueue(Q.name)!.pending.length < 1000);
    const picky = await consumer(b, ctx, Q, { selector: 'n >= 990', prefetch: 100 });
    for (let i = 0; i < 200 && picky.sink.received.length < 10; i++) await settle();
    assert.deepEqual(
      picky.sink.bodies.map((s) => Number(s.slice(0, s.indexOf(':')))),
      Array.from({ length: 10 }, (_, i) => 990 + i),
    );
    await b.stop();
  });

  it('the expiry sweep reaches into the backlog on disk (maxExpirePageSize of it), dead-lettering what expired', async () => {
    const fs = new FakeFileLayer();
    const b = broker(fs);
    await b.start();
    const ctx = context();
    await b.addConnection(ctx);
    const expiration = Date.now() + 1500;
    for (let i = 0; i < 1000; i++)
      await b.send(ctx, message(Q, `${i}:${BODY}`, { persistent: true, expiration }), null);
    const q = b.findQueue(Q.name)!;
    assert.ok(q.cursor.storeBacklog > 500, `backlog ${q.cursor.storeBacklog}`);
    while (Date.now() <= expiration) await new Promise((r) => setTimeout(r, 20));
    const before = q.size;
    q.expireMessages(400);
    for (let i = 0; i < 50 && q.size > before - 400 - q.pending.length; i++) await settle();
    const dlq = b.findQueue('ActiveMQ.DLQ');
    assert.ok(q.size <= before - 400, `size ${before} -> ${q.size}`);
    assert.ok(dlq !== undefined && dlq.size >= 400, `DLQ ${dlq?.size}`);
    // What is left comes back without the expired ones, none twice.
    const rest = await drain(b, 0);
    assert.equal(rest.length, 0, 'an expired message was delivered');
    await b.stop();
  });

  it('vmQueueCursor keeps everything in memory: producer flow control stops the producer at the limit', async () => {
    const fs = new FakeFileLayer();
    const b = broker(fs, 'vm');
    await b.start();
    assert.equal(await sendAll(b, 1000, true), false);
    const q = b.findQueue(Q.name)!;
    assert.ok(q.size < 1000 && q.pending.length === q.size);
    await b.stop();
  });
});

describe('queue cursors: sends racing a page read', () => {
  for (const persistent of [true, false]) {
    it(`a ${persistent ? '' : 'non-'}persistent message stored while the last page of a backlog is read is still delivered`, async () => {
      const fs = new FakeFileLayer();
      const gated = (directory: string) => new GatedJournal(fs, directory);
      const store = gated('/store');
      const tempStore = gated('/tmp_storage');
      const b = new RegionBroker({
        store,
        tempStore,
        memoryLimit: LIMIT,
        policies: new PolicyMap(),
        logger: Logger.silent(),
      });
      await b.start();
      const ctx = context();
      await b.addConnection(ctx);
      // A short backlog: its last page fits in memory, so the page read finds the end of it.
      let n = 0;
      const backlog = () => b.findQueue(Q.name)?.cursor.backlog ?? 0;
      while (backlog() < 3) await b.send(ctx, message(Q, `${n++}:${BODY}`, { persistent }), null);

      const paged = persistent ? store : tempStore;
      paged.armed = true;
      const { sink, handle } = await consumer(b, ctx, Q, { prefetch: 10 });
      const consumerAcks = autoAcker(b, ctx, handle, sink);
      for (let spins = 0; paged.held === null && spins < 1000; spins++) await consumerAcks.ackAll();
      assert.ok(paged.held !== null, 'no page read started');
      // The page read has taken its snapshot; this send is stored and reaches the queue before the page lands.
      await b.send(ctx, message(Q, `${n++}:${BODY}`, { persistent }), null);
      paged.held();
      for (let spins = 0; consumerAcks.acked < n && spins < 2000; spins++) await consumerAcks.ackAll();
      assert.deepEqual(
        sink.bodies.map((s) => Number(s.slice(0, s.indexOf(':')))),
        inOrder(n),
      );
      await b.stop();
    });
  }
});
