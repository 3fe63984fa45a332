import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { PersistenceAdapter, StoreOperation } from '../../store/persistence-adapter.js';
import { BrokerError } from '../../util/errors.js';
import type { ConnectionContext } from '../broker.js';
import type { ScheduleSpec } from '../scheduler/scheduled-message.js';
import type { ConnectionRegistry, ConnectionState } from './connection-registry.js';
import { REMOVED_IN_BATCH, type MessageReference } from './message-reference.js';
import type { Queue } from './queue.js';
import type { Subscription } from './subscription.js';
import { DurableTopicSubscription } from './topic.js';
import { Transaction } from './transaction.js';

export interface TransactionCoordinatorOptions {
  store: PersistenceAdapter;
  connections: ConnectionRegistry;
  /** The queue a committed send is stored for (created if need be). */
  queue(destination: Destination): Queue;
  /** Delivers a committed send; `store` false when the commit's batch stored it already. */
  route(message: Message, store: boolean): Promise<void>;
  /** Hands a committed scheduled send to the job scheduler. */
  schedule(message: Message, schedule: ScheduleSpec): Promise<unknown>;
  /** Credit was freed on a subscription: let it dispatch. */
  wakeup(sub: Subscription): void;
}

/**
 * Local and XA transactions: what each holds until it ends, its store batch, prepare / commit / rollback / forget,
 * and the prepared ones recovered at start. ActiveMQ's TransactionBroker plays this part.
 */
export class TransactionCoordinator {
  private readonly transactions = new Map<string, Transaction>();

  constructor(private readonly o: TransactionCoordinatorOptions) {}

  /** Prepared transactions the store recovered: they wait for the transaction manager's commit or rollback. */
  recoverPrepared(prepared: ReadonlyMap<string, readonly StoreOperation[]>): void {
    for (const [id, ops] of prepared) {
      const tx = new Transaction(id, '');
      tx.state = 'prepared';
      tx.preparedOperations = ops;
      this.transactions.set(id, tx);
    }
  }

  /** A connection went: its local transactions roll back, prepared XA ones outlive it. */
  connectionRemoved(state: ConnectionState): void {
    for (const txId of state.transactions) {
      const tx = this.transactions.get(txId);
      if (tx !== undefined && tx.state === 'active') this.rollbackLocal(tx);
    }
  }

  async begin(context: ConnectionContext, transactionId: string): Promise<void> {
    const state = this.o.connections.require(context);
    if (this.transactions.has(transactionId)) {
      throw new BrokerError('ERR_ILLEGAL_STATE', `Transaction '${transactionId}' has already been started.`);
    }
    this.transactions.set(transactionId, new Transaction(transactionId, context.info.connectionId));
    state.transactions.add(transactionId);
  }

  /** The transaction a command names; one not begun, or another connection's active one, is refused. */
  require(context: ConnectionContext, transactionId: string): Transaction {
    const tx = this.transactions.get(transactionId);
    if (tx === undefined) {
      throw new BrokerError('ERR_TRANSACTION_UNKNOWN', `Transaction '${transactionId}' has not been started.`);
    }
    if (tx.connectionId !== '' && tx.connectionId !== context.info.connectionId && tx.state === 'active') {
      throw new BrokerError('ERR_TRANSACTION_UNKNOWN', `Transaction '${transactionId}' belongs to another connection.`);
    }
    return tx;
  }

  /** Acks made inside a transaction, applied by its commit or undone by its rollback. */
  addAcks(context: ConnectionContext, transactionId: string, sub: Subscription, refs: MessageReference[]): void {
    const tx = this.require(context, transactionId);
    tx.acks.push({ sub, refs });
  }

