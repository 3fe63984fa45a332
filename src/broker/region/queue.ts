import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { Deque } from '../../util/deque.js';
import { MessageReference, UNAWAITED_REMOVAL, type ReferenceOwner, type StoreRemoval } from './message-reference.js';
import type { MemoryUsage } from './memory-usage.js';
import { QueueCursor, type CursorStores } from './queue-cursor.js';
import { DestinationStatistics } from './destination-statistics.js';
import type { Subscription } from './subscription.js';

/** What a queue needs from the region: the store, expiry and dead-lettering. */
export interface QueueHost {
  now(): number;
  /** A message was consumed: remove it from the store if it is there, as `removal` says. */
  messageConsumed(
    destination: Destination,
    ref: MessageReference,
    subscriptionKey: string | null,
    removal: StoreRemoval,
  ): void;
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
  /** What is not in memory, and how it comes back (pendingQueuePolicy). */
  readonly cursor = new QueueCursor();
  /** Counters for management (QueueViewMBean); see src/management. */
  readonly statistics = new DestinationStatistics();
  /** QueueViewMBean.pause(): messages are still accepted, none is dispatched until resume(). */
  paused = false;

  constructor(
    readonly destination: Destination,
    private readonly host: QueueHost,
    /** The stores the cursor pages from; null keeps everything in memory (as vmQueueCursor). */
    private readonly stores: CursorStores | null = null,
  ) {}

  /** Pending in memory, in flight, and left on disk by the cursor. */
  get size(): number {
    return this.pending.length + this.inflightCount() + this.cursor.backlog;
  }

  inflightCount(): number {
    let n = 0;
    for (const c of this.consumers) for (const ref of c.dispatched) if (ref.owner === this) n++;
    return n;
  }

  /**
   * Adds a message (already stored if persistent) and dispatches. A message the cursor does not keep in memory
   * stays in the store, or is written to the temp store: the promise then settles once it is there (the send
   * waits for it, so a temp store that is full holds the producer back).
   */
  add(message: Message, storeInFlight = false): Promise<void> | undefined {
    this.enqueueCount++;
    this.statistics.enqueued(message.size);
    const c = this.cursor;
    // A message dispatched while its store write runs stays marked until `stored`: a page read meanwhile must
    // pass over it, it is in memory already.
    if (message.persistent && !storeInFlight) c.storing.delete(message.messageId);
    if (this.keepInMemory(message)) {
      if (message.persistent && message.storeSequence > c.storePosition) c.storePosition = message.storeSequence;
      this.insert(new MessageReference(this, message, ++this.sequence));
      this.dispatch();
      return undefined;
    }
    if (message.persistent && c.kind === 'store') {
      c.storeBacklog++;
      c.storeArrivals++;
      c.scanDone = false;
      return undefined;
    }
    c.tempBacklog++;
    c.tempArrivals++;
    c.tempWrites++;
    return this.stores!.spill(this.destination, message).then(
      () => {
        c.tempWrites--;
        this.dispatch();
      },
      (e: unknown) => {
        c.tempWrites--;
        c.tempBacklog--;
        c.tempArrivals = Math.max(0, c.tempArrivals - 1);
        throw e;
      },
    );
  }

  /** The cursor's choice (AbstractStoreCursor.addMessageLast): memory while there is room and no backlog. */
  private keepInMemory(message: Message): boolean {
    const c = this.cursor;
    if (c.kind === 'vm' || this.stores === null) return true;
    const stored = message.persistent && message.storeSequence > 0;
    // A persistent message whose place in the store is unknown (not written by this send, a duplicate the
    // store ignored), or whose store write raced a page read that already passed its place: only memory can
    // keep it now.
    if (message.persistent && c.kind === 'store' && message.storeSequence <= c.storePosition) return true;
    if (!this.stores.canSpill && (!message.persistent || c.kind === 'file')) return true;
    if (c.spilling) return false;
    if (stored && c.kind === 'store' && !c.useCache) return false;
    return this.usage === null || this.usage.percentUsage < c.highWaterMark;
  }

