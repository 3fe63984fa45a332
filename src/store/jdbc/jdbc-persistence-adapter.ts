import pg from 'pg';
import { Destination } from '../../model/destination.js';
import type { Message, PropertyDecoder } from '../../model/message.js';
import { Logger } from '../../util/logger.js';
import type { Locker } from '../locker.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import { decodeOperation, encodeOperation, validateOperation } from '../operation-codec.js';
import type {
  DeferredQueue,
  DurableSubscriptionRecord,
  PersistenceAdapter,
  RecoveredState,
  RecoverOptions,
  StoreOperation,
} from '../persistence-adapter.js';
import { StoreCorruptError, StoreFailedError, StoreFullError, StoreStateError } from '../store-errors.js';
import { StoreIndex, subscriptionAckKey, type IndexedDestination } from '../store-index.js';
import { describeDatabaseError, isConnectionError, JdbcStoreError } from './jdbc-errors.js';
import type { JdbcMessageFormat } from './message-format.js';
import { messageIdFromColumns, Statements } from './statements.js';
import { type Step, planSteps, runSteps } from './jdbc-steps.js';

/** The store's handle on a row: its ID (the store sequence) and the bytes it holds, for size(). */
export interface RowRef {
  readonly id: number;
  readonly bytes: number;
  /** Whether the row was written (a refused duplicate or an unwanted topic message never is). */
  stored: boolean;
}

export interface JdbcPersistenceAdapterOptions {
  /** Connection settings, from the Spring data source (data-source.ts). */
  readonly pool: pg.PoolConfig;
  /** How logs and errors name the database: `postgres-ds (jdbc:postgresql://db:5432/activemq)`. */
  readonly dataSourceName: string;
  readonly statements?: Statements;
  /** ActiveMQ's createTablesOnStartup (default true): run the schema statements at start. */
  readonly createTablesOnStartup?: boolean;
  readonly format: JdbcMessageFormat;
  /** For the operations of prepared XA transactions, kept in TideMQ's own encoding. */
  readonly propertyDecoder?: PropertyDecoder;
  /** The lease-database-locker (or none with useLock="false"); built by the caller over `schema()`. */
  readonly locker?: Locker;
  /**
   * How long a write waits for the database to come back after losing its connection before the store fails
   * (ms; 0 fails at once). See docs/jdbc-store.md: ActiveMQ's JDBCIOExceptionHandler keeps the broker up and
   * resumes when the database is back, which this matches for writes.
   */
  readonly reconnectTimeout?: number;
  /** ms between attempts while reconnecting (ActiveMQ's resumeCheckSleepPeriod, 5000). */
  readonly reconnectInterval?: number;
  /**
   * The broker's deleteAllMessagesOnStartup: every message, durable subscription and prepared transaction is
   * deleted at start (ActiveMQ's JDBCPersistenceAdapter.deleteAllMessages), after the lease is taken.
   */
  readonly deleteAllMessagesOnStartup?: boolean;
  /** systemUsage storeUsage limit in bytes of pending MSG data (0: none), as the journal store applies it. */
  readonly storeLimit?: number;
  /** systemUsage sendFailIfNoSpace: refuse at once when the limit is reached instead of waiting. */
  readonly sendFailIfNoSpace?: boolean;
  /** systemUsage sendFailIfNoSpaceAfterTimeout: wait at most this many ms for space, then refuse (0: no limit). */
  readonly sendFailIfNoSpaceAfterTimeout?: number;
  readonly logger?: Logger;
}

