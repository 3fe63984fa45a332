import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../../model/destination.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import {
  addOp,
  bodyOf,
  idsOf,
  openStore,
  removeOp,
  textMessage,
} from '../../../test/support/store/journal/journal-test-kit.js';

const options = { journalMaxFileLength: 4096, compactionThreshold: 0.5 };

describe('journal cleanup', () => {
  it('deletes segments whose records are all dead, and size() shrinks', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, options);
    const ms = Array.from({ length: 24 }, (_, i) => textMessage(`${i}${'d'.repeat(1000)}`));
    for (const m of ms) await store.write([addOp(m)], true);
    const grown = store.size();
    const before = store.segmentIds();
    assert.ok(before.length >= 6);
    for (const m of ms) await store.write([removeOp(m)], true);
    await store.cleanupNow();
    const after = store.segmentIds();
    assert.ok(after.length <= 2, `segments left: ${after.join(',')}`);
    assert.ok(!after.includes(before[0]!));
    assert.ok(store.size() < grown / 3, `${store.size()} vs ${grown}`);
    for (const s of before.filter((s) => !after.includes(s))) assert.ok(!fs.files.has(`/store/db-${s}.log`));
    await store.stop();
    const again = await openStore(fs, options);
    assert.deepEqual(idsOf(again.state), []);
    await again.store.stop();
  });

  it('compacts a segment kept alive by a few old messages, keeping their content and order', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, options);
    const q2 = Destination.queue('kit.other');
    const ms = Array.from({ length: 24 }, (_, i) => textMessage(`${i}:${'c'.repeat(1000)}`));
    for (const m of ms) await store.write([addOp(m)], true);
    const keep = [ms[0]!, ms[9]!];
    for (const m of ms) if (!keep.includes(m)) await store.write([removeOp(m)], true);
    // A prepared transaction in an old segment is carried forward too.
    const inTx = textMessage('in-tx', q2);
    await store.write([{ op: 'prepare', transactionId: 'XID:c', operations: [addOp(inTx)] }], true);
    const fresh = textMessage('fresh');
    await store.write([addOp(fresh)], true);
    const first = store.segmentIds()[0]!;
    await store.cleanupNow();
    assert.ok(!store.segmentIds().includes(first), `segment ${first} still there: ${store.segmentIds().join(',')}`);
    assert.ok(store.segmentIds().length <= 3, store.segmentIds().join(','));
    await store.stop();
    const again = await openStore(fs, options);
    assert.deepEqual(
      idsOf(again.state),
      [...keep, fresh].map((m) => m.messageId),
    );
    assert.deepEqual(again.state.messages.get(fresh.destination.key)!.map(bodyOf), [...keep, fresh].map(bodyOf));
    const ops = again.state.prepared.get('XID:c');
    assert.equal(ops?.length, 1);
    await again.store.stop();
  });

  it('a crash after compaction but before the next checkpoint recovers the moved messages', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, options);
    const ms = Array.from({ length: 16 }, (_, i) => textMessage(`${i}:${'x'.repeat(1000)}`));
    for (const m of ms) await store.write([addOp(m)], true);
    for (const m of ms.slice(1)) await store.write([removeOp(m)], true);
    await store.checkpointNow();
    // Compact by hand up to the move record, then crash before any checkpoint records the new location.
    const compact = (store as unknown as { compactSegment(s: number): Promise<void> }).compactSegment.bind(store);
    await compact(store.segmentIds()[0]!);
    await store.write([addOp(textMessage('after'))], true);
    const crashed = fs.crash();
    const oldSegment = store.segmentIds()[0]!;
    assert.ok(crashed.files.has(`/store/db-${oldSegment}.log`));
    const again = await openStore(crashed, options);
    assert.equal(idsOf(again.state)[0], ms[0]!.messageId);
    assert.equal(bodyOf(again.state.messages.get(ms[0]!.destination.key)![0]!), bodyOf(ms[0]!));
    assert.deepEqual(again.damage, []);
    // Replay picked up the new location: the old segment was no longer needed (start checkpoints).
    assert.ok(!again.store.segmentIds().includes(oldSegment));
    assert.ok(!crashed.files.has(`/store/db-${oldSegment}.log`));
    await again.store.stop();
    const third = await openStore(crashed, options);
    assert.equal(bodyOf(third.state.messages.get(ms[0]!.destination.key)![0]!), bodyOf(ms[0]!));
    await third.store.stop();
    await store.stop();
  });
});
