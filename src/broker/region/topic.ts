import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { Deque } from '../../util/deque.js';
import { MessageReference, type ReferenceOwner } from './message-reference.js';
import { RetainedMessage } from './retained-message.js';
import type { MemoryUsage } from './memory-usage.js';
import { Subscription } from './subscription.js';

/**
 * A publish/subscribe destination: every matching subscription gets its own reference to each message.
 * The topic itself keeps nothing, except the last messages for retroactive consumers when a recovery
 * policy asks for them.
 */
export class Topic {
  readonly subscriptions: TopicSubscription[] = [];
  owner: string | null = null;
  enqueueCount = 0;
  /** Last messages kept for retroactive consumers (subscriptionRecoveryPolicy fixedCount / lastImage). */
  private readonly recent: Message[] = [];
  recoveryCount = 0;
  /** policyEntry alwaysRetroactive: every new non-durable subscriber is retroactive. */
  alwaysRetroactive = false;
  /** policyEntry sendAdvisoryIfNoConsumers. */
  noConsumerAdvisory = false;
  /** policyEntry advisoryForDelivery. */
  deliveryAdvisory = false;
  /** Bytes waiting in this topic's subscriptions, for producer flow control. */
  usage: MemoryUsage | null = null;

  constructor(readonly destination: Destination) {}

  /** MQTT's retained message (ActiveMQ's RetainedMessageSubscriptionRecoveryPolicy, on every topic). */
  readonly retained = new RetainedMessage();

  add(message: Message): void {
    this.enqueueCount++;
    this.retained.add(message);
    if (this.recoveryCount > 0 && message.targetConsumerId === null) {
      this.recent.push(message);
      if (this.recent.length > this.recoveryCount) this.recent.shift();
    }
    const subs = this.subscriptions;
    const target = message.targetConsumerId;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i]!;
      if (target === null || s.consumerId === target) s.enqueue(message);
    }
  }

  attach(sub: TopicSubscription): void {
    this.subscriptions.push(sub);
    // One topic: its own usage; a wildcard subscriber spans topics and counts against the broker's only.
    if (this.usage !== null) sub.usage = sub.topics.length > 1 ? this.usage.root : this.usage;
    if ((sub.info.retroactive || this.alwaysRetroactive) && !(sub instanceof DurableTopicSubscription)) {
      if (sub.info.retroactive) this.recoverRetained(sub);
      for (const m of this.recent) sub.enqueue(m);
    }
  }

  /** Gives a retroactive subscriber the retained message. */
  recoverRetained(sub: TopicSubscription): void {
    const m = this.retained.current;
    if (m !== null) sub.enqueue(m);
  }

  /** Messages a retroactive subscriber would be given now. */
  get recoverable(): readonly Message[] {
    return this.recent;
  }

  detach(sub: TopicSubscription): void {
    const i = this.subscriptions.indexOf(sub);
    if (i >= 0) this.subscriptions.splice(i, 1);
  }
}

/**
 * A non-durable topic subscriber: messages arriving while it has no credit wait in its own pending list,
 * bounded by `pendingLimit` (ActiveMQ's pendingMessageLimitStrategy: the oldest are discarded beyond it).
 */
export class TopicSubscription extends Subscription implements ReferenceOwner {
  readonly pending = new Deque<MessageReference>();
  readonly topics: Topic[] = [];
  protected sequence = 0;
  /** -1: unbounded (limited by memory usage and producer flow control). */
  pendingLimit = -1;
  discarded = 0;
  /** Where pending bytes are counted (the topic's usage), for producer flow control. */
  usage: MemoryUsage | null = null;
  /** Told about each message dropped by the pending limit (advisoryForDiscardingMessages). */
  onDiscard: ((sub: TopicSubscription, message: Message) => void) | null = null;
  /** In a slow episode (ActiveMQ's AbstractSubscription.slowConsumer flag). */
  slow = false;
  /** Told once when a slow episode starts (advisoryForSlowConsumers, slowConsumerStrategy). */
  onSlow: ((sub: TopicSubscription) => void) | null = null;

  enqueue(message: Message): void {
    if (!this.matches(message, message.redeliveryCounter)) return;
    const ref = new MessageReference(this, message, ++this.sequence);
    if (this.pending.length === 0 && this.available) {
      this.dispatch(ref);
      // TopicSubscription.add: a message that goes straight out ends the slow episode (nothing else does,
      // apart from the subscription's removal).
      this.slow = false;
      return;
    }
    this.noteBacklog();
    this.pushPending(ref);
    if (this.pendingLimit >= 0 && this.pending.length > this.pendingLimit) {
      // constantPendingMessageLimitStrategy: a slow non-durable subscriber loses its oldest messages
      // instead of holding every producer back (TopicSubscription's eviction).
      const old = this.takePending();
      this.discarded++;
      if (this.onDiscard !== null && old !== undefined) this.onDiscard(this, old.message);
    }
    this.drain();
  }

