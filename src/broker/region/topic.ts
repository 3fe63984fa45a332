import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { Deque } from '../../util/deque.js';
import { MessageReference, type ReferenceOwner } from './message-reference.js';
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
  /** Last messages kept for retroactive consumers (subscriptionRecoveryPolicy fixedCount). */
  private readonly recent: Message[] = [];
  recoveryCount = 0;

  constructor(readonly destination: Destination) {}

  add(message: Message): void {
    this.enqueueCount++;
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
    if (sub.info.retroactive && !(sub instanceof DurableTopicSubscription)) {
      for (const m of this.recent) sub.enqueue(m);
    }
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

  enqueue(message: Message): void {
    if (!this.matches(message, message.redeliveryCounter)) return;
    const ref = new MessageReference(this, message, ++this.sequence);
    if (this.pending.length === 0 && this.available) {
      this.dispatch(ref);
      return;
    }
    this.pending.push(ref);
    if (this.pendingLimit >= 0 && this.pending.length > this.pendingLimit) {
      this.pending.shift();
      this.discarded++;
    }
    this.drain();
  }

  /** Sends pending messages while credit and the socket allow. */
  drain(): void {
    const now = this.host.now();
    while (this.pending.length > 0 && this.available) {
      const ref = this.pending.shift()!;
      if (ref.dropped) continue;
      if (ref.message.isExpired(now)) {
        this.host.deadLetter(ref, 'Message expired', this);
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
    for (const t of this.topics) t.detach(this);
    this.topics.length = 0;
    this.pending.clear();
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
  }

  /** The consumer leaves; the subscription and its messages stay. */
  deactivate(): void {
    const refs = Subscription.prototype.close.call(this);
    for (const ref of refs) this.returned(ref);
  }

  override enqueue(message: Message): void {
    if (!this.active) {
      // Offline: keep everything the subscription selects, delivered on the next activation.
      if (!this.matches(message, 0)) return;
      this.pending.push(new MessageReference(this, message, ++this.sequence));
      return;
    }
    super.enqueue(message);
  }
}

export function durableKey(clientId: string, subscriptionName: string): string {
  return `${clientId}:${subscriptionName}`;
}
