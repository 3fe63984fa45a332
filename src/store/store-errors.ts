import { BrokerError } from '../util/errors.js';

/**
 * The store's typed errors. Each carries a catalogue code so the broker can turn it into the wire error
 * ActiveMQ would send: a full store is a ResourceAllocationException, as ActiveMQ raises when storeUsage
 * is exhausted and sendFailIfNoSpace is on.
 */

/** A batch with new messages was refused because the configured store limit is reached. */
export class StoreFullError extends BrokerError {
  constructor(
    readonly used: number,
    readonly limit: number,
    readonly directory: string,
  ) {
    super(
      'ERR_RESOURCE_ALLOCATION',
      `Persistent store is full: ${used} of ${limit} bytes used in ${directory}; messages can be consumed to free space`,
    );
    this.name = 'StoreFullError';
  }
}

/** Another broker (or another adapter in this process) holds the store directory. */
export class StoreLockedError extends BrokerError {
  constructor(
    readonly directory: string,
    readonly holderPid: number | null,
  ) {
    super(
      'ERR_ILLEGAL_STATE',
      `Persistent store ${directory} is locked by ${holderPid === null ? 'another process' : `process ${holderPid}`}; ` +
        'two brokers cannot share one store directory',
    );
    this.name = 'StoreLockedError';
  }
}

/**
 * The store can no longer guarantee durability (a write or fsync failed). Every write waiting on the failed
 * operation is rejected with this error and later writes are refused until the store is restarted, because
 * after a failed fsync the kernel may have dropped the dirty pages: retrying would acknowledge lost data.
 */
export class StoreFailedError extends BrokerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INTERNAL', message, options);
    this.name = 'StoreFailedError';
  }
}

/** Bytes read from disk that do not decode: a damaged record, checkpoint or segment header. */
export class StoreCorruptError extends BrokerError {
  constructor(message: string) {
    super('ERR_INTERNAL', message);
    this.name = 'StoreCorruptError';
  }
}

/** The store was used outside start..stop, or recover() was misused. */
export class StoreStateError extends BrokerError {
  constructor(message: string) {
    super('ERR_ILLEGAL_STATE', message);
    this.name = 'StoreStateError';
  }
}
