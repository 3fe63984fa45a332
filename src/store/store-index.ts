import { Destination } from '../model/destination.js';
import type { DurableSubscriptionRecord, StoreOperation } from './persistence-adapter.js';

/**
 * The key of RecoveredState.subscriptionAcks: a topic's key and a durable subscription's key
 * (`topic://A.B|clientId:name`). The interface does not fix this format; see docs/persistence.md.
 */
export function subscriptionAckKey(destination: Destination, subscriptionKey: string): string {
  return `${destination.key}|${subscriptionKey}`;
}

/** One pending message as the index knows it; `ref` is the store's handle on its content. */
export interface IndexedMessage<R> {
  readonly id: string;
  /** Send order across the whole store; recovery lists each destination's messages in this order. */
  readonly seq: number;
  ref: R;
  /** The redelivery count last written for it, or -1 when none was. */
  redelivered: number;
  /** Topic messages: the subscriptions that have not consumed it yet. `null` on queues. */
  readonly waiting: Set<string> | null;
}

/**
 * A queue's pending messages held outside the per-message Map (the journal's chunked typed arrays, see
 * journal/queue-chunks.ts): entries returned are snapshots with an empty `id`, found again by `seq`.
 */
export interface QueueEntries<R> {
  readonly size: number;
  /** False (and nothing added) when the id is already pending here. */
  add(id: string, seq: number, ref: R, redelivered?: number): boolean;
  /** The removed entry's handle; `seq` when the caller knows it, else the id is looked up. */
  remove(id: string, seq?: number): R | undefined;
  setRedelivered(id: string, count: number, seq?: number): void;
  /** Points the entry with `seq` at a new handle and returns the old one (undefined: not pending). */
  relocate(seq: number, ref: R): R | undefined;
  get(seq: number): IndexedMessage<R> | undefined;
  after(afterSeq: number, max: number): IndexedMessage<R>[];
  entries(): Iterable<IndexedMessage<R>>;
  forEachRef(fn: (ref: R) => void): void;
  /** Notes that the broker now holds the message `id` read back under `seq`. */
  remember(id: string, seq: number): void;
}

export interface IndexedDestination<R> {
  readonly destination: Destination;
  /** Topic messages, and queue messages when the store gives no QueueEntries (memory, JDBC). */
  readonly messages: Map<string, IndexedMessage<R>>;
  /** Queue messages, when the store keeps them compact. */
  readonly queue?: QueueEntries<R> | undefined;
  readonly subscriptions: Map<string, DurableSubscriptionRecord>;
  /** The store cursor's place in `messages` (see StoreIndex.entriesAfter); absent until the first read. */
  reader?: Reader<R> | undefined;
  /** The same, per durable subscription of a topic. */
  subscriptionReaders?: Map<string, Reader<R>>;
  /** The highest seq ever added here: a reader at it has nothing more to read. */
  lastSeq?: number;
}

/** A place in a destination's messages: the last entry handed out, and the last one looked at. */
interface Reader<R> {
  readonly it: Iterator<IndexedMessage<R>>;
  seq: number;
  scanned: number;
}

/**
 * The live state of a store, shared by the memory and the journal store so both give the same answers:
 * which destinations exist, which messages are pending where, which durable subscriptions still wait for
 * which topic message, and which XA transactions are prepared. `R` is the store's handle on content (the
 * Message itself in memory, a journal location on disk); `release` is told when a handle is no longer
 * needed, so the journal can count live data per segment.
 *
 * Topic messages follow KahaDB's topic store: a message is kept for the durable subscriptions that existed
 * on its destination when it arrived, and disappears once each of them removed it (or was itself removed).
 * A topic message that arrives with no durable subscription is not kept at all. A subscription that is
 * registered later does not receive older messages, as in ActiveMQ.
 */
export class StoreIndex<R> {
  readonly destinations = new Map<string, IndexedDestination<R>>();
  readonly prepared = new Map<string, R>();
  private seq = 1;

