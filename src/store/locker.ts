/**
 * ActiveMQ's Locker: what makes one broker of a master/slave pair the master. The store hands the broker a
 * locker (its own default, or the one `<locker>` configures); the broker acquires it before it recovers the
 * store and opens its transport connectors, keeps it alive every `lockKeepAlivePeriod`, and stops when the
 * keep-alive says the lock is lost — as ActiveMQ's LockableServiceSupport does.
 *
 * Implementations: the journal's file lock (shared-file-locker) and the JDBC store's lease
 * (lease-database-locker).
 */
export interface Locker {
  /** A short name for logs: `shared-file-locker`, `lease-database-locker`. */
  readonly name: string;
  /**
   * Resolves once this broker holds the lock. While another broker holds it, retries every
   * `lockAcquireSleepInterval` and logs that it waits (once, then on each change of holder). Rejects with
   * the signal's reason when aborted (the broker is stopping).
   */
  acquire(signal: AbortSignal): Promise<void>;
  /** Whether the lock is still ours; called every `lockKeepAlivePeriod` ms when that is above 0. */
  keepAlive(): Promise<boolean>;
  /** Gives the lock up; safe to call when not held. */
  release(): Promise<void>;
}

/** The settings every locker shares (`<shared-file-locker>` / `<lease-database-locker>` attributes). */
export interface LockerSettings {
  /** ms between attempts while another broker holds the lock (ActiveMQ: 10000 for the file, 1000 for JDBC). */
  readonly lockAcquireSleepInterval: number;
  /** Whether a broker that cannot take the lock fails at once instead of waiting (ActiveMQ's failIfLocked). */
  readonly failIfLocked: boolean;
}
