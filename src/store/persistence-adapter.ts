import type { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';
import type { Locker } from './locker.js';

/**
 * The plug point for message stores, named as ActiveMQ's PersistenceAdapter. The broker describes every
 * change as an operation and hands a batch to `write`; a batch is atomic (a transaction's sends and acks
 * are one batch), and concurrent batches may share one disk sync (group commit). Every store passes the
 * contract suite in test/support/store/persistence-adapter.contract.ts.
 */
export interface PersistenceAdapter {
  readonly name: string;
  /**
   * The lock that makes this broker the master of a shared store (see locker.ts), or undefined where the store
   * is private to one process (memory). The broker acquires it before `start` and keeps it alive.
   */
  readonly locker?: Locker;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Everything that survived: called once after start, before any client connects. With
   * `deferQueueMessages`, queue messages are not read back: `messages` holds topics only and `deferred` counts
   * each queue's pending messages, which the broker's store cursor then reads with `readMessages` as
   * consumers need them (restart time and heap no longer grow with a queue backlog).
   */
  recover(options?: RecoverOptions): Promise<RecoveredState>;
  /**
   * Applies a batch atomically. With `sync`, resolves only once the batch is durable. Each `add` gets its
   * store sequence (`message.storeSequence`) before the promise settles.
   */
  write(batch: readonly StoreOperation[], sync: boolean): Promise<void>;
  /**
   * The store cursor's read (ActiveMQ's MessageStore.recoverNextMessages): up to `max` pending messages of a
   * queue whose store sequence is above `afterSequence`, in send order, each a new Message read back from the
   * store with its `storeSequence` and counted redeliveries. A message added while the read runs may or may
   * not be included; one removed while it runs may still be.
   */
  readMessages(destination: Destination, afterSequence: number, max: number): Promise<Message[]>;
  /**
   * The durable subscriber cursor's read (TopicMessageStore.recoverNextMessages): up to `max` messages of a
   * topic that the durable subscription `subscriptionKey` has not consumed, with store sequence above
   * `afterSequence`, in send order, each a new Message as `readMessages` gives. Stores without it keep
   * durable backlogs in memory (the broker then never asks `recover` to defer them).
   */
  readSubscriptionMessages?(
    topic: Destination,
    subscriptionKey: string,
    afterSequence: number,
    max: number,
  ): Promise<Message[]>;
  /** Bytes the store occupies, for storeUsage limits. */
  size(): number;
}

export type StoreOperation =
  /** A persistent message reached a queue or topic (topics store it once for all durable subscriptions). */
  | {
      readonly op: 'add';
      readonly destination: Destination;
      readonly message: Message;
      /**
       * The broker is dispatching the message while it is stored (concurrentStoreAndDispatchQueues): its
       * consumer's acknowledgement may come back before the write would end, so a store may hold the write
       * briefly for a remove to withdraw it (the journal store does).
       */
      readonly dispatching?: boolean;
    }
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

export interface RecoverOptions {
  /** Leave queue messages in the store (see `PersistenceAdapter.recover`). */
  readonly deferQueueMessages?: boolean;
  /**
   * Leave topic messages in the store too: `messages` then holds none for topics, and `deferredSubscriptions`
   * counts what each durable subscription has pending, which the broker reads with `readSubscriptionMessages`.
   * Only asked of stores that have that method.
   */
  readonly deferDurableMessages?: boolean;
}

export interface RecoveredState {
  readonly destinations: Destination[];
  /** Per destination, the messages still pending, in send order. */
  readonly messages: Map<string, Message[]>;
  /**
   * Per destination key whose messages were left in the store (queues with `deferQueueMessages`, topics with
   * `deferDurableMessages`): how many are pending and their ids (for the producer audit).
   */
  readonly deferred?: Map<string, DeferredQueue>;
  /** With `deferDurableMessages`: per `subscriptionAckKey(topic, key)`, how many messages wait for it. */
  readonly deferredSubscriptions?: Map<string, number>;
  readonly subscriptions: DurableSubscriptionRecord[];
  /** Per topic destination and subscription key, the ids that subscription already consumed. */
  readonly subscriptionAcks: Map<string, Set<string>>;
  /** Prepared XA transactions with their pending operations. */
  readonly prepared: Map<string, readonly StoreOperation[]>;
}

export interface DeferredQueue {
  readonly count: number;
  ids(): Iterable<string>;
}

export function emptyRecoveredState(): RecoveredState {
  return { destinations: [], messages: new Map(), subscriptions: [], subscriptionAcks: new Map(), prepared: new Map() };
}
