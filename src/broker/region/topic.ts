import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { Deque } from '../../util/deque.js';
import type { DurableCursor } from './durable-cursor.js';
import type { SubscriberSpool } from './subscriber-spool.js';
import { MessageReference, UNAWAITED_REMOVAL, type ReferenceOwner, type StoreRemoval } from './message-reference.js';
import { RetainedMessage } from './retained-message.js';
import type { MemoryUsage } from './memory-usage.js';
import { Subscription } from './subscription.js';
import { DestinationStatistics } from './destination-statistics.js';

/**
 * A publish/subscribe destination: every matching subscription gets its own reference to each message.
 * The topic itself keeps nothing, except the last messages for retroactive consumers when a recovery
 * policy asks for them.
 */
export class Topic {
  readonly subscriptions: TopicSubscription[] = [];
  owner: string | null = null;
  enqueueCount = 0;
  /** Counters for management (TopicViewMBean); see src/management. */
  readonly statistics = new DestinationStatistics();
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
  /**
   * Ids of persistent messages whose store write is running. The store shows a message to a durable cursor's
   * page read as soon as it is written, before the send reaches `add`: the read passes over these (the send
   * brings them itself), so no message is both paged in and added.
   */
  readonly storing = new Set<string>();

  constructor(readonly destination: Destination) {}

  /** MQTT's retained message (ActiveMQ's RetainedMessageSubscriptionRecoveryPolicy, on every topic). */
  readonly retained = new RetainedMessage();

