import type { Message } from '../../model/message.js';

/**
 * A message's place in one queue or one subscription: the shared, immutable Message plus the state of its
 * delivery there. Queues hold one reference per message; each topic subscription holds its own.
 */
export class MessageReference {
  /** Deliveries so far (JMSXDeliveryCount - 1 on the next delivery). */
  deliveryCount: number;
  /** Set once an ack in an open transaction covers it; cleared if that transaction rolls back. */
  transactionId: string | null = null;
  /** The client sent a Delivered ack for it: it no longer counts against prefetch. */
  delivered = false;
  /** Consumed, expired or dead-lettered: skip it wherever it still sits. */
  dropped = false;
  /** Paged in from the temp store: consuming it removes it from there. */
  inTemp = false;

  constructor(
    /** The queue or durable subscription that keeps it, told when it is consumed or returned. */
    readonly owner: ReferenceOwner,
    readonly message: Message,
    /** Order of arrival in its queue or subscription; redelivered messages go back in this order. */
    readonly sequence: number,
  ) {
    this.deliveryCount = message.redeliveryCounter;
  }
}

/** Where a reference lives: a queue, or a topic subscription's own list. */
export interface ReferenceOwner {
  /** The reference was acknowledged (outside a transaction, or by its commit). */
  consumed(ref: MessageReference): void;
  /** Its consumer went away before acknowledging it: take it back for redelivery. */
  returned(ref: MessageReference): void;
}
