import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../util/clock.js';
import { StoreFailedError } from '../store-errors.js';
import { FakeFileLayer } from './fake-file-layer.js';
import { addOp, idsOf, openStore, textMessage, bodyOf } from './journal-test-kit.js';

describe('journal write path', () => {
  it('group commit: many concurrent sync writes share far fewer fsyncs', async () => {
    const fs = new FakeFileLayer();
    fs.fsyncDelayMs = 2;
    const { store } = await openStore(fs);
    const before = fs.fsyncCount;
    const ms = Array.from({ length: 200 }, (_, i) => textMessage(`g${i}`));
    // Writers arrive in waves while earlier fsyncs are in flight.
    const writes: Promise<void>[] = [];
    for (let wave = 0; wave < 4; wave++) {
      for (const m of ms.slice(wave * 50, wave * 50 + 50)) writes.push(store.write([addOp(m)], true));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(writes);
    const fsyncs = fs.fsyncCount - before;
    assert.ok(fsyncs >= 1 && fsyncs <= 20, `200 sync writes took ${fsyncs} fsyncs`);
    await store.stop();
    const again = await openStore(fs);
    assert.deepEqual(
      idsOf(again.state),
      ms.map((m) => m.messageId),
    );
    await again.store.stop();
  });

  it('a sync write resolves only once its batch survives a crash', async () => {
    const fs = new FakeFileLayer();
    fs.fsyncDelayMs = 1;
    const { store } = await openStore(fs);
    const ms = Array.from({ length: 20 }, (_, i) => textMessage(`s${i}`));
    const snapshots: FakeFileLayer[] = [];
    await Promise.all(
      ms.map((m) =>
        store.write([addOp(m)], true).then(() => {
          snapshots.push(fs.crash());
        }),
      ),
    );
    // Each crash image taken when a write resolved holds that write (and all written before it).
    for (let i = 0; i < snapshots.length; i++) {
      const { store: s, state } = await openStore(snapshots[i]!);
      assert.ok(idsOf(state).length >= i + 1, `snapshot ${i} recovered ${idsOf(state).length}`);
      await s.stop();
    }
    await store.stop();
  });

  it('a non-sync write does not fsync under the always strategy', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const before = fs.fsyncCount;
    await store.write([addOp(textMessage('async'))], false);
    assert.equal(fs.fsyncCount, before);
    await store.stop();
  });

  it('periodic strategy: sync writes resolve once written, fsync runs on the interval', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const { store } = await openStore(fs, {
      journalDiskSyncStrategy: 'periodic',
      journalDiskSyncInterval: 1000,
      clock,
    });
    const before = fs.fsyncCount;
    const m = textMessage('p');
    await store.write([addOp(m)], true);
    assert.equal(fs.fsyncCount, before);
    assert.deepEqual(idsOf((await openCrashed(fs)).state), []);
    clock.advance(1000);
    await waitFor(() => fs.fsyncCount > before);
    const crashed = await openCrashed(fs);
    assert.deepEqual(idsOf(crashed.state), [m.messageId]);
    await store.stop();
  });

  it('short writes are completed: every byte lands', async () => {
    const fs = new FakeFileLayer();
    fs.maxWriteBytes = 7;
    const { store } = await openStore(fs);
    const ms = Array.from({ length: 10 }, (_, i) => textMessage(`short-${i}-${'x'.repeat(i * 10)}`));
    await Promise.all(ms.map((m) => store.write([addOp(m)], true)));
    await store.stop();
    fs.maxWriteBytes = null;
    const again = await openStore(fs);
    assert.deepEqual(again.state.messages.get(ms[0]!.destination.key)!.map(bodyOf), ms.map(bodyOf));
    assert.deepEqual(again.damage, []);
    await again.store.stop();
  });

  it('an fsync failure fails the writes waiting on it and every later write', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const kept = textMessage('kept');
    await store.write([addOp(kept)], true);
    fs.failNextFsync = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    const doomed = [textMessage('d1'), textMessage('d2'), textMessage('d3')];
    const results = await Promise.allSettled(doomed.map((m) => store.write([addOp(m)], true)));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok((r as PromiseRejectedResult).reason instanceof StoreFailedError);
    }
    await assert.rejects(store.write([addOp(textMessage('later'))], true), StoreFailedError);
    await assert.rejects(store.write([addOp(textMessage('later'))], false), StoreFailedError);
    await store.stop();
    // After a restart on what reached the disk, only the acknowledged batch is there.
    const again = await openStore(fs.crash());
    assert.deepEqual(idsOf(again.state), [kept.messageId]);
    await again.store.write([addOp(textMessage('after restart'))], true);
    await again.store.stop();
  });

  it('a write that fails half way leaves a torn record that restart truncates', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const kept = textMessage('kept');
    await store.write([addOp(kept)], true);
    fs.failNextWriteAfter = 12;
    await assert.rejects(store.write([addOp(textMessage('torn'))], true), StoreFailedError);
    await store.stop();
    const again = await openStore(fs.crash(1000));
    assert.deepEqual(idsOf(again.state), [kept.messageId]);
    assert.equal(again.damage.length, 1);
    assert.equal(again.damage[0]!.kind, 'torn-tail');
    assert.match(again.damage[0]!.file, /db-1\.log$/);
    const next = textMessage('next');
    await again.store.write([addOp(next)], true);
    await again.store.stop();
    const third = await openStore(fs.crash().crash());
    assert.deepEqual(third.damage, []);
    await third.store.stop();
  });

  it('rolls over to new segments at journalMaxFileLength and recovers across them in order', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { journalMaxFileLength: 4096 });
    const ms = Array.from({ length: 20 }, (_, i) => textMessage(`${i}:${'r'.repeat(1000)}`));
    for (const m of ms) await store.write([addOp(m)], true);
    const segments = store.segmentIds();
    assert.ok(segments.length >= 5, `only ${segments.length} segments`);
    for (const [path, f] of fs.files) if (path.endsWith('.log')) assert.ok(f.data.length <= 4096, path);
    await store.stop();
    const again = await openStore(fs, { journalMaxFileLength: 4096 });
    assert.deepEqual(
      idsOf(again.state),
      ms.map((m) => m.messageId),
    );
    await again.store.stop();
  });

  it('refuses batches with new messages when the store limit is reached, but still takes removes', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { storeLimit: 8 * 1024 });
    const m = textMessage('y'.repeat(4000));
    await store.write([addOp(m)], true);
    await assert.rejects(store.write([addOp(textMessage('z'.repeat(5000)))], true), (e: unknown) => {
      assert.equal((e as { name: string }).name, 'StoreFullError');
      assert.equal((e as { code: string }).code, 'ERR_RESOURCE_ALLOCATION');
      assert.match((e as Error).message, /\/store/);
      return true;
    });
    await store.write([{ op: 'remove', destination: m.destination, messageId: m.messageId, subscription: null }], true);
    await store.stop();
  });
});

async function openCrashed(fs: FakeFileLayer) {
  const o = await openStore(fs.crash());
  await o.store.stop();
  return o;
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
}
