/**
 * A queue message removed before its add was written (the broker dispatched it while storing, and the consumer
 * was quicker than the disk): the journal writes neither, as KahaDB cancels the add of a message acknowledged
 * before its store; an add already being written is removed the usual way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { ManualClock } from '../../util/clock.js';
import type { StoreOperation } from '../persistence-adapter.js';
import type { Message } from '../../model/message.js';
import { HOLD_MS } from './add-hold.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import {
  addOp,
  idsOf,
  openStore as openKitStore,
  removeOp,
  textMessage,
} from '../../../test/support/store/journal/journal-test-kit.js';

/** A store whose broker dispatches while storing (withdrawAddsOnRemove). */
const openStore = (fs: FakeFileLayer, clock = new ManualClock()) =>
  openKitStore(fs, { withdrawAddsOnRemove: true, clock });

/** The add of a message the broker dispatches while storing it (queue-region's sendWhileStoring). */
const dispatchedAdd = (m: Message): StoreOperation => ({ ...addOp(m), dispatching: true }) as StoreOperation;

/** Lets the journal's writer run: a record it may write is in the file after this. */
async function turns(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

describe('journal: adds withdrawn by their remove', () => {
  it('a remove in the same turn as its add writes nothing, and both settle', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const kept = textMessage('kept');
    await store.write([addOp(kept)], true);
    const size = store.size();
    const gone = textMessage('consumed at once');
    const added = store.write([addOp(gone)], true);
    const removed = store.write([removeOp(gone)], false);
    await Promise.all([added, removed]);
    assert.equal(store.cancelledAdds, 1);
    assert.equal(store.size(), size, 'nothing was appended');
    await store.stop();
    const again = await openStore(fs);
    assert.deepEqual(idsOf(again.state), [kept.messageId]);
    await again.store.stop();
  });

  it('without withdrawAddsOnRemove a remove in the same turn is written after its add', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openKitStore(fs);
    const m = textMessage('not withdrawable');
    await Promise.all([store.write([addOp(m)], true), store.write([removeOp(m)], false)]);
    assert.equal(store.cancelledAdds, 0);
    await store.stop();
    const again = await openKitStore(fs);
    assert.deepEqual(idsOf(again.state), []);
    await again.store.stop();
  });

  it('a remove after the add was written is written as usual', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const m = textMessage('written first');
    await store.write([addOp(m)], true);
    await store.write([removeOp(m)], false);
    assert.equal(store.cancelledAdds, 0);
    await store.stop();
    const again = await openStore(fs);
    assert.deepEqual(idsOf(again.state), []);
    await again.store.stop();
  });

  it('an add inside a larger batch (a transaction) is never withdrawn', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const a = textMessage('a');
    const b = textMessage('b');
    const batch = store.write([addOp(a), addOp(b)], true);
    const removed = store.write([removeOp(a)], false);
    await Promise.all([batch, removed]);
    assert.equal(store.cancelledAdds, 0);
    await store.stop();
    const again = await openStore(fs);
    assert.deepEqual(idsOf(again.state), [b.messageId]);
    await again.store.stop();
  });

  it('a dispatched add is held: a remove turns later, within the hold, still withdraws it', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const { store } = await openStore(fs, clock);
    const size = store.size();
    const m = textMessage('acknowledged a round trip later');
    let settled = false;
    const added = store.write([dispatchedAdd(m)], true).then(() => (settled = true));
    await turns();
    assert.equal(store.size(), size, 'an add that is not held would be in the file by now');
    assert.equal(settled, false, 'the producer is not answered before the add is written or withdrawn');
    await store.write([removeOp(m)], false);
    await added;
    assert.equal(store.cancelledAdds, 1);
    assert.equal(store.addHold.withdrawn, 1);
    assert.equal(store.size(), size, 'nothing was appended');
    await store.stop();
    const again = await openStore(fs);
    assert.deepEqual(idsOf(again.state), []);
    await again.store.stop();
  });

  it('a held add is written once its hold is over, and survives a restart', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const { store } = await openStore(fs, clock);
    const size = store.size();
    const m = textMessage('acknowledged late');
    const added = store.write([dispatchedAdd(m)], true);
    await turns();
    assert.equal(store.size(), size);
    clock.advance(HOLD_MS);
    await added;
    assert.ok(store.size() > size, 'written after the hold');
    assert.equal(store.addHold.expired, 1);
    await store.write([removeOp(m)], false);
    assert.equal(store.cancelledAdds, 0, 'a remove after the write is written as usual');
    const n = textMessage('pending');
    const pending = store.write([dispatchedAdd(n)], true);
    clock.advance(HOLD_MS);
    await pending;
    const crashed = fs.crash();
    await store.stop();
    const again = await openStore(crashed);
    assert.deepEqual(idsOf(again.state), [n.messageId]);
    await again.store.stop();
  });

  it('a record appended after a held add takes it along: the journal keeps call order', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const held = textMessage('held');
    const after = textMessage('not dispatched');
    await Promise.all([store.write([dispatchedAdd(held)], true), store.write([addOp(after)], true)]);
    assert.equal(store.addHold.expired, 1, 'written with the next group, not withdrawn');
    await store.stop();
    const again = await openStore(fs);
    assert.deepEqual(idsOf(again.state), [held.messageId, after.messageId]);
    await again.store.stop();
  });

  it('stop writes a held add at once', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const m = textMessage('held at stop');
    const added = store.write([dispatchedAdd(m)], true);
    await store.stop();
    await added;
    const again = await openStore(fs);
    assert.deepEqual(idsOf(again.state), [m.messageId]);
    await again.store.stop();
  });
});
