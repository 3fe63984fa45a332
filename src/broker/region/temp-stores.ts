import type { PersistenceAdapter } from '../../store/persistence-adapter.js';
import { BrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { CursorStores } from './queue-cursor.js';
import type { SpoolStore } from './subscriber-spool.js';

/**
 * How queues' cursors reach the message store (to page a backlog in) and the temp store (ActiveMQ's tmp_storage,
 * to spill non-persistent messages beyond their memory window); without a temp store nothing spills.
 */
export function cursorStoresFor(
  store: PersistenceAdapter,
  temp: PersistenceAdapter | null,
  logger: Logger,
  nextBrokerSequence: () => number,
): CursorStores {
  const logWrite = (e: unknown) => logger.error('Temp store write failed', { error: e });
  return {
    readStore: (d, after, max) => store.readMessages(d, after, max),
    canSpill: temp !== null,
    spill: (d, m) => {
      if (temp === null) return Promise.reject(new BrokerError('ERR_ILLEGAL_STATE', 'no temp store'));
      // The temp store needs no sync: nothing in it survives a restart.
      return temp.write([{ op: 'add', destination: d, message: m }], false);
    },
    readTemp: (d, after, max) => (temp === null ? Promise.resolve([]) : temp.readMessages(d, after, max)),
    unspill: (d, m) => {
      temp
        ?.write([{ op: 'remove', destination: d, messageId: m.messageId, subscription: null }], false)
        .catch(logWrite);
    },
    nextBrokerSequence,
    pageFailed: (d, e) =>
      logger.error(`Failed to page in messages of ${d.key} from the store; paging resumes when more arrive`, {
        error: e,
      }),
  };
}

/** The temp store as non-durable subscribers' spools use it (TopicSubscription's FilePendingMessageCursor). */
export function spoolStoreFor(
  temp: PersistenceAdapter,
  stores: CursorStores,
  logger: Logger,
  nextBrokerSequence: () => number,
): SpoolStore {
  return {
    spill: (d, m) => stores.spill(d, m),
    read: (d, after, max) => stores.readTemp(d, after, max),
    unspill: (d, m) => stores.unspill(d, m),
    drop: (d) => {
      temp
        .write([{ op: 'remove-destination', destination: d }], false)
        .catch((e: unknown) => logger.error('Temp store write failed', { error: e }));
    },
    nextBrokerSequence,
    failed: (d, what, e) => logger.error(`Temp store ${what} failed for subscriber spool ${d.name}`, { error: e }),
  };
}
