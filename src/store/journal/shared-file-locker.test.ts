import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { addOp, openStore, textMessage } from '../../../test/support/store/journal/journal-test-kit.js';
import { ManualClock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import { StoreLockedError } from '../store-errors.js';
import { JournalPersistenceAdapter } from './journal-persistence-adapter.js';
import { SharedFileLocker } from './shared-file-locker.js';

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: Logger.create({ format: 'text', level: 'info', write: (l) => lines.push(l) }), lines };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('shared-file-locker', () => {
  it('a slave logs once that it waits, retries every lockAcquireSleepInterval and takes over on release', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const master = new SharedFileLocker({ fs, directory: '/kaha', clock });
    await master.acquire(new AbortController().signal);
    const { logger, lines } = capture();
    const slave = new SharedFileLocker({
      fs,
      directory: '/kaha',
      clock,
      logger,
      settings: { lockAcquireSleepInterval: 500 },
    });
    let got = false;
    const acquiring = slave.acquire(new AbortController().signal).then(() => (got = true));
    for (let i = 0; i < 5; i++) {
      await settle();
      clock.advance(500);
    }
    await settle();
    assert.equal(got, false);
    const waiting = lines.filter((l) => l.includes('This broker is now in slave mode waiting a lock to be acquired'));
    assert.equal(waiting.length, 1, lines.join('\n'));
    assert.match(waiting[0]!, /Database \/kaha\/lock is locked by another server/);
    assert.match(waiting[0]!, /process \d+ on fake-host/);
    await master.release();
    clock.advance(500);
    await acquiring;
    assert.equal(slave.held, true);
    await slave.release();
  });

  it('failIfLocked refuses at once with StoreLockedError', async () => {
    const fs = new FakeFileLayer();
    const master = new SharedFileLocker({ fs, directory: '/kaha' });
    await master.acquire(new AbortController().signal);
    const slave = new SharedFileLocker({ fs, directory: '/kaha', settings: { failIfLocked: true } });
    await assert.rejects(slave.acquire(new AbortController().signal), StoreLockedError);
  });

  it('a waiting slave stops waiting when aborted (the broker is stopping)', async () => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    await new SharedFileLocker({ fs, directory: '/kaha', clock }).acquire(new AbortController().signal);
    const slave = new SharedFileLocker({ fs, directory: '/kaha', clock });
    const ac = new AbortController();
    const acquiring = slave.acquire(ac.signal);
    await settle();
    ac.abort(new Error('broker stopping'));
    await assert.rejects(acquiring, /broker stopping/);
    assert.equal(slave.held, false);
  });

  it('keepAlive reports a lost lock, and the journal then refuses writes and skips its final checkpoint', async () => {
    const fs = new FakeFileLayer();
    const { store } = await openStore(fs);
    assert.equal(await store.locker.keepAlive(), true);
    await store.write([addOp(textMessage('before'))], true);
    const checkpoint = await fs.readFile('/store/checkpoint.dat');
    fs.revokeLock('/store/lock');
    assert.equal(await store.locker.keepAlive(), false);
    assert.equal(store.locker.lost, true);
    await assert.rejects(store.write([addOp(textMessage('after'))], true), /lost its lock/);
    await store.stop();
    assert.deepEqual(await fs.readFile('/store/checkpoint.dat'), checkpoint, 'no checkpoint written after the loss');
  });

  it('a store whose locker a broker acquired first starts on that lock; stopping the store lets it go', async () => {
    const fs = new FakeFileLayer();
    const make = (): JournalPersistenceAdapter =>
      new JournalPersistenceAdapter({
        directory: '/s',
        fileLayer: fs,
        clock: new ManualClock(),
        logger: Logger.silent(),
      });
    const store = make();
    await store.locker.acquire(new AbortController().signal);
    await store.start();
    await assert.rejects(make().start(), StoreLockedError);
    await store.stop();
    assert.equal(store.locker.held, false);
    const next = make();
    await next.start();
    await next.stop();
  });
});