interface SpaceWaiter {
  readonly pending: Pending;
  readonly bytes: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** How often waiting producers re-check for space (ActiveMQ's Usage.waitForSpace polls every second). */
const SPACE_CHECK_MS = 1000;
/** Batches allowed to wait for space at once; more are refused, so a flood cannot pile up in memory. */
const MAX_SPACE_WAITERS = 10_000;

interface Pending {
  readonly batch: readonly StoreOperation[];
  readonly encoded: Map<Message, Uint8Array>;
  resolve(): void;
  reject(e: unknown): void;
}

/** How many writers' batches one transaction may take (group commit). */
const MAX_GROUP = 512;

/**
 * `<jdbcPersistenceAdapter>` on PostgreSQL, on ActiveMQ 5.17's own tables (statements.ts) so that TideMQ takes
 * over a database ActiveMQ wrote, and the other way round. The database is the truth; the process keeps only an
 * index of what is pending (ids, store sequences, which durable subscription still waits for which topic
 * message), rebuilt at recovery, as the journal store keeps its index. The broker's operations go through the
 * same StoreIndex as the other stores, so all answer alike; what the index drops becomes a DELETE.
 *
 * Writes from concurrent callers are grouped: one transaction per group, one commit (group commit), as
 * ActiveMQ's JDBC store batches statements within its TransactionContext.
 */
export class JdbcPersistenceAdapter implements PersistenceAdapter {
  readonly name = 'jdbc';
  readonly statements: Statements;
  private readonly log: Logger;
  private pool: pg.Pool;
  private index = this.newIndex();
  private bytes = 0;
  private started = false;
  private recovered = false;
  private stopping = false;
  private failure: Error | null = null;
  private readonly queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** Steps the index asked for while applying one operation (its releases), collected by `plan`. */
  private released: number[] = [];
  private schemaReady: Promise<void> | null = null;
  private hasNoLocal = true;
  private readonly spaceWaiters: SpaceWaiter[] = [];
  private spaceTimer: ReturnType<typeof setInterval> | null = null;
  /** Bytes of batches queued for the writer, counted against storeLimit before they are committed. */
  private queuedBytes = 0;
  /** Transactions committed by the writer (a group of concurrent writes is one); for tests and diagnostics. */
  transactions = 0;

  constructor(private readonly options: JdbcPersistenceAdapterOptions) {
    this.statements = options.statements ?? new Statements();
    this.log = options.logger ?? Logger.silent();
    this.pool = this.newPool();
  }

  /** Read when the broker asks, so the caller may build the locker over this store's `schema()` afterwards. */
  get locker(): Locker | undefined {
    return this.options.locker;
  }

  private newIndex(): StoreIndex<RowRef> {
    return new StoreIndex<RowRef>((ref) => {
      this.bytes -= ref.bytes;
      if (ref.stored) this.released.push(ref.id);
    });
  }

  /**
   * Makes sure the schema is there: with createTablesOnStartup, runs ActiveMQ's statements (each on its own,
   * failures ignored as ActiveMQ ignores them) and TideMQ's additions; without, checks that every table exists
   * and names the one that does not. Shared with the locker, which needs ACTIVEMQ_LOCK before the store starts.
   */
  schema(): Promise<void> {
    this.schemaReady ??= this.prepareSchema().catch((e: unknown) => {
      this.schemaReady = null;
      throw e;
    });
    return this.schemaReady;
  }

  private async prepareSchema(): Promise<void> {
    const client = await this.connect();
    try {
      if (this.options.createTablesOnStartup ?? true) {
        const exists = await tableExists(client, this.statements.messageTable);
        for (const sql of [...this.statements.createSchemaStatements(), ...this.statements.createTideMQStatements()]) {
          try {
            await client.query(sql);
          } catch (e) {
            if (!exists) this.log.debug(`schema statement failed (the object may exist): ${sql}: ${String(e)}`);
          }
        }
      } else {
        for (const table of this.statements.requiredTables()) {
          if (!(await tableExists(client, table))) {
            throw new JdbcStoreError(
              `table ${table} does not exist in ${this.options.dataSourceName} and createTablesOnStartup is ` +
                'false: create the schema (docs/jdbc-store.md) or set createTablesOnStartup="true"',
            );
          }
        }
      }
      this.hasNoLocal = await columnExists(client, this.statements.ackTable, 'no_local');
    } finally {
      client.release();
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return watched(await this.pool.connect());
    } catch (e) {
      throw new JdbcStoreError(describeDatabaseError(e, this.options.dataSourceName), { cause: e });
    }
  }

  private newPool(): pg.Pool {
    const pool = new pg.Pool(this.options.pool);
    // An idle client losing its server must not crash the process: pg reports it here, the next query fails.
    pool.on('error', (e) => this.log.warn(`PostgreSQL connection lost: ${e.message}`));
    return pool;
  }

  /** Closes every connection (a failed start must not leave sockets keeping the process alive). */
  private async resetPool(): Promise<void> {
    const old = this.pool;
    this.pool = this.newPool();
    await old.end().catch(() => {});
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.stopping = false;
    this.failure = null;
    try {
      await this.schema();
      if (this.options.deleteAllMessagesOnStartup === true) await this.deleteAll();
    } catch (e) {
      await this.resetPool();
      throw e;
    }
    this.index = this.newIndex();
    this.bytes = 0;
    this.recovered = false;
    this.started = true;
    this.log.info(`Persistent messages are kept in PostgreSQL: ${this.options.dataSourceName}`);
  }

  private async deleteAll(): Promise<void> {
    const s = this.statements;
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      for (const t of [s.messageTable, s.ackTable, s.destinationTable, s.preparedTable])
        await client.query(`DELETE FROM ${t}`);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw new JdbcStoreError(
        `deleteAllMessagesOnStartup failed: ${describeDatabaseError(e, this.options.dataSourceName)}`,
      );
    } finally {
      client.release();
    }
    this.log.warn(`deleteAllMessagesOnStartup: deleted every stored message in ${this.options.dataSourceName}`);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    if (this.spaceTimer !== null) clearInterval(this.spaceTimer);
    this.spaceTimer = null;
    for (const w of this.spaceWaiters.splice(0)) {
      if (w.timer !== null) clearTimeout(w.timer);
      w.pending.reject(new StoreStateError('jdbc store stopped while the batch waited for store space'));
    }
    // Writes already accepted are committed (or fail) before the connections close.
    while (this.flushing !== null) await this.flushing;
    this.started = false;
    this.schemaReady = null;
    await this.resetPool();
  }

  async recover(options?: RecoverOptions): Promise<RecoveredState> {
    if (!this.started) throw new StoreStateError('jdbc store: recover() before start()');
    if (this.recovered) throw new StoreStateError('jdbc store: recover() called twice');
    this.recovered = true;
    const defer = options?.deferQueueMessages === true;
    const deferDurable = options?.deferDurableMessages === true;
    const s = this.statements;
    const db = await this.connect();
    try {
      for (const r of (await db.query<{ container: string }>(`SELECT CONTAINER FROM ${s.destinationTable}`)).rows) {
        this.index.ensureDestination(Destination.parse(r.container));
      }
      // One row per subscription (ActiveMQ's prioritizedMessages keeps ten, one per priority: the lowest
      // LAST_ACKED_ID of them is what the subscription surely consumed).
      const noLocal = this.hasNoLocal ? 'NO_LOCAL' : 'NULL AS NO_LOCAL';
      const subRows = await db.query<SubRow>(
        `SELECT CONTAINER, CLIENT_ID, SUB_NAME, SELECTOR, LAST_ACKED_ID, ${noLocal} FROM ${s.ackTable} ORDER BY PRIORITY`,
      );
      const lastAcked = new Map<string, number>();
      let maxSeq = 0;
      for (const r of subRows.rows) {
        const destination = Destination.parse(r.container);
        const key = `${r.client_id}:${r.sub_name}`;
        const mark = r.last_acked_id === null ? -1 : Number(r.last_acked_id);
        maxSeq = Math.max(maxSeq, mark);
        const k = subscriptionAckKey(destination, key);
        const before = lastAcked.get(k);
        lastAcked.set(k, before === undefined ? mark : Math.min(before, mark));
        if (before !== undefined) continue;
        const sub: DurableSubscriptionRecord = {
          destination,
          key,
          clientId: r.client_id,
          subscriptionName: r.sub_name,
          selector: r.selector,
          noLocal: r.no_local !== null && Number(r.no_local) !== 0,
        };
        this.index.apply({ op: 'add-subscription', subscription: sub }, null);
      }
      const msgRows = await db.query<MsgRow>(
        `SELECT ID, CONTAINER, MSGID_PROD, MSGID_SEQ, XID, octet_length(MSG) AS LEN,
           CASE WHEN ($1::boolean AND CONTAINER LIKE 'queue://%') OR ($2::boolean AND CONTAINER LIKE 'topic://%')
             THEN NULL ELSE MSG END AS MSG
         FROM ${s.messageTable} ORDER BY ID`,
        [defer, deferDurable],
      );
      const messages = new Map<string, Message[]>();
      let inDoubt = 0;
      for (const r of msgRows.rows) {
        const id = Number(r.id);
        maxSeq = Math.max(maxSeq, id);
        // ActiveMQ's own prepared XA work (XID set): only ActiveMQ can decode its outcome; left untouched.
        if (r.xid !== null) {
          inDoubt++;
          continue;
        }
        const destination = Destination.parse(r.container);
        const messageId = messageIdFromColumns(r.msgid_prod ?? '', r.msgid_seq === null ? -1 : Number(r.msgid_seq));
        const ref: RowRef = { id, bytes: Number(r.len ?? 0), stored: true };
        this.bytes += ref.bytes;
        const entry = this.index.addMessage(destination, messageId, ref, id);
        if (entry === null) continue;
        if (entry.waiting !== null) {
          for (const key of [...entry.waiting]) {
            const mark = lastAcked.get(subscriptionAckKey(destination, key)) ?? -1;
            if (id <= mark) {
              this.index.apply({ op: 'remove', destination, messageId, subscription: key }, null);
            }
          }
          if (!this.index.destinations.get(destination.key)?.messages.has(messageId)) continue;
        }
        if (r.msg !== null) {
          const m = this.decode(r.msg, id);
          let list = messages.get(destination.key);
          if (list === undefined) messages.set(destination.key, (list = []));
          list.push(m);
        }
      }
      if (inDoubt > 0) {
        this.log.warn(
          `${inDoubt} message row(s) carry an XID: prepared XA work of an ActiveMQ broker, left as they are ` +
            '(resolve the transactions on ActiveMQ before moving the database to TideMQ)',
        );
      }
      this.index.nextSeq = maxSeq + 1;
      // Topic rows nobody waits for any more (ActiveMQ's periodic cleanup would delete them too).
      const dead = this.takeReleased();
      if (dead.length > 0) await db.query(`DELETE FROM ${s.messageTable} WHERE ID = ANY($1::bigint[])`, [dead]);
      const prepared = new Map<string, readonly StoreOperation[]>();
      for (const r of (await db.query<{ xid: string; ops: Buffer }>(`SELECT XID, OPS FROM ${s.preparedTable}`)).rows) {
        const ops = this.decodePrepared(r.ops, r.xid);
        prepared.set(r.xid, ops);
        const ref: RowRef = { id: -1, bytes: r.ops.length, stored: false };
        this.bytes += ref.bytes;
        this.index.setPrepared(r.xid, ref);
      }
      const deferred = new Map<string, DeferredQueue>();
      if (defer || deferDurable) {
        for (const d of this.index.destinations.values()) {
          if (d.messages.size === 0 || (d.destination.isQueue ? !defer : !deferDurable)) continue;
          const map = d.messages;
          deferred.set(d.destination.key, { count: map.size, ids: () => map.keys() });
        }
      }
      return {
        destinations: [...this.index.destinations.values()].map((d) => d.destination),
        messages,
        deferred,
        ...(deferDurable ? { deferredSubscriptions: this.index.subscriptionBacklogs() } : {}),
        subscriptions: this.index.subscriptionsList(),
        subscriptionAcks: this.index.subscriptionAcks(),
        prepared,
      };
    } finally {
      db.release();
    }
  }

  write(batch: readonly StoreOperation[], _sync: boolean): Promise<void> {
    // ActiveMQ's JDBC store commits every write; a non-sync write is simply also durable.
    if (!this.started || this.stopping) return Promise.reject(new StoreStateError('jdbc store is not started'));
    if (this.failure !== null) return Promise.reject(this.failure);
    const encoded = new Map<Message, Uint8Array>();
    try {
      // Everything that can refuse a batch happens here, before the index sees it: a batch is whole or nothing.
      for (const op of batch) {
        validateOperation(op);
        if (op.op === 'add') encoded.set(op.message, this.options.format.encode(op.message));
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = { batch, encoded, resolve, reject };
      const limit = this.options.storeLimit ?? 0;
      let bytes = 0;
      for (const b of encoded.values()) bytes += b.length;
      if (limit > 0 && bytes > 0 && (this.spaceWaiters.length > 0 || !this.fits(bytes))) {
        // Producer flow control on storeUsage, as the journal store (and ActiveMQ) applies it: refuse at once
        // with sendFailIfNoSpace, else wait in turn until consumption frees space or the timeout passes.
        if (this.options.sendFailIfNoSpace === true || this.spaceWaiters.length >= MAX_SPACE_WAITERS) {
          reject(this.fullError(batch));
          return;
        }
        this.waitForSpace({ pending, bytes, timer: null });
        return;
      }
      this.enqueue(pending, bytes);
    });
  }

  private enqueue(p: Pending, bytes: number): void {
    this.queuedBytes += bytes;
    const settle = (): void => {
      this.queuedBytes -= bytes;
    };
    this.queue.push({
      ...p,
      resolve: () => {
        settle();
        p.resolve();
        this.admitWaiters();
      },
      reject: (e) => {
        settle();
        p.reject(e);
        this.admitWaiters();
      },
    });
    this.kick();
  }

  private fits(bytes: number): boolean {
    return this.bytes + this.queuedBytes + bytes <= (this.options.storeLimit ?? 0);
  }

  private fullError(batch: readonly StoreOperation[]): StoreFullError {
    const first = batch.find((op) => op.op === 'add');
    return new StoreFullError(
      this.bytes,
      this.options.storeLimit ?? 0,
      this.options.dataSourceName,
      first?.message.producerId ?? null,
      first?.destination.key ?? null,
    );
  }

  private waitForSpace(w: SpaceWaiter): void {
    if (this.spaceWaiters.length === 0) this.log.warn(`${this.fullError(w.pending.batch).message} (waiting for space)`);
    const timeout = this.options.sendFailIfNoSpaceAfterTimeout ?? 0;
    if (timeout > 0) {
      w.timer = setTimeout(() => {
        const i = this.spaceWaiters.indexOf(w);
        if (i < 0) return;
        this.spaceWaiters.splice(i, 1);
        w.pending.reject(this.fullError(w.pending.batch));
        this.admitWaiters();
      }, timeout);
    }
    this.spaceWaiters.push(w);
    this.spaceTimer ??= setInterval(() => this.admitWaiters(), SPACE_CHECK_MS);
  }

  /** Lets waiting batches through, in order, while they fit (after each commit and every second). */
  private admitWaiters(): void {
    while (this.spaceWaiters.length > 0) {
      const w = this.spaceWaiters[0]!;
      if (!this.fits(w.bytes)) break;
      this.spaceWaiters.shift();
      if (w.timer !== null) clearTimeout(w.timer);
      this.enqueue(w.pending, w.bytes);
    }
    if (this.spaceWaiters.length === 0 && this.spaceTimer !== null) {
      clearInterval(this.spaceTimer);
      this.spaceTimer = null;
    }
  }

  /**
   * Starts the writer unless it runs. A caller resumed by its write's resolution may queue the next write before
   * the finishing writer has cleared `flushing`, so the writer looks at the queue again once it has.
   */
  private kick(): void {
    if (this.flushing !== null) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      let steps: Step[];
      try {
        steps = this.plan(group);
      } catch (e) {
        this.fail(e, group);
        continue;
      }
      try {
        await this.execute(steps);
        for (const p of group) p.resolve();
      } catch (e) {
        this.fail(e, group);
      }
    }
  }

