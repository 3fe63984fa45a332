import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type {
  DeferredQueue,
  PersistenceAdapter,
  RecoveredState,
  RecoverOptions,
  StoreOperation,
} from '../persistence-adapter.js';
import { validateOperation } from '../operation-codec.js';
import { StoreStateError } from '../store-errors.js';
import { StoreIndex, type IndexedMessage } from '../store-index.js';

type Ref = Message | readonly StoreOperation[];

/**
 * `<memoryPersistenceAdapter/>`: a real store whose data lives in this process. It keeps its state across
 * stop/start of the same object (a broker restarted in-process finds its messages again) but nothing
 * survives the process, as ActiveMQ's MemoryPersistenceAdapter. It answers exactly as the journal store
 * does (both pass test/support/store/persistence-adapter.contract.ts) because both apply operations through the same
 * StoreIndex.
 */
export class MemoryPersistenceAdapter implements PersistenceAdapter {
  readonly name = 'memory';
  private readonly index = new StoreIndex<Ref>((ref) => {
    this.bytes -= refSize(ref);
  });
  private bytes = 0;
  private started = false;
  private recovered = false;

  start(): Promise<void> {
    this.started = true;
    this.recovered = false;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.started = false;
    return Promise.resolve();
  }

  recover(options?: RecoverOptions): Promise<RecoveredState> {
    if (!this.started) return Promise.reject(new StoreStateError('memory store: recover() before start()'));
    if (this.recovered) return Promise.reject(new StoreStateError('memory store: recover() called twice'));
    this.recovered = true;
    const messages = new Map<string, Message[]>();
    const deferred = new Map<string, DeferredQueue>();
    const deferDurable = options?.deferDurableMessages === true;
    for (const d of this.index.destinations.values()) {
      if (options?.deferQueueMessages === true && d.destination.isQueue) {
        const map = d.messages;
        if (map.size > 0) deferred.set(d.destination.key, { count: map.size, ids: () => map.keys() });
        continue;
      }
      if (deferDurable && d.destination.isTopic) {
        const map = d.messages;
        if (map.size > 0) deferred.set(d.destination.key, { count: map.size, ids: () => map.keys() });
        continue;
      }
      const list: Message[] = [];
      for (const e of this.index.sortedMessages(d)) list.push(withCount(e.ref as Message, e.redelivered));
      if (list.length > 0) messages.set(d.destination.key, list);
    }
    const prepared = new Map<string, readonly StoreOperation[]>();
    for (const [tx, ops] of this.index.prepared) prepared.set(tx, ops as readonly StoreOperation[]);
    return Promise.resolve({
      destinations: [...this.index.destinations.values()].map((d) => d.destination),
      messages,
      deferred,
      ...(deferDurable ? { deferredSubscriptions: this.index.subscriptionBacklogs() } : {}),
      subscriptions: this.index.subscriptionsList(),
      subscriptionAcks: this.index.subscriptionAcks(),
      prepared,
    });
  }

  write(batch: readonly StoreOperation[], _sync: boolean): Promise<void> {
    if (!this.started) return Promise.reject(new StoreStateError('memory store is not started'));
    try {
      // Validate everything first: a batch is applied whole or not at all.
      for (const op of batch) validateOperation(op);
    } catch (e) {
      return Promise.reject(e);
    }
    for (const op of batch) {
      let ref: Ref | null = null;
      if (op.op === 'add') ref = op.message;
      else if (op.op === 'prepare') ref = [...op.operations];
      if (ref !== null) this.bytes += refSize(ref);
      const entry = this.index.apply(op, ref);
      if (entry !== null && op.op === 'add') op.message.storeSequence = entry.seq;
    }
    return Promise.resolve();
  }

  readMessages(destination: Destination, afterSequence: number, max: number): Promise<Message[]> {
    return Promise.resolve(this.copies(this.index.entriesAfter(destination, afterSequence, max)));
  }

  readSubscriptionMessages(
    topic: Destination,
    subscriptionKey: string,
    afterSequence: number,
    max: number,
  ): Promise<Message[]> {
    return Promise.resolve(this.copies(this.index.entriesAfter(topic, afterSequence, max, subscriptionKey)));
  }

  private copies(entries: readonly IndexedMessage<Ref>[]): Message[] {
    const out: Message[] = [];
    for (const e of entries) {
      const m = withCount(e.ref as Message, e.redelivered);
      // The stored object may be the one the broker still holds elsewhere: hand back a copy it may keep.
      const c = m === e.ref ? m.copy() : m;
      c.storeSequence = e.seq;
      out.push(c);
    }
    return out;
  }

  /** Approximate bytes held by pending messages and prepared transactions. */
  size(): number {
    return this.bytes;
  }
}

/** The broker's Message objects are never mutated; a copy carries the counted deliveries. */
function withCount(m: Message, redelivered: number): Message {
  if (redelivered < 0 || redelivered === m.redeliveryCounter) return m;
  const c = m.copy();
  c.redeliveryCounter = redelivered;
  return c;
}

function refSize(ref: Ref): number {
  if (!Array.isArray(ref)) return (ref as Message).size;
  let n = 0;
  for (const op of ref as readonly StoreOperation[]) n += op.op === 'add' ? op.message.size : 64;
  return n;
}
