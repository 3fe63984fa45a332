import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { StoreLockedError } from '../store-errors.js';
import { osLock } from './os-file-lock.js';

/**
 * The OS lock behind the shared-file-locker, with real processes: the holder is another node process that
 * takes the lock through the same module, then is SIGKILLed or SIGSTOP'd.
 */

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-oslock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A node process holding the lock on `file`; resolves once it printed that it holds it. */
async function holder(t: TestContext, file: string): Promise<ChildProcess> {
  const url = new URL('./os-file-lock.js', import.meta.url).href;
  const script =
    `const m = await import(${JSON.stringify(url)}); await m.osLock(${JSON.stringify(file)}, 'dir');` +
    `console.log('held'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('held')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

describe('OS file lock (flock through a helper process)', () => {
  it('a second taker is refused with the holder pid and host; the lock is free again after release', async (t) => {
    const file = join(await tempDir(t), 'lock');
    const first = await osLock(file, 'dir');
    await assert.rejects(osLock(file, 'dir'), (e: unknown) => {
      assert.ok(e instanceof StoreLockedError);
      assert.equal(e.holderPid, process.pid);
      assert.equal(e.holderHost, hostname());
      return true;
    });
    assert.equal(await first.valid(), true);
    await first.release();
    assert.equal(await first.valid(), false);
    const second = await osLock(file, 'dir');
    await second.release();
  });

  it('the kernel releases the lock of a SIGKILLed holder: a waiter takes it at once', async (t) => {
    const file = join(await tempDir(t), 'lock');
    const child = await holder(t, file);
    await assert.rejects(osLock(file, 'dir'), StoreLockedError);
    const waiting = osLock(file, 'dir', { waitMs: 20_000 });
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const lock = await waiting;
    const tookMs = performance.now() - killedAt;
    t.diagnostic(`lock taken ${tookMs.toFixed(0)} ms after SIGKILL of its holder`);
    assert.ok(tookMs < 5000, `took ${tookMs} ms`);
    await lock.release();
  });

  it('a SIGSTOPped holder keeps its lock: a waiter does not get it until the holder dies', async (t) => {
    const file = join(await tempDir(t), 'lock');
    const child = await holder(t, file);
    child.kill('SIGSTOP');
    await assert.rejects(osLock(file, 'dir', { waitMs: 1500 }), StoreLockedError);
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    const lock = await osLock(file, 'dir', { waitMs: 20_000 });
    await lock.release();
  });

  it('a waiter is aborted by its signal', async (t) => {
    const file = join(await tempDir(t), 'lock');
    const first = await osLock(file, 'dir');
    const ac = new AbortController();
    const waiting = osLock(file, 'dir', { waitMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stopping')), 100);
    await assert.rejects(waiting, /stopping/);
    await first.release();
  });

  it('is no longer valid when its file is deleted or rewritten by another', async (t) => {
    const dir = await tempDir(t);
    const a = await osLock(join(dir, 'a'), 'dir');
    await unlink(join(dir, 'a'));
    assert.equal(await a.valid(), false);
    await a.release();
    const b = await osLock(join(dir, 'b'), 'dir');
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(dir, 'b'), '1 other-host\n');
    assert.equal(await b.valid(), false);
    await b.release();
  });
});