  /**
   * The index no longer matches the database once a planned group failed to commit, so the store stops taking
   * writes until it is restarted (and recovers from the database), as the journal does after a failed write.
   */
  private fail(e: unknown, group: Pending[]): void {
    const err =
      e instanceof StoreFailedError
        ? e
        : new StoreFailedError(
            `PostgreSQL store write failed: ${describeDatabaseError(e, this.options.dataSourceName)}`,
            {
              cause: e,
            },
          );
    if (this.failure === null) this.log.error(err.message);
    this.failure = err;
    for (const p of [...group, ...this.queue.splice(0)]) p.reject(err);
  }

  private plan(group: Pending[]): Step[] {
    const planCtx = {
      statements: this.statements,
      index: this.index,
      hasNoLocal: this.hasNoLocal,
      takeReleased: () => this.takeReleased(),
      addBytes: (n: number) => {
        this.bytes += n;
      },
      encodePrepared: (ops: readonly StoreOperation[]) => {
        const w = new ByteWriter();
        w.varuint(ops.length);
        for (const op of ops) encodeOperation(w, op, true);
        return w.copy();
      },
    };
    return planSteps(planCtx, group);
  }

  /** Runs a group's steps in one transaction; while the database is unreachable, waits and tries again. */
  private async execute(steps: Step[]): Promise<void> {
    const timeout = this.options.reconnectTimeout ?? 0;
    const interval = this.options.reconnectInterval ?? 5000;
    const since = Date.now();
    let warned = false;
    for (;;) {
      let client: pg.PoolClient | null = null;
      try {
        client = watched(await this.pool.connect());
        await runSteps(client, this.statements, steps, this.options.format);
        this.transactions++;
        client.release();
        if (warned) this.log.info(`PostgreSQL is reachable again (${this.options.dataSourceName}); writes resume`);
        return;
      } catch (e) {
        // A client whose connection broke is destroyed, not returned to the pool.
        client?.release(isConnectionError(e) ? (e as Error) : undefined);
        if (!isConnectionError(e) || this.stopping || Date.now() - since >= timeout) throw e;
        if (!warned) {
          this.log.warn(
            `PostgreSQL unreachable (${describeDatabaseError(e, this.options.dataSourceName)}); writes wait and ` +
              `retry every ${interval} ms for up to ${timeout} ms`,
          );
          warned = true;
        }
        // Not unref'd: a write waiting for the database is work in progress.
        await new Promise((r) => setTimeout(r, interval));
      }
    }
  }

