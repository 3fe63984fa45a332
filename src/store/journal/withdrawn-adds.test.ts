/**
 * A queue message removed before its add was written (the broker dispatched it while storing, and the consumer
 * was quicker than the disk): the journal writes neither, as KahaDB cancels the add of a message acknowledged
 * before its store; an add already being written is removed the usual way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import {
  addOp,
  idsOf,
  openStore as openKitStore,
  removeOp,
  textMessage,
} from '../../../test/support/store/journal/journal-test-kit.js';

/** A store whose broker dispatches while storing (withdrawAddsOnRemove). */
const openStore = (fs: FakeFileLayer) => openKitStore(fs, { withdrawAddsOnRemove: true });

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
});
