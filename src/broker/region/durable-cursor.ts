import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';

/**
 * ActiveMQ's pendingDurableSubscriberPolicy: where a durable subscription keeps the messages it cannot hold
 * in memory.
 * - `store` (storeDurableSubscriberCursor, the default): persistent messages beyond the memory window stay in
 *   the message store, where they already are for the subscription, and are paged back in as the consumer
 *   takes them; a restart does not read them.
 * - `vm` (vmDurableCursor): everything stays in memory; producer flow control is the only limit.
 * - `file` (fileDurableSubscriberCursor): as `store` for persistent messages, which TideMQ never writes twice.
 * Non-persistent messages for a durable subscription stay in memory under every policy.
 */
export type PendingDurableCursor = 'store' | 'vm' | 'file';

/** The message store as a durable subscription's cursor reads it. */
export interface DurableCursorStore {
  /** PersistenceAdapter.readSubscriptionMessages. */
  read(topic: Destination, subscriptionKey: string, afterSequence: number, max: number): Promise<Message[]>;
  /** brokerSequence for a message paged in (the store does not keep it). */
  nextBrokerSequence(): number;
  /** A page could not be read: paging stops until the subscription is woken again; the operator sees why. */
  pageFailed(topic: Destination, subscriptionKey: string, error: unknown): void;
}

/**
 * What a durable subscription's store cursor knows of the messages it does not hold (the persistent half of
 * StoreDurableSubscriberCursor). Only a subscription on one topic has one: a wildcard or composite one keeps its
 * messages in memory, as before.
 */
export class DurableCursor {
  /** policyEntry cursorMemoryHighWaterMark (percent of the topic's memory limit). */
  highWaterMark = 70;
  /** Messages fetched by one page-in (policyEntry maxPageSize). */
  pageSize = 200;
  /**
   * Messages left in the store after `storePosition`: a hint of whether a read can find more, never below the
   * truth (a page that comes back full keeps it at 1 or more).
   */
  storeBacklog = 0;
  /** The store sequence up to which the subscription holds or has passed everything the store has for it. */
  storePosition = 0;
  /**
   * Messages that joined the backlog since the running read took its snapshot of the store: a page that
   * reaches the end says nothing of them (the same race as QueueCursor.storeArrivals).
   */
  arrivals = 0;
  /** A page-in is running. */
  paging = false;

  constructor(
    readonly store: DurableCursorStore,
    readonly topic: Destination,
  ) {}

  /** New persistent messages must queue up behind the ones on disk, so arrival order holds. */
  get spilling(): boolean {
    return this.storeBacklog > 0;
  }

  /** The subscription left its topic: nothing on disk is its any more. */
  reset(): void {
    this.storeBacklog = 0;
    this.arrivals = 0;
  }
}
