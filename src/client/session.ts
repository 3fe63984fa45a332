import {
  LAST_DELIVERED_UNKNOWN,
  T,
  TransactionType,
  consumerId,
  producerId,
  transactionIdToString,
  type ConsumerInfo,
  type LocalTransactionId,
  type ProducerInfo,
  type RemoveInfo,
  type RemoveSubscriptionInfo,
  type SessionId,
  type TransactionInfo,
} from '../protocol/openwire/codec/index.js';
import { command } from './commands.js';
import type { ConnectionImpl } from './connection.js';
import { Consumer } from './consumer.js';
import { ClientError, illegalState } from './errors.js';
import { toDestination, type DestinationLike, type ReceivedMessage } from './message.js';
import { Producer, type SendOptions } from './producer.js';
import type { AckMode, ConnectionHost, SessionHost } from './session-host.js';

export interface ConsumerOptions {
  /** A JMS selector. */
  selector?: string;
  /** Default from jms.prefetchPolicy (queue 1000, topic 32766, durable 100, browser 500); 0 pulls. */
  prefetch?: number;
  /** ConsumerInfo.priority (consumer priority; a network bridge lowers its own). */
  priority?: number;
  noLocal?: boolean;
  exclusive?: boolean;
  retroactive?: boolean;
  /** A durable subscription name (topics; needs a client id). */
  subscriptionName?: string;
  /** Marks a network bridge's consumer (ConsumerInfo.networkSubscription). */
  networkSubscription?: boolean;
  dispatchAsync?: boolean;
}

/**
 * A Session (ActiveMQSession): producers and consumers, its acknowledge mode, and in transacted mode one local
 * transaction at a time, begun by the first send or receive (TransactionInfo BEGIN) and ended by commit() or
 * rollback().
 */
export class Session implements SessionHost {
  private readonly consumers = new Map<string, Consumer>();
  private readonly producers = new Set<Producer>();
  private nextProducer = 0;
  private tx: LocalTransactionId | null = null;
  /** The connection failed over with this transaction open: it can only be rolled back. */
  private rollbackOnly = false;
  private closed = false;

  constructor(
    readonly id: SessionId,
    readonly ackMode: AckMode,
    readonly connectionImpl: ConnectionImpl,
  ) {}

  get connection(): ConnectionHost {
    return this.connectionImpl;
  }

  get transacted(): boolean {
    return this.ackMode === 'transacted';
  }

  get transactionId(): LocalTransactionId | null {
    return this.tx;
  }

  private check(): void {
    if (this.closed) throw illegalState('The Session is closed');
  }

  ensureTransaction(): LocalTransactionId {
    if (!this.transacted) throw illegalState('Not a transacted session');
    if (this.tx === null) {
      this.tx = this.connectionImpl.nextTransactionId();
      const begin = command<TransactionInfo>(T.TRANSACTION_INFO, {
        connectionId: this.tx.connectionId,
        transactionId: this.tx,
        transactionType: TransactionType.BEGIN,
      });
      // ActiveMQ's TransactionContext.begin sends BEGIN without waiting; the broker orders it before the send.
      void this.connectionImpl.oneway(begin).catch(() => {});
    }
    return this.tx;
  }

  async createProducer(destination?: DestinationLike | null, defaults: SendOptions = {}): Promise<Producer> {
    this.check();
    const info = command<ProducerInfo>(T.PRODUCER_INFO, {
      producerId: producerId(this.id.connectionId!, this.id.value, ++this.nextProducer),
      destination: destination === undefined || destination === null ? null : toDestination(destination),
    });
    await this.connectionImpl.oneway(info);
    const p = new Producer(info, this, defaults);
    this.producers.add(p);
    return p;
  }

  /** A consumer; the broker's refusal (bad selector, not authorized, …) rejects with its RemoteJmsError. */
  async createConsumer(destination: DestinationLike, options: ConsumerOptions = {}): Promise<Consumer> {
    return this.addConsumer(destination, options, false);
  }

  /** A durable topic subscriber (TopicSession.createDurableSubscriber); needs the connection's client id. */
  async createDurableSubscriber(
    topic: DestinationLike,
    name: string,
    options: Omit<ConsumerOptions, 'subscriptionName'> = {},
  ): Promise<Consumer> {
    if (this.connectionImpl.clientId === null) {
      // ActiveMQConnection.checkClientIDWasManuallySpecified's text.
      throw illegalState('You cannot create a durable subscriber without specifying a unique clientID on a Connection');
    }
    return this.addConsumer(topic, { ...options, subscriptionName: name }, false);
  }

  /** A QueueBrowser: `for await (const m of browser)` sees the queue's messages without consuming them. */
  async createBrowser(queue: DestinationLike, selector?: string): Promise<Consumer> {
    return this.addConsumer(queue, selector === undefined ? {} : { selector }, true);
  }

  private async addConsumer(destinationLike: DestinationLike, o: ConsumerOptions, browser: boolean): Promise<Consumer> {
    this.check();
    const destination = toDestination(destinationLike);
    const policy = this.connectionImpl.jms.prefetch;
    const isTopic = destination.type === T.ACTIVEMQ_TOPIC || destination.type === T.ACTIVEMQ_TEMP_TOPIC;
    const defaultPrefetch = browser
      ? policy.queueBrowserPrefetch
      : o.subscriptionName !== undefined
        ? policy.durableTopicPrefetch
        : isTopic
          ? policy.topicPrefetch
          : policy.queuePrefetch;
    const info = command<ConsumerInfo>(T.CONSUMER_INFO, {
      consumerId: consumerId(this.id.connectionId!, this.id.value, this.connectionImpl.nextConsumerValue()),
      destination,
      browser,
      prefetchSize: o.prefetch ?? defaultPrefetch,
      maximumPendingMessageLimit: 0,
      dispatchAsync: o.dispatchAsync ?? true,
      selector: o.selector ?? null,
      clientId: this.connectionImpl.clientId,
      subscriptionName: o.subscriptionName ?? null,
      noLocal: o.noLocal ?? false,
      exclusive: o.exclusive ?? false,
      retroactive: o.retroactive ?? false,
      priority: o.priority ?? 0,
      networkSubscription: o.networkSubscription ?? false,
    });
    const consumer = new Consumer(info, this);
    // Registered first: the broker may dispatch before the response to the ConsumerInfo arrives.
    this.consumers.set(consumer.id, consumer);
    this.connectionImpl.registerConsumer(consumer);
    try {
      await this.connectionImpl.request(info);
    } catch (e) {
      this.forgetConsumer(consumer);
      consumer.closedByParent();
      throw e;
    }
    return consumer;
  }

