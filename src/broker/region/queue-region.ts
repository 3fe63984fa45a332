import type { ConsumerInfo } from '../../model/commands.js';
import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { PersistenceAdapter, StoreOperation } from '../../store/persistence-adapter.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import { AbstractRegion, allowed, isMultiDestination } from './abstract-region.js';
import { MemoryUsage } from './memory-usage.js';
import type { MessageAdvisories } from './message-advisories.js';
import { Queue, type QueueHost } from './queue.js';
import type { CursorStores } from './queue-cursor.js';
import type { QueueSubscription } from './queue-subscription.js';
import type { MessageReference } from './message-reference.js';

export interface QueueRegionOptions {
  host: QueueHost;
  store: PersistenceAdapter;
  cursorStores: CursorStores;
  clock: Clock;
  policyFor(destination: Destination): ResolvedPolicy;
  /** The broker's memoryUsage, parent of every queue's own. */
  memoryUsage: MemoryUsage;
  /** True when the broker was given a PolicyMap: maxPageSize bounds the dispatch scan only then. */
  customPolicies: boolean;
  /** Where advisoryForDelivery and sendAdvisoryIfNoConsumers report a message. */
  advisories: MessageAdvisories;
  /** KahaDB's concurrentStoreAndDispatchQueues: dispatch persistent messages while their store write runs. */
  concurrentStoreAndDispatch?: boolean;
}

/**
 * The queues (and temporary queues) and their consumers: ActiveMQ's QueueRegion. Creates each queue with its
 * policy, attaches queue consumers (wildcard ones to every queue they cover, now and later), runs the expiry
 * sweeps, and performs the QueueViewMBean operations that reach into the store.
 */
export class QueueRegion extends AbstractRegion<Queue, QueueSubscription> {
  /** One sweep timer per expireMessagesPeriod in use, shared by the queues with that period. */
  private readonly expireTimers = new Map<number, Timer>();

  constructor(private readonly options: QueueRegionOptions) {
    super();
  }

  protected override create(physical: Destination): Queue {
    const q = new Queue(physical, this.options.host, this.options.cursorStores);
    this.configure(q);
    return q;
  }

  protected override join(sub: QueueSubscription, q: Queue): void {
    sub.queues.push(q);
    q.attach(sub);
  }

  /** PolicyEntry.configure(Queue): the parts of the policy a queue applies itself. */
  private configure(q: Queue): void {
    const o = this.options;
    const policy = o.policyFor(q.destination);
    q.prioritized = policy.prioritizedMessages;
    q.allExclusive = policy.allConsumersExclusiveByDefault;
    q.noConsumerAdvisory = policy.sendAdvisoryIfNoConsumers;
    q.deliveryAdvisory = policy.advisoryForDelivery;
    q.usage = new MemoryUsage(`${q.destination.key}:memory`, policy.memoryLimit, o.memoryUsage);
    if (o.customPolicies) q.maxScan = policy.maxPageSize;
    q.cursor.kind = policy.pendingQueuePolicy;
    q.cursor.useCache = policy.useCache;
    q.cursor.highWaterMark = policy.cursorMemoryHighWaterMark;
    q.cursor.pageSize = Math.max(1, policy.maxPageSize);
    q.expirePeriod = policy.expireMessagesPeriod;
    const period = q.expirePeriod;
    if (period > 0 && !this.expireTimers.has(period)) {
      this.expireTimers.set(
        period,
        o.clock.setInterval(() => this.expireSweep(period), period),
      );
    }
  }

  private expireSweep(period: number): void {
    for (const q of this.values()) {
      if (q.expirePeriod === period) q.expireMessages(this.options.policyFor(q.destination).maxExpirePageSize);
    }
  }

  /**
   * Queue.send for a message to one queue (created if need be): stored first when `store` and persistent
   * (synced when the producer waits for an answer), then the advisories, then dispatch. A queue whose cursor
   * spills the message to the temp store resolves once it is there.
   */
  async send(message: Message, store: boolean): Promise<void> {
    const dest = message.destination;
    const q = this.ensure(dest);
    if (store && this.options.concurrentStoreAndDispatch === true && q.dispatchesWhileStoring(message)) {
      return this.sendWhileStoring(q, message);
    }
    if (store && message.persistent) {
      q.storing(message);
      try {
        await this.options.store.write([{ op: 'add', destination: dest, message }], message.responseRequired);
      } catch (e) {
        q.storeFailed(message);
        throw e;
      }
      q.storeDone();
    }
    // Queue.messageSent: messageDelivered, then the no-consumer check, then dispatch.
    if (q.deliveryAdvisory) this.options.advisories.delivered(dest, message);
    if (q.consumers.length === 0 && q.noConsumerAdvisory) this.options.advisories.noConsumer(dest, message);
    const spilled = q.add(message);
    if (spilled !== undefined) await spilled;
  }

