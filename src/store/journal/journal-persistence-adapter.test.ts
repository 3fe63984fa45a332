import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../util/logger.js';
import {
  contractPropertyDecoder,
  runPersistenceAdapterContract,
} from '../../../test/support/store/persistence-adapter.contract.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { JournalPersistenceAdapter } from './journal-persistence-adapter.js';

// On the real file system: each `open` is a new adapter on the same directory, as a restarted broker.
runPersistenceAdapterContract('journal (disk)', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'tidemq-journal-'));
  return {
    open: () =>
      new JournalPersistenceAdapter({
        directory,
        propertyDecoder: contractPropertyDecoder,
        logger: Logger.silent(),
        journalMaxFileLength: 64 * 1024,
      }),
    destroy: () => rm(directory, { recursive: true, force: true }),
  };
});

// On the fake file layer, with tiny segments so rollover happens inside the contract's scenarios.
runPersistenceAdapterContract('journal (fake file layer, 4 KiB segments)', () => {
  const fileLayer = new FakeFileLayer();
  return {
    open: () =>
      new JournalPersistenceAdapter({
        directory: '/store',
        fileLayer,
        propertyDecoder: contractPropertyDecoder,
        logger: Logger.silent(),
        journalMaxFileLength: 4096,
      }),
  };
});