  /**
   * No room to page in more: memory is at the cursor's high-water mark. An empty queue always takes one
   * message, so a single message larger than the window still moves.
   */
  private full(): boolean {
    if (this.pending.length === 0 && this.inflightCount() === 0) return false;
    return this.usage !== null && this.usage.percentUsage >= this.cursor.highWaterMark;
  }

  /** Sends whose store write runs before they are added (store-then-dispatch): later sends may not pass them. */
  private storedFirst = 0;

  /**
   * A persistent message's store write begins: see QueueCursor.storing. `first`: it is added only once written
   * (the usual path), as opposed to dispatched while storing.
   */
  storing(message: Message, first = true): void {
    if (!message.persistent) return;
    this.cursor.storing.add(message.messageId);
    if (first) this.storedFirst++;
  }

  /** A message stored first has been written and is about to be added. */
  storeDone(): void {
    this.storedFirst--;
  }

  /** Its store write failed: the send fails and the message never reaches `add`. */
  storeFailed(message: Message, first = true): void {
    this.cursor.storing.delete(message.messageId);
    if (first && message.persistent) this.storedFirst--;
  }

  /**
   * concurrentStoreAndDispatchQueues (ActiveMQ's Queue.send with isOptimizeStorage): a persistent message may be
   * dispatched while its store write runs when it would be kept in memory anyway and a consumer can take it now.
   * Otherwise it is stored first, so the cursor knows its place in the store.
   */
  dispatchesWhileStoring(message: Message): boolean {
    const c = this.cursor;
    // A message stored first is added when its write completes: one dispatched now would overtake it.
    if (this.storedFirst > 0) return false;
    if (!message.persistent || c.kind === 'file' || c.spilling || (c.kind === 'store' && !c.useCache)) return false;
    if (this.usage !== null && this.usage.percentUsage >= c.highWaterMark) return false;
    return this.consumers.some((s) => s.available);
  }

  /** A message added with `storeInFlight` has been written (or its add withdrawn): see `add`. */
  stored(message: Message): void {
    const c = this.cursor;
    c.storing.delete(message.messageId);
    if (message.storeSequence > c.storePosition) c.storePosition = message.storeSequence;
  }

  /** Adds a message recovered from the store, without dispatching. */
  restore(message: Message): void {
    if (message.persistent && message.storeSequence > this.cursor.storePosition) {
      this.cursor.storePosition = message.storeSequence;
    }
    this.insert(new MessageReference(this, message, ++this.sequence));
  }

  /** The store kept this many of the queue's messages unread at start (deferred recovery). */
  restoreBacklog(count: number): void {
    this.cursor.storeBacklog += count;
  }

