import type { ConsumerInfo, MessageAck, ProducerInfo } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import { IdGenerator } from '../../model/ids.js';
import { Message } from '../../model/message.js';
import type { PersistenceAdapter, RecoveredState, StoreOperation } from '../../store/persistence-adapter.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { BrokerError } from '../../util/errors.js';
import { Logger } from '../../util/logger.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
import { awaitedRemoval } from './message-reference.js';
import { Queue } from './queue.js';
import { QueueSubscription } from './queue-subscription.js';
import type { MessageSelector, SelectorCompiler } from './selector-support.js';
import type { Subscription } from './subscription.js';
import { DurableTopicSubscription, Topic, TopicSubscription } from './topic.js';
import { BrowserSubscription } from './browser-subscription.js';
import { parseOptionalSelector } from '../../destination/selector/index.js';
import type { BrokerEventListener, BrokerEventSource } from '../broker-events.js';
import { PolicyMap } from '../policy/policy-map.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import { validateRedeliveryPolicies, type RedeliveryPolicyMap } from '../policy/redelivery-policy.js';
import { MemoryUsage } from './memory-usage.js';
import type { CursorStores } from './queue-cursor.js';
import { QueueRegion } from './queue-region.js';
import { TopicRegion } from './topic-region.js';
import { ConnectionRegistry, brokerInternalContext, type ConnectionState } from './connection-registry.js';
import { PullRequests } from './pull-requests.js';
import { DurableSubscriptions } from './durable-subscriptions.js';
import { TransactionCoordinator } from './transaction-coordinator.js';
import { DEFAULT_MEMORY_LIMIT, defaultPolicies, type RegionBrokerOptions } from './region-broker-options.js';
import { cursorStoresFor } from './temp-stores.js';
import { SubscriptionPolicies } from './subscription-policies.js';
import { SchedulerSupport } from './scheduler-support.js';
import { recoverDestinations } from './region-recovery.js';
import { DeadLetterHandler } from './dead-letter-handler.js';
import { MessageAdvisories } from './message-advisories.js';
import { ConsumptionHost } from './consumption-host.js';
import { ProducerFlowControl, WarnedOnce, type FlowControlHost } from './producer-flow-control.js';

/** OpenWire's LAST_DELIVERED_UNKNOWN: the client cannot say what it delivered. */
const UNKNOWN_DELIVERY = -2;

export type { ConnectionState } from './connection-registry.js';
export { DEFAULT_MEMORY_LIMIT, type RegionBrokerOptions } from './region-broker-options.js';

/**
 * The end of the filter chain: destinations, subscriptions, dispatch, transactions and the store.
 * Named after ActiveMQ's RegionBroker, which plays the same part.
 */
export class RegionBroker implements Broker, BrokerEventSource {
  readonly brokerName: string;
  readonly brokerId: string;
  private readonly store: PersistenceAdapter;
  private readonly onRecovered: ((state: RecoveredState) => void) | undefined;
  private readonly tempStore: PersistenceAdapter | null;
  /** How queues page their backlog in and out (see QueueCursor). */
  private readonly cursorStores: CursorStores;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly selectorCompiler: SelectorCompiler;
  private readonly policies: PolicyMap;
  /** True when the caller gave a PolicyMap: prefetch and page-size rules apply only then. */
  private readonly customPolicies: boolean;
  private readonly redelivery: RedeliveryPolicyMap | null;
  private readonly scheduling: SchedulerSupport;
  readonly memoryUsage: MemoryUsage;
  private readonly listeners: BrokerEventListener[] = [];
  /** Producers already warned about (scheduling ignored, flow control), bounded. */
  private readonly warned = new WarnedOnce();
  private readonly flowControl: ProducerFlowControl;
  private readonly deadLetters: DeadLetterHandler;
  private readonly subscriptionPolicies: SubscriptionPolicies;
  private readonly advisories: MessageAdvisories;
  /** What queues and subscriptions report consumptions, expiries and dead letters to. */
  private readonly consumption: ConsumptionHost;