  /**
   * TopicSubscription.add: a subscriber with a prefetch above 1 that already holds more than its prefetch
   * in pending messages (besides a full prefetch window, so "twice its prefetch") becomes slow. Counted
   * before the new message is added, as ActiveMQ does.
   */
  protected noteBacklog(): void {
    const prefetch = this.info.prefetch;
    if (prefetch > 1 && this.pending.length > prefetch && !this.slow) this.becameSlow();
  }

  protected becameSlow(): void {
    this.slow = true;
    this.onSlow?.(this);
  }

  protected pushPending(ref: MessageReference): void {
    this.pending.push(ref);
    this.usage?.increase(ref.message.size);
  }

  protected takePending(): MessageReference | undefined {
    const ref = this.pending.shift();
    if (ref !== undefined) this.usage?.decrease(ref.message.size);
    return ref;
  }

  /** Sends pending messages while credit and the socket allow. */
  drain(): void {
    const now = this.host.now();
    while (this.pending.length > 0 && this.available) {
      const ref = this.takePending()!;
      if (ref.dropped) continue;
      if (ref.message.isExpired(now)) {
        this.host.messageExpired(ref, this);
        continue;
      }
      this.dispatch(ref);
    }
  }

  wakeup(): void {
    this.drain();
  }

  consumed(ref: MessageReference): void {
    ref.dropped = true;
  }

  /** A non-durable subscriber that leaves loses its messages, as in JMS. */
  returned(ref: MessageReference): void {
    ref.dropped = true;
  }

  override close(): MessageReference[] {
    const refs = super.close();
    this.slow = false;
    for (const t of this.topics) t.detach(this);
    this.topics.length = 0;
    for (const ref of this.pending.clear()) this.usage?.decrease(ref.message.size);
    return refs;
  }
}

export interface DurableHost {
  /** A message this subscription consumed: the store forgets it for this subscription. */
  durableConsumed(sub: DurableTopicSubscription, ref: MessageReference): void;
}

/**
 * A durable topic subscription (clientId + subscription name). It outlives its consumer: while nobody is
 * attached, messages accumulate in `pending`; unacknowledged ones return to the front of it when the
 * consumer leaves, to be redelivered on the next activation.
 */
export class DurableTopicSubscription extends TopicSubscription {
  durableHost: DurableHost | null = null;

  clientId = '';
  subscriptionName = '';

  get key(): string {
    return durableKey(this.clientId, this.subscriptionName);
  }

  override consumed(ref: MessageReference): void {
    ref.dropped = true;
    this.durableHost?.durableConsumed(this, ref);
  }

  override returned(ref: MessageReference): void {
    if (ref.dropped) return;
    ref.delivered = false;
    ref.transactionId = null;
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pending.at(mid).sequence < ref.sequence) lo = mid + 1;
      else hi = mid;
    }
    this.pending.insertAt(lo, ref);
    this.usage?.increase(ref.message.size);
  }

  /** Durable subscriptions follow PrefetchSubscription's rule instead, in drain(). */
  protected override noteBacklog(): void {}

  /**
   * PrefetchSubscription.dispatchPending: with room in the prefetch window the episode ends and pending
   * messages go out; with none while messages wait, the subscription becomes slow (once per episode).
   */
  override drain(): void {
    if (!this.active) return;
    if (this.hasCredit) {
      this.slow = false;
      super.drain();
    } else if (this.pending.length > 0 && !this.slow) {
      this.becameSlow();
    }
  }

  /** The consumer leaves; the subscription and its messages stay. */
  deactivate(): void {
    this.slow = false;
    const refs = Subscription.prototype.close.call(this);
    for (const ref of refs) this.returned(ref);
  }

  override enqueue(message: Message): void {
    if (!this.active) {
      // Offline: keep everything the subscription selects, delivered on the next activation.
      if (!this.matches(message, 0)) return;
      this.pushPending(new MessageReference(this, message, ++this.sequence));
      return;
    }
    super.enqueue(message);
  }
}

export function durableKey(clientId: string, subscriptionName: string): string {
  return `${clientId}:${subscriptionName}`;
}
