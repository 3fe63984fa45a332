import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from '../../../test/support/repo.js';
import { Destination } from '../../model/destination.js';
import type { FileHandle } from './file-layer.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import {
  addOp,
  idsOf,
  openStore,
  Q,
  removeOp,
  textMessage,
} from '../../../test/support/store/journal/journal-test-kit.js';
import { encodeV1Checkpoint } from '../../../test/support/store/journal/v1-checkpoint.js';
import type { Message } from '../../model/message.js';
import type { RecoveredState } from '../persistence-adapter.js';
import { StoreIndex } from '../store-index.js';
import { decodeCheckpoint, isChunkFileName } from './checkpoint.js';
import { CHUNK_CAPACITY } from './queue-chunks.js';
import { JournalPersistenceAdapter } from './journal-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';

const CKPT = '/store/checkpoint.dat';

/** A fake file system that records the files opened for writing and can fail the manifest's rename. */
class RecordingFileLayer extends FakeFileLayer {
  created: string[] = [];
  failManifestRename = false;

  override open(path: string, create: boolean): Promise<FileHandle> {
    if (create) this.created.push(path.slice('/store/'.length));
    return super.open(path, create);
  }

  override rename(from: string, to: string): Promise<void> {
    if (this.failManifestRename && to === CKPT) return Promise.reject(new Error('EIO: rename failed'));
    return super.rename(from, to);
  }

  indexFiles(): string[] {
    return [...this.files.keys()]
      .map((p) => p.slice('/store/'.length))
      .filter(isChunkFileName)
      .sort();
  }
}

async function fill(store: JournalPersistenceAdapter, n: number, tag = 'm'): Promise<Message[]> {
  const ms = Array.from({ length: n }, (_, i) => textMessage(`${tag}${i}`));
  for (let i = 0; i < ms.length; i += 500) await store.write(ms.slice(i, i + 500).map(addOp), false);
  await store.write([], true);
  return ms;
}

/** A store started and recovered as the broker does it: queue messages deferred (left in the store). */
async function openDeferred(
  fs: FakeFileLayer,
): Promise<JournalPersistenceAdapter & { recoveredDeferred: RecoveredState }> {
  const store = new JournalPersistenceAdapter({
    directory: '/store',
    fileLayer: fs,
    clock: new ManualClock(),
    logger: Logger.silent(),
  });
  await store.start();
  const state = await store.recover({ deferQueueMessages: true });
  return Object.assign(store, { recoveredDeferred: state });
}