  private readonly connections: ConnectionRegistry;
  /** The queues and the topics, each with its own DestinationMap index (ActiveMQ's QueueRegion, TopicRegion). */
  private readonly queueRegion: QueueRegion;
  private readonly topicRegion: TopicRegion;
  private readonly durables: DurableSubscriptions;
  private readonly transactions: TransactionCoordinator;
  private readonly pulls: PullRequests;
  private started = false;
  /** Source of brokerSequence. */
  private sequence = 0;

  constructor(options: RegionBrokerOptions) {
    this.brokerName = options.brokerName ?? 'localhost';
    this.brokerId = new IdGenerator('ID:').next();
    this.store = options.store;
    this.connections = new ConnectionRegistry(this.brokerName);
    this.onRecovered = options.onRecovered;
    this.tempStore = options.tempStore ?? null;
    this.clock = options.clock ?? systemClock;
    this.pulls = new PullRequests(this.clock);
    this.logger = options.logger ?? Logger.silent();
    this.cursorStores = cursorStoresFor(this.store, this.tempStore, this.logger, () => ++this.sequence);
    this.selectorCompiler = options.selectorCompiler ?? parseOptionalSelector;
    this.customPolicies = options.policies !== undefined;
    this.policies = options.policies ?? defaultPolicies(options);
    this.redelivery = options.redeliveryPolicies ?? null;
    const schedulerSupport = options.schedulerSupport ?? false;
    if (this.redelivery !== null) validateRedeliveryPolicies(this.redelivery, schedulerSupport);
    this.scheduling = new SchedulerSupport({
      enabled: schedulerSupport,
      clock: this.clock,
      logger: this.logger,
      store: this.store,
      warned: this.warned,
      route: (m, store) => this.route(m, store),
    });
    this.memoryUsage = new MemoryUsage('default:memory', options.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    const host: FlowControlHost = {
      clock: this.clock,
      logger: this.logger,
      listeners: this.listeners,
      warned: this.warned,
      isStarted: () => this.started,
      usageFor: (d) => this.usageFor(d),
      policyFor: (d) => this.policyFor(d),
      producerInfo: (c, m) => this.producerInfo(c, m),
    };
    this.deadLetters = new DeadLetterHandler({
      clock: this.clock,
      logger: this.logger,
      listeners: this.listeners,
      redelivery: this.redelivery,
      policyFor: (d) => this.policyFor(d),
      scheduler: () => this.scheduling.scheduler(),
      route: (m) => this.route(m, true),
    });
    this.advisories = new MessageAdvisories(this.listeners, (d) => this.policyFor(d));
    this.consumption = new ConsumptionHost({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      advisories: this.advisories,
      deadLetters: () => this.deadLetters,
      transactions: () => this.transactions,
    });
    this.queueRegion = new QueueRegion({
      host: this.consumption,
      store: this.store,
      cursorStores: this.cursorStores,
      clock: this.clock,
      policyFor: (d) => this.policyFor(d),
      memoryUsage: this.memoryUsage,
      customPolicies: this.customPolicies,
      advisories: this.advisories,
      concurrentStoreAndDispatch: options.concurrentStoreAndDispatchQueues === true,
    });
    this.topicRegion = new TopicRegion({
      store: this.store,
      policyFor: (d) => this.policyFor(d),
      memoryUsage: this.memoryUsage,
      advisories: this.advisories,
      durablesPassedBy: (t, m) => this.durables.passedBy(t, m),
      durableJoined: (sub, topic) => {
        this.storeWrite([{ op: 'add-subscription', subscription: this.durables.record(sub, topic) }], false).catch(
          (e: unknown) => this.logger.error('Store write failed', { error: e }),
        );
      },
    });
    this.subscriptionPolicies = new SubscriptionPolicies({
      clock: this.clock,
      logger: this.logger,
      listeners: this.listeners,
      policyFor: (d) => this.policyFor(d),
      customPolicies: this.customPolicies,
      tempStore: this.tempStore,
      cursorStores: this.cursorStores,
      nextBrokerSequence: () => ++this.sequence,
      removeConsumer: (context, id) => this.removeConsumer(context, id),
    });
    const internal = brokerInternalContext(this.brokerId, this.brokerName);
    this.durables = new DurableSubscriptions({
      store: this.store,
      topics: this.topicRegion,
      host: this.consumption,
      logger: this.logger,
      policyFor: (d) => this.policyFor(d),
      compileSelector: (text) => this.compileSelector(text),
      nextBrokerSequence: () => ++this.sequence,
      internalContext: () => internal,
      slowConsumer: (sub) => this.subscriptionPolicies.slowConsumer(sub),
    });
    this.transactions = new TransactionCoordinator({
      store: this.store,
      connections: this.connections,
      queue: (d) => this.queueRegion.ensure(d),
      route: (m, store) => this.route(m, store),
      schedule: (m, schedule) => this.scheduling.scheduler().schedule(m, schedule),
      wakeup: (sub) => this.wakeup(sub),
    });
    this.flowControl = new ProducerFlowControl(
      host,
      options.sendFailIfNoSpace ?? false,
      options.sendFailIfNoSpaceAfterTimeout ?? 0,
    );
  }

  addEventListener(listener: BrokerEventListener): void {
    this.listeners.push(listener);
  }

  /** PolicyEntry includeBodyForAdvisory: whether message advisories about `destination` keep the body. */
  includeBodyForAdvisory(destination: Destination): boolean {
    return this.policyFor(destination).includeBodyForAdvisory;
  }

  /** The policy a destination gets (the most specific matching policyEntry). */
  policyFor(destination: Destination): ResolvedPolicy {
    return this.policies.entryFor(destination);
  }

  /** The memory usage a send adds to: the existing destination's (route() decides on creating one), else the broker's. */
  private usageFor(dest: Destination): MemoryUsage {
    return this.regionFor(dest).lookup(dest.name)?.usage ?? this.memoryUsage;
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.store.start();
    if (this.tempStore !== null) {
      await this.tempStore.start();
      // Nothing in the temp store outlives a restart: what it held was non-persistent.
      await this.tempStore.recover({ deferQueueMessages: true });
    }
    // Queue backlogs stay in the store: the cursor pages them in as consumers need them, so start-up time
    // and heap do not grow with them (ActiveMQ's store cursor does the same).
    // Durable subscriptions' backlogs too, where the store can read them a page at a time.
    const deferDurable = this.store.readSubscriptionMessages !== undefined;
    const state = await this.store.recover({ deferQueueMessages: true, deferDurableMessages: deferDurable });
    this.onRecovered?.(state);
    await recoverDestinations(state, {
      store: this.store,
      queues: this.queueRegion,
      topics: this.topicRegion,
      scheduler: () => this.scheduling.scheduler(),
      nextBrokerSequence: () => ++this.sequence,
    });
    await this.durables.recover(state, deferDurable);
    this.transactions.recoverPrepared(state.prepared);
    this.started = true;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.queueRegion.stop();
    this.subscriptionPolicies.stop();
    this.scheduling.stop();
    this.memoryUsage.abortWaiters();
    this.pulls.stop();
    for (const state of [...this.connections.values()]) {
      await this.removeConnection(state.context).catch(() => {});
    }
    await this.store.stop();
    await this.tempStore?.stop();
  }

  // ---- connections -------------------------------------------------------------------------------

  async addConnection(context: ConnectionContext): Promise<void> {
    this.connections.add(context);
  }

  async removeConnection(context: ConnectionContext): Promise<void> {
    const state = this.connections.get(context.info.connectionId);
    if (state === undefined) return;
    for (const id of [...state.consumers.keys()]) await this.removeConsumer(context, id);
    this.transactions.connectionRemoved(state);
    for (const d of state.temporary) this.regionFor(d).remove(d);
    this.connections.delete(context);
  }

  // ---- producers ---------------------------------------------------------------------------------

  async addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void> {
    const state = this.connections.require(context);
    if (info.destination !== null && info.destination.isTemporary)
      this.regionFor(info.destination).requireExisting(info.destination);
    state.producers.set(info.producerId, info);
  }

  async removeProducer(context: ConnectionContext, producerId: string): Promise<void> {
    this.connections.get(context.info.connectionId)?.producers.delete(producerId);
  }

  // ---- consumers ---------------------------------------------------------------------------------

  async addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    const state = this.connections.require(context);
    if (state.consumers.has(info.consumerId)) {
      throw new BrokerError('ERR_ILLEGAL_STATE', `Consumer ${info.consumerId} already exists on this connection`);
    }
    const dest = info.destination;
    const members = dest.members();
    if (members.some((m) => m.isQueue) && members.some((m) => m.isTopic)) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot consume from queues and topics at once: ${dest.key}`);
    }
    for (const m of members) if (m.isTemporary) this.regionFor(m).requireOwner(context, m);
    const selector = this.compileSelector(info.selector);
    this.subscriptionPolicies.configurePrefetch(info);

    if (info.browser) {
      if (!dest.isQueue) throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot browse a topic: ${dest.key}`);
      const refs = await this.queueRegion.browse(info, this.policyFor(dest).maxBrowsePageSize);
      if (this.connections.get(context.info.connectionId) !== state) {
        throw new BrokerError('ERR_ILLEGAL_STATE', 'The connection is not registered with the broker');
      }
      const browser = new BrowserSubscription(info, sink, selector, refs, this.clock);
      state.consumers.set(info.consumerId, browser);
      queueMicrotask(() => browser.pump());
      return { info, wakeup: () => browser.pump() };
    }

    if (members[0]!.isQueue) {
      const qs = new QueueSubscription(context, info, sink, selector, this.consumption);
      state.consumers.set(info.consumerId, qs);
      this.queueRegion.subscribe(qs);
      return { info, wakeup: () => qs.wakeup() };
    }

    let ts: TopicSubscription;
    if (info.subscriptionName !== null && info.subscriptionName !== '') {
      const durable = await this.durables.activate(context, info, sink, selector);
      if (this.connections.get(context.info.connectionId) !== state) {
        // The connection went while the subscription was recorded (a client that subscribes and closes at
        // once): its removal could not see this consumer, so the subscription would stay "in use" for ever.
        durable.deactivate();
        throw new BrokerError('ERR_ILLEGAL_STATE', 'The connection is not registered with the broker');
      }
      ts = durable;
    } else {
      ts = new TopicSubscription(context, info, sink, selector, this.consumption);
      this.subscriptionPolicies.configureTopicSubscription(ts);
      this.topicRegion.subscribe(ts);
    }
    state.consumers.set(info.consumerId, ts);
    return { info, wakeup: () => ts.wakeup() };
  }

  async removeConsumer(context: ConnectionContext, consumerId: string, lastDeliveredSequence?: number): Promise<void> {
    const state = this.connections.get(context.info.connectionId);
    const sub = state?.consumers.get(consumerId);
    if (state === undefined || sub === undefined) return;
    state.consumers.delete(consumerId);
    this.pulls.cancel(consumerId);
    if (sub instanceof BrowserSubscription) {
      sub.close();
      return;
    }
    if (lastDeliveredSequence !== undefined && lastDeliveredSequence !== UNKNOWN_DELIVERY) {
      sub.forgetUndelivered(lastDeliveredSequence);
    }
    if (sub instanceof TopicSubscription) this.subscriptionPolicies.forget(sub);
    if (sub instanceof DurableTopicSubscription) {
      sub.deactivate();
      return;
    }
    if (sub instanceof QueueSubscription) this.queueRegion.unsubscribe(sub);
    if (sub instanceof TopicSubscription) this.topicRegion.unsubscribe(sub);
    sub.close();
  }

  private compileSelector(text: string | null): MessageSelector | null {
    if (text === null || text.trim() === '') return null;
    return this.selectorCompiler(text);
  }

  // ---- durable subscriptions (DurableSubscriptions keeps them) ------------------------------------

  durableSubscriptions(clientId: string): string[] {
    return this.durables.names(clientId);
  }

  durableSubscriptionInfo(clientId: string, subscriptionName: string): ConsumerInfo | null {
    return this.durables.info(clientId, subscriptionName);
  }

  async removeSubscription(_context: ConnectionContext, clientId: string, subscriptionName: string): Promise<void> {
    await this.durables.remove(clientId, subscriptionName);
  }

  // ---- sending -----------------------------------------------------------------------------------

  async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    message.brokerInTime = this.clock.now();
    message.brokerSequence = ++this.sequence;
    if (message.producerConnectionId === null) message.producerConnectionId = context.info.connectionId;
    if (this.scheduling.isManagement(message)) {
      // SchedulerBroker: a command to the job scheduler, never delivered (nor part of the transaction).
      await this.scheduling.handleManagement(message);
      return;
    }
    const schedule = this.scheduling.scheduleFor(message);
    if (transactionId !== null) {
      const tx = this.transactions.require(context, transactionId);
      if (tx.state !== 'active') throw new BrokerError('ERR_ILLEGAL_STATE', `Transaction ${transactionId} is prepared`);
      // SchedulerBroker schedules a transacted message only when the transaction commits.
      if (schedule !== null) tx.scheduled.push({ message, schedule });
      else tx.sends.push(message);
      return;
    }
    if (schedule !== null) {
      await this.scheduling.scheduler().schedule(message, schedule);
      return;
    }
    await this.flowControl.check(context, message);
    await this.route(message, true);
  }

  /** The registered ProducerInfo of a message's producer; one made up from the message for an unregistered one. */
  private producerInfo(context: ConnectionContext, message: Message): ProducerInfo {
    const id = message.producerId;
    const known = id === null ? undefined : this.connections.get(context.info.connectionId)?.producers.get(id);
    return known ?? { producerId: id ?? `${context.info.connectionId}:0:0`, destination: null, windowSize: 0 };
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
      const targets = this.regionFor(dest).matching(dest);
      for (const t of targets) {
        const copy = message.copy();
        copy.destination = t.destination;
        await this.route(copy, store);
      }
      return;
    }
    if (dest.isTemporary) this.regionFor(dest).requireExisting(dest);
    // Queue/Topic.send: a message that arrives expired is never stored or dispatched.
    if (message.expiration > 0 && message.isExpired(this.clock.now())) {
      this.deadLetters.expired(dest, message, message.redeliveryCounter, null);
      return;
    }
    await this.regionFor(dest).send(message, store);
  }

  // ---- acknowledgements --------------------------------------------------------------------------

  async acknowledge(context: ConnectionContext, ack: MessageAck): Promise<void> {
    const state = this.connections.require(context);
    const sub = state.consumers.get(ack.consumerId);
    if (sub === undefined) {
      throw new BrokerError('ERR_CONSUMER_UNKNOWN', `The subscription does not exist: ${ack.consumerId}`);
    }
    if (sub instanceof BrowserSubscription) return;
    if (ack.transactionId !== null) this.transactions.require(context, ack.transactionId);
    // The store removals this ack causes are collected here, and waited for (see Broker.acknowledge).
    const removal = awaitedRemoval();
    if (sub.acknowledge(ack, removal)) this.wakeup(sub);
    if (removal.writes.length > 0) await Promise.all(removal.writes);
  }

  private wakeup(sub: Subscription): void {
    if (sub instanceof QueueSubscription || sub instanceof TopicSubscription) sub.wakeup();
  }

  pull(context: ConnectionContext, consumerId: string, timeoutMs: number): void {
    const sub = this.connections.get(context.info.connectionId)?.consumers.get(consumerId);
    if (sub === undefined || sub instanceof BrowserSubscription) return;
    this.pulls.pull(consumerId, sub, timeoutMs, () => this.wakeup(sub));
  }

  // ---- transactions (TransactionCoordinator keeps them) -----------------------------------------

  async beginTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    await this.transactions.begin(context, transactionId);
  }

  prepareTransaction(context: ConnectionContext, transactionId: string): Promise<number> {
    return this.transactions.prepare(context, transactionId);
  }

  commitTransaction(context: ConnectionContext, transactionId: string, onePhase: boolean): Promise<void> {
    return this.transactions.commit(context, transactionId, onePhase);
  }

  rollbackTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    return this.transactions.rollback(context, transactionId);
  }

  forgetTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    return this.transactions.forget(context, transactionId);
  }

  async getPreparedTransactions(_context: ConnectionContext): Promise<string[]> {
    return this.transactions.prepared();
  }

  // ---- destinations ------------------------------------------------------------------------------

  /** The one place that tells queues from topics: every destination operation goes to its region. */
  private regionFor(destination: Destination): QueueRegion | TopicRegion {
    return destination.isQueue ? this.queueRegion : this.topicRegion;
  }

  async addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    if (destination.isTemporary) {
      const state = this.connections.require(context);
      this.regionFor(destination).addTemporary(destination, context.info.connectionId);
      state.temporary.add(destination);
      return;
    }
    if (destination.isComposite || destination.isWildcard) return;
    this.regionFor(destination).ensure(destination);
  }

  async removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    if (!this.regionFor(destination).removeIfUnused(destination, context.info.connectionId)) return;
    this.connections.get(context.info.connectionId)?.temporary.delete(destination);
  }

  getDestinations(): Destination[] {
    return [
      ...[...this.queueRegion.values()].map((q) => q.destination),
      ...[...this.topicRegion.values()].map((t) => t.destination),
    ];
  }

  destinationExists(destination: Destination): boolean {
    const found = this.regionFor(destination).lookup(destination.name);
    return found !== undefined && found.destination.type === destination.type;
  }

  /** The queue, created with its policy if it does not exist (management and tests use it too). */
  getQueue(destination: Destination): Queue {
    return this.queueRegion.ensure(destination);
  }

  getTopic(destination: Destination): Topic {
    return this.topicRegion.ensure(destination);
  }

  findQueue(name: string): Queue | undefined {
    return this.queueRegion.lookup(name);
  }

  /** A durable subscription by its JMS identity (ActiveMQ's SubscriptionKey), online or offline. */
  findDurableSubscription(clientId: string, subscriptionName: string): DurableTopicSubscription | undefined {
    return this.durables.find(clientId, subscriptionName);
  }

  // ---- management (src/management reads these; ActiveMQ's ManagedRegionBroker plays this part) --------

  managedQueues(): IterableIterator<Queue> {
    return this.queueRegion.values();
  }

  managedTopics(): IterableIterator<Topic> {
    return this.topicRegion.values();
  }

  /** Durable subscriptions, active and offline (ActiveMQ's durableTopicSubscribers and inactive ones). */
  managedDurables(): IterableIterator<DurableTopicSubscription> {
    return this.durables.values();
  }

  managedConnections(): IterableIterator<Readonly<ConnectionState>> {
    return this.connections.values();
  }

  /** Bytes held by the message store and the temp store (BrokerViewMBean StorePercentUsage, TempPercentUsage). */
  storeSizes(): { store: number; temp: number } {
    return { store: this.store.size(), temp: this.tempStore?.size() ?? 0 };
  }

  /** QueueViewMBean.purge(): see QueueRegion.purge. */
  purgeQueue(destination: Destination): Promise<number> {
    return this.queueRegion.purge(destination);
  }

  /** QueueViewMBean.removeMessage(id): see QueueRegion.removeMessage. */
  removeQueueMessage(destination: Destination, messageId: string): Promise<Message | null> {
    return this.queueRegion.removeMessage(destination, messageId);
  }

  // ---- store helpers -----------------------------------------------------------------------------

  private storeWrite(ops: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.store.write(ops, sync);
  }
}
