import type { Destination } from '../../model/destination.js';
import type { PersistenceAdapter } from '../../store/persistence-adapter.js';
import type { Clock } from '../../util/clock.js';
import type { ConnectionContext } from '../broker.js';
import type { Logger } from '../../util/logger.js';
import type { DeadLetterHandler } from './dead-letter-handler.js';
import { UNAWAITED_REMOVAL, type MessageReference, type StoreRemoval } from './message-reference.js';
import type { MessageAdvisories } from './message-advisories.js';
import { Queue, type QueueHost } from './queue.js';
import type { Subscription, SubscriptionHost } from './subscription.js';
import { DurableTopicSubscription, type DurableHost } from './topic.js';
import type { TransactionCoordinator } from './transaction-coordinator.js';

export interface ConsumptionHostOptions {
  store: PersistenceAdapter;
  clock: Clock;
  logger: Logger;
  advisories: MessageAdvisories;
  deadLetters(): DeadLetterHandler;
  transactions(): TransactionCoordinator;
}

/**
 * What queues and subscriptions report back to the region when a message leaves them: consumed (and the store
 * removal that follows, as the caller's StoreRemoval says), expired, given up on (dead letters), or acked inside a
 * transaction. ActiveMQ's Destination.acknowledge / messageExpired / sendToDeadLetterQueue reach the same places.
 */
export class ConsumptionHost implements SubscriptionHost, QueueHost, DurableHost {
  constructor(private readonly o: ConsumptionHostOptions) {}

  now(): number {
    return this.o.clock.now();
  }

  /**
   * A message was consumed from a queue (`subscriptionKey` null) or by a durable subscription: the store forgets
   * it, unless the caller's batch did (a commit). Not synced: a consumption lost in a crash is redelivered.
   */
  messageConsumed(
    destination: Destination,
    ref: MessageReference,
    subscriptionKey: string | null,
    removal: StoreRemoval,
  ): void {
    if (!ref.message.persistent || removal.inBatch) return;
    const write = this.o.store.write(
      [{ op: 'remove', destination, messageId: ref.message.messageId, subscription: subscriptionKey }],
      false,
    );
    if (removal.writes !== null) removal.writes.push(write);
    else write.catch((e: unknown) => this.o.logger.error('Store write failed', { error: e }));
  }

  durableConsumed(sub: DurableTopicSubscription, ref: MessageReference, removal: StoreRemoval): void {
    this.messageConsumed(ref.message.destination, ref, sub.key, removal);
  }

  /** Destination.acknowledge's messageConsumed point: see MessageAdvisories.acked. */
  messageAcked(ref: MessageReference, subscription: Subscription): void {
    this.o.advisories.acked(ref, subscription);
  }

  /** A consumer gave up on a message (Poison ack; a STOMP NACK): see DeadLetterHandler.poisoned. */
  deadLetter(
    ref: MessageReference,
    cause: string | null,
    subscription: Subscription | null,
    removal: StoreRemoval = UNAWAITED_REMOVAL,
  ): void {
    this.o.deadLetters().poisoned(ref, cause, durableKeyOf(subscription), removal);
  }

  messageExpired(
    ref: MessageReference,
    subscription: Subscription | null,
    removal: StoreRemoval = UNAWAITED_REMOVAL,
  ): void {
    if (ref.owner instanceof Queue) ref.owner.statistics.expired++; // QueueViewMBean ExpiredCount
    this.o.deadLetters().expiredRef(ref, durableKeyOf(subscription), removal);
  }

  addTransactedAcks(
    context: ConnectionContext,
    transactionId: string,
    sub: Subscription,
    refs: MessageReference[],
  ): void {
    this.o.transactions().addAcks(context, transactionId, sub, refs);
  }
}

function durableKeyOf(sub: Subscription | null): string | null {
  return sub instanceof DurableTopicSubscription ? sub.key : null;
}