describe('incremental checkpoint', () => {
  it('rewrites only the chunks that changed: a head remove and a tail add write two chunk files', async () => {
    const fs = new RecordingFileLayer();
    const { store } = await openStore(fs);
    const ms = await fill(store, CHUNK_CAPACITY * 3 + 10);
    await store.checkpointNow();
    assert.equal(fs.indexFiles().length, 4);
    const manifest = fs.files.get(CKPT)!.data.length;
    assert.ok(manifest < 200, `manifest of ${manifest} bytes for ${ms.length} pending`);

    fs.created = [];
    const extra = textMessage('tail');
    await store.write([removeOp(ms[0]!), addOp(extra)], true);
    await store.checkpointNow();
    const chunksWritten = fs.created.filter(isChunkFileName);
    assert.equal(chunksWritten.length, 2, `written: ${fs.created.join(', ')}`);
    assert.ok(fs.created.includes('checkpoint.dat.tmp'));
    assert.equal(fs.indexFiles().length, 4, 'the files they replace are deleted');

    fs.created = [];
    await store.checkpointNow();
    assert.deepEqual(fs.created.filter(isChunkFileName), [], 'nothing changed: no chunk written');

    const { store: again, state } = await openStore(fs.crash());
    assert.deepEqual(
      idsOf(state),
      [...ms.slice(1), extra].map((m) => m.messageId),
    );
    assert.equal(again.lastRecovery?.replayedRecords, 0);
    await again.stop();
    await store.stop();
  });

  it('a crash between the chunk writes and the manifest replace recovers from the previous manifest', async () => {
    const fs = new RecordingFileLayer();
    const { store } = await openStore(fs);
    const ms = await fill(store, CHUNK_CAPACITY + 20);
    await store.checkpointNow();
    const before = fs.indexFiles();
    const later = await fill(store, 30, 'later');
    await store.write(ms.slice(0, 15).map(removeOp), true);
    fs.failManifestRename = true;
    await store.checkpointNow(); // fails after writing (and fsyncing) the new chunk files
    const leftovers = fs.indexFiles().filter((f) => !before.includes(f));
    assert.ok(leftovers.length > 0, 'new chunk files were written before the manifest failed');
    assert.deepEqual(fs.files.get(CKPT) !== undefined, true);

    const crashed = fs.crash();
    const { store: again, state, damage } = await openStore(crashed);
    assert.deepEqual(damage, []);
    assert.deepEqual(
      idsOf(state),
      [...ms.slice(15), ...later].map((m) => m.messageId),
    );
    // Deleted at start (a later checkpoint may reuse a name: chunk id and generation restart from the manifest).
    const names = await crashed.list('/store');
    for (const f of leftovers) assert.ok(!names.includes(f), `${f} was not cleaned up`);
    await again.stop();

    // The same process carries on: its next checkpoint writes the chunks the failed one could not publish,
    // also after one that failed writing a chunk file (that file is deleted, its chunk written again).
    fs.failManifestRename = false;
    await store.write([removeOp(ms[15]!)], true);
    fs.failNextWriteAfter = 10;
    await store.checkpointNow();
    assert.equal(fs.failNextWriteAfter, null, 'the injected failure hit a chunk write');
    await store.checkpointNow();
    const { store: third, state: s3 } = await openStore(fs.crash());
    assert.equal(third.lastRecovery?.replayedRecords, 0);
    assert.deepEqual(
      idsOf(s3),
      [...ms.slice(16), ...later].map((m) => m.messageId),
    );
    await third.stop();
    await store.stop();
  });

  it('a producer retry of a message stored before a clean restart is still refused as a duplicate', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const ms = await fill(store, 300);
    await store.stop();
    // Deferred, as the broker recovers queues: no message is read back, so no id is learned from a body.
    const again = await openDeferred(fs);
    assert.equal(again.lastRecovery?.replayedRecords, 0, 'the index came from chunk files, without ids');
    const retry = textMessage('retry');
    retry.messageId = ms[290]!.messageId;
    await again.write([addOp(retry)], true);
    await again.stop();
    const { store: third, state } = await openStore(fs);
    assert.deepEqual(
      idsOf(state),
      ms.map((m) => m.messageId),
    );
    await third.stop();
  });

  it('a deferred recovery gives the producer audit the ids of the most recent messages, read from the journal', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const ms = await fill(store, 9000);
    await store.stop();
    const again = await openDeferred(fs);
    const state = again.recoveredDeferred;
    const deferred = state.deferred!.get(Q.key)!;
    assert.equal(deferred.count, 9000);
    assert.deepEqual(
      [...deferred.ids()],
      ms.slice(9000 - 8192).map((m) => m.messageId),
    );
    await again.stop();
  });

  it('a version 1 checkpoint (full snapshot with ids) is read, then rewritten as version 2', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const ms = await fill(store, 25);
    await store.write([{ op: 'redelivered', destination: Q, messageId: ms[2]!.messageId, count: 4 }], true);
    await store.checkpointNow();
    // The same index, as the previous release would have written it.
    const info = decodeCheckpoint(fs.files.get(CKPT)!.data, new StoreIndex());
    const entries = [
      ...(store as unknown as { index: StoreIndex<never> }).index.destinations.get(Q.key)!.queue!.entries(),
    ];
    const v1 = encodeV1Checkpoint(info.position, entries.at(-1)!.seq + 1, [
      {
        key: Q.key,
        messages: entries.map((e, i) => ({ id: ms[i]!.messageId, seq: e.seq, ref: e.ref, redelivered: e.redelivered })),
      },
    ]);
    await store.stop();
    for (const p of [...fs.files.keys()]) if (isChunkFileName(p.slice('/store/'.length))) fs.files.delete(p);
    fs.files.set(CKPT, { data: Buffer.from(v1), durable: Buffer.from(v1) });

    const { store: again, state, damage } = await openStore(fs);
    assert.deepEqual(damage, []);
    assert.deepEqual(
      idsOf(state),
      ms.map((m) => m.messageId),
    );
    assert.equal(state.messages.get(Q.key)![2]!.redeliveryCounter, 4);
    assert.equal(again.lastRecovery?.replayedRecords, 0);
    const upgraded = fs.files.get(CKPT)!.durable;
    assert.equal(upgraded.readUInt32LE(8), 2, 'rewritten in the new version at start');
    assert.equal([...fs.files.keys()].filter((p) => isChunkFileName(p.slice('/store/'.length))).length, 1);
    // Ids came from the old checkpoint: a remove by id finds its entry.
    await again.write([removeOp(ms[0]!)], true);
    await again.stop();
    const { store: third, state: s3 } = await openStore(fs);
    assert.deepEqual(
      idsOf(s3),
      ms.slice(1).map((m) => m.messageId),
    );
    await third.stop();
  });

  it('a store written by the previous release (version 1 checkpoint on disk) opens, and is upgraded in place', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemq-v1-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await cp(repoPath('test/fixtures/store/journal-v1'), dir, { recursive: true });
    const fixtureQ = Destination.queue('fixture.q');
    const expected = Array.from({ length: 19 }, (_, i) => `ID:fixture-1:1:1:1:${i + 2}`);
    const open = async () => {
      const store = new JournalPersistenceAdapter({ directory: dir, logger: Logger.silent() });
      await store.start();
      return { store, state: await store.recover() };
    };
    const first = await open();
    assert.deepEqual(idsOf(first.state, fixtureQ), expected);
    const list = first.state.messages.get(fixtureQ.key)!;
    assert.equal(list[0]!.redeliveryCounter, 3);
    assert.equal(Buffer.from(list[18]!.body!).toString(), 'body 20');
    assert.equal((await readFile(join(dir, 'checkpoint.dat'))).readUInt32LE(8), 2);
    assert.equal((await readdir(dir)).filter(isChunkFileName).length, 1);
    await first.store.write([removeOp(list[0]!)], true);
    await first.store.stop();
    const second = await open();
    assert.equal(second.store.lastRecovery?.replayedRecords, 0);
    assert.deepEqual(idsOf(second.state, fixtureQ), expected.slice(1));
    await second.store.stop();
  });
});
