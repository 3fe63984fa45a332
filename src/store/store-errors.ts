import { BrokerError } from '../util/errors.js';

/**
 * The store's typed errors. Each carries a catalogue code so the broker can turn it into the wire error
 * ActiveMQ would send: a full store is a ResourceAllocationException, as ActiveMQ raises when storeUsage
 * is exhausted and sendFailIfNoSpace is on.
 */

/**
 * A batch with new messages was refused because the configured store limit (systemUsage storeUsage) is
 * reached. The text is ActiveMQ's (Queue/Topic.checkUsage with sendFailIfNoSpace), word for word, because
 * clients and operators match on it; `producerId` and `destination` come from the refused batch's first
 * message. The percentage is the storeUsageHighWaterMark, 100 unless a policy lowers it.
 */
export class StoreFullError extends BrokerError {
  constructor(
    readonly used: number,
    readonly limit: number,
    readonly directory: string,
    readonly producerId: string | null = null,
    readonly destination: string | null = null,
  ) {
    super(
      'ERR_RESOURCE_ALLOCATION',
      `Persistent store is Full, 100% of ${limit}. Stopping producer (${producerId ?? 'unknown'}) to prevent ` +
        `flooding ${destination ?? 'the broker'}. See http://activemq.apache.org/producer-flow-control.html for more info`,
    );
    this.name = 'StoreFullError';
  }
}

/**
 * The disk (or quota) ran out of space while writing a batch (ENOSPC, EDQUOT). The batch was not stored and
 * nothing already stored was harmed; the store keeps running and accepts writes again once space is freed.
 * A ResourceAllocationException for Java clients, as a full store is.
 */
export class StoreNoSpaceError extends BrokerError {
  constructor(
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(
      'ERR_RESOURCE_ALLOCATION',
      `Persistent store write failed: no space left on device writing ${file}; the message was not stored. ` +
        'Writes resume once space is freed',
      options,
    );
    this.name = 'StoreNoSpaceError';
  }
}

/** Another broker (or another adapter in this process) holds the store directory. */
export class StoreLockedError extends BrokerError {
  constructor(
    readonly directory: string,
    readonly holderPid: number | null,
    /** The holder's host, as its lock file names it (brokers on a shared file system run on several). */
    readonly holderHost: string | null = null,
  ) {
    super(
      'ERR_ILLEGAL_STATE',
      `Persistent store ${directory} is locked by ${holderPid === null ? 'another process' : `process ${holderPid}`}` +
        `${holderHost === null ? '' : ` on ${holderHost}`}; two brokers cannot share one store directory`,
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
    super('ERR_STORE_IO', message, options);
    this.name = 'StoreFailedError';
  }
}

/** Bytes read from disk that do not decode: a damaged record, checkpoint or segment header. */
export class StoreCorruptError extends BrokerError {
  constructor(message: string) {
    super('ERR_STORE_CORRUPT', message);
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