  /**
   * concurrentStoreAndDispatchQueues: the store write starts, the message is dispatched at once, and the send
   * settles when the write does (synced for a producer that waits). A consumer quicker than the disk has its
   * acknowledgement withdraw the add before it is written (the journal store), so neither is written. If the
   * write fails the producer is told, as without concurrency, but the message may already have been delivered:
   * it was never promised, so this is the at-least-once of a send the producer retries (as in ActiveMQ).
   */
  private async sendWhileStoring(q: Queue, message: Message): Promise<void> {
    const dest = message.destination;
    q.storing(message, false);
    const written = this.options.store.write(
      [{ op: 'add', destination: dest, message, dispatching: true }],
      message.responseRequired,
    );
    if (q.deliveryAdvisory) this.options.advisories.delivered(dest, message);
    const spilled = q.add(message, true);
    try {
      await written;
      if (spilled !== undefined) await spilled;
    } catch (e) {
      q.storeFailed(message, false);
      throw e;
    }
    q.stored(message);
  }

  protected override activeConsumers(q: Queue): string[] {
    return q.consumers.map((c) => c.consumerId);
  }

  /** What a new browser sees: up to `max` waiting messages of the queues it covers and may read. */
  async browse(info: ConsumerInfo, max: number): Promise<MessageReference[]> {
    const refs: MessageReference[] = [];
    for (const q of this.matching(info.destination)) {
      if (refs.length >= max) break;
      if (allowed(info, q.destination)) refs.push(...(await q.browse(max - refs.length)));
    }
    return refs;
  }

  /** Attaches a consumer to the queues its destination names or covers, creating the named ones. */
  subscribe(sub: QueueSubscription): void {
    const dest = sub.info.destination;
    for (const m of dest.members()) if (!m.isWildcard) this.ensure(m);
    if (isMultiDestination(dest)) this.addWildcard(sub);
    for (const q of this.matching(dest)) {
      if (allowed(sub.info, q.destination)) this.join(sub, q);
    }
  }

  /** The consumer leaves: later queues no longer join it (its close() detaches it from the current ones). */
  unsubscribe(sub: QueueSubscription): void {
    this.removeWildcard(sub);
  }

  /** Deletes a queue: consumers are detached, its messages dropped, and its store entry removed. */
  override remove(destination: Destination): void {
    const q = this.lookup(destination.name);
    if (q === undefined) return;
    for (const c of [...q.consumers]) {
      q.detach(c);
      const i = (c as QueueSubscription).queues.indexOf(q);
      if (i >= 0) (c as QueueSubscription).queues.splice(i, 1);
    }
    q.purge();
    this.forget(q);
    if (!destination.isTemporary) this.write([{ op: 'remove-destination', destination }]).catch(() => {});
  }

  stop(): void {
    for (const t of this.expireTimers.values()) t.cancel();
    this.expireTimers.clear();
  }

  private write(ops: readonly StoreOperation[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.options.store.write(ops, false);
  }

  // ---- QueueViewMBean operations that reach the store (src/management calls them through the broker) ----

  /**
   * QueueViewMBean.purge(): removes every message waiting in the queue, those in memory and the backlog the
   * cursor left in the store (read back a page at a time and removed by id); messages in flight to consumers
   * stay with them, as ActiveMQ's purge only removes what it can lock. Returns how many were removed.
   */
  async purge(destination: Destination): Promise<number> {
    const q = this.lookup(destination.name);
    if (q === undefined || q.destination.type !== destination.type) return 0;
    const backlog = q.cursor.storeBacklog > 0;
    let after = q.cursor.storePosition;
    let removed = q.purge().length;
    if (!backlog) return removed;
    for (;;) {
      const page = await this.options.store.readMessages(q.destination, after, 500);
      if (page.length === 0) break;
      const ops: StoreOperation[] = [];
      for (const m of page) {
        after = Math.max(after, m.storeSequence);
        if (q.cursor.storing.has(m.messageId)) continue;
        ops.push({ op: 'remove', destination: q.destination, messageId: m.messageId, subscription: null });
      }
      await this.write(ops);
      removed += ops.length;
    }
    q.cursor.storePosition = after;
    return removed;
  }

  /**
   * QueueViewMBean.removeMessage(id): takes one waiting message out of the queue, from memory or from the
   * store backlog, and returns it (null when no waiting message has that id; in-flight ones are left alone).
   */
  async removeMessage(destination: Destination, messageId: string): Promise<Message | null> {
    const q = this.lookup(destination.name);
    if (q === undefined || q.destination.type !== destination.type) return null;
    for (let i = 0; i < q.pending.length; i++) {
      const ref = q.pending.at(i);
      if (ref.dropped || ref.message.messageId !== messageId) continue;
      q.pending.removeAt(i);
      q.consumed(ref);
      return ref.message;
    }
    const c = q.cursor;
    let after = c.storePosition;
    while (c.storeBacklog > 0) {
      const page = await this.options.store.readMessages(q.destination, after, 500);
      if (page.length === 0) break;
      for (const m of page) {
        after = Math.max(after, m.storeSequence);
        if (m.messageId !== messageId || c.pagedAhead.has(m.storeSequence)) continue;
        await this.write([{ op: 'remove', destination: q.destination, messageId, subscription: null }]);
        c.storeBacklog = Math.max(0, c.storeBacklog - 1);
        return m;
      }
    }
    return null;
  }
}
