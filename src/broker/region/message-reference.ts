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

/**
 * What the store does about a consumption, decided by the call that caused it and passed down with it (rather
 * than broker state set around the call): with `inBatch` the caller's own store batch removes the message already
 * (a transaction's commit) and nothing more is written; otherwise a removal is written and, when `writes` is
 * given, added to it so the caller can wait for it (an acknowledge); without `writes` nobody waits and a failed
 * write is logged.
 */
export interface StoreRemoval {
  readonly inBatch: boolean;
  readonly writes: Promise<void>[] | null;
}

/** A removal nobody waits for: auto-ack on dispatch, expiry sweeps, management. */
export const UNAWAITED_REMOVAL: StoreRemoval = Object.freeze({ inBatch: false, writes: null });
/** The removal is part of the batch the caller wrote (a transaction's commit). */
export const REMOVED_IN_BATCH: StoreRemoval = Object.freeze({ inBatch: true, writes: null });

/** A removal the caller waits for: the writes it causes are collected in `writes`. */
export function awaitedRemoval(): StoreRemoval & { readonly writes: Promise<void>[] } {
  return { inBatch: false, writes: [] };
}

/** Where a reference lives: a queue, or a topic subscription's own list. */
export interface ReferenceOwner {
  /** The reference was acknowledged (outside a transaction, or by its commit); `removal` says what the store does. */
  consumed(ref: MessageReference, removal?: StoreRemoval): void;
  /** Its consumer went away before acknowledging it: take it back for redelivery. */
  returned(ref: MessageReference): void;
}