  /**
   * Pages in the next messages from the store and the temp store (AbstractStoreCursor.fillBatch), when the
   * messages in memory run low and someone could take them. One page-in runs at a time; it dispatches when
   * it lands, and asks for the next if still short.
   */
  private pageIn(): void {
    const c = this.cursor;
    if (c.paging || this.stores === null || c.backlog === 0) return;
    if (this.consumers.length === 0) return;
    if (this.full()) {
      if (c.storeBacklog > 0 && !c.scanDone && this.anyAvailable()) this.scanAhead();
      return;
    }
    // A full page is enough, unless consumers with room left it undispatched: their selectors (or groups) match
    // nothing in it, so more is paged in for them while memory allows (ActiveMQ would stop at maxPageSize).
    if (this.pending.length >= c.pageSize && !this.anyAvailable()) return;
    c.paging = true;
    const stores = this.stores;
    const max = c.pageSize;
    void (async () => {
      try {
        if (c.storeBacklog > 0) {
          c.storeArrivals = 0;
          const page = await stores.readStore(this.destination, c.storePosition, max);
          let taken = 0;
          let seen = 0;
          for (const m of page) {
            // A page stops where memory does (Queue.doPageIn checks the cursor has space); the rest stays on
            // disk, and the position is not moved past it.
            if (this.full()) break;
            seen++;
            if (m.storeSequence > c.storePosition) c.storePosition = m.storeSequence;
            if (c.storing.has(m.messageId)) continue; // its send will add it
            if (c.pagedAhead.delete(m.storeSequence)) continue; // a scan ahead brought it in already
            taken++;
            m.brokerSequence = stores.nextBrokerSequence();
            this.insert(new MessageReference(this, m, ++this.sequence));
          }
          const exhausted = page.length < max && seen === page.length;
          c.storeBacklog = exhausted ? c.storeArrivals : Math.max(page.length - seen, c.storeBacklog - taken);
        }
        if (c.tempBacklog > 0 && this.pending.length < max && !this.full()) {
          c.tempArrivals = 0;
          const page = await stores.readTemp(this.destination, c.tempPosition, max);
          let taken = 0;
          for (const m of page) {
            if (this.full()) break;
            if (m.storeSequence > c.tempPosition) c.tempPosition = m.storeSequence;
            m.brokerSequence = stores.nextBrokerSequence();
            const ref = new MessageReference(this, m, ++this.sequence);
            ref.inTemp = true;
            this.insert(ref);
            taken++;
          }
          // Messages still being written are counted but not yet readable: they come with the next page.
          const exhausted = page.length < max && taken === page.length && c.tempWrites === 0;
          c.tempBacklog = exhausted ? c.tempArrivals : Math.max(page.length - taken, c.tempBacklog - taken);
        }
      } catch (e) {
        stores.pageFailed(this.destination, e);
        c.paging = false;
        return;
      }
      c.paging = false;
      this.dispatch();
    })();
  }

  /**
   * Memory is full of messages that the consumers with room do not want (their selectors match none of them):
   * read ahead in the store for messages they do want and bring in only those, remembering them so the cursor
   * skips them when it gets there. Once the whole backlog was scanned, it waits for new messages or consumers.
   * (ActiveMQ stops at its page here and such consumers starve until others drain the page.)
   */
  private scanAhead(): void {
    const c = this.cursor;
    const stores = this.stores!;
    c.paging = true;
    void (async () => {
      let brought = 0;
      try {
        const from = Math.max(c.scanPosition, c.storePosition);
        c.storeArrivals = 0;
        const page = await stores.readStore(this.destination, from, c.pageSize);
        for (const m of page) {
          c.scanPosition = m.storeSequence;
          if (c.storing.has(m.messageId) || c.pagedAhead.has(m.storeSequence)) continue;
          if (!this.consumers.some((sub) => sub.available && sub.matches(m, m.redeliveryCounter))) continue;
          m.brokerSequence = stores.nextBrokerSequence();
          c.pagedAhead.add(m.storeSequence);
          c.storeBacklog = Math.max(0, c.storeBacklog - 1);
          this.insert(new MessageReference(this, m, ++this.sequence));
          brought++;
        }
        // Reaching the end says nothing of messages stored after the read began (see storeArrivals).
        if (page.length < c.pageSize && c.storeArrivals === 0) c.scanDone = true;
      } catch (e) {
        stores.pageFailed(this.destination, e);
        c.scanDone = true;
      }
      c.paging = false;
      if (brought > 0 || !c.scanDone) this.dispatch();
    })();
  }

  /**
   * Up to `max` messages for a browser: those in memory, then the backlog read from the stores without
   * taking it (ActiveMQ's maxBrowsePageSize bounds a browse the same way).
   */
  async browse(max: number): Promise<MessageReference[]> {
    const refs: MessageReference[] = [];
    for (const ref of this.pending) {
      if (refs.length >= max) return refs;
      if (!ref.dropped) refs.push(ref);
    }
    const c = this.cursor;
    if (this.stores === null || refs.length >= max) return refs;
    const more: Message[] = [];
    if (c.storeBacklog > 0)
      more.push(...(await this.stores.readStore(this.destination, c.storePosition, max - refs.length)));
    if (c.tempBacklog > 0 && refs.length + more.length < max) {
      more.push(...(await this.stores.readTemp(this.destination, c.tempPosition, max - refs.length - more.length)));
    }
    for (const m of more) {
      // Read from the store but already in memory (a scan ahead): listed once, from memory.
      if (m.persistent && c.pagedAhead.has(m.storeSequence)) continue;
      refs.push(new MessageReference(this, m, 0));
    }
    return refs;
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
    sub.hasLocalConsumers = this.hasLocalConsumers;
    this.cursor.scanDone = false;
    this.dispatch();
  }

