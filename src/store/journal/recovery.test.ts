import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Logger } from '../../util/logger.js';
import { StoreCorruptError, StoreLockedError } from '../store-errors.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { JournalPersistenceAdapter } from './journal-persistence-adapter.js';
import { addOp, bodyOf, idsOf, openStore, textMessage } from '../../../test/support/store/journal/journal-test-kit.js';
import { RECORD_HEADER_SIZE, SEGMENT_HEADER_SIZE } from './record.js';

const SEG1 = '/store/db-1.log';

/** Writes three single-message batches and returns them with the file offset of each record. */
async function threeRecords(fs: FakeFileLayer) {
  const { store } = await openStore(fs);
  const ms = [textMessage('a'), textMessage('b'), textMessage('c')];
  const offsets: number[] = [];
  for (const m of ms) {
    offsets.push(fs.files.get(SEG1)?.data.length ?? SEGMENT_HEADER_SIZE);
    await store.write([addOp(m)], true);
  }
  return { store, ms, offsets };
}

describe('journal recovery', () => {
  it('a record torn by a crash is truncated, reported, and the store carries on', async () => {
    const fs = new FakeFileLayer();
    const { store, ms } = await threeRecords(fs);
    const lost = textMessage('never acknowledged');
    await store.write([addOp(lost)], false); // written, not fsynced
    const crashed = fs.crash(20); // 20 bytes of it reached the disk
    const { store: again, state, damage } = await openStore(crashed);
    assert.deepEqual(
      idsOf(state),
      ms.map((m) => m.messageId),
    );
    assert.equal(damage.length, 1);
    assert.equal(damage[0]!.kind, 'torn-tail');
    assert.equal(damage[0]!.file, SEG1);
    assert.equal(damage[0]!.length, 20);
    await again.write([addOp(textMessage('d'))], true);
    await again.stop();
    const third = await openStore(crashed);
    assert.equal(idsOf(third.state).length, 4);
    assert.deepEqual(third.damage, []);
    await third.store.stop();
    await store.stop();
  });

  it('a checksum failure in the middle is reported with file and offset; the rest is recovered (replay)', async () => {
    const fs = new FakeFileLayer();
    const { store, ms, offsets } = await threeRecords(fs);
    // Crash before any later checkpoint: recovery replays the journal.
    const crashed = fs.crash();
    crashed.corrupt(SEG1, offsets[1]! + RECORD_HEADER_SIZE + 3);
    const { store: again, state, damage } = await openStore(crashed);
    assert.deepEqual(idsOf(state), [ms[0]!.messageId, ms[2]!.messageId]);
    assert.equal(damage.length, 1);
    assert.equal(damage[0]!.kind, 'corrupt-record');
    assert.equal(damage[0]!.file, SEG1);
    assert.equal(damage[0]!.offset, offsets[1]);
    assert.equal(damage[0]!.length, offsets[2]! - offsets[1]!);
    assert.match(damage[0]!.detail, /checksum/);
    await again.stop();
    await store.stop();
  });

  it('a damaged record under a checkpoint loses only its message, and says which', async () => {
    const fs = new FakeFileLayer();
    const { store, ms, offsets } = await threeRecords(fs);
    await store.stop(); // clean stop: a checkpoint covering everything
    fs.corrupt(SEG1, offsets[1]! + RECORD_HEADER_SIZE + 3);
    const { store: again, state, damage } = await openStore(fs);
    assert.deepEqual(idsOf(state), [ms[0]!.messageId, ms[2]!.messageId]);
    const lost = damage.find((d) => d.kind === 'lost-message');
    assert.ok(lost, JSON.stringify(damage));
    assert.equal(lost.file, SEG1);
    assert.ok(lost.detail.includes(ms[1]!.messageId));
    assert.ok(damage.some((d) => d.kind === 'corrupt-record' && d.offset === offsets[1]));
    await again.stop();
  });

  it('restart from a checkpoint replays only the records written after it', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    const old = Array.from({ length: 50 }, (_, i) => textMessage(`old${i}`));
    for (const m of old) await store.write([addOp(m)], true);
    await store.checkpointNow();
    const recent = [textMessage('r1'), textMessage('r2'), textMessage('r3')];
    for (const m of recent) await store.write([addOp(m)], true);
    const crashed = fs.crash();
    const { store: again, state } = await openStore(crashed);
    assert.equal(again.lastRecovery?.replayedRecords, 3);
    assert.equal(again.lastRecovery?.pendingMessages, 53);
    assert.deepEqual(
      idsOf(state),
      [...old, ...recent].map((m) => m.messageId),
    );
    assert.deepEqual(state.messages.get(old[0]!.destination.key)!.map(bodyOf).slice(-1), ['r3']);
    await again.stop();
    // The clean stop wrote a checkpoint: nothing left to replay.
    const third = await openStore(crashed);
    assert.equal(third.store.lastRecovery?.replayedRecords, 0);
    await third.store.stop();
    await store.stop();
  });

  it('a damaged checkpoint falls back to replaying the journal, and says so', async () => {
    const fs = new FakeFileLayer();
    const { store, ms } = await threeRecords(fs);
    await store.stop();
    fs.corrupt('/store/checkpoint.dat', 12);
    const { store: again, state, damage } = await openStore(fs);
    assert.deepEqual(
      idsOf(state),
      ms.map((m) => m.messageId),
    );
    assert.equal(damage[0]?.kind, 'bad-checkpoint');
    await again.stop();
  });

  it('a missing segment stops the start naming it, unless ignoreMissingJournalfiles', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { journalMaxFileLength: 2048 });
    const ms = Array.from({ length: 6 }, (_, i) => textMessage(`${i}${'m'.repeat(900)}`));
    for (const m of ms) await store.write([addOp(m)], true);
    await store.stop();
    fs.files.delete('/store/db-2.log');
    await assert.rejects(openStore(fs, { journalMaxFileLength: 2048 }), (e: unknown) => {
      assert.ok(e instanceof StoreCorruptError);
      assert.match(e.message, /db-2\.log/);
      assert.match(e.message, /ignoreMissingJournalfiles/);
      return true;
    });
    const {
      store: again,
      state,
      damage,
    } = await openStore(fs, {
      journalMaxFileLength: 2048,
      ignoreMissingJournalfiles: true,
    });
    assert.ok(idsOf(state).length < ms.length && idsOf(state).length > 0);
    const lost = damage.filter((d) => d.kind === 'lost-message');
    assert.equal(lost.length, ms.length - idsOf(state).length);
    await again.stop();
  });

  it('checkForCorruptJournalFiles reports damage even in segments nothing pending points into', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs, { journalMaxFileLength: 2048 });
    const ms = Array.from({ length: 6 }, (_, i) => textMessage(`${i}${'k'.repeat(900)}`));
    for (const m of ms) await store.write([addOp(m)], true);
    await store.write(
      [{ op: 'remove', destination: ms[0]!.destination, messageId: ms[0]!.messageId, subscription: null }],
      true,
    );
    await store.stop();
    fs.corrupt('/store/db-1.log', SEGMENT_HEADER_SIZE + RECORD_HEADER_SIZE + 2);
    const quiet = await openStore(fs, { journalMaxFileLength: 2048 });
    assert.deepEqual(quiet.damage, []);
    await quiet.store.stop();
    const checked = await openStore(fs, { journalMaxFileLength: 2048, checkForCorruptJournalFiles: true });
    assert.ok(checked.damage.some((d) => d.kind === 'corrupt-record' && d.file === '/store/db-1.log'));
    assert.equal(idsOf(checked.state).length, 5);
    await checked.store.stop();
  });

  it('a second broker on the same directory is refused with the holder pid; a stale lock is taken over', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tidemq-lock-'));
    try {
      const make = () => new JournalPersistenceAdapter({ directory, logger: Logger.silent() });
      const first = make();
      await first.start();
      const second = make();
      await assert.rejects(second.start(), (e: unknown) => {
        assert.ok(e instanceof StoreLockedError);
        assert.equal(e.directory, directory);
        assert.equal(e.holderPid, process.pid);
        assert.ok(e.message.includes(directory));
        return true;
      });
      await first.stop();
      await second.start();
      await second.stop();
      // A lock file left by a process that no longer exists does not block a start.
      await writeFile(join(directory, 'lock'), '999999999\n');
      const third = make();
      await third.start();
      await third.stop();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
