import path from 'node:path';
import type {
  JdbcLeaseLockerConfig,
  KahaDBConfig,
  PersistenceAdapterConfig,
  SystemUsageConfig,
  UsageLimitConfig,
} from '../broker-config.js';
import { DataSourceError, pgDataSource } from '../../store/jdbc/data-source.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';
import { INERT_KAHADB_ATTRIBUTES, reportInert } from './inert-attributes.js';
import { defaultSharedFileLocker, readKahaDBLocker } from './locker.js';

const GiB = 1024 * 1024 * 1024;

/** KahaDB with MessageDatabase's defaults, in `<brokerDataDirectory>/KahaDB` as BrokerService puts it. */
export function defaultKahaDB(brokerDataDirectory: string): KahaDBConfig {
  return {
    type: 'kahaDB',
    directory: path.join(brokerDataDirectory, 'KahaDB'),
    journalMaxFileLength: 32 * 1024 * 1024,
    journalMaxWriteBatchSize: 4 * 1024 * 1024,
    journalDiskSyncStrategy: 'ALWAYS',
    journalDiskSyncInterval: 1000,
    checkpointInterval: 5000,
    cleanupInterval: 30_000,
    checkForCorruptJournalFiles: false,
    checksumJournalFiles: true,
    ignoreMissingJournalfiles: false,
    archiveDataLogs: false,
    directoryArchive: null,
    // ActiveMQ's default: a persistent queue message a consumer can take is dispatched while it is stored, and
    // the journal holds its add briefly so the acknowledgement can withdraw it (docs/persistence.md).
    concurrentStoreAndDispatchQueues: true,
    concurrentStoreAndDispatchTopics: false,
    indexCacheSize: 10_000,
    indexWriteBatchSize: 1000,
    enableIndexWriteAsync: false,
    forceRecoverIndex: false,
    enableAckCompaction: true,
    compactAcksAfterNoGC: 10,
    cleanupOnStop: true,
    preallocationStrategy: 'sparse_file',
    preallocationScope: 'entire_journal',
    lockKeepAlivePeriod: 5000,
    locker: defaultSharedFileLocker(),
  };
}

/** The element inside <persistenceAdapter>. `resolvePath` makes relative directories absolute. */
export function readPersistenceAdapter(
  r: ElementReader,
  brokerDataDirectory: string,
  resolvePath: (p: string) => string,
): PersistenceAdapterConfig | null {
  switch (r.name) {
    case 'kahaDB':
      return readKahaDB(r, brokerDataDirectory, resolvePath);
    case 'memoryPersistenceAdapter':
      r.finish();
      return { type: 'memory' };
    case 'jdbcPersistenceAdapter':
      return readJdbc(r);
    default:
      r.ctx.warn(r.el.location, `${tag(r.el)} is not implemented by TideMQ; the default KahaDB store is used instead`);
      return null;
  }
}

