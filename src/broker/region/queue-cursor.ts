import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';

/**
 * ActiveMQ's pendingQueuePolicy: where a queue keeps the messages it cannot hold in memory.
 * - `store` (storeCursor, the default): persistent messages beyond the memory window stay in the message store
 *   and are paged back in as consumers need them; non-persistent ones spill to the temp store.
 * - `vm` (vmQueueCursor): everything stays in memory; producer flow control is the only limit.
 * - `file` (fileQueueCursor): everything beyond the window, persistent or not, spills to the temp store.
 */
export type PendingQueueCursor = 'store' | 'vm' | 'file';

/** The stores a queue's cursor pages from: the message store and the temp store (tmp_storage). */
export interface CursorStores {
  /** A page of a queue's persistent backlog, after a store sequence (PersistenceAdapter.readMessages). */
  readStore(destination: Destination, afterSequence: number, max: number): Promise<Message[]>;
  /** Whether there is a temp store at all; without one non-persistent messages stay in memory. */
  readonly canSpill: boolean;
  /** Writes a message to the temp store; resolves once it is there, with its temp sequence set. */
  spill(destination: Destination, message: Message): Promise<void>;
  readTemp(destination: Destination, afterSequence: number, max: number): Promise<Message[]>;
  /** A message read from the temp store was consumed: it goes from there too. */
  unspill(destination: Destination, message: Message): void;
  /** brokerSequence for a message paged in (the store does not keep it). */
  nextBrokerSequence(): number;
  /** A page could not be read: the queue stops paging until more arrives, the operator sees why. */
  pageFailed(destination: Destination, error: unknown): void;
}

/** What a queue's cursor knows of the messages it does not hold (AbstractStoreCursor's bookkeeping). */
export class QueueCursor {
  kind: PendingQueueCursor = 'store';
  /** policyEntry useCache: keep newly sent persistent messages in memory while there is room. */
  useCache = true;
  /** policyEntry cursorMemoryHighWaterMark (percent of the destination's memory limit). */
  highWaterMark = 70;
  /** Messages fetched by one page-in (policyEntry maxPageSize). */
  pageSize = 200;
  /** Persistent messages left in the message store, after `storePosition`. */
  storeBacklog = 0;
  /** The store sequence up to which the store holds nothing this queue has not seen. */
  storePosition = 0;
  /** Messages in the temp store, after `tempPosition`. */
  tempBacklog = 0;
  tempPosition = 0;
  /** Temp-store writes still running: their messages count in the backlog but cannot be read yet. */
  tempWrites = 0;
  /**
   * Persistent messages whose store write is running. The store shows a message to a page read as soon as its
   * bytes are written, before the send that wrote it reaches Queue.add: a page read passes over these (the
   * send delivers them itself), so no message is both paged in and added.
   */
  readonly storing = new Set<string>();
  /**
   * Store sequences taken care of before the cursor reached them: brought in by a scan ahead (Queue.scanAhead)
   * or expired by the sweep (Queue.expireMessages). The cursor passes over them.
   */
  readonly pagedAhead = new Set<number>();
  /** Where the scan ahead got to in the store, and whether it reached the end since the last change. */
  scanPosition = 0;
  scanDone = false;
  /** A page-in is running. */
  paging = false;
  /**
   * Messages that joined the store / temp backlog since the running read took its snapshot of the store. A
   * read sees the store as it was when it started, so a page that reaches the end of the backlog says nothing
   * of these: they stay counted, or the next message kept in memory would move the position past them and
   * strand them on disk until a restart.
   */
  storeArrivals = 0;
  tempArrivals = 0;

  get backlog(): number {
    return this.storeBacklog + this.tempBacklog;
  }

  /** New messages must queue up behind the ones on disk, so arrival order holds. */
  get spilling(): boolean {
    return this.storeBacklog > 0 || this.tempBacklog > 0 || this.tempWrites > 0;
  }
}
