import type { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';

/**
 * The plug point for message stores, named as ActiveMQ's PersistenceAdapter. The broker describes every
 * change as an operation and hands a batch to `write`; a batch is atomic (a transaction's sends and acks
 * are one batch), and concurrent batches may share one disk sync (group commit). Every store passes the
 * contract suite in test/support/store/persistence-adapter.contract.ts.
 */
export interface PersistenceAdapter {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Everything that survived: called once after start, before any client connects. */
  recover(): Promise<RecoveredState>;
  /** Applies a batch atomically. With `sync`, resolves only once the batch is durable. */
  write(batch: readonly StoreOperation[], sync: boolean): Promise<void>;
  /** Bytes the store occupies, for storeUsage limits. */
  size(): number;
}

export type StoreOperation =
  /** A persistent message reached a queue or topic (topics store it once for all durable subscriptions). */
  | { readonly op: 'add'; readonly destination: Destination; readonly message: Message }
  /** Consumed: from a queue (`subscription` null), or by one durable subscription. */
  | {
      readonly op: 'remove';
      readonly destination: Destination;
      readonly messageId: string;
      readonly subscription: string | null;
    }
  /** A delivery attempt counted, so redelivery counts survive a restart. */
  | {
      readonly op: 'redelivered';
      readonly destination: Destination;
      readonly messageId: string;
      readonly count: number;
    }
  | { readonly op: 'add-subscription'; readonly subscription: DurableSubscriptionRecord }
  | { readonly op: 'remove-subscription'; readonly destination: Destination; readonly key: string }
  | { readonly op: 'add-destination'; readonly destination: Destination }
  | { readonly op: 'remove-destination'; readonly destination: Destination }
  /** An XA transaction's work, kept until commit or rollback. */
  | { readonly op: 'prepare'; readonly transactionId: string; readonly operations: readonly StoreOperation[] }
  | { readonly op: 'forget-prepared'; readonly transactionId: string };

export interface DurableSubscriptionRecord {
  readonly destination: Destination;
  /** `<clientId>:<subscriptionName>`, ActiveMQ's SubscriptionKey. */
  readonly key: string;
  readonly clientId: string;
  readonly subscriptionName: string;
  readonly selector: string | null;
  readonly noLocal: boolean;
}

export interface RecoveredState {
  readonly destinations: Destination[];
  /** Per destination, the messages still pending, in send order. */
  readonly messages: Map<string, Message[]>;
  readonly subscriptions: DurableSubscriptionRecord[];
  /** Per topic destination and subscription key, the ids that subscription already consumed. */
  readonly subscriptionAcks: Map<string, Set<string>>;
  /** Prepared XA transactions with their pending operations. */
  readonly prepared: Map<string, readonly StoreOperation[]>;
}

export function emptyRecoveredState(): RecoveredState {
  return { destinations: [], messages: new Map(), subscriptions: [], subscriptionAcks: new Map(), prepared: new Map() };
}