  /**
   * `queueEntries`, when given, makes the compact store for each queue (the journal's chunks); without it
   * queue messages sit in `messages` as topic messages do.
   */
  constructor(
    private readonly release: (ref: R) => void = () => {},
    private readonly queueEntries?: () => QueueEntries<R>,
  ) {}

  /** The next send-order number (persisted by the journal's checkpoint). */
  get nextSeq(): number {
    return this.seq;
  }

  set nextSeq(v: number) {
    this.seq = Math.max(this.seq, v);
  }

  ensureDestination(destination: Destination): IndexedDestination<R> {
    let d = this.destinations.get(destination.key);
    if (d === undefined) {
      d = {
        destination,
        messages: new Map(),
        subscriptions: new Map(),
        queue: destination.isQueue && this.queueEntries !== undefined ? this.queueEntries() : undefined,
      };
      this.destinations.set(destination.key, d);
    }
    return d;
  }

  /**
   * Applies one operation. `ref` is the content handle for `add` and `prepare` (ignored otherwise); `seq`
   * fixes the send order of an `add` when the journal replays it, else the next number is taken.
   * Returns the message entry an `add` created, or null.
   */
  apply(op: StoreOperation, ref: R | null, seq?: number): IndexedMessage<R> | null {
    switch (op.op) {
      case 'add':
        return this.add(op.destination, op.message.messageId, ref as R, seq);
      case 'remove':
        this.remove(op.destination, op.messageId, op.subscription);
        return null;
      case 'redelivered': {
        const d = this.destinations.get(op.destination.key);
        if (d?.queue !== undefined) {
          d.queue.setRedelivered(op.messageId, op.count);
          return null;
        }
        const m = d?.messages.get(op.messageId);
        if (m !== undefined) m.redelivered = op.count;
        return null;
      }
      case 'add-subscription':
        this.ensureDestination(op.subscription.destination).subscriptions.set(op.subscription.key, op.subscription);
        return null;
      case 'remove-subscription':
        this.removeSubscription(op.destination, op.key);
        return null;
      case 'add-destination':
        this.ensureDestination(op.destination);
        return null;
      case 'remove-destination': {
        const d = this.destinations.get(op.destination.key);
        if (d === undefined) return null;
        for (const m of d.messages.values()) this.release(m.ref);
        d.queue?.forEachRef((ref) => this.release(ref));
        this.destinations.delete(op.destination.key);
        return null;
      }
      case 'prepare': {
        const old = this.prepared.get(op.transactionId);
        if (old !== undefined) this.release(old);
        this.prepared.set(op.transactionId, ref as R);
        return null;
      }
      case 'forget-prepared': {
        const old = this.prepared.get(op.transactionId);
        if (old !== undefined) {
          this.release(old);
          this.prepared.delete(op.transactionId);
        }
        return null;
      }
    }
  }

  /** Records a prepared transaction's content handle, releasing the one it replaces. */
  setPrepared(transactionId: string, ref: R): void {
    const old = this.prepared.get(transactionId);
    this.prepared.set(transactionId, ref);
    if (old !== undefined) this.release(old);
  }

  /** Gives up a handle the index was never given or no longer tracks (recovery's lost entries). */
  discard(ref: R): void {
    this.release(ref);
  }

  /** Restores an entry from a checkpoint, as it was. */
  restore(destination: Destination | IndexedDestination<R>, entry: IndexedMessage<R>): void {
    const d = destination instanceof Destination ? this.ensureDestination(destination) : destination;
    if (d.queue !== undefined) d.queue.add(entry.id, entry.seq, entry.ref, entry.redelivered);
    else d.messages.set(entry.id, entry);
    if (entry.seq > (d.lastSeq ?? 0)) d.lastSeq = entry.seq;
    if (entry.seq >= this.seq) this.seq = entry.seq + 1;
  }

  /** An `add` by its parts, for the journal's replay (which reads only the ids off disk). */
  addMessage(destination: Destination, id: string, ref: R, seq?: number): IndexedMessage<R> | null {
    return this.add(destination, id, ref, seq);
  }

