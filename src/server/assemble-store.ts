import path from 'node:path';
import type { BrokerConfig, JdbcPersistenceAdapterConfig } from '../config/broker-config.js';
import { OpenWireJdbcMessageFormat } from '../protocol/openwire/jdbc-message-format.js';
import { pgDataSource } from '../store/jdbc/data-source.js';
import { JdbcPersistenceAdapter } from '../store/jdbc/jdbc-persistence-adapter.js';
import { LeaseDatabaseLocker } from '../store/jdbc/lease-database-locker.js';
import { Statements } from '../store/jdbc/statements.js';
import { decodePrimitiveMap } from '../model/primitive-map.js';
import { NodeFileLayer, parseSegmentName, pathIn } from '../store/journal/file-layer.js';
import { JournalPersistenceAdapter } from '../store/journal/journal-persistence-adapter.js';
import { CHECKPOINT_FILE } from '../store/journal/recovery.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import type { PersistenceAdapter } from '../store/persistence-adapter.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** `<persistenceAdapter>` and `persistent=` → the store (the only place that names store implementations). */
export function createStore(config: BrokerConfig, log: Logger): PersistenceAdapter {
  const pa = config.persistenceAdapter;
  if (!config.persistent || pa.type === 'memory') {
    log.info('Persistence is off: messages live in memory only');
    // A memory store starts empty, so deleteAllMessagesOnStartup has nothing to delete.
    return new MemoryPersistenceAdapter();
  }
  if (pa.type === 'jdbc') return createJdbcStore(config, pa, log);
  const directory = path.resolve(pa.directory);
  log.info(`Persistent messages are kept in ${directory}`);
  const store = new JournalPersistenceAdapter({
    directory,
    journalMaxFileLength: pa.journalMaxFileLength,
    journalDiskSyncStrategy: pa.journalDiskSyncStrategy.toLowerCase() as 'always' | 'periodic' | 'never',
    journalDiskSyncInterval: pa.journalDiskSyncInterval,
    checkpointInterval: pa.checkpointInterval,
    cleanupInterval: pa.cleanupInterval,
    checkForCorruptJournalFiles: pa.checkForCorruptJournalFiles,
    ignoreMissingJournalfiles: pa.ignoreMissingJournalfiles,
    // The broker then dispatches while storing (assemble.ts): a consumer quicker than the disk withdraws the add.
    withdrawAddsOnRemove: pa.concurrentStoreAndDispatchQueues,
    storeLimit: config.systemUsage.storeUsage.limit ?? 0,
    // systemUsage's producer flow control on the store: wait for space (ActiveMQ's default), refuse at once,
    // or wait at most the timeout. Per-destination policy overrides are not seen by the store.
    sendFailIfNoSpace: config.systemUsage.sendFailIfNoSpace,
    sendFailIfNoSpaceAfterTimeout: config.systemUsage.sendFailIfNoSpaceAfterTimeout ?? 0,
    propertyDecoder: decodePrimitiveMap,
    logger: log.child({ area: 'store' }),
    // Master/slave on a shared directory: how a slave waits for the lock (BrokerService acquires it).
    locker: { lockAcquireSleepInterval: pa.locker.lockAcquireSleepInterval, failIfLocked: pa.locker.failIfLocked },
  });
  return config.deleteAllMessagesOnStartup ? deletingAllOnStart(store, directory, log) : store;
}

/**
 * `<jdbcPersistenceAdapter dataSource="#…">` on PostgreSQL: ActiveMQ's schema, the OpenWire bytes ActiveMQ stores
 * (the codec comes from here: the store layer knows no protocol), and the lease-database-locker unless
 * useLock="false". A database write that finds PostgreSQL gone waits for it as long as one lease lasts (at least
 * 30 s), then fails the store (docs/jdbc-store.md).
 */