function readKahaDB(r: ElementReader, brokerDataDirectory: string, resolvePath: (p: string) => string): KahaDBConfig {
  const c = defaultKahaDB(brokerDataDirectory);
  const dir = r.string('directory');
  if (dir !== undefined) c.directory = resolvePath(dir);
  const archive = r.string('directoryArchive');
  if (archive !== undefined) c.directoryArchive = resolvePath(archive);
  c.journalMaxFileLength = r.number('journalMaxFileLength') ?? c.journalMaxFileLength;
  c.journalMaxWriteBatchSize = r.number('journalMaxWriteBatchSize') ?? c.journalMaxWriteBatchSize;
  // Both set the same thing in MessageDatabase; Spring applies attributes in the order written.
  for (const attr of r.el.attributes) {
    if (attr.local === 'enableJournalDiskSyncs') {
      c.journalDiskSyncStrategy = r.bool('enableJournalDiskSyncs') ? 'ALWAYS' : 'NEVER';
    } else if (attr.local === 'journalDiskSyncStrategy') {
      c.journalDiskSyncStrategy = r.choice('journalDiskSyncStrategy', ['ALWAYS', 'PERIODIC', 'NEVER'] as const)!;
    }
  }
  c.journalDiskSyncInterval = r.number('journalDiskSyncInterval') ?? c.journalDiskSyncInterval;
  c.checkpointInterval = r.number('checkpointInterval') ?? c.checkpointInterval;
  c.cleanupInterval = r.number('cleanupInterval') ?? c.cleanupInterval;
  c.checkForCorruptJournalFiles = r.bool('checkForCorruptJournalFiles') ?? c.checkForCorruptJournalFiles;
  c.checksumJournalFiles = r.bool('checksumJournalFiles') ?? c.checksumJournalFiles;
  c.ignoreMissingJournalfiles = r.bool('ignoreMissingJournalfiles') ?? c.ignoreMissingJournalfiles;
  c.archiveDataLogs = r.bool('archiveDataLogs') ?? c.archiveDataLogs;
  c.concurrentStoreAndDispatchQueues = r.bool('concurrentStoreAndDispatchQueues') ?? c.concurrentStoreAndDispatchQueues;
  c.concurrentStoreAndDispatchTopics = r.bool('concurrentStoreAndDispatchTopics') ?? c.concurrentStoreAndDispatchTopics;
  c.indexCacheSize = r.number('indexCacheSize') ?? c.indexCacheSize;
  c.indexWriteBatchSize = r.number('indexWriteBatchSize') ?? c.indexWriteBatchSize;
  c.enableIndexWriteAsync = r.bool('enableIndexWriteAsync') ?? c.enableIndexWriteAsync;
  c.forceRecoverIndex = r.bool('forceRecoverIndex') ?? c.forceRecoverIndex;
  c.enableAckCompaction = r.bool('enableAckCompaction') ?? c.enableAckCompaction;
  c.compactAcksAfterNoGC = r.number('compactAcksAfterNoGC') ?? c.compactAcksAfterNoGC;
  c.cleanupOnStop = r.bool('cleanupOnStop') ?? c.cleanupOnStop;
  c.preallocationStrategy =
    r.choice('preallocationStrategy', ['sparse_file', 'os_kernel_copy', 'zeros', 'chunked_zeros'] as const) ??
    c.preallocationStrategy;
  c.preallocationScope =
    r.choice('preallocationScope', ['entire_journal', 'entire_journal_async', 'none'] as const) ?? c.preallocationScope;
  c.lockKeepAlivePeriod = r.number('lockKeepAlivePeriod') ?? c.lockKeepAlivePeriod;
  if (c.lockKeepAlivePeriod < 0) {
    throw new ConfigError(
      r.attribute('lockKeepAlivePeriod')!.location,
      `${tag(r.el)} lockKeepAlivePeriod must be 0 (no checks) or more; found ${c.lockKeepAlivePeriod}`,
    );
  }
  c.locker = readKahaDBLocker(r) ?? c.locker;
  reportInert(r, INERT_KAHADB_ATTRIBUTES);
  r.finish();
  return c;
}

function readJdbc(r: ElementReader): PersistenceAdapterConfig {
  const ref = r.string('dataSource');
  let dataSource = null;
  if (ref === undefined) {
    // ActiveMQ falls back to an embedded Derby database here; TideMQ has none, so it says what to write.
    throw new ConfigError(
      r.el.location,
      `${tag(r.el)} needs dataSource="#bean-id" naming a PostgreSQL data source bean (org.postgresql.ds.PGSimpleDataSource ` +
        'or org.apache.commons.dbcp2.BasicDataSource); TideMQ has no embedded Derby database',
    );
  } else {
    // XBean's "#id" names a Spring bean; a bare id is accepted too.
    const id = ref.startsWith('#') ? ref.slice(1) : ref;
    const bean = r.ctx.beans.get(id);
    if (!bean) {
      throw new ConfigError(
        r.attribute('dataSource')!.location,
        `${tag(r.el)} dataSource "${ref}" names no <bean id="${id}">`,
      );
    }
    bean.referenced = true;
    const properties: Record<string, string> = {};
    for (const prop of bean.properties) properties[prop.name] = r.ctx.resolve(prop.value, prop.location);
    dataSource = { id, className: bean.className, properties };
    // The bean is checked here so that a wrong class or property is reported where it is written.
    try {
      pgDataSource(dataSource);
    } catch (e) {
      if (!(e instanceof DataSourceError)) throw e;
      const at = bean.properties.find((p) => p.name === e.property)?.location ?? bean.element.location;
      throw new ConfigError(at, e.message);
    }
  }
  const lockKeepAlivePeriod = r.number('lockKeepAlivePeriod') ?? 30_000;
  const useLock = r.bool('useLock') ?? true;
  // The deprecated attribute on the adapter itself sets the locker's interval, as JDBCPersistenceAdapter does.
  const adapterInterval = r.number('lockAcquireSleepInterval');
  let lease: JdbcLeaseLockerConfig | null = useLock
    ? {
        lockAcquireSleepInterval: adapterInterval ?? 10_000,
        leaseHolderId: null,
        failIfLocked: false,
        maxAllowableDiffFromDBTime: 0,
      }
    : null;
  const locker = r.single('locker');
  if (locker !== undefined) {
    if (locker.name !== 'lease-database-locker') {
      throw new ConfigError(
        locker.el.location,
        `${tag(locker.el)} is not available for ${tag(r.el)} in TideMQ; use <lease-database-locker> (master/slave on the database's lease)`,
      );
    }
    lease = {
      lockAcquireSleepInterval: locker.number('lockAcquireSleepInterval') ?? adapterInterval ?? 10_000,
      leaseHolderId: locker.string('leaseHolderId') ?? null,
      failIfLocked: locker.bool('failIfLocked') ?? false,
      maxAllowableDiffFromDBTime: locker.number('maxAllowableDiffFromDBTime') ?? 0,
    };
    locker.finish();
    if (!useLock) r.ctx.warn(locker.el.location, `${tag(locker.el)} has no effect: useLock="false"`);
  }
  let tablePrefix = '';
  const statements = r.single('statements');
  if (statements !== undefined) {
    tablePrefix = statements.string('tablePrefix') ?? '';
    if (!/^[A-Za-z0-9_]*$/.test(tablePrefix)) {
      throw new ConfigError(
        statements.attribute('tablePrefix')!.location,
        `tablePrefix "${tablePrefix}" may hold letters, digits and _ only`,
      );
    }
    statements.finish();
  }
  const config: PersistenceAdapterConfig = {
    type: 'jdbc',
    dataSource,
    createTablesOnStartup: r.bool('createTablesOnStartup') ?? true,
    useLock,
    lockKeepAlivePeriod,
    cleanupPeriod: r.number('cleanupPeriod') ?? 5 * 60 * 1000,
    transactionIsolation: r.number('transactionIsolation') ?? null,
    tablePrefix,
    lease,
  };
  r.finish();
  return config;
}

