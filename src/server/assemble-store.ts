import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BrokerConfig } from '../config/broker-config.js';
import { decodePrimitiveMap } from '../model/primitive-map.js';
import { JournalPersistenceAdapter } from '../store/journal/journal-persistence-adapter.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import type { PersistenceAdapter } from '../store/persistence-adapter.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** `<persistenceAdapter>` and `persistent=` → the store (the only place that names store implementations). */
export function createStore(config: BrokerConfig, log: Logger): PersistenceAdapter {
  const pa = config.persistenceAdapter;
  if (!config.persistent || pa.type === 'memory') {
    log.info('Persistence is off: messages live in memory only');
    return new MemoryPersistenceAdapter();
  }
  if (pa.type === 'jdbc') {
    throw new BrokerError(
      'ERR_CONFIG',
      'jdbcPersistenceAdapter is not available in this version; use <kahaDB/> or persistent="false"',
    );
  }
  const directory = path.resolve(pa.directory);
  log.info(`Persistent messages are kept in ${directory}`);
  return new JournalPersistenceAdapter({
    directory,
    journalMaxFileLength: pa.journalMaxFileLength,
    journalDiskSyncStrategy: pa.journalDiskSyncStrategy.toLowerCase() as 'always' | 'periodic' | 'never',
    journalDiskSyncInterval: pa.journalDiskSyncInterval,
    checkpointInterval: pa.checkpointInterval,
    cleanupInterval: pa.cleanupInterval,
    checkForCorruptJournalFiles: pa.checkForCorruptJournalFiles,
    ignoreMissingJournalfiles: pa.ignoreMissingJournalfiles,
    storeLimit: config.systemUsage.storeUsage.limit ?? 0,
    // systemUsage's producer flow control on the store: wait for space (ActiveMQ's default), refuse at once,
    // or wait at most the timeout. Per-destination policy overrides are not seen by the store.
    sendFailIfNoSpace: config.systemUsage.sendFailIfNoSpace,
    sendFailIfNoSpaceAfterTimeout: config.systemUsage.sendFailIfNoSpaceAfterTimeout ?? 0,
    propertyDecoder: decodePrimitiveMap,
    logger: log.child({ area: 'store' }),
  });
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
      await clearJournalFiles(directory);
      await journal.start();
    },
    stop: () => journal.stop(),
    recover: (options) => journal.recover(options),
    write: (batch, sync) => journal.write(batch, sync),
    readMessages: (d, after, max) => journal.readMessages(d, after, max),
    size: () => journal.size(),
  };
}

/** Deletes what a journal keeps in `directory` (segments, checkpoint), nothing else. */
async function clearJournalFiles(directory: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return;
  }
  for (const n of names) {
    if (/^db-\d+\.log$/.test(n) || n.startsWith('checkpoint.dat')) await unlink(path.join(directory, n));
  }
}
