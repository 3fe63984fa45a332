import type { PersistenceAdapter, RecoveredState, StoreOperation } from '../persistence-adapter.js';
import { emptyRecoveredState } from '../persistence-adapter.js';

/**
 * `persistent="false"` / `<memoryPersistenceAdapter/>`: the broker's own structures already hold every
 * message, so the store keeps nothing and nothing survives a restart, as in ActiveMQ.
 */
export class MemoryPersistenceAdapter implements PersistenceAdapter {
  readonly name = 'memory';

  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  recover(): Promise<RecoveredState> {
    return Promise.resolve(emptyRecoveredState());
  }
  write(_batch: readonly StoreOperation[], _sync: boolean): Promise<void> {
    return Promise.resolve();
  }
  size(): number {
    return 0;
  }
}
