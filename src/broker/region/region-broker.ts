import type { ConsumerInfo, MessageAck, ProducerInfo } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import { IdGenerator } from '../../model/ids.js';
import { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import type { PersistenceAdapter, StoreOperation } from '../../store/persistence-adapter.js';
import { systemClock, type Clock, type Timer } from '../../util/clock.js';
import { BrokerError } from '../../util/errors.js';
import { Logger } from '../../util/logger.js';
import { destinationMatches } from '../../destination/destination-filter.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
import type { MessageReference } from './message-reference.js';
import { Queue } from './queue.js';
import { QueueSubscription } from './queue-subscription.js';
import type { MessageSelector, SelectorCompiler } from './selector-support.js';
import { Subscription, type SubscriptionHost } from './subscription.js';
import { DurableTopicSubscription, Topic, TopicSubscription, durableKey, type DurableHost } from './topic.js';
import { Transaction } from './transaction.js';
import { BrowserSubscription } from './browser-subscription.js';
import { parseOptionalSelector } from '../../destination/selector/index.js';

/** OpenWire's LAST_DELIVERED_UNKNOWN: the client cannot say what it delivered. */
const UNKNOWN_DELIVERY = -2;

export interface RegionBrokerOptions {
  brokerName?: string;
  store: PersistenceAdapter;
  clock?: Clock;
  logger?: Logger;
  /** Compiles JMS selectors (the built-in JMS selector parser unless replaced). */
  selectorCompiler?: SelectorCompiler;
  /** Where dead letters go; ActiveMQ's sharedDeadLetterStrategy default. */
  deadLetterQueue?: string;
  /** Dead-letter non-persistent messages too (processNonPersistent); ActiveMQ's default is false. */
  processNonPersistent?: boolean;
  /** Period of the expired-message sweep (expireMessagesPeriod). */
  expireMessagesPeriodMs?: number;
}

interface ConnectionState {
  readonly context: ConnectionContext;
  readonly consumers: Map<string, Subscription | BrowserSubscription>;
  readonly producers: Set<string>;
  readonly temporary: Set<Destination>;
  readonly transactions: Set<string>;
}

/**
 * The end of the filter chain: destinations, subscriptions, dispatch, transactions and the store.
 * Named after ActiveMQ's RegionBroker, which plays the same part.
 */
export class RegionBroker implements Broker, SubscriptionHost, DurableHost {
  readonly brokerName: string;
  readonly brokerId: string;
  private readonly store: PersistenceAdapter;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly selectorCompiler: SelectorCompiler;
  private readonly deadLetterQueue: string;
  private readonly processNonPersistent: boolean;
  private readonly expirePeriod: number;

  private readonly connections = new Map<string, ConnectionState>();
  private readonly clientIds = new Map<string, string>();
  private readonly queues = new Map<string, Queue>();
  private readonly topics = new Map<string, Topic>();
  /** Consumers whose destination is a wildcard: attached to matching destinations created later. */
  private readonly wildcardQueueSubs = new Set<QueueSubscription>();
  private readonly wildcardTopicSubs = new Set<TopicSubscription>();
  private readonly durables = new Map<string, DurableTopicSubscription>();
  private readonly transactions = new Map<string, Transaction>();
  private readonly pullTimers = new Map<string, Timer>();
  private sweepTimer: Timer | null = null;
  /** While > 0, consumption is already part of a store batch being written (commit). */
  private storeSuppressed = 0;
  /** Store writes caused by the ack being processed; acknowledge() waits for them. */
  private ackWrites: Promise<void>[] | null = null;
  private started = false;
  /** Source of brokerSequence. */
  private sequence = 0;

  constructor(options: RegionBrokerOptions) {
    this.brokerName = options.brokerName ?? 'localhost';
    this.brokerId = new IdGenerator('ID:').next();
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? Logger.silent();
    this.selectorCompiler = options.selectorCompiler ?? parseOptionalSelector;
    this.deadLetterQueue = options.deadLetterQueue ?? 'ActiveMQ.DLQ';
    this.processNonPersistent = options.processNonPersistent ?? false;
    this.expirePeriod = options.expireMessagesPeriodMs ?? 30_000;
  }

  now(): number {
    return this.clock.now();
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.store.start();
    const state = await this.store.recover();
    for (const d of state.destinations) {
      if (d.isQueue) this.getQueue(d);
      else this.getTopic(d);
    }
    for (const [key, messages] of state.messages) {
      const d = Destination.parse(key);
      if (d.isQueue) {
        const q = this.getQueue(d);
        for (const m of messages) {
          m.brokerSequence = ++this.sequence;
          q.restore(m);
        }
      }
    }
    for (const rec of state.subscriptions) {
      const sub = this.createDurable(rec.clientId, rec.subscriptionName, rec.destination, rec.selector, rec.noLocal);
      const acked = state.subscriptionAcks.get(`${rec.destination.key}|${rec.key}`) ?? new Set<string>();
      for (const m of state.messages.get(rec.destination.key) ?? []) {
        if (!acked.has(m.messageId)) sub.enqueue(m);
      }
    }
    for (const [id, ops] of state.prepared) {
      const tx = new Transaction(id, '');
      tx.state = 'prepared';
      tx.preparedOperations = ops;
      this.transactions.set(id, tx);
    }
    if (this.expirePeriod > 0) this.sweepTimer = this.clock.setInterval(() => this.expireSweep(), this.expirePeriod);
    this.started = true;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.sweepTimer?.cancel();
    for (const t of this.pullTimers.values()) t.cancel();
    this.pullTimers.clear();
    for (const state of [...this.connections.values()]) {
      await this.removeConnection(state.context).catch(() => {});
    }
    await this.store.stop();
  }

  // ---- connections -------------------------------------------------------------------------------

  async addConnection(context: ConnectionContext): Promise<void> {
    const info = context.info;
    if (this.connections.has(info.connectionId)) return;
    const clientId = info.clientId;
    if (clientId !== null && clientId !== '') {
      const holder = this.clientIds.get(clientId);
      if (holder !== undefined) {
        const other = this.connections.get(holder);
        throw new BrokerError(
          'ERR_CLIENT_ID_INVALID',
          `Broker: ${this.brokerName} - Client: ${clientId} already connected from ${other?.context.info.remoteAddress ?? 'unknown'}`,
        );
      }
      this.clientIds.set(clientId, info.connectionId);
    }
    this.connections.set(info.connectionId, {
      context,
      consumers: new Map(),
      producers: new Set(),
      temporary: new Set(),
      transactions: new Set(),
    });
  }

  async removeConnection(context: ConnectionContext): Promise<void> {
    const state = this.connections.get(context.info.connectionId);
    if (state === undefined) return;
    for (const id of [...state.consumers.keys()]) await this.removeConsumer(context, id);
    for (const txId of state.transactions) {
      const tx = this.transactions.get(txId);
      // Prepared XA transactions outlive the connection; local ones roll back.
      if (tx !== undefined && tx.state === 'active') this.rollbackLocal(tx);
    }
    for (const d of state.temporary) this.deleteDestination(d);
    this.connections.delete(context.info.connectionId);
    const clientId = context.info.clientId;
    if (clientId !== null && this.clientIds.get(clientId) === context.info.connectionId)
      this.clientIds.delete(clientId);
  }

  private connection(context: ConnectionContext): ConnectionState {
    const state = this.connections.get(context.info.connectionId);
    if (state === undefined)
      throw new BrokerError('ERR_ILLEGAL_STATE', 'The connection is not registered with the broker');
    return state;
  }

  // ---- producers ---------------------------------------------------------------------------------

  async addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void> {
    const state = this.connection(context);
    if (info.destination !== null && info.destination.isTemporary) this.checkTemporaryExists(info.destination);
    state.producers.add(info.producerId);
  }

  async removeProducer(context: ConnectionContext, producerId: string): Promise<void> {
    this.connections.get(context.info.connectionId)?.producers.delete(producerId);
  }

  // ---- consumers ---------------------------------------------------------------------------------

  async addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    const state = this.connection(context);
    if (state.consumers.has(info.consumerId)) {
      throw new BrokerError('ERR_ILLEGAL_STATE', `Consumer ${info.consumerId} already exists on this connection`);
    }
    const dest = info.destination;
    const members = dest.members();
    if (members.some((m) => m.isQueue) && members.some((m) => m.isTopic)) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot consume from queues and topics at once: ${dest.key}`);
    }
    for (const m of members) if (m.isTemporary) this.checkTemporaryOwner(context, m);
    const selector = this.compileSelector(info.selector);
    const wildcard = members.some((m) => m.isWildcard) || members.length > 1;

    if (info.browser) {
      if (!dest.isQueue) throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot browse a topic: ${dest.key}`);
      const refs: MessageReference[] = [];
      for (const q of this.matchingQueues(dest)) for (const ref of q.pending) if (!ref.dropped) refs.push(ref);
      const browser = new BrowserSubscription(info, sink, selector, refs, this.clock);
      state.consumers.set(info.consumerId, browser);
      queueMicrotask(() => browser.pump());
      return { info, wakeup: () => browser.pump() };
    }

    if (members[0]!.isQueue) {
      const qs = new QueueSubscription(context, info, sink, selector, this);
      state.consumers.set(info.consumerId, qs);
      for (const m of members) if (!m.isWildcard) this.getQueue(m);
      if (wildcard) this.wildcardQueueSubs.add(qs);
      for (const q of this.matchingQueues(dest)) {
        qs.queues.push(q);
        q.attach(qs);
      }
      return { info, wakeup: () => qs.wakeup() };
    }

    let ts: TopicSubscription;
    if (info.subscriptionName !== null && info.subscriptionName !== '') {
      ts = await this.activateDurable(context, info, sink, selector);
    } else {
      ts = new TopicSubscription(context, info, sink, selector, this);
      for (const m of members) if (!m.isWildcard) this.getTopic(m);
      if (wildcard) this.wildcardTopicSubs.add(ts);
      for (const t of this.matchingTopics(dest)) {
        ts.topics.push(t);
        t.attach(ts);
      }
    }
    state.consumers.set(info.consumerId, ts);
    return { info, wakeup: () => ts.wakeup() };
  }

  async removeConsumer(context: ConnectionContext, consumerId: string, lastDeliveredSequence?: number): Promise<void> {
    const state = this.connections.get(context.info.connectionId);
    const sub = state?.consumers.get(consumerId);
    if (state === undefined || sub === undefined) return;
    state.consumers.delete(consumerId);
    this.pullTimers.get(consumerId)?.cancel();
    this.pullTimers.delete(consumerId);
    if (sub instanceof BrowserSubscription) {
      sub.close();
      return;
    }
    if (lastDeliveredSequence !== undefined && lastDeliveredSequence !== UNKNOWN_DELIVERY) {
      sub.forgetUndelivered(lastDeliveredSequence);
    }
    if (sub instanceof DurableTopicSubscription) {
      sub.deactivate();
      return;
    }
    if (sub instanceof QueueSubscription) this.wildcardQueueSubs.delete(sub);
    if (sub instanceof TopicSubscription) this.wildcardTopicSubs.delete(sub);
    sub.close();
  }

  private compileSelector(text: string | null): MessageSelector | null {
    if (text === null || text.trim() === '') return null;
    return this.selectorCompiler(text);
  }

  // ---- durable subscriptions ---------------------------------------------------------------------

  private async activateDurable(
    context: ConnectionContext,
    info: ConsumerInfo,
    sink: ConsumerSink,
    selector: MessageSelector | null,
  ): Promise<DurableTopicSubscription> {
    const clientId = context.info.clientId;
    const name = info.subscriptionName!;
    if (clientId === null || clientId === '') {
      throw new BrokerError(
        'ERR_CLIENT_ID_INVALID',
        'You cannot create a durable subscriber without specifying a unique clientID on a Connection',
      );
    }
    if (info.destination.name.startsWith('ActiveMQ.Advisory.')) {
      throw new BrokerError('ERR_ILLEGAL_STATE', 'Cannot create a durable subscription for an advisory Topic');
    }
    const key = durableKey(clientId, name);
    let sub = this.durables.get(key);
    if (sub !== undefined && sub.active) {
      throw new BrokerError(
        'ERR_ILLEGAL_STATE',
        `Durable consumer is in use for client: ${clientId} and subscriptionName: ${name}`,
      );
    }
    if (
      sub !== undefined &&
      (sub.info.destination !== info.destination || (sub.selector?.text ?? null) !== (selector?.text ?? null))
    ) {
      // JMS: changing the topic or selector of a durable subscription deletes and recreates it.
      await this.deleteDurable(sub);
      sub = undefined;
    }
    if (sub === undefined) {
      sub = this.createDurable(clientId, name, info.destination, info.selector, info.noLocal, selector);
      await this.storeWrite(
        [
          {
            op: 'add-subscription',
            subscription: {
              destination: info.destination,
              key,
              clientId,
              subscriptionName: name,
              selector: info.selector,
              noLocal: info.noLocal,
            },
          },
        ],
        true,
      );
    }
    sub.context = context;
    sub.info = info;
    sub.sink = sink;
    sub.selector = selector;
    sub.active = true;
    sub.drain();
    return sub;
  }

  private createDurable(
    clientId: string,
    name: string,
    destination: Destination,
    selectorText: string | null,
    noLocal: boolean,
    compiled?: MessageSelector | null,
  ): DurableTopicSubscription {
    const info: ConsumerInfo = {
      consumerId: `durable:${clientId}:${name}`,
      destination,
      prefetch: 100,
      selector: selectorText,
      ackMode: 'client',
      noLocal,
      exclusive: false,
      priority: 0,
      retroactive: false,
      browser: false,
      subscriptionName: name,
    };
    const offline: ConsumerSink = { deliver: () => {}, ready: false };
    const selector = compiled !== undefined ? compiled : this.compileSelector(selectorText);
    const sub = new DurableTopicSubscription(this.internalContext(), info, offline, selector, this);
    sub.clientId = clientId;
    sub.subscriptionName = name;
    sub.durableHost = this;
    sub.active = false;
    this.durables.set(sub.key, sub);
    const members = destination.members();
    for (const m of members) if (!m.isWildcard) this.getTopic(m);
    if (destination.isWildcard || members.length > 1) this.wildcardTopicSubs.add(sub);
    for (const t of this.matchingTopics(destination)) {
      sub.topics.push(t);
      t.attach(sub);
    }
    return sub;
  }

  async removeSubscription(_context: ConnectionContext, clientId: string, subscriptionName: string): Promise<void> {
    const sub = this.durables.get(durableKey(clientId, subscriptionName));
    if (sub === undefined) {
      throw new BrokerError(
        'ERR_DESTINATION_INVALID',
        `No durable subscription exists for clientID: ${clientId} and subscriptionName: ${subscriptionName}`,
      );
    }
    if (sub.active) throw new BrokerError('ERR_ILLEGAL_STATE', 'Durable consumer is in use');
    await this.deleteDurable(sub);
  }

  private async deleteDurable(sub: DurableTopicSubscription): Promise<void> {
    const ops: StoreOperation[] = [];
    for (const ref of sub.pending) {
      if (ref.message.persistent && !ref.dropped) {
        ops.push({
          op: 'remove',
          destination: ref.message.destination,
          messageId: ref.message.messageId,
          subscription: sub.key,
        });
      }
    }
    ops.push({ op: 'remove-subscription', destination: sub.info.destination, key: sub.key });
    sub.close();
    this.durables.delete(sub.key);
    this.wildcardTopicSubs.delete(sub);
    await this.storeWrite(ops, true);
  }

  durableConsumed(sub: DurableTopicSubscription, ref: MessageReference): void {
    if (!ref.message.persistent || this.storeSuppressed > 0) return;
    this.trackWrite(
      this.store.write(
        [
          {
            op: 'remove',
            destination: ref.message.destination,
            messageId: ref.message.messageId,
            subscription: sub.key,
          },
        ],
        false,
      ),
    );
  }

  // ---- sending -----------------------------------------------------------------------------------

  async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    message.brokerInTime = this.clock.now();
    message.brokerSequence = ++this.sequence;
    if (message.producerConnectionId === null) message.producerConnectionId = context.info.connectionId;
    if (transactionId !== null) {
      const tx = this.requireTransaction(context, transactionId);
      if (tx.state !== 'active') throw new BrokerError('ERR_ILLEGAL_STATE', `Transaction ${transactionId} is prepared`);
      tx.sends.push(message);
      return;
    }
    await this.route(message, true);
  }

  /** Delivers a message to its destination(s): composite members, wildcard matches, queue or topic. */
  private async route(message: Message, store: boolean): Promise<void> {
    const dest = message.destination;
    if (dest.isComposite) {
      for (const member of dest.members()) {
        const copy = message.copy();
        copy.destination = member;
        copy.originalDestination = dest;
        await this.route(copy, store);
      }
      return;
    }
    if (dest.isWildcard) {
      const targets = dest.isQueue ? this.matchingQueues(dest) : this.matchingTopics(dest);
      for (const t of targets) {
        const copy = message.copy();
        copy.destination = t.destination;
        await this.route(copy, store);
      }
      return;
    }
    if (dest.isTemporary) this.checkTemporaryExists(dest);
    if (dest.isQueue) {
      const q = this.getQueue(dest);
      if (store && message.persistent) await this.store.write([{ op: 'add', destination: dest, message }], true);
      q.add(message);
      return;
    }
    const topic = this.getTopic(dest);
    if (store && message.persistent && this.hasDurableFor(topic, message)) {
      await this.store.write([{ op: 'add', destination: dest, message }], true);
    }
    topic.add(message);
  }

  private hasDurableFor(topic: Topic, message: Message): boolean {
    for (const s of topic.subscriptions)
      if (s instanceof DurableTopicSubscription && s.matches(message, 0)) return true;
    return false;
  }

  // ---- acknowledgements --------------------------------------------------------------------------

  async acknowledge(context: ConnectionContext, ack: MessageAck): Promise<void> {
    const state = this.connection(context);
    const sub = state.consumers.get(ack.consumerId);
    if (sub === undefined) {
      throw new BrokerError('ERR_CONSUMER_UNKNOWN', `The subscription does not exist: ${ack.consumerId}`);
    }
    if (sub instanceof BrowserSubscription) return;
    if (ack.transactionId !== null) this.requireTransaction(context, ack.transactionId);
    const writes: Promise<void>[] = [];
    this.ackWrites = writes;
    let freed: boolean;
    try {
      freed = sub.acknowledge(ack);
    } finally {
      this.ackWrites = null;
    }
    if (freed) this.wakeup(sub);
    if (writes.length > 0) await Promise.all(writes);
  }

  private wakeup(sub: Subscription): void {
    if (sub instanceof QueueSubscription || sub instanceof TopicSubscription) sub.wakeup();
  }

  pull(context: ConnectionContext, consumerId: string, timeoutMs: number): void {
    const sub = this.connections.get(context.info.connectionId)?.consumers.get(consumerId);
    if (sub === undefined || sub instanceof BrowserSubscription) return;
    if (sub.info.prefetch > 0) return; // only prefetch-0 consumers pull
    sub.addPull();
    this.wakeup(sub);
    if (!sub.cancelPull()) return; // a message went out
    if (timeoutMs === 0) {
      sub.sink.deliver(null);
      return;
    }
    sub.addPull();
    if (timeoutMs > 0) {
      this.pullTimers.get(consumerId)?.cancel();
      this.pullTimers.set(
        consumerId,
        this.clock.setTimeout(() => {
          this.pullTimers.delete(consumerId);
          if (sub.cancelPull()) sub.sink.deliver(null);
        }, timeoutMs),
      );
    }
  }

  // ---- message removal, dead letters -------------------------------------------------------------

  messageConsumed(destination: Destination, ref: MessageReference, subscriptionKey: string | null): void {
    if (!ref.message.persistent || this.storeSuppressed > 0) return;
    this.trackWrite(
      this.store.write(
        [{ op: 'remove', destination, messageId: ref.message.messageId, subscription: subscriptionKey }],
        false,
      ),
    );
  }

  deadLetter(ref: MessageReference, cause: string, _subscription: Subscription | null): void {
    const original = ref.message;
    ref.owner.consumed(ref);
    if (!original.persistent && !this.processNonPersistent) return;
    if (original.destination.name === this.deadLetterQueue) return; // never loop through the DLQ
    const copy = original.copy();
    copy.originalDestination = original.destination;
    copy.destination = Destination.queue(this.deadLetterQueue);
    copy.expiration = 0;
    copy.redeliveryCounter = ref.deliveryCount;
    copy.properties.set('dlqDeliveryFailureCause', typed.string(cause));
    this.route(copy, true).catch((e: unknown) =>
      this.logger.error('Failed to move a message to the dead letter queue', {
        messageId: original.messageId,
        error: e,
      }),
    );
  }

  private expireSweep(): void {
    for (const q of this.queues.values()) q.expireMessages();
  }

  // ---- transactions ------------------------------------------------------------------------------

  async beginTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    const state = this.connection(context);
    if (this.transactions.has(transactionId)) {
      throw new BrokerError('ERR_ILLEGAL_STATE', `Transaction '${transactionId}' has already been started.`);
    }
    this.transactions.set(transactionId, new Transaction(transactionId, context.info.connectionId));
    state.transactions.add(transactionId);
  }

  private requireTransaction(context: ConnectionContext, transactionId: string): Transaction {
    const tx = this.transactions.get(transactionId);
    if (tx === undefined) {
      throw new BrokerError('ERR_TRANSACTION_UNKNOWN', `Transaction '${transactionId}' has not been started.`);
    }
    if (tx.connectionId !== '' && tx.connectionId !== context.info.connectionId && tx.state === 'active') {
      throw new BrokerError('ERR_TRANSACTION_UNKNOWN', `Transaction '${transactionId}' belongs to another connection.`);
    }
    return tx;
  }

  addTransactedAcks(
    context: ConnectionContext,
    transactionId: string,
    sub: Subscription,
    refs: MessageReference[],
  ): void {
    const tx = this.requireTransaction(context, transactionId);
    tx.acks.push({ sub, refs });
  }

  /** The store operations a transaction's commit performs, as one atomic batch. */
  private transactionOperations(tx: Transaction): StoreOperation[] {
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

  async prepareTransaction(context: ConnectionContext, transactionId: string): Promise<number> {
    const tx = this.requireTransaction(context, transactionId);
    if (tx.isEmpty) {
      // XA_RDONLY: nothing to commit; the transaction is over.
      this.endTransaction(tx);
      return 3;
    }
    const ops = this.transactionOperations(tx);
    await this.storeWrite([{ op: 'prepare', transactionId, operations: ops }], true);
    tx.preparedOperations = ops;
    tx.state = 'prepared';
    return 0;
  }

  async commitTransaction(context: ConnectionContext, transactionId: string, onePhase: boolean): Promise<void> {
    const tx = this.requireTransaction(context, transactionId);
    if (!onePhase && tx.state !== 'prepared') {
      throw new BrokerError('ERR_ILLEGAL_STATE', `Cannot do 2 phase commit if the transaction has not been prepared`);
    }
    let ops = tx.preparedOperations ?? this.transactionOperations(tx);
    if (tx.state === 'prepared') ops = [...ops, { op: 'forget-prepared', transactionId }];
    // Topic sends in the batch are stored only if a durable subscription wants them; route() decides.
    await this.storeWrite(ops, true);
    this.endTransaction(tx);
    this.storeSuppressed++;
    try {
      for (const { sub, refs } of tx.acks) {
        sub.commitAcks(refs);
        this.wakeup(sub);
      }
    } finally {
      this.storeSuppressed--;
    }
    for (const m of tx.sends) {
      // Queue sends were stored in the batch above; topic sends go through the normal path.
      const storedInBatch = m.persistent && m.destination.members().every((d) => d.isQueue && !d.isWildcard);
      await this.route(m, !storedInBatch);
    }
  }

  async rollbackTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    const tx = this.requireTransaction(context, transactionId);
    if (tx.state === 'prepared') await this.storeWrite([{ op: 'forget-prepared', transactionId }], true);
    this.rollbackLocal(tx);
  }

  private rollbackLocal(tx: Transaction): void {
    for (const { sub, refs } of tx.acks) sub.rollbackAcks(refs);
    this.endTransaction(tx);
  }

  async forgetTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    const tx = this.transactions.get(transactionId);
    if (tx === undefined) return;
    await this.rollbackTransaction(context, transactionId);
  }

  async getPreparedTransactions(_context: ConnectionContext): Promise<string[]> {
    return [...this.transactions.values()].filter((t) => t.state === 'prepared').map((t) => t.id);
  }

  private endTransaction(tx: Transaction): void {
    this.transactions.delete(tx.id);
    this.connections.get(tx.connectionId)?.transactions.delete(tx.id);
  }

  // ---- destinations ------------------------------------------------------------------------------

  async addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    if (destination.isTemporary) {
      const state = this.connection(context);
      const existing = destination.isQueue ? this.queues.get(destination.name) : this.topics.get(destination.name);
      if (existing !== undefined && existing.owner !== context.info.connectionId) {
        throw new BrokerError('ERR_DESTINATION_INVALID', `Temporary destination already exists: ${destination.key}`);
      }
      if (destination.isQueue) this.getQueue(destination).owner = context.info.connectionId;
      else this.getTopic(destination).owner = context.info.connectionId;
      state.temporary.add(destination);
      return;
    }
    if (destination.isComposite || destination.isWildcard) return;
    if (destination.isQueue) this.getQueue(destination);
    else this.getTopic(destination);
  }

  async removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    const entity = destination.isQueue ? this.queues.get(destination.name) : this.topics.get(destination.name);
    if (entity === undefined) return;
    if (destination.isTemporary && entity.owner !== null && entity.owner !== context.info.connectionId) {
      throw new BrokerError(
        'ERR_SECURITY_NOT_AUTHORIZED',
        `Cannot remove a temporary destination of another connection: ${destination.key}`,
      );
    }
    const active = entity instanceof Queue ? entity.consumers : entity.subscriptions.filter((s) => s.active);
    if (active.length > 0) {
      throw new BrokerError(
        'ERR_ILLEGAL_STATE',
        `Destination: ${destination.key} still has an active subscription: ${active[0]!.consumerId}`,
      );
    }
    this.deleteDestination(destination);
    this.connections.get(context.info.connectionId)?.temporary.delete(destination);
  }

  private deleteDestination(destination: Destination): void {
    if (destination.isQueue) {
      const q = this.queues.get(destination.name);
      if (q === undefined) return;
      for (const c of [...q.consumers]) {
        q.detach(c);
        const i = (c as QueueSubscription).queues.indexOf(q);
        if (i >= 0) (c as QueueSubscription).queues.splice(i, 1);
      }
      q.purge();
      this.queues.delete(destination.name);
      if (!destination.isTemporary) this.storeWrite([{ op: 'remove-destination', destination }], false).catch(() => {});
    } else {
      const t = this.topics.get(destination.name);
      if (t === undefined) return;
      for (const s of [...t.subscriptions]) s.close();
      this.topics.delete(destination.name);
    }
  }

  getDestinations(): Destination[] {
    return [
      ...[...this.queues.values()].map((q) => q.destination),
      ...[...this.topics.values()].map((t) => t.destination),
    ];
  }

  destinationExists(destination: Destination): boolean {
    const found = destination.isQueue ? this.queues.get(destination.name) : this.topics.get(destination.name);
    return found !== undefined && found.destination.type === destination.type;
  }

  /** Queue statistics for management and tests. */
  getQueue(destination: Destination): Queue {
    let q = this.queues.get(destination.name);
    if (q === undefined) {
      const physical = Destination.of(destination.type, destination.name);
      q = new Queue(physical, this);
      this.queues.set(destination.name, q);
      for (const sub of this.wildcardQueueSubs) {
        if (covers(sub.info.destination, physical)) {
          sub.queues.push(q);
          q.attach(sub);
        }
      }
    }
    return q;
  }

  getTopic(destination: Destination): Topic {
    let t = this.topics.get(destination.name);
    if (t === undefined) {
      const physical = Destination.of(destination.type, destination.name);
      t = new Topic(physical);
      this.topics.set(destination.name, t);
      for (const sub of this.wildcardTopicSubs) {
        if (covers(sub.info.destination, physical)) {
          sub.topics.push(t);
          t.attach(sub);
        }
      }
    }
    return t;
  }

  findQueue(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  private matchingQueues(filter: Destination): Queue[] {
    if (filter.isComposite) return [...new Set(filter.members().flatMap((m) => this.matchingQueues(m)))];
    if (!filter.isWildcard) {
      const q = this.queues.get(filter.name);
      return q === undefined || q.destination.type !== filter.type ? [] : [q];
    }
    return [...this.queues.values()].filter((q) => destinationMatches(filter, q.destination));
  }

  private matchingTopics(filter: Destination): Topic[] {
    if (filter.isComposite) return [...new Set(filter.members().flatMap((m) => this.matchingTopics(m)))];
    if (!filter.isWildcard) {
      const t = this.topics.get(filter.name);
      return t === undefined || t.destination.type !== filter.type ? [] : [t];
    }
    return [...this.topics.values()].filter((t) => destinationMatches(filter, t.destination));
  }

  private checkTemporaryExists(destination: Destination): void {
    const exists = destination.isQueue ? this.queues.has(destination.name) : this.topics.has(destination.name);
    if (!exists) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot publish to a deleted Destination: ${destination.key}`);
    }
  }

  /** Only the connection that created a temporary destination may consume from it. */
  private checkTemporaryOwner(context: ConnectionContext, destination: Destination): void {
    const entity = destination.isQueue ? this.queues.get(destination.name) : this.topics.get(destination.name);
    if (entity === undefined) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot consume from a deleted Destination: ${destination.key}`);
    }
    if (entity.owner !== null && entity.owner !== context.info.connectionId) {
      throw new BrokerError(
        'ERR_SECURITY_NOT_AUTHORIZED',
        `Cannot consume from a temporary destination of another connection: ${destination.key}`,
      );
    }
  }

  // ---- store helpers -----------------------------------------------------------------------------

  private storeWrite(ops: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.store.write(ops, sync);
  }

  private trackWrite(p: Promise<void>): void {
    if (this.ackWrites !== null) this.ackWrites.push(p);
    else p.catch((e: unknown) => this.logger.error('Store write failed', { error: e }));
  }

  private internalContextValue: ConnectionContext | null = null;
  private internalContext(): ConnectionContext {
    if (this.internalContextValue === null) {
      this.internalContextValue = {
        info: {
          connectionId: `${this.brokerId}:internal`,
          clientId: null,
          userName: null,
          password: null,
          remoteAddress: 'vm://' + this.brokerName,
          protocol: 'internal',
        },
        security: { userName: null, groups: new Set(), isBrokerInternal: true },
        control: { close: () => {} },
      };
    }
    return this.internalContextValue;
  }
}

/** True when a consumer's destination (possibly wildcard or composite) covers a concrete destination. */
function covers(filter: Destination, destination: Destination): boolean {
  if (!filter.isComposite) return destinationMatches(filter, destination);
  return filter.members().some((m) => destinationMatches(m, destination));
}
