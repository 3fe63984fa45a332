import { systemClock, type Clock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import type { Locker, LockerSettings } from '../locker.js';
import { StoreLockedError } from '../store-errors.js';
import { pathIn, type FileLayer, type LockHandle } from './file-layer.js';
import { abortReason } from './os-file-lock.js';

/** ActiveMQ's SharedFileLocker defaults: retry every 10 s, wait rather than fail. */
export const DEFAULT_SHARED_FILE_LOCKER: LockerSettings = { lockAcquireSleepInterval: 10_000, failIfLocked: false };

export interface SharedFileLockerOptions {
  readonly fs: FileLayer;
  /** The store directory; the lock is its `lock` file, as KahaDB's. */
  readonly directory: string;
  readonly settings?: Partial<LockerSettings>;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/**
 * The journal's `<shared-file-locker>`: the store directory's `lock` file, locked through the FileLayer (an
 * OS lock released when its holder dies). A slave waits for it in the kernel for up to
 * lockAcquireSleepInterval per attempt, so it takes over as soon as the master's process is gone, instead of
 * at the next poll as ActiveMQ's tryLock loop does; each attempt re-reads the holder for the log.
 */
export class SharedFileLocker implements Locker {
  readonly name = 'shared-file-locker';
  readonly settings: LockerSettings;
  private readonly log: Logger;
  private readonly clock: Clock;
  private handle: LockHandle | null = null;
  private lostLock = false;

  constructor(private readonly o: SharedFileLockerOptions) {
    this.settings = { ...DEFAULT_SHARED_FILE_LOCKER, ...o.settings };
    this.log = (o.logger ?? Logger.silent()).child({ locker: this.name });
    this.clock = o.clock ?? systemClock;
  }

  /** The lock file (`<directory>/lock`, as KahaDB names it). */
  get lockFile(): string {
    return pathIn(this.o.directory, 'lock');
  }

  get held(): boolean {
    return this.handle !== null;
  }

  /** Whether a keepAlive found the lock gone: nothing may be written to the store any more. */
  get lost(): boolean {
    return this.lostLock;
  }

  async acquire(signal: AbortSignal): Promise<void> {
    if (this.handle !== null) return;
    await this.o.fs.mkdirp(this.o.directory);
    const interval = Math.max(1, this.settings.lockAcquireSleepInterval);
    let reported: string | null = null;
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      const began = this.clock.now();
      try {
        // The first try does not wait, so a slave says at once that it is one.
        const waitMs = this.settings.failIfLocked || attempt === 0 ? 0 : interval;
        this.take(await this.o.fs.lock(this.lockFile, this.o.directory, { waitMs, signal }));
        if (reported !== null) this.log.info(`Database ${this.lockFile} is now locked by this broker`);
        return;
      } catch (e) {
        if (!(e instanceof StoreLockedError) || this.settings.failIfLocked) throw e;
        const holder = holderOf(e);
        // ActiveMQ's SharedFileLocker text, logged once (and again when another broker becomes the holder).
        if (holder !== reported) {
          this.log.info(
            `Database ${this.lockFile} is locked by another server. This broker is now in slave mode waiting a lock to be acquired`,
            { holder },
          );
          reported = holder;
        }
        // A layer that could not wait in the kernel (the pid file, a fake) is retried after the interval.
        const left = attempt === 0 ? 0 : interval - (this.clock.now() - began);
        if (left > 0) await sleep(this.clock, left, signal);
      }
    }
  }

  /**
   * Called by the journal's own start when no broker took the lock first (a store used on its own): one try,
   * failing with StoreLockedError, as the journal always did.
   */
  async lockNow(): Promise<void> {
    if (this.handle !== null) return;
    this.take(await this.o.fs.lock(this.lockFile, this.o.directory));
  }

  async keepAlive(): Promise<boolean> {
    if (this.handle === null) return false;
    const ok = (await this.handle.valid?.()) ?? true;
    if (!ok && !this.lostLock) {
      this.lostLock = true;
      this.log.error(`Lock file ${this.lockFile} is no longer held by this broker (its lock or file changed)`);
    }
    return ok;
  }

  async release(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.release();
  }

  private take(handle: LockHandle): void {
    this.handle = handle;
    this.lostLock = false;
  }
}

function holderOf(e: StoreLockedError): string {
  if (e.holderPid === null) return 'another process';
  return `process ${e.holderPid}${e.holderHost === null ? '' : ` on ${e.holderHost}`}`;
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal));
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
