import type { SharedFileLockerConfig } from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';

/** SharedFileLocker's defaults (AbstractLocker: lockAcquireSleepInterval 10000, failIfLocked false). */
export function defaultSharedFileLocker(): SharedFileLockerConfig {
  return { type: 'shared-file-locker', lockAcquireSleepInterval: 10_000, failIfLocked: false };
}

/**
 * `<kahaDB><locker>…</locker></kahaDB>`. The journal's lock is a file lock, so `<shared-file-locker>` is the one
 * locker it takes; ActiveMQ would also accept a database locker here (a KahaDB master elected through a JDBC
 * lock), which TideMQ refuses at start-up rather than run the journal unlocked.
 */
export function readKahaDBLocker(r: ElementReader): SharedFileLockerConfig | undefined {
  const l = r.single('locker');
  if (l === undefined) return undefined;
  if (l.name !== 'shared-file-locker') {
    throw new ConfigError(
      l.el.location,
      `${tag(l.el)} cannot lock a kahaDB store in TideMQ; use <shared-file-locker/> (a file lock on the store directory)`,
    );
  }
  const c = defaultSharedFileLocker();
  c.lockAcquireSleepInterval = l.number('lockAcquireSleepInterval') ?? c.lockAcquireSleepInterval;
  c.failIfLocked = l.bool('failIfLocked') ?? c.failIfLocked;
  if (c.lockAcquireSleepInterval <= 0) {
    throw new ConfigError(
      l.attribute('lockAcquireSleepInterval')!.location,
      `${tag(l.el)} lockAcquireSleepInterval must be above 0; found ${c.lockAcquireSleepInterval}`,
    );
  }
  // SharedFileLocker.configure sets the directory to the store's, whatever was written; the name only labels
  // its trace lines; lockable is the store it sits in.
  const dir = l.attribute('directory');
  if (dir !== undefined) {
    l.ctx.warn(dir.location, `attribute directory of ${tag(l.el)} has no effect: the lock is in the store directory`);
  }
  l.accept('directory', 'name', 'lockable');
  l.finish();
  return c;
}