  private takeReleased(): number[] {
    const r = this.released;
    this.released = [];
    return r;
  }

  async readMessages(destination: Destination, afterSequence: number, max: number): Promise<Message[]> {
    if (!this.started) throw new StoreStateError('jdbc store is not started');
    if (max <= 0) return [];
    // Statements.getFindNextMessagesStatement, with PostgresqlJDBCAdapter.limitQuery's LIMIT.
    const r = await this.pool.query<{ id: string; msg: Buffer }>(
      `SELECT ID, MSG FROM ${this.statements.messageTable} WHERE CONTAINER=$1 AND ID > $2 AND XID IS NULL ORDER BY ID LIMIT $3`,
      [destination.key, afterSequence, max],
    );
    return r.rows.map((row) => this.decode(row.msg, Number(row.id)));
  }

  /**
   * A page of what a durable subscription has not consumed: the index knows which rows wait for it (what its
   * LAST_ACKED_ID mark and the acks since say), the rows are read by ID. A row whose INSERT is still being
   * committed ends the page before it, so the cursor does not pass over it.
   */
  async readSubscriptionMessages(
    topic: Destination,
    subscriptionKey: string,
    afterSequence: number,
    max: number,
  ): Promise<Message[]> {
    if (!this.started) throw new StoreStateError('jdbc store is not started');
    const ids: number[] = [];
    for (const e of this.index.entriesAfter(topic, afterSequence, max, subscriptionKey)) {
      if (!e.ref.stored) break;
      ids.push(e.ref.id);
    }
    if (ids.length === 0) return [];
    const r = await this.pool.query<{ id: string; msg: Buffer }>(
      `SELECT ID, MSG FROM ${this.statements.messageTable} WHERE ID = ANY($1::bigint[]) ORDER BY ID`,
      [ids],
    );
    return r.rows.map((row) => this.decode(row.msg, Number(row.id)));
  }