  private add(destination: Destination, id: string, ref: R, seq: number | undefined): IndexedMessage<R> | null {
    const d = this.ensureDestination(destination);
    if (d.queue !== undefined) {
      const s = seq ?? this.seq;
      if (!d.queue.add(id, s, ref)) {
        this.release(ref);
        return null;
      }
      if (s >= this.seq) this.seq = s + 1;
      if (s > (d.lastSeq ?? 0)) d.lastSeq = s;
      return { id, seq: s, ref, redelivered: -1, waiting: null };
    }
    // A duplicate add (a producer retry after failover) keeps the first copy, as KahaDB does.
    if (d.messages.has(id)) {
      this.release(ref);
      return null;
    }
    let waiting: Set<string> | null = null;
    if (destination.isTopic) {
      if (d.subscriptions.size === 0) {
        this.release(ref);
        return null;
      }
      waiting = new Set(d.subscriptions.keys());
    }
    const s = seq ?? this.seq;
    if (s >= this.seq) this.seq = s + 1;
    const entry: IndexedMessage<R> = { id, seq: s, ref, redelivered: -1, waiting };
    d.messages.set(id, entry);
    if (s > (d.lastSeq ?? 0)) d.lastSeq = s;
    return entry;
  }

  private remove(destination: Destination, id: string, subscription: string | null): void {
    const d = this.destinations.get(destination.key);
    if (d?.queue !== undefined) {
      const ref = d.queue.remove(id);
      if (ref !== undefined) this.release(ref);
      return;
    }
    const m = d?.messages.get(id);
    if (d === undefined || m === undefined) return;
    if (m.waiting !== null && subscription !== null) {
      m.waiting.delete(subscription);
      if (m.waiting.size > 0) return;
    }
    d.messages.delete(id);
    this.release(m.ref);
  }

  private removeSubscription(destination: Destination, key: string): void {
    const d = this.destinations.get(destination.key);
    if (d === undefined || !d.subscriptions.delete(key)) return;
    d.subscriptionReaders?.delete(key);
    for (const m of d.messages.values()) {
      if (m.waiting === null || !m.waiting.delete(key) || m.waiting.size > 0) continue;
      d.messages.delete(m.id);
      this.release(m.ref);
    }
  }

  /**
   * A message's new content handle after the journal rewrote it; false when it is no longer pending. A compact
   * queue finds it by `seq` (the move record carries it).
   */
  relocate(destinationKey: string, id: string, ref: R, seq?: number): boolean {
    const d = this.destinations.get(destinationKey);
    if (d?.queue !== undefined) {
      const old = seq === undefined ? undefined : d.queue.relocate(seq, ref);
      if (old === undefined) return false;
      this.release(old);
      return true;
    }
    const m = d?.messages.get(id);
    if (m === undefined) return false;
    const old = m.ref;
    m.ref = ref;
    this.release(old);
    return true;
  }

  relocatePrepared(transactionId: string, ref: R): boolean {
    const old = this.prepared.get(transactionId);
    if (old === undefined) return false;
    this.prepared.set(transactionId, ref);
    this.release(old);
    return true;
  }