  /** Removes a durable subscription (Session.unsubscribe): RemoveSubscriptionInfo, answered by the broker. */
  async unsubscribe(name: string): Promise<void> {
    this.check();
    const c = this.connectionImpl;
    await c.request(
      command<RemoveSubscriptionInfo>(T.REMOVE_SUBSCRIPTION_INFO, {
        connectionId: c.connectionIdObject,
        subscriptionName: name,
        clientId: c.clientId,
      }),
    );
  }

  /** @internal */
  forgetConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer.id);
    this.connectionImpl.unregisterConsumer(consumer);
  }

  /** @internal */
  forgetProducer(p: Producer): void {
    this.producers.delete(p);
  }

  /** CLIENT_ACKNOWLEDGE: acknowledges every message this session delivered (Message.acknowledge()). */
  async acknowledge(): Promise<void> {
    for (const c of this.consumers.values()) await c.acknowledgeAll();
  }

  /** @internal message.acknowledge() */
  async acknowledgeFrom(consumer: Consumer, message: ReceivedMessage): Promise<void> {
    if (this.ackMode === 'client') await this.acknowledge();
    else if (this.ackMode === 'individual') await consumer.acknowledgeOne(message);
  }

  /**
   * Session.recover (CLIENT_ACKNOWLEDGE, INDIVIDUAL_ACKNOWLEDGE): delivery starts again from the oldest
   * unacknowledged message, each marked redelivered — ActiveMQSession.recover rolls its consumers back locally.
   */
  async recover(): Promise<void> {
    this.check();
    if (this.transacted) throw illegalState('This session is transacted');
    for (const c of this.consumers.values()) await c.rollback();
  }

  /** Commits the open transaction: the STANDARD acks of what was received, then COMMIT_ONE_PHASE, answered. */
  async commit(): Promise<void> {
    this.check();
    if (!this.transacted) throw illegalState('Not a transacted session');
    const tx = this.tx;
    if (tx === null) return;
    if (this.rollbackOnly) {
      await this.rollback();
      // ActiveMQMessageConsumer's text for a transaction that spanned a failover.
      throw new ClientError(
        'ERR_TRANSACTION_ROLLED_BACK',
        `rolling back transaction (${transactionIdToString(tx)}) post failover recovery.`,
      );
    }
    const acked: [Consumer, Awaited<ReturnType<Consumer['commitAcks']>>][] = [];
    for (const c of this.consumers.values()) acked.push([c, await c.commitAcks(tx)]);
    this.tx = null;
    try {
      await this.connectionImpl.request(
        command<TransactionInfo>(T.TRANSACTION_INFO, {
          connectionId: tx.connectionId,
          transactionId: tx,
          transactionType: TransactionType.COMMIT_ONE_PHASE,
        }),
      );
    } catch (e) {
      // The broker rolled it back (or it is in doubt): what was received comes again.
      for (const [c, mds] of acked) await c.commitFailed(mds, e);
      throw e;
    }
    for (const [c, mds] of acked) c.committed(mds);
  }

  /** Rolls back the open transaction: sends are discarded, received messages are delivered again. */
  async rollback(): Promise<void> {
    this.check();
    if (!this.transacted) throw illegalState('Not a transacted session');
    const tx = this.tx;
    this.tx = null;
    const wasRollbackOnly = this.rollbackOnly;
    this.rollbackOnly = false;
    if (tx !== null) {
      await this.connectionImpl
        .request(
          command<TransactionInfo>(T.TRANSACTION_INFO, {
            connectionId: tx.connectionId,
            transactionId: tx,
            transactionType: TransactionType.ROLLBACK,
          }),
        )
        .catch((e: unknown) => {
          if (!wasRollbackOnly) throw e;
        });
    }
    for (const c of this.consumers.values()) await c.rollback();
  }

  /** @internal Failover lost the broker. */
  interrupted(): void {
    for (const c of this.consumers.values()) c.interrupted();
    if (this.tx !== null) this.rollbackOnly = true;
  }

  /** @internal */
  resume(): void {
    for (const c of this.consumers.values()) c.resume();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Closing a transacted session rolls its transaction back (JMS).
    if (this.transacted && this.tx !== null) await this.rollback().catch(() => {});
    this.closed = true;
    for (const c of [...this.consumers.values()]) await c.close();
    for (const p of [...this.producers]) p.closedByParent();
    this.producers.clear();
    this.connectionImpl.forgetSession(this);
    await this.connectionImpl
      .request(
        command<RemoveInfo>(T.REMOVE_INFO, { objectId: this.id, lastDeliveredSequenceId: LAST_DELIVERED_UNKNOWN }),
      )
      .catch(() => {});
  }

  /** @internal The connection closed. */
  closedByParent(): void {
    this.closed = true;
    for (const c of this.consumers.values()) c.closedByParent();
    for (const p of this.producers) p.closedByParent();
  }
}