/** BrokerService.getSystemUsage defaults: memory 1 GiB, store 100 GiB, temp 50 GiB, scheduler 50 GiB. */
export function defaultSystemUsage(): SystemUsageConfig {
  const limit = (bytes: number): UsageLimitConfig => ({ limit: bytes, percentOfJvmHeap: null, percentLimit: null });
  return {
    memoryUsage: limit(1 * GiB),
    storeUsage: limit(100 * GiB),
    tempUsage: limit(50 * GiB),
    jobSchedulerUsage: limit(50 * GiB),
    sendFailIfNoSpace: false,
    sendFailIfNoSpaceAfterTimeout: null,
  };
}

/** The inner <systemUsage> of <systemUsage><systemUsage>…</systemUsage></systemUsage>. */
export function readSystemUsage(r: ElementReader): SystemUsageConfig {
  const c = defaultSystemUsage();
  const usage = (prop: string, into: UsageLimitConfig): UsageLimitConfig => {
    const u = r.single(prop);
    if (!u) return into;
    const percentOfJvmHeap = u.schema.attributes.has('percentOfJvmHeap') ? u.number('percentOfJvmHeap') : undefined;
    const percentLimit = u.schema.attributes.has('percentLimit') ? u.number('percentLimit') : undefined;
    for (const [name, v] of [
      ['percentOfJvmHeap', percentOfJvmHeap],
      ['percentLimit', percentLimit],
    ] as const) {
      if (v !== undefined && (v < 0 || v > 100)) {
        throw new ConfigError(u.attribute(name)!.location, `${tag(u.el)} ${name} must be from 0 to 100; found ${v}`);
      }
    }
    const limit = u.number('limit');
    // Stores are sized by limit only (a percentLimit would leave them unlimited), and the scheduler has no store
    // of its own to size (issue 12.9).
    const inert: ('limit' | 'percentLimit')[] = [];
    if (percentLimit !== undefined) inert.push('percentLimit');
    if (prop === 'jobSchedulerUsage' && limit !== undefined && limit !== into.limit) inert.push('limit');
    for (const n of inert) {
      const why =
        n === 'percentLimit'
          ? 'a share of the disk is not implemented; give it a limit'
          : 'scheduled messages have no store of their own';
      u.ctx.warn(
        u.attribute(n)!.location,
        `attribute ${n} of ${tag(u.el)} is not implemented by TideMQ and has no effect: ${why}`,
      );
    }
    const result: UsageLimitConfig = {
      limit: limit ?? (percentOfJvmHeap || percentLimit ? null : into.limit),
      percentOfJvmHeap: percentOfJvmHeap ?? null,
      percentLimit: percentLimit ?? null,
    };
    u.finish();
    return result;
  };
  c.memoryUsage = usage('memoryUsage', c.memoryUsage);
  c.storeUsage = usage('storeUsage', c.storeUsage);
  c.tempUsage = usage('tempUsage', c.tempUsage);
  c.jobSchedulerUsage = usage('jobSchedulerUsage', c.jobSchedulerUsage);
  c.sendFailIfNoSpace = r.bool('sendFailIfNoSpace') ?? false;
  c.sendFailIfNoSpaceAfterTimeout = r.number('sendFailIfNoSpaceAfterTimeout') ?? null;
  r.finish();
  return c;
}