  /** Bytes of the pending messages' MSG columns and of prepared transactions. */
  size(): number {
    return this.bytes;
  }

  private decode(bytes: Buffer, id: number): Message {
    let m: Message;
    try {
      m = this.options.format.decode(bytes);
    } catch (e) {
      throw new StoreCorruptError(
        `${this.statements.messageTable} row ID=${id} does not hold an OpenWire message: ${(e as Error).message}`,
      );
    }
    m.storeSequence = id;
    return m;
  }

  private decodePrepared(bytes: Buffer, xid: string): StoreOperation[] {
    try {
      const r = new ByteReader(bytes);
      const n = r.varuint();
      const ops: StoreOperation[] = [];
      for (let i = 0; i < n; i++) ops.push(decodeOperation(r, { propertyDecoder: this.options.propertyDecoder }, true));
      return ops;
    } catch (e) {
      throw new StoreCorruptError(
        `${this.statements.preparedTable} row ${xid} does not decode: ${(e as Error).message}`,
      );
    }
  }

  /** The destination's messages the index holds, for tests and diagnostics. */
  indexed(destination: Destination): IndexedDestination<RowRef> | undefined {
    return this.index.destinations.get(destination.key);
  }
}

interface SubRow {
  container: string;
  client_id: string;
  sub_name: string;
  selector: string | null;
  last_acked_id: string | null;
  no_local: number | string | null;
}

interface MsgRow {
  id: string;
  container: string;
  msgid_prod: string | null;
  msgid_seq: string | null;
  xid: string | null;
  len: number | null;
  msg: Buffer | null;
}

const watchedClients = new WeakSet<pg.PoolClient>();

/**
 * A checked-out client whose connection breaks emits 'error'; without a listener that would crash the process.
 * The query under way fails with the same error, which is where it is handled.
 */
function watched(client: pg.PoolClient): pg.PoolClient {
  if (!watchedClients.has(client)) {
    watchedClients.add(client);
    client.on('error', () => {});
  }
  return client;
}

async function tableExists(client: pg.PoolClient, table: string): Promise<boolean> {
  const r = await client.query(`SELECT to_regclass($1) IS NOT NULL AS e`, [table.toLowerCase()]);
  return (r.rows[0] as { e: boolean }).e;
}

async function columnExists(client: pg.PoolClient, table: string, column: string): Promise<boolean> {
  const r = await client.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table.toLowerCase(), column],
  );
  return r.rowCount !== null && r.rowCount > 0;
}