  /**
   * Gives a message to every subscription that wants it. `stored`: the send wrote it to the store for this
   * topic's durable subscriptions, so their cursors may leave it there.
   */
  add(message: Message, stored = false): Promise<unknown> | undefined {
    this.enqueueCount++;
    this.statistics.enqueued(message.size);
    this.retained.add(message);
    if (stored) this.storing.delete(message.messageId);
    let spills: Promise<void>[] | undefined;
    if (this.recoveryCount > 0 && message.targetConsumerId === null) {
      this.recent.push(message);
      if (this.recent.length > this.recoveryCount) this.recent.shift();
    }
    const subs = this.subscriptions;
    const target = message.targetConsumerId;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i]!;
      if (target !== null && s.consumerId !== target) continue;
      const spilled = s.enqueue(message, stored);
      if (spilled !== undefined) (spills ??= []).push(spilled);
    }
    // The send waits for its spill writes, so a full temp store holds the producer back (tempUsage).
    return spills === undefined ? undefined : Promise.all(spills);
  }

  attach(sub: TopicSubscription): void {
    this.subscriptions.push(sub);
    // One topic: its own usage; a wildcard subscriber spans topics and counts against the broker's only.
    if (this.usage !== null) sub.usage = sub.topics.length > 1 ? this.usage.root : this.usage;
    if ((sub.info.retroactive || this.alwaysRetroactive) && !(sub instanceof DurableTopicSubscription)) {
      if (sub.info.retroactive) this.recoverRetained(sub);
      for (const m of this.recent) void sub.enqueue(m); // a spill write settles on its own (it never rejects)
    }
  }

  /** Gives a retroactive subscriber the retained message. */
  recoverRetained(sub: TopicSubscription): void {
    const m = this.retained.current;
    if (m !== null) void sub.enqueue(m); // a spill write settles on its own
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
  /** Its spool in the temp store (pendingSubscriberPolicy fileCursor); null keeps everything in memory. */
  spool: SubscriberSpool | null = null;
  /** Told once when a slow episode starts (advisoryForSlowConsumers, slowConsumerStrategy). */
  onSlow: ((sub: TopicSubscription) => void) | null = null;

  /** Returns the spill write's promise when the message went to the spool. */
  enqueue(message: Message, _stored = false): Promise<void> | undefined {
    if (!this.matches(message, message.redeliveryCounter)) return undefined;
    const spool = this.spool;
    if (spool !== null && this.spools(spool)) {
      this.noteBacklog();
      return this.spill(spool, message);
    }
    const ref = new MessageReference(this, message, ++this.sequence);
    if (this.pending.length === 0 && this.available) {
      this.dispatch(ref);
      // TopicSubscription.add: a message that goes straight out ends the slow episode (nothing else does,
      // apart from the subscription's removal).
      this.slow = false;
      return undefined;
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
    return undefined;
  }

  /** Memory is at the spool's high-water mark; with nothing held at all, one page still comes in. */
  private spoolFull(spool: SubscriberSpool): boolean {
    if (this.pending.length === 0 && this.dispatched.length === 0) return false;
    return this.usage !== null && this.usage.percentUsage >= spool.highWaterMark;
  }

  /** FilePendingMessageCursor.tryAddMessageLast: to disk once memory is short, and behind anything already there. */
  private spools(spool: SubscriberSpool): boolean {
    if (spool.spilling) return true;
    if (this.pending.length === 0 && this.available) return false;
    return this.spoolFull(spool);
  }

  private spill(spool: SubscriberSpool, message: Message): Promise<void> {
    spool.backlog++;
    spool.arrivals++;
    spool.writes++;
    // A copy: the temp store stamps its own sequence on what it writes, and the topic's other subscribers
    // (a durable one among them) share the original.
    return spool.store.spill(spool.destination, message.copy()).then(
      () => {
        spool.writes--;
        this.drain();
      },
      (e: unknown) => {
        spool.writes--;
        spool.backlog--;
        spool.store.failed(spool.destination, 'write', e);
        this.pushPending(new MessageReference(this, message, ++this.sequence));
        this.drain();
      },
    );
  }

  /** Reads the next page of the spool back (FilePendingMessageCursor.fillBatch) while memory has room. */
  private pageSpool(): void {
    const spool = this.spool;
    if (spool === null || spool.paging || spool.backlog === 0 || !this.active) return;
    if (this.pending.length >= spool.pageSize || this.spoolFull(spool)) return;
    spool.paging = true;
    spool.arrivals = 0;
    const max = spool.pageSize;
    spool.store.read(spool.destination, spool.position, max).then(
      (page) => {
        let taken = 0;
        for (const m of page) {
          if (this.spoolFull(spool)) break;
          if (m.storeSequence > spool.position) spool.position = m.storeSequence;
          m.brokerSequence = spool.store.nextBrokerSequence();
          const ref = new MessageReference(this, m, ++this.sequence);
          ref.inTemp = true;
          this.pushPending(ref);
          taken++;
        }
        // Writes still running are counted but not yet readable: they come with the next page.
        const exhausted = page.length < max && taken === page.length && spool.writes === 0;
        spool.backlog = exhausted ? spool.arrivals : Math.max(page.length - taken, spool.backlog - taken);
        spool.paging = false;
        this.drain();
      },
      (e: unknown) => {
        spool.paging = false;
        spool.store.failed(spool.destination, 'read', e);
      },
    );
  }

  /**
   * TopicSubscription.add: a subscriber with a prefetch above 1 that already holds more than its prefetch
   * in pending messages (besides a full prefetch window, so "twice its prefetch") becomes slow. Counted
   * before the new message is added, as ActiveMQ does.
   */
  protected noteBacklog(): void {
    const prefetch = this.info.prefetch;
    // What waits in the spool counts too, as the matched cursor's size does in ActiveMQ.
    const waiting = this.pending.length + (this.spool?.backlog ?? 0);
    if (prefetch > 1 && waiting > prefetch && !this.slow) this.becameSlow();
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
    this.pageSpool();
  }

  wakeup(): void {
    this.drain();
  }

  /** TopicViewMBean DispatchCount: counted per subscription, as ActiveMQ's Topic counts each dispatch. */
  override dispatch(ref: MessageReference, groupFirst = false): void {
    const stats = this.topicStatistics(ref.message);
    if (stats !== undefined) stats.dispatched++;
    super.dispatch(ref, groupFirst);
  }

  /** A non-durable subscriber's messages are not in the store: `_removal` has nothing to do here. */
  consumed(ref: MessageReference, _removal?: StoreRemoval): void {
    ref.dropped = true;
    if (ref.inTemp && this.spool !== null) this.spool.store.unspill(this.spool.destination, ref.message);
    this.countDequeue(ref);
  }

  /** TopicViewMBean DequeueCount and enqueue times: each subscription's ack counts, as in ActiveMQ. */
  protected countDequeue(ref: MessageReference): void {
    this.topicStatistics(ref.message)?.dequeued(this.host.now() - ref.message.brokerInTime);
  }

  /** The statistics of the topic a message came through (a wildcard subscription spans several). */
  private topicStatistics(message: Message): DestinationStatistics | undefined {
    const topics = this.topics;
    if (topics.length === 1) return topics[0]!.statistics;
    for (const t of topics) if (t.destination === message.destination) return t.statistics;
    return undefined;
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
    const spool = this.spool;
    if (spool !== null) {
      // Whatever it spooled, read back or not, is of no use to anybody now.
      this.spool = null;
      if (spool.used) spool.store.drop(spool.destination);
    }
    return refs;
  }
}

export interface DurableHost {
  /** A message this subscription consumed: the store forgets it for this subscription. */
  durableConsumed(sub: DurableTopicSubscription, ref: MessageReference, removal: StoreRemoval): void;
}

/**
 * A durable topic subscription (clientId + subscription name). It outlives its consumer: while nobody is
 * attached, messages accumulate in `pending`; unacknowledged ones return to the front of it when the
 * consumer leaves, to be redelivered on the next activation.
 */
export class DurableTopicSubscription extends TopicSubscription {
  durableHost: DurableHost | null = null;
  /** Its store cursor (pendingDurableSubscriberPolicy), on a subscription to one topic; null keeps all in memory. */
  cursor: DurableCursor | null = null;

  clientId = '';
  subscriptionName = '';

  get key(): string {
    return durableKey(this.clientId, this.subscriptionName);
  }

  override consumed(ref: MessageReference, removal: StoreRemoval = UNAWAITED_REMOVAL): void {
    ref.dropped = true;
    this.countDequeue(ref);
    this.durableHost?.durableConsumed(this, ref, removal);
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
    this.pageIn();
  }

  /** Pending in memory, in flight and left in the store by the cursor. */
  get backlog(): number {
    return this.pending.length + this.dispatched.length + (this.cursor?.storeBacklog ?? 0);
  }

  /** Memory is at the cursor's high-water mark; with nothing held at all, one page still comes in. */
  private full(c: DurableCursor): boolean {
    if (this.pending.length === 0 && this.dispatched.length === 0) return false;
    return this.usage !== null && this.usage.percentUsage >= c.highWaterMark;
  }

  /**
   * The cursor's choice for a message stored for this subscription (StoreDurableSubscriberCursor.addMessageLast):
   * memory while there is room and nothing waits on disk, else the store keeps it. False: the cursor counted it
   * and a page read will bring it.
   */
  private keepInMemory(c: DurableCursor, message: Message): boolean {
    // A page read already passed its place while its write ran (and skipped it): only memory can keep it now.
    if (message.storeSequence <= c.storePosition) return true;
    if (!c.spilling) {
      const straightOut = this.active && this.available && this.pending.length === 0;
      if (straightOut || !this.full(c)) {
        c.storePosition = message.storeSequence;
        return true;
      }
    }
    c.storeBacklog++;
    c.arrivals++;
    return false;
  }

  /**
   * Reads the next page of the backlog from the store (AbstractStoreCursor.fillBatch) while the consumer is
   * attached and memory has room; one read at a time, and it dispatches when it lands.
   */
  private pageIn(): void {
    const c = this.cursor;
    if (c === null || c.paging || c.storeBacklog === 0 || !this.active) return;
    if (this.pending.length >= c.pageSize || this.full(c)) return;
    c.paging = true;
    c.arrivals = 0;
    const max = c.pageSize;
    c.store.read(c.topic, this.key, c.storePosition, max).then(
      (page) => {
        let seen = 0;
        let taken = 0;
        const topic = this.topics[0];
        for (const m of page) {
          // A page stops where memory does; the rest stays on disk and the position is not moved past it.
          if (this.full(c)) break;
          seen++;
          if (m.storeSequence > c.storePosition) c.storePosition = m.storeSequence;
          if (topic?.storing.has(m.messageId) === true) continue; // its send will add it
          if (!this.matches(m, m.redeliveryCounter)) continue;
          m.brokerSequence = c.store.nextBrokerSequence();
          this.pushPending(new MessageReference(this, m, ++this.sequence));
          taken++;
        }
        const exhausted = page.length < max && seen === page.length;
        c.storeBacklog = exhausted ? c.arrivals : Math.max(1, c.storeBacklog - taken);
        c.paging = false;
        this.drain();
      },
      (e: unknown) => {
        c.paging = false;
        c.store.pageFailed(c.topic, this.key, e);
      },
    );
  }

  /** The consumer leaves; the subscription and its messages stay. */
  deactivate(): void {
    this.slow = false;
    const refs = Subscription.prototype.close.call(this);
    for (const ref of refs) this.returned(ref);
  }

  override enqueue(message: Message, stored = false): Promise<void> | undefined {
    const c = this.cursor;
    if (c !== null && stored && message.persistent) {
      if (!this.matches(message, 0)) return undefined;
      if (!this.keepInMemory(c, message)) return undefined;
    }
    if (!this.active) {
      // Offline: keep everything the subscription selects, delivered on the next activation.
      if (!this.matches(message, 0)) return undefined;
      this.pushPending(new MessageReference(this, message, ++this.sequence));
      return undefined;
    }
    return super.enqueue(message);
  }
}

export function durableKey(clientId: string, subscriptionName: string): string {
  return `${clientId}:${subscriptionName}`;
}