function createJdbcStore(config: BrokerConfig, pa: JdbcPersistenceAdapterConfig, log: Logger): PersistenceAdapter {
  if (pa.dataSource === null) {
    throw new BrokerError(
      'ERR_CONFIG',
      '<jdbcPersistenceAdapter> needs a dataSource="#bean-id" naming a PostgreSQL data source',
    );
  }
  const ds = pgDataSource(pa.dataSource);
  const statements = new Statements(pa.tablePrefix);
  const storeLog = log.child({ area: 'store' });
  let locker: LeaseDatabaseLocker | undefined;
  const store: JdbcPersistenceAdapter = new JdbcPersistenceAdapter({
    pool: ds.pool,
    dataSourceName: ds.description,
    statements,
    createTablesOnStartup: pa.createTablesOnStartup,
    format: new OpenWireJdbcMessageFormat(),
    propertyDecoder: decodePrimitiveMap,
    get locker() {
      return locker;
    },
    reconnectTimeout: Math.max(30_000, pa.lease?.lockAcquireSleepInterval ?? 0),
    reconnectInterval: 1000,
    deleteAllMessagesOnStartup: config.deleteAllMessagesOnStartup,
    storeLimit: config.systemUsage.storeUsage.limit ?? 0,
    sendFailIfNoSpace: config.systemUsage.sendFailIfNoSpace,
    sendFailIfNoSpaceAfterTimeout: config.systemUsage.sendFailIfNoSpaceAfterTimeout ?? 0,
    logger: storeLog,
  });
  if (pa.lease !== null) {
    locker = new LeaseDatabaseLocker({
      pool: { ...ds.pool, max: 1 },
      dataSourceName: ds.description,
      statements,
      leaseHolderId: pa.lease.leaseHolderId ?? config.brokerName,
      lockAcquireSleepInterval: pa.lease.lockAcquireSleepInterval,
      failIfLocked: pa.lease.failIfLocked,
      maxAllowableDiffFromDBTime: pa.lease.maxAllowableDiffFromDBTime,
      lockKeepAlivePeriod: pa.lockKeepAlivePeriod,
      prepare: () => store.schema(),
      logger: log.child({ area: 'locker' }),
    });
  }
  return store;
}

/**
 * The broker attribute deleteAllMessagesOnStartup: the store's files are deleted before it starts, so it starts
 * empty (messages, durable subscriptions, prepared transactions), as ActiveMQ's BrokerService does through
 * PersistenceAdapter.deleteAllMessages. The store's own lock is taken first, so a store another broker is
 * running on is refused, not wiped; only the files the journal store writes (db-N.log segments and its
 * checkpoint) are deleted, never anything else in the directory. Logged at WARN: it destroys data.
 */
export function deletingAllOnStart(store: PersistenceAdapter, directory: string, log: Logger): PersistenceAdapter {
  let wiped = false;
  const start = store.start.bind(store);
  store.start = async () => {
    if (!wiped) {
      // Under master/slave the broker took the store's lock before starting it: delete under that lock.
      const locker = store instanceof JournalPersistenceAdapter ? store.locker : undefined;
      const deleted = await deleteJournalFiles(directory, locker?.held === true);
      wiped = true;
      log.warn(`deleteAllMessagesOnStartup: deleted every stored message in ${directory} (${deleted} files)`);
    }
    return start();
  };
  return store;
}

/** Deletes a journal's own files (segments, checkpoint) under its lock, nothing else; returns how many. */
async function deleteJournalFiles(directory: string, lockHeld = false): Promise<number> {
  const files = new NodeFileLayer();
  await files.mkdirp(directory);
  const lock = lockHeld ? null : await files.lock(pathIn(directory, 'lock'), directory);
  let deleted = 0;
  try {
    for (const name of await files.list(directory)) {
      if (parseSegmentName(name) === null && name !== CHECKPOINT_FILE && name !== `${CHECKPOINT_FILE}.tmp`) continue;
      await files.unlink(pathIn(directory, name));
      deleted++;
    }
  } finally {
    await lock?.release();
  }
  return deleted;
}

/**
 * The temp store (ActiveMQ's tmp_storage, bounded by systemUsage tempUsage): a journal without disk syncs where
 * queues spill non-persistent messages beyond their memory window. Its files are deleted at every start, as
 * ActiveMQ's PListStore clears its directory: nothing in it was promised to survive. With persistence off there
 * is none, so nothing is written to disk at all.
 */
export function createTempStore(config: BrokerConfig, log: Logger): PersistenceAdapter | undefined {
  if (!config.persistent) return undefined;
  const directory = path.resolve(config.tmpDataDirectory);
  const journal = new JournalPersistenceAdapter({
    directory,
    journalDiskSyncStrategy: 'never',
    recoverable: false,
    journalMaxFileLength: 32 * 1024 * 1024,
    storeLimit: config.systemUsage.tempUsage.limit ?? 0,
    sendFailIfNoSpace: config.systemUsage.sendFailIfNoSpace,
    sendFailIfNoSpaceAfterTimeout: config.systemUsage.sendFailIfNoSpaceAfterTimeout ?? 0,
    propertyDecoder: decodePrimitiveMap,
    logger: log.child({ area: 'temp-store' }),
  });
  return {
    name: 'temp',
    async start() {
      await deleteJournalFiles(directory);
      await journal.start();
    },
    stop: () => journal.stop(),
    recover: (options) => journal.recover(options),
    write: (batch, sync) => journal.write(batch, sync),
    readMessages: (d, after, max) => journal.readMessages(d, after, max),
    size: () => journal.size(),
  };
}
