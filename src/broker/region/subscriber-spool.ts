import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';

/**
 * ActiveMQ's pendingSubscriberPolicy: where a non-durable topic subscriber keeps the messages it cannot take
 * yet. `file` (fileCursor, ActiveMQ's default for a subscriber on a non-temporary topic when the broker has a
 * temp store: TopicSubscription's FilePendingMessageCursor) spills them to the temp store once the topic's memory
 * is at cursorMemoryHighWaterMark, so one slow subscriber does not stop the producers of everybody else; `vm`
 * (vmCursor) keeps them all in memory, where producer flow control is the limit.
 */
export type PendingSubscriberCursor = 'file' | 'vm';

/** The temp store as a subscriber's spool uses it. */
export interface SpoolStore {
  /** Writes a message to the temp store; resolves once it is there, with its temp sequence set. */
  spill(destination: Destination, message: Message): Promise<void>;
  read(destination: Destination, afterSequence: number, max: number): Promise<Message[]>;
  /** A message read back from the spool was consumed (or dropped): it goes from the temp store too. */
  unspill(destination: Destination, message: Message): void;
  /** The subscriber left: everything it spooled goes. */
  drop(destination: Destination): void;
  /** brokerSequence for a message read back (the temp store does not keep it). */
  nextBrokerSequence(): number;
  /** A write or read failed: logged; a failed write keeps the message in memory instead. */
  failed(destination: Destination, what: string, error: unknown): void;
}

/** A subscriber's spool in the temp store: what it knows of the messages it does not hold. */
export class SubscriberSpool {
  /** policyEntry cursorMemoryHighWaterMark (percent of the topic's memory limit). */
  highWaterMark = 70;
  /** Messages read back by one page-in (policyEntry maxPageSize). */
  pageSize = 200;
  /** Messages in the temp store after `position` (written or being written). */
  backlog = 0;
  position = 0;
  /** Spill writes still running: counted in the backlog, not readable yet. */
  writes = 0;
  /** Spilled since the running read took its snapshot (see QueueCursor.storeArrivals). */
  arrivals = 0;
  paging = false;

  private key: Destination | null = null;

  constructor(
    readonly store: SpoolStore,
    /** The spool's own name in the temp store, one per subscriber. */
    private readonly name: string,
  ) {}

  /** Its key in the temp store, made on first use: most subscribers never spill. */
  get destination(): Destination {
    return (this.key ??= Destination.queue(this.name));
  }

  /** Whether anything was ever written (so there is something to drop). */
  get used(): boolean {
    return this.key !== null;
  }

  /** New messages queue up behind spooled ones, so arrival order holds. */
  get spilling(): boolean {
    return this.backlog > 0 || this.writes > 0;
  }
}