  /** The store operations a transaction's commit performs, as one atomic batch. */
  private operations(tx: Transaction): StoreOperation[] {
    const ops: StoreOperation[] = [];
    for (const m of tx.sends) {
      if (!m.persistent) continue;
      for (const member of m.destination.members()) {
        if (member.isQueue && !member.isWildcard) {
          const copy = member === m.destination ? m : Object.assign(m.copy(), { destination: member });
          ops.push({ op: 'add', destination: member, message: copy });
        }
      }
    }
    for (const { sub, refs } of tx.acks) {
      for (const ref of refs) {
        if (!ref.message.persistent) continue;
        const key = sub instanceof DurableTopicSubscription ? sub.key : null;
        ops.push({
          op: 'remove',
          destination: ref.message.destination,
          messageId: ref.message.messageId,
          subscription: key,
        });
      }
    }
    return ops;
  }

  /** XA prepare: the transaction's work is written (synced) as one `prepare` record; returns the XA vote. */
  async prepare(context: ConnectionContext, transactionId: string): Promise<number> {
    const tx = this.require(context, transactionId);
    if (tx.isEmpty) {
      // XA_RDONLY: nothing to commit; the transaction is over.
      this.end(tx);
      return 3;
    }
    const ops = this.operations(tx);
    await this.write([{ op: 'prepare', transactionId, operations: ops }], true);
    tx.preparedOperations = ops;
    tx.state = 'prepared';
    return 0;
  }

  /**
   * Commit: the transaction's queue sends and every ack's removal are written as one synced batch; then the acks
   * are applied (the batch removed their messages already: REMOVED_IN_BATCH) and the sends routed.
   */
  async commit(context: ConnectionContext, transactionId: string, onePhase: boolean): Promise<void> {
    const tx = this.require(context, transactionId);
    if (!onePhase && tx.state !== 'prepared') {
      throw new BrokerError('ERR_ILLEGAL_STATE', `Cannot do 2 phase commit if the transaction has not been prepared`);
    }
    let ops = tx.preparedOperations ?? this.operations(tx);
    if (tx.state === 'prepared') ops = [...ops, { op: 'forget-prepared', transactionId }];
    // Queue sends in the batch are shown to the queues' cursors as being stored (see QueueCursor.storing).
    const queued: [Queue, Message][] = [];
    for (const op of ops) {
      if (op.op === 'add' && op.destination.isQueue) queued.push([this.o.queue(op.destination), op.message]);
    }
    for (const [q, m] of queued) q.storing(m);
    // Topic sends in the batch are stored only if a durable subscription wants them; route() decides.
    try {
      await this.write(ops, true);
    } catch (e) {
      for (const [q, m] of queued) q.storeFailed(m);
      throw e;
    }
    for (const [q] of queued) q.storeDone();
    this.end(tx);
    for (const { sub, refs } of tx.acks) {
      sub.commitAcks(refs, REMOVED_IN_BATCH);
      this.o.wakeup(sub);
    }
    for (const m of tx.sends) {
      // Queue sends were stored in the batch above; topic sends go through the normal path.
      const storedInBatch = m.persistent && m.destination.members().every((d) => d.isQueue && !d.isWildcard);
      await this.o.route(m, !storedInBatch);
    }
    for (const { message, schedule } of tx.scheduled) await this.o.schedule(message, schedule);
  }

  async rollback(context: ConnectionContext, transactionId: string): Promise<void> {
    const tx = this.require(context, transactionId);
    if (tx.state === 'prepared') await this.write([{ op: 'forget-prepared', transactionId }], true);
    this.rollbackLocal(tx);
  }

  /** Undoes the acks of a transaction that is not prepared (rollback, or its connection went). */
  private rollbackLocal(tx: Transaction): void {
    for (const { sub, refs } of tx.acks) sub.rollbackAcks(refs);
    this.end(tx);
  }

  async forget(context: ConnectionContext, transactionId: string): Promise<void> {
    const tx = this.transactions.get(transactionId);
    if (tx === undefined) return;
    await this.rollback(context, transactionId);
  }

  /** Prepared XA transactions, for recovery after a restart. */
  prepared(): string[] {
    return [...this.transactions.values()].filter((t) => t.state === 'prepared').map((t) => t.id);
  }

  private end(tx: Transaction): void {
    this.transactions.delete(tx.id);
    this.o.connections.get(tx.connectionId)?.transactions.delete(tx.id);
  }

  private write(ops: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.o.store.write(ops, sync);
  }
}
