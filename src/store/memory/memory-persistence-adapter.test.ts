import { runPersistenceAdapterContract } from '../../../test/support/store/persistence-adapter.contract.js';
import { MemoryPersistenceAdapter } from './memory-persistence-adapter.js';

// The memory store survives stop/start of the same object, so `open` hands back that one object.
runPersistenceAdapterContract('memory', () => {
  const adapter = new MemoryPersistenceAdapter();
  return { open: () => adapter };
});
