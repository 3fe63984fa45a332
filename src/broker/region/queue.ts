import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { Deque } from '../../util/deque.js';
import { MessageReference, type ReferenceOwner } from './message-reference.js';
import type { MemoryUsage } from './memory-usage.js';
import type { Subscription } from './subscription.js';

/** What a queue needs from the region: the store, expiry and dead-lettering. */
export interface QueueHost {
  now(): number;
  /** A message was consumed: remove it from the store if it is there. */
  messageConsumed(destination: Destination, ref: MessageReference, subscriptionKey: string | null): void;
  /** A message's time to live ran out before it was consumed (already removed from wherever it sat). */
  messageExpired(ref: MessageReference, subscription: Subscription | null): void;
}

/**
 * A point-to-point destination. Messages wait in `pending` in arrival order (redelivered ones go back to
 * their original place) and are dispatched round-robin to consumers with credit, highest consumer priority
 * first, honouring exclusive consumers, message groups and selectors, as ActiveMQ's Queue does.
 */
export class Queue implements ReferenceOwner {
  readonly pending = new Deque<MessageReference>();
  readonly consumers: Subscription[] = [];
  /** JMSXGroupID → the consumer that owns the group. */
  /** Set by selectConsumer when it just gave a group its owner; read by the dispatch that follows. */
  private groupAssigned = false;
  private readonly groups = new Map<string, Subscription>();
  private sequence = 0;
  private roundRobin = 0;
  private dispatching = false;
  private again = false;
  /** How far past undispatchable messages the dispatcher looks (ActiveMQ's maxPageSize is 200). */
  maxScan = 1000;
  /** Owned by a connection (temporary queues). */
  owner: string | null = null;
  /** policyEntry prioritizedMessages: pending is ordered by JMSPriority (9 first), then arrival. */
  prioritized = false;
  /** policyEntry allConsumersExclusiveByDefault. */
  allExclusive = false;
  /** policyEntry sendAdvisoryIfNoConsumers. */
  noConsumerAdvisory = false;
  /** policyEntry advisoryForDelivery. */
  deliveryAdvisory = false;
  /** policyEntry expireMessagesPeriod (ms; 0 = no sweep). */
  expirePeriod = 30_000;
  /** Bytes of messages held here (pending and in flight), for producer flow control. */
  usage: MemoryUsage | null = null;
  /** Messages that have been consumed, for statistics. */
  dequeueCount = 0;
  enqueueCount = 0;

  constructor(
    readonly destination: Destination,
    private readonly host: QueueHost,
  ) {}

  get size(): number {
    return this.pending.length + this.inflightCount();
  }

  inflightCount(): number {
    let n = 0;
    for (const c of this.consumers) for (const ref of c.dispatched) if (ref.owner === this) n++;
    return n;
  }

  /** Adds a message (already stored if persistent) and dispatches. */
  add(message: Message): void {
    this.enqueueCount++;
    this.insert(new MessageReference(this, message, ++this.sequence));
    this.dispatch();
  }

  /** Adds a message recovered from the store, without dispatching. */
  restore(message: Message): void {
    this.insert(new MessageReference(this, message, ++this.sequence));
  }

  private insert(ref: MessageReference): void {
    this.usage?.increase(ref.message.size);
    const pending = this.pending;
    // Arrival order is the common case, and with priorities a message no more urgent than the last one.
    if (
      !this.prioritized ||
      pending.length === 0 ||
      pending.at(pending.length - 1).message.priority >= ref.message.priority
    ) {
      pending.push(ref);
      return;
    }
    pending.insertAt(this.position(ref), ref);
  }