  /**
   * Up to `max` pending entries of a destination with seq above `afterSeq`, in send order. A queue's
   * messages sit in `messages` in send order (they are added in seq order, on replay too), and a Map iterator
   * is live: it skips entries deleted behind it and sees entries added after it. So the cursor keeps one
   * iterator per destination and continues it when asked for the position where it stopped; only a read from
   * another position (rare: a browse, a reset) walks from the start, over entries the caller already holds.
   * The iterator is never driven to its end (a finished Map iterator stays finished): `lastSeq` says when
   * nothing is left.
   */
  entriesAfter(destination: Destination, afterSeq: number, max: number, subscription?: string): IndexedMessage<R>[] {
    const d = this.destinations.get(destination.key);
    const out: IndexedMessage<R>[] = [];
    if (d === undefined || max <= 0) return out;
    // Compact queues find the position by binary search: no reader to keep.
    if (d.queue !== undefined) return subscription === undefined ? d.queue.after(afterSeq, max) : out;
    const last = d.lastSeq ?? 0;
    // A durable subscription's read passes over what it consumed; its own reader remembers how far it looked,
    // so entries it passed over are not looked at again by the next page.
    const readers = subscription === undefined ? null : (d.subscriptionReaders ??= new Map<string, Reader<R>>());
    let reader = readers === null ? d.reader : readers.get(subscription!);
    if (reader === undefined || reader.seq !== afterSeq) {
      reader = { it: d.messages.values(), seq: afterSeq, scanned: afterSeq };
      if (readers === null) d.reader = reader;
      else readers.set(subscription!, reader);
    }
    while (out.length < max && reader.scanned < last) {
      const r = reader.it.next();
      if (r.done === true) {
        if (readers === null) d.reader = undefined;
        else readers.delete(subscription!);
        break;
      }
      const e = r.value;
      if (e.seq <= afterSeq) continue;
      reader.scanned = e.seq;
      if (subscription !== undefined && e.waiting?.has(subscription) !== true) continue;
      reader.seq = e.seq;
      out.push(e);
    }
    return out;
  }

  /** Per durable subscription (`subscriptionAckKey`), how many of its topic's messages wait for it. */
  subscriptionBacklogs(): Map<string, number> {
    const out = new Map<string, number>();
    for (const d of this.destinations.values()) {
      if (d.subscriptions.size === 0) continue;
      const counts = new Map<string, number>();
      for (const m of d.messages.values()) {
        if (m.waiting === null) continue;
        for (const key of m.waiting) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const key of d.subscriptions.keys()) out.set(subscriptionAckKey(d.destination, key), counts.get(key) ?? 0);
    }
    return out;
  }

  /**
   * The entry `e` (from entriesAfter) as the index now has it, or undefined once it is no longer pending; its
   * `ref` says where the message lives now.
   */
  current(destination: Destination, e: IndexedMessage<R>): IndexedMessage<R> | undefined {
    const d = this.destinations.get(destination.key);
    if (d?.queue !== undefined) return d.queue.get(e.seq);
    return d?.messages.get(e.id) === e ? e : undefined;
  }

  /** Drops one pending entry without a journal record (recovery's lost messages). */
  drop(destinationKey: string, e: IndexedMessage<R>): void {
    const d = this.destinations.get(destinationKey);
    if (d?.queue !== undefined) d.queue.remove(e.id, e.seq);
    else d?.messages.delete(e.id);
  }

  /** How many messages are pending on a destination. */
  pendingCount(d: IndexedDestination<R>): number {
    return d.messages.size + (d.queue?.size ?? 0);
  }

  /** Pending messages per destination in send order. */
  sortedMessages(d: IndexedDestination<R>): IndexedMessage<R>[] {
    if (d.queue !== undefined) return [...d.queue.entries()];
    const list = [...d.messages.values()];
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) if (list[i - 1]!.seq > list[i]!.seq) sorted = false;
    if (!sorted) list.sort((a, b) => a.seq - b.seq);
    return list;
  }

  /**
   * Per topic and subscription, the pending ids that subscription must not be given: the ones it already
   * removed and the ones that arrived before it subscribed.
   */
  subscriptionAcks(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const d of this.destinations.values()) {
      for (const key of d.subscriptions.keys()) {
        const done = new Set<string>();
        for (const m of d.messages.values()) if (m.waiting !== null && !m.waiting.has(key)) done.add(m.id);
        out.set(subscriptionAckKey(d.destination, key), done);
      }
    }
    return out;
  }

  subscriptionsList(): DurableSubscriptionRecord[] {
    const out: DurableSubscriptionRecord[] = [];
    for (const d of this.destinations.values()) for (const s of d.subscriptions.values()) out.push(s);
    return out;
  }

  messageCount(): number {
    let n = 0;
    for (const d of this.destinations.values()) n += this.pendingCount(d);
    return n;
  }
}
