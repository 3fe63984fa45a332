import pg from 'pg';
import { systemClock, type Clock } from '../../util/clock.js';

/**
 * The system clock, but with timers that keep the process alive: a slave waiting for the lease has nothing else
 * running (its connectors are not open yet), and must not exit between two attempts.
 */
const waitingClock: Clock = {
  now: () => systemClock.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};
import { Logger } from '../../util/logger.js';
import type { Locker, LockerSettings } from '../locker.js';
import { describeDatabaseError, JdbcStoreError } from './jdbc-errors.js';
import type { Statements } from './statements.js';

export interface LeaseDatabaseLockerOptions extends LockerSettings {
  readonly pool: pg.PoolConfig;
  readonly dataSourceName: string;
  readonly statements: Statements;
  /** Who holds the lease: ActiveMQ's leaseHolderId, by default the broker name. Must differ between brokers. */
  readonly leaseHolderId: string;
  /**
   * ActiveMQ's maxAllowableDiffFromDBTime (ms, default 0 = off): when this host's clock differs from the
   * database's by more, lease times are computed on the database's clock instead.
   */
  readonly maxAllowableDiffFromDBTime?: number;
  /** The store's lockKeepAlivePeriod, only to warn when it lets the lease lapse (as ActiveMQ warns). */
  readonly lockKeepAlivePeriod?: number;
  /** Creates ACTIVEMQ_LOCK when createTablesOnStartup says so (the store's `schema()`), before the first try. */
  readonly prepare?: () => Promise<void>;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * ActiveMQ's lease-database-locker: the master is whoever holds row ID=1 of ACTIVEMQ_LOCK, BROKER_NAME naming
 * it and TIME the end of its lease (ms since the epoch). A broker takes the lease when it is free or expired
 * (`UPDATE … SET BROKER_NAME=?, TIME=? WHERE (TIME IS NULL OR TIME < ?) AND ID = 1`), and the master renews it
 * every lockKeepAlivePeriod for another lockAcquireSleepInterval (`… WHERE BROKER_NAME=? AND ID = 1`). The same
 * statements and values as ActiveMQ 5.17's LeaseDatabaseLocker, so a TideMQ and an ActiveMQ broker can be master
 * and slave of each other on one database.
 *
 * One difference, a safer default: when the database cannot be reached to renew, ActiveMQ warns and keeps
 * serving even after its lease has run out (a slave may then be master too); here keepAlive answers "lost"
 * once the lease this broker last wrote has expired, so the broker stops.
 */
export class LeaseDatabaseLocker implements Locker {
  readonly name = 'lease-database-locker';
  private readonly clock: Clock;
  private readonly log: Logger;
  /** ms to add to this host's clock to get the database's (ActiveMQ's diffFromCurrentTime); null until known. */
  private diff: number | null = null;
  /** The end of the lease this broker last wrote, or 0 when it holds none. */
  private leaseEnd = 0;
  private lastHolder: string | null | undefined = undefined;

  constructor(private readonly options: LeaseDatabaseLockerOptions) {
    this.clock = options.clock ?? waitingClock;
    this.log = options.logger ?? Logger.silent();
  }

  get leaseHolderId(): string {
    return this.options.leaseHolderId;
  }

  async acquire(signal: AbortSignal): Promise<void> {
    const o = this.options;
    const s = o.statements;
    if (o.lockKeepAlivePeriod !== undefined && o.lockAcquireSleepInterval < o.lockKeepAlivePeriod) {
      this.log.warn(
        `lockKeepAlivePeriod ${o.lockKeepAlivePeriod}, which renews the lease, is greater than ` +
          `lockAcquireSleepInterval ${o.lockAcquireSleepInterval}, the lease duration: the lease will expire`,
      );
    }
    this.log.info(`${o.leaseHolderId} attempting to acquire exclusive lease to become the master`);
    for (;;) {
      signal.throwIfAborted();
      let heldBy: { holder: string | null; until: number } | null = null;
      try {
        await o.prepare?.();
        heldBy = await this.withClient(async (c) => {
          const now = await this.now(c);
          const r = await c.query(
            `UPDATE ${s.lockTable} SET BROKER_NAME=$1, TIME=$2 WHERE (TIME IS NULL OR TIME < $3) AND ID = 1`,
            [o.leaseHolderId, now + o.lockAcquireSleepInterval, now],
          );
          if (r.rowCount === 1) {
            this.leaseEnd = this.clock.now() + o.lockAcquireSleepInterval;
            return null;
          }
          const owner = await c.query<{ broker_name: string | null; time: string | null }>(
            `SELECT BROKER_NAME, TIME FROM ${s.lockTable} WHERE ID = 1`,
          );
          const row = owner.rows[0];
          if (row === undefined) {
            throw new JdbcStoreError(`${s.lockTable} has no row with ID = 1 in ${o.dataSourceName}`);
          }
          return { holder: row.broker_name, until: Number(row.time ?? 0) };
        });
        if (heldBy === null) {
          this.log.info(
            `${o.leaseHolderId}, becoming master with lease expiry ${new Date(this.leaseEnd).toISOString()} on ` +
              `dataSource: ${o.dataSourceName}`,
          );
          return;
        }
        if (o.failIfLocked) {
          throw new JdbcStoreError(
            `the lease on ${o.dataSourceName} is held by ${heldBy.holder ?? 'another broker'} and failIfLocked is set`,
          );
        }
        if (heldBy.holder !== this.lastHolder) {
          this.lastHolder = heldBy.holder;
          this.log.info(
            `${o.leaseHolderId} waiting for the lease held by ${heldBy.holder ?? '(nobody)'} until ` +
              `${new Date(heldBy.until).toISOString()}; retrying every ${o.lockAcquireSleepInterval} ms`,
          );
        }
      } catch (e) {
        if (e instanceof JdbcStoreError && o.failIfLocked) throw e;
        signal.throwIfAborted();
        this.log.warn(`${o.leaseHolderId} lease acquire failure: ${describeDatabaseError(e, o.dataSourceName)}`);
      }
      await this.sleep(o.lockAcquireSleepInterval, signal);
    }
  }

