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
