import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { StoreLockedError } from '../store-errors.js';

/**
 * An exclusive lock that the operating system releases when its holder dies, as the JVM's FileLock behind
 * ActiveMQ's shared-file-locker is. Node has no flock/fcntl, so a tiny helper holds it: util-linux's `flock`
 * takes the lock on the file and runs `cat` on a pipe from this process. When this process dies for any
 * reason (SIGKILL, OOM), the kernel closes the pipe, `cat` sees end of file and exits, `flock` exits and the
 * kernel drops the lock — nothing depends on pids, clocks or timestamps. A SIGSTOP'd holder keeps its lock (the
 * helper is not stopped), so a slave never takes over from a master that is merely frozen. On NFS v4, Linux
 * turns flock into a byte-range lock the server leases to the client; see docs/high-availability.md.
 */

/** `flock`'s exit status when the lock is taken by another holder (its --conflict-exit-code). */
const CONFLICT_EXIT = 75;
/** How long a release waits for the helper to go before killing it. */
const RELEASE_TIMEOUT_MS = 2000;

/** Raised when util-linux's `flock` is not installed; the caller falls back to the pid file. */
export class FlockUnavailableError extends Error {}

export interface OsLockOptions {
  /** Milliseconds to wait in the kernel for a holder to let go (0: try once). */
  readonly waitMs?: number;
  /** Aborting kills a waiting helper and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface OsLock {
  /** Whether the lock is still ours: the helper alive, the lock file the one locked and written by us. */
  valid(): Promise<boolean>;
  release(): Promise<void>;
}

/** What the lock file says about its holder: `<pid> <host>`, written by the holder once it has the lock. */
export function parseHolder(text: string): { pid: number | null; host: string | null } {
  const m = /^(\d+)(?:\s+(\S+))?/.exec(text.trim());
  if (m === null) return { pid: null, host: null };
  return { pid: Number(m[1]), host: m[2] ?? null };
}

/** Takes the lock on `file` (created when missing, never deleted: see release) for `directory`'s store. */
export async function osLock(file: string, directory: string, o: OsLockOptions = {}): Promise<OsLock> {
  o.signal?.throwIfAborted();
  const wait = Math.max(0, o.waitMs ?? 0);
  const args = ['--exclusive', '--close', '--conflict-exit-code', String(CONFLICT_EXIT)];
  args.push(...(wait > 0 ? ['--wait', (wait / 1000).toFixed(3)] : ['--nonblock']));
  args.push(file, 'sh', '-c', 'echo locked; exec cat');
  // detached: a process group of its own, so the Ctrl-C a terminal sends to the broker's group does not end the
  // helper (and free the lock) while the broker is still writing its final checkpoint.
  const child = spawn('flock', args, { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onAbort = (): void => {
      child.kill('SIGKILL');
      reject(abortReason(o.signal));
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => o.signal?.removeEventListener('abort', onAbort);
    child.once('error', (e: NodeJS.ErrnoException) => {
      done();
      reject(e.code === 'ENOENT' ? new FlockUnavailableError('flock (util-linux) is not installed') : e);
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.startsWith('locked\n')) {
        done();
        resolve();
      }
    });
    void exited.then(async (code) => {
      done();
      if (code === CONFLICT_EXIT) {
        const h = parseHolder(await fsp.readFile(file, 'utf8').catch(() => ''));
        reject(new StoreLockedError(directory, h.pid, h.host));
      } else {
        reject(new Error(`flock ${file} exited with status ${code}`));
      }
    });
  });
  // The holder says who it is, for the slaves' log line; ActiveMQ's LockFile likewise writes into its lock file
  // and treats a later change of the file as a lost lock (keepAlive's hasBeenModified).
  await fsp.writeFile(file, `${process.pid} ${hostname()}\n`);
  const fh = await fsp.open(file, 'r');
  let written;
  try {
    await fh.sync();
    written = await fh.stat();
  } finally {
    await fh.close();
  }
  // The helper must not keep an otherwise finished process alive (a store never stopped, a test).
  child.unref();
  for (const s of [child.stdin, child.stdout]) (s as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    async valid() {
      if (released || child.exitCode !== null || child.signalCode !== null) return false;
      const now = await fsp.stat(file).catch(() => null);
      return now !== null && now.ino === written.ino && now.mtimeMs === written.mtimeMs;
    },
    async release() {
      if (released) return;
      released = true;
      // Ending the pipe ends `cat`, then `flock`, which lets go. The file stays: deleting a lock file lets a
      // newcomer lock a fresh file while a waiter still waits on the old one, and both would be master.
      child.stdin.end();
      const t = setTimeout(() => killHelper(child), RELEASE_TIMEOUT_MS);
      await exited;
      clearTimeout(t);
    },
  };
}

function killHelper(child: ChildProcess): void {
  child.kill('SIGKILL');
}

/** The reason an abort signal carries, as an Error (AbortSignal.reason is typed unknown). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r : new Error(typeof r === 'string' ? r : 'aborted');
}