  async keepAlive(): Promise<boolean> {
    const o = this.options;
    try {
      return await this.withClient(async (c) => {
        const now = await this.now(c);
        const r = await c.query(
          `UPDATE ${o.statements.lockTable} SET BROKER_NAME=$1, TIME=$2 WHERE BROKER_NAME=$3 AND ID = 1`,
          [o.leaseHolderId, now + o.lockAcquireSleepInterval, o.leaseHolderId],
        );
        if (r.rowCount === 1) {
          this.leaseEnd = this.clock.now() + o.lockAcquireSleepInterval;
          return true;
        }
        this.log.error(`${o.leaseHolderId} lost the lease on ${o.dataSourceName}: another broker holds it`);
        this.leaseEnd = 0;
        return false;
      });
    } catch (e) {
      const why = describeDatabaseError(e, o.dataSourceName);
      if (this.clock.now() >= this.leaseEnd) {
        this.log.error(`${o.leaseHolderId} could not renew its lease before it expired: ${why}`);
        return false;
      }
      this.log.warn(`${o.leaseHolderId}, failed to update lease: ${why}`);
      throw new JdbcStoreError(`failed to update lease: ${why}`, { cause: e });
    }
  }

  async release(): Promise<void> {
    const o = this.options;
    if (this.leaseEnd === 0) return;
    this.leaseEnd = 0;
    try {
      const r = await this.withClient((c) =>
        c.query(`UPDATE ${o.statements.lockTable} SET BROKER_NAME=$1, TIME=$2 WHERE BROKER_NAME=$3 AND ID = 1`, [
          null,
          0,
          o.leaseHolderId,
        ]),
      );
      if (r.rowCount === 1) this.log.info(`${o.leaseHolderId}, released lease`);
    } catch (e) {
      this.log.error(`${o.leaseHolderId} failed to release lease: ${describeDatabaseError(e, o.dataSourceName)}`);
    }
  }

  /** This host's time on the database's clock (LeaseDatabaseLocker.initTimeDiff / determineTimeDifference). */
  private async now(c: pg.Client): Promise<number> {
    if (this.diff === null) {
      this.diff = 0;
      const max = this.options.maxAllowableDiffFromDBTime ?? 0;
      if (max > 0) {
        const r = await c.query<{ t: Date }>(`SELECT CURRENT_TIMESTAMP AS t`);
        const delta = this.clock.now() - r.rows[0]!.t.getTime();
        if (Math.abs(delta) > max) this.diff = -delta;
        this.log.info(
          `${this.options.leaseHolderId} diff adjust from db: ${this.diff}, db time: ${r.rows[0]!.t.toISOString()}`,
        );
      }
    }
    return this.clock.now() + this.diff;
  }

  /** One connection per call, as ActiveMQ takes one from the data source: a restarted database costs nothing. */
  private async withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client(this.options.pool);
    c.on('error', () => {});
    await c.connect();
    try {
      // An ActiveMQ master on its default locker (DefaultDatabaseLocker) holds ACTIVEMQ_LOCK's row with SELECT …
      // FOR UPDATE in an open transaction: the lease UPDATE would wait on that row lock for as long as ActiveMQ
      // lives, deaf to a stop. Bounded, it fails like any other attempt and is retried after the sleep.
      await c.query(`SET lock_timeout = ${Math.max(100, Math.floor(this.options.lockAcquireSleepInterval))}`);
      return await fn(c);
    } finally {
      await c.end().catch(() => {});
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        timer.cancel();
        reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      };
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
