import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../util/clock.js';
import { StoreFailedError, StoreNoSpaceError } from '../store-errors.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import {
  addOp,
  idsOf,
  openStore,
  removeOp,
  textMessage,
  bodyOf,
} from '../../../test/support/store/journal/journal-test-kit.js';

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
      assert.ok(r.reason instanceof StoreFailedError);
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

  it('a write that fails half way with EIO leaves a torn record that restart truncates', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const kept = textMessage('kept');
    await store.write([addOp(kept)], true);
    fs.failNextWriteAfter = 12;
    fs.failNextWriteCode = 'EIO';
    await assert.rejects(store.write([addOp(textMessage('torn'))], true), StoreFailedError);
    await assert.rejects(store.write([addOp(textMessage('later'))], true), StoreFailedError);
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

  it('ENOSPC half way refuses that batch only: the partial record is cut off and the store goes on', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const kept = textMessage('kept');
    await store.write([addOp(kept)], true);
    fs.failNextWriteAfter = 12;
    await assert.rejects(store.write([addOp(textMessage('refused'))], true), (e: unknown) => {
      assert.ok(e instanceof StoreNoSpaceError);
      assert.equal(e.code, 'ERR_RESOURCE_ALLOCATION');
      assert.match(e.message, /no space left on device writing \/store\/db-1\.log/);
      return true;
    });
    const next = textMessage('next');
    await store.write([addOp(next)], true);
    await store.write([removeOp(kept)], true);
    // A crash now: no torn record, the refused batch is not there, the rest is.
    const again = await openStore(fs.crash(1000));
    assert.deepEqual(again.damage, []);
    assert.deepEqual(idsOf(again.state), [next.messageId]);
    await again.store.stop();
  });

  it('on a full small disk producers get StoreNoSpaceError, acknowledged data survives, writes resume once space frees', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { journalMaxFileLength: 4096 });
    const stored: string[] = [];
    fs.capacity = fs.usedBytes() + 12 * 1024;
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const m = textMessage(`${i}:${'f'.repeat(700)}`);
      try {
        await store.write([addOp(m)], true);
        stored.push(m.messageId);
      } catch (e) {
        assert.ok(e instanceof StoreNoSpaceError, String(e));
        refused++;
      }
    }
    assert.ok(stored.length > 5 && refused > 0, `${stored.length} stored, ${refused} refused`);
    assert.ok(fs.usedBytes() <= fs.capacity);
    // Space frees (another file on the disk goes away): writes resume without a restart.
    fs.capacity = null;
    const after = textMessage('after');
    await store.write([addOp(after)], true);
    stored.push(after.messageId);
    const again = await openStore(fs.crash(), { journalMaxFileLength: 4096 });
    assert.deepEqual(again.damage, []);
    assert.deepEqual(idsOf(again.state), stored);
    await again.store.stop();
    await store.stop();
  });

  it('ENOSPC while creating the next segment leaves no segment file behind', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { journalMaxFileLength: 4096 });
    const first = textMessage('a'.repeat(3800));
    await store.write([addOp(first)], true);
    // Room for less than a segment header: the roll to db-2.log fails at its header.
    fs.capacity = fs.usedBytes() + 8;
    await assert.rejects(store.write([addOp(textMessage('b'.repeat(1000)))], true), StoreNoSpaceError);
    assert.equal(fs.files.has('/store/db-2.log'), false);
    fs.capacity = null;
    const second = textMessage('c'.repeat(1000));
    await store.write([addOp(second)], true);
    assert.equal(fs.files.has('/store/db-2.log'), true);
    const again = await openStore(fs.crash(), { journalMaxFileLength: 4096 });
    assert.deepEqual(again.damage, []);
    assert.deepEqual(idsOf(again.state), [first.messageId, second.messageId]);
    await again.store.stop();
    await store.stop();
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

  it("with sendFailIfNoSpace refuses batches with new messages at the store limit with ActiveMQ's text, but still takes removes", async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { storeLimit: 8 * 1024, sendFailIfNoSpace: true });
    const m = textMessage('y'.repeat(4000));
    await store.write([addOp(m)], true);
    const big = textMessage('z'.repeat(5000));
    big.producerId = 'ID:p-1:1:1:1';
    await assert.rejects(store.write([addOp(big)], true), (e: unknown) => {
      assert.equal((e as { name: string }).name, 'StoreFullError');
      assert.equal((e as { code: string }).code, 'ERR_RESOURCE_ALLOCATION');
      assert.equal(
        (e as Error).message,
        'Persistent store is Full, 100% of 8192. Stopping producer (ID:p-1:1:1:1) to prevent flooding queue://kit.q. ' +
          'See http://activemq.apache.org/producer-flow-control.html for more info',
      );
      return true;
    });
    await store.write([removeOp(m)], true);
    await store.stop();
  });

  it('without sendFailIfNoSpace a batch waits for space, in order, until consumption frees a segment', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const { store } = await openStore(fs, { storeLimit: 256 * 1024, clock });
    // Segments are capped at a quarter of the limit (64 KiB): each of these fills one.
    const first = Array.from({ length: 4 }, (_, i) => textMessage(`${i}:${'w'.repeat(60 * 1024)}`));
    for (const m of first) await store.write([addOp(m)], true);
    const order: string[] = [];
    const blocked = [textMessage('b'.repeat(20 * 1024)), textMessage('b2')];
    const writes = blocked.map((m) => store.write([addOp(m)], true).then(() => order.push(m.messageId)));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [], 'the store is full: the batches wait');
    // Consumption: the removes are taken at once, and the next checkpoint deletes the dead segments.
    for (const m of first) await store.write([removeOp(m)], true);
    await store.cleanupNow();
    await Promise.all(writes);
    assert.deepEqual(
      order,
      blocked.map((m) => m.messageId),
    );
    await store.stop();
  });

  it('a waiting batch is refused after sendFailIfNoSpaceAfterTimeout, and when the store stops', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const { store } = await openStore(fs, { storeLimit: 128 * 1024, sendFailIfNoSpaceAfterTimeout: 5000, clock });
    for (let i = 0; i < 2; i++) await store.write([addOp(textMessage('t'.repeat(60 * 1024)))], true);
    const timed = store.write([addOp(textMessage('timed'.repeat(2000)))], true);
    clock.advance(5000);
    await assert.rejects(timed, /Persistent store is Full/);
    const { store: s2 } = await openStore(new FakeFileLayer(), { storeLimit: 128 * 1024, clock });
    for (let i = 0; i < 2; i++) await s2.write([addOp(textMessage('t'.repeat(60 * 1024)))], true);
    const pending = s2.write([addOp(textMessage('stopped'.repeat(2000)))], true);
    const refused = assert.rejects(pending, /stopped while the batch waited/);
    await s2.stop();
    await refused;
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