  /** Consumers other than network bridges' (ConditionalNetworkBridgeFilter.hasNoLocalConsumers). */
  private readonly hasLocalConsumers = (): boolean =>
    this.consumers.some((c) => c.info.networkSubscription !== true && !c.info.browser);

  detach(sub: Subscription): void {
    const i = this.consumers.indexOf(sub);
    if (i >= 0) this.consumers.splice(i, 1);
    // The last local consumer gone may let a network consumer replay what it refused so far.
    if (sub.info.networkSubscription !== true) this.cursor.scanDone = false;
    for (const [group, owner] of this.groups) if (owner === sub) this.groups.delete(group);
  }

  consumed(ref: MessageReference, removal: StoreRemoval = UNAWAITED_REMOVAL): void {
    if (ref.dropped) return;
    ref.dropped = true;
    this.usage?.decrease(ref.message.size);
    this.dequeueCount++;
    // Queue.messageAcknowledged: processTime is the time from arrival at the broker to the ack.
    this.statistics.dequeued(this.host.now() - ref.message.brokerInTime);
    if (ref.inTemp) this.stores?.unspill(this.destination, ref.message);
    this.host.messageConsumed(this.destination, ref, null, removal);
  }

  /** A consumer left without acking: put the message back in its original position. */
  returned(ref: MessageReference): void {
    if (ref.dropped) return;
    ref.delivered = false;
    ref.transactionId = null;
    // Binary search: redelivered messages keep their order relative to the rest.
    this.pending.insertAt(this.position(ref), ref);
  }

  /**
   * Removes every pending message in memory (purge); in-flight ones stay with their consumers. The backlog
   * is forgotten: the caller removes the destination from the stores.
   */
  purge(): MessageReference[] {
    const refs = this.pending.clear();
    for (const ref of refs) this.consumed(ref);
    this.cursor.storeBacklog = 0;
    this.cursor.tempBacklog = 0;
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
    if (this.cursor.backlog > 0) this.pageIn();
  }

  private dispatchPass(): void {
    if (this.consumers.length === 0 || this.paused) {
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
      this.statistics.dispatched++;
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

  /**
   * Removes expired messages from the queue (the periodic sweep, expireMessagesPeriod): everything in memory,
   * then the first `maxExpirePageSize` of the persistent backlog on disk, as ActiveMQ's Queue.expireMessages
   * browses that many. Messages deeper in the backlog expire when they are paged in.
   */
  expireMessages(maxExpirePageSize = 400): void {
    const now = this.host.now();
    for (let i = 0; i < this.pending.length;) {
      const ref = this.pending.at(i);
      if (ref.dropped) this.pending.removeAt(i);
      else if (ref.message.isExpired(now)) {
        this.pending.removeAt(i);
        this.host.messageExpired(ref, null);
      } else i++;
    }
    const c = this.cursor;
    if (c.storeBacklog === 0 || c.paging || this.stores === null || maxExpirePageSize <= 0) return;
    const stores = this.stores;
    c.paging = true;
    void (async () => {
      try {
        const page = await stores.readStore(this.destination, c.storePosition, maxExpirePageSize);
        const at = this.host.now();
        for (const m of page) {
          if (!m.isExpired(at) || c.storing.has(m.messageId) || c.pagedAhead.has(m.storeSequence)) continue;
          // Taken care of here: the cursor passes over it when it gets there.
          c.pagedAhead.add(m.storeSequence);
          c.storeBacklog = Math.max(0, c.storeBacklog - 1);
          const ref = new MessageReference(this, m, ++this.sequence);
          this.usage?.increase(m.size); // consumed() gives it back
          this.host.messageExpired(ref, null);
        }
      } catch (e) {
        stores.pageFailed(this.destination, e);
      }
      c.paging = false;
      this.dispatch();
    })();
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