  /** Where a reference belongs in `pending`: arrival order, or priority then arrival when prioritized. */
  private position(ref: MessageReference): number {
    const pending = this.pending;
    let lo = 0;
    let hi = pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(pending.at(mid), ref)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private before(a: MessageReference, b: MessageReference): boolean {
    if (this.prioritized) {
      const pa = clampPriority(a.message.priority);
      const pb = clampPriority(b.message.priority);
      if (pa !== pb) return pa > pb;
    }
    return a.sequence < b.sequence;
  }

  attach(sub: Subscription): void {
    // Keep consumers ordered by priority (highest first); equal priorities keep arrival order.
    let i = this.consumers.length;
    while (i > 0 && this.consumers[i - 1]!.info.priority < sub.info.priority) i--;
    this.consumers.splice(i, 0, sub);
    this.dispatch();
  }

  detach(sub: Subscription): void {
    const i = this.consumers.indexOf(sub);
    if (i >= 0) this.consumers.splice(i, 1);
    for (const [group, owner] of this.groups) if (owner === sub) this.groups.delete(group);
  }

  consumed(ref: MessageReference): void {
    if (ref.dropped) return;
    ref.dropped = true;
    this.usage?.decrease(ref.message.size);
    this.dequeueCount++;
    this.host.messageConsumed(this.destination, ref, null);
  }

  /** A consumer left without acking: put the message back in its original position. */
  returned(ref: MessageReference): void {
    if (ref.dropped) return;
    ref.delivered = false;
    ref.transactionId = null;
    // Binary search: redelivered messages keep their order relative to the rest.
    this.pending.insertAt(this.position(ref), ref);
  }

  /** Removes every pending message (purge); in-flight ones stay with their consumers. */
  purge(): MessageReference[] {
    const refs = this.pending.clear();
    for (const ref of refs) this.consumed(ref);
    return refs;
  }

  /**
   * Dispatches as much as credit allows. Re-entrant calls (an ack arriving while dispatching) are folded
   * into one more pass instead of recursing.
   */
  dispatch(): void {
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        this.dispatchPass();
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  private dispatchPass(): void {
    if (this.consumers.length === 0) {
      this.dropExpiredHead();
      return;
    }
    const now = this.host.now();
    let i = 0;
    let skipped = 0;
    while (i < this.pending.length && skipped < this.maxScan) {
      const ref = this.pending.at(i);
      if (ref.dropped) {
        this.pending.removeAt(i);
        continue;
      }
      if (ref.message.isExpired(now)) {
        this.pending.removeAt(i);
        this.host.messageExpired(ref, null);
        continue;
      }
      const sub = this.selectConsumer(ref);
      if (sub === undefined) break; // nobody can take anything now
      if (sub === null) {
        i++;
        skipped++;
        continue;
      }
      this.pending.removeAt(i);
      const groupFirst = this.groupAssigned;
      this.groupAssigned = false;
      sub.dispatch(ref, groupFirst);
    }
  }

  private dropExpiredHead(): void {
    const now = this.host.now();
    while (this.pending.length > 0) {
      const ref = this.pending.at(0);
      if (ref.dropped) this.pending.shift();
      else if (ref.message.isExpired(now)) {
        this.pending.shift();
        this.host.messageExpired(ref, null);
      } else break;
    }
  }

  /** Removes expired messages anywhere in the queue (the periodic sweep, expireMessagesPeriod). */
  expireMessages(): void {
    const now = this.host.now();
    for (let i = 0; i < this.pending.length;) {
      const ref = this.pending.at(i);
      if (ref.dropped) this.pending.removeAt(i);
      else if (ref.message.isExpired(now)) {
        this.pending.removeAt(i);
        this.host.messageExpired(ref, null);
      } else i++;
    }
  }

  /**
   * The consumer for this message: `undefined` when no consumer has room at all (stop scanning), `null`
   * when someone has room but not for this message (selector, group owned elsewhere).
   */
  private selectConsumer(ref: MessageReference): Subscription | null | undefined {
    const consumers = this.consumers;
    const n = consumers.length;
    let anyAvailable = false;

    // An exclusive consumer, when present, takes everything (the first one attached wins).
    for (let k = 0; k < n; k++) {
      const c = consumers[k]!;
      if (c.info.exclusive || this.allExclusive) {
        if (!c.available) return undefined;
        return c.matches(ref.message, ref.deliveryCount) ? c : null;
      }
    }

    const group = ref.message.groupId;
    if (group !== null) {
      const owner = this.groups.get(group);
      if (owner !== undefined) {
        if (!owner.available) return this.anyAvailable() ? null : undefined;
        const chosen = owner.matches(ref.message, ref.deliveryCount) ? owner : null;
        if (chosen !== null && ref.message.groupSequence === -1) this.groups.delete(group);
        return chosen;
      }
    }

    // Highest priority first; round-robin among consumers of that priority.
    let best: Subscription | null = null;
    let bestIndex = -1;
    for (let step = 0; step < n; step++) {
      const k = (this.roundRobin + step) % n;
      const c = consumers[k]!;
      if (!c.available) continue;
      anyAvailable = true;
      if (best !== null && c.info.priority <= best.info.priority) continue;
      if (!c.matches(ref.message, ref.deliveryCount)) continue;
      best = c;
      bestIndex = k;
      if (c.info.priority === consumers[0]!.info.priority) break; // nobody outranks the top priority
    }
    if (!anyAvailable) return undefined;
    if (best === null) return null;
    this.roundRobin = (bestIndex + 1) % n;
    if (group !== null) {
      // A new owner for the group: the delivery is marked JMSXGroupFirstForConsumer, as ActiveMQ's assignGroup does.
      this.groupAssigned = true;
      if (ref.message.groupSequence !== -1) this.groups.set(group, best);
    }
    return best;
  }

  private anyAvailable(): boolean {
    for (const c of this.consumers) if (c.available) return true;
    return false;
  }
}

/** JMSPriority outside 0-9 counts as the nearest bound, as ActiveMQ's prioritized cursors clamp it. */
function clampPriority(p: number): number {
  return p < 0 ? 0 : p > 9 ? 9 : p;
}
