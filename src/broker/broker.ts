import type { AckMode, ConnectionInfo, ConsumerInfo, MessageAck, ProducerInfo } from '../model/commands.js';
import type { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';
import type { BrokerError } from '../util/errors.js';

/**
 * The core's contract, in ActiveMQ's vocabulary (Broker / BrokerFilter). Every protocol converter drives
 * the broker only through this interface, and every cross-cutting feature (security, advisories, virtual
 * destinations, statistics) is a BrokerFilter in front of the RegionBroker that implements it.
 *
 * What a settled promise means for the store, in the terms the methods below use:
 * - "written": the store applied the batch (the journal wrote it to its file, not yet fsynced): it survives the
 *   broker process dying, not the machine losing power before the next fsync;
 * - "durable": written and fsynced (a sync write; under journalDiskSyncStrategy=always it resolves only after the
 *   group commit's fsync that covers it);
 * - "applied": the broker's in-memory state changed (destinations, subscriptions, credit), whether or not a store
 *   write follows; by the time the promise resolves unless a method says it happens synchronously, before the
 *   promise is even returned (acknowledge).
 * Each call carries what it needs: no state is left on the broker for a later call to pick up.
 */
export interface Broker {
  readonly brokerName: string;
  readonly brokerId: string;

  start(): Promise<void>;
  stop(): Promise<void>;

  /** Registers a connection; authentication filters refuse it here. */
  addConnection(context: ConnectionContext): Promise<void>;
  /** Releases everything the connection held: consumers (their unacked messages go back), temp destinations. */
  removeConnection(context: ConnectionContext, error?: BrokerError): Promise<void>;

  addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void>;
  removeProducer(context: ConnectionContext, producerId: string): Promise<void>;

  /** Attaches a consumer; the broker calls `sink.deliver` as credit and the sink's readiness allow. */
  addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle>;
  /**
   * Detaches a consumer. Its dispatched but unacknowledged messages return to their destination marked
   * redelivered, except for a durable subscription, which keeps them for its next activation.
   * `lastDeliveredSequence` is the brokerSequence of the last message the client's application received
   * (OpenWire's lastDeliveredSequenceId): messages after it were only prefetched and do not count as a delivery.
   * Omitted, every unacknowledged message counts as delivered.
   */
  removeConsumer(context: ConnectionContext, consumerId: string, lastDeliveredSequence?: number): Promise<void>;
  /** Deletes a durable subscription (JMS unsubscribe). */
  removeSubscription(context: ConnectionContext, clientId: string, subscriptionName: string): Promise<void>;
  /**
   * Names of the durable subscriptions a client id holds (ActiveMQ's TopicRegion.lookupSubscriptions), which
   * MQTT resumes or deletes at CONNECT. Optional so test doubles need not have it.
   */
  durableSubscriptions?(clientId: string): string[];
  /**
   * What a durable subscription was created with (TopicRegion.lookupSubscription's ConsumerInfo), or null: AMQP
   * resumes a subscription by link name alone when Qpid JMS attaches with no source. Optional as above.
   */
  durableSubscriptionInfo?(clientId: string, subscriptionName: string): ConsumerInfo | null;

  /**
   * Accepts a message; the promise says when it is safe to tell the producer so.
   * - Outside a transaction: flow control first (the promise settles late while the destination's memory is
   *   full, or rejects under sendFailIfNoSpace). A persistent message to a queue is then stored before any
   *   consumer can see it: durable when `message.responseRequired` (an OpenWire sync send, a STOMP receipt),
   *   else written (it joins the next group commit's fsync). To a topic it is stored, the same way, only when a
   *   durable subscription of the topic takes it; otherwise, and for non-persistent messages, nothing is written
   *   (a queue's cursor or a subscriber's spool may spill a non-persistent one to the temp store, which the
   *   promise waits for). It is
   *   then applied: added to the destination and dispatched to consumers with credit.
   * - With AMQ_SCHEDULED_* properties under schedulerSupport: the job is stored (durable) and the promise
   *   resolves; the message is routed when the job fires.
   * - Inside a transaction: applied to the transaction only (nothing stored, nothing visible); see commit.
   */
  send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void>;
  /**
   * The acknowledgement contract. Everything below is applied synchronously, before the returned promise exists,
   * so a protocol may hand the next command to the broker without waiting (OpenWire does for acks nobody waits
   * for). The promise settles once the store removals this ack caused are written (not fsynced: after a crash a
   * consumption may be redelivered, never lost), and rejects with the store's error when one failed.
   * - Standard / Unmatched (every dispatched message up to `lastMessageId`) and Individual (that one message):
   *   the messages leave the subscription, prefetch credit is given back and dispatch goes on; a persistent
   *   message's removal (the queue's, or the durable subscription's) is written.
   * - Delivered: credit only; nothing is consumed or written.
   * - Redelivered: counts a delivery attempt (JMSXDeliveryCount) only.
   * - Poison (a STOMP NACK too): consumed as above, then sent to the dead-letter queue or redelivered later under
   *   a broker-side redelivery policy; the DLQ copy is queued to the store in the same turn, after the removal,
   *   and the promise does not wait for it.
   * - Expired: consumed as above, then the Expired advisory and the DLQ where the strategy processes expired ones.
   * - With `transactionId`: the credit is given back at once (ActiveMQ's transacted prefetch extension) but nothing
   *   is consumed or written: commit removes the messages, rollback leaves them with the consumer for redelivery.
   */
  acknowledge(context: ConnectionContext, ack: MessageAck): Promise<void>;
  /** Prefetch-0 consumers ask for one message; after `timeoutMs` (0 = now, -1 = wait) the sink gets `null`. */
  pull(context: ConnectionContext, consumerId: string, timeoutMs: number): void;

  beginTransaction(context: ConnectionContext, transactionId: string): Promise<void>;
  /**
   * Two-phase commit's first phase; returns ActiveMQ's XA vote (3 = XA_RDONLY, 0 = XA_OK). With work to do, the
   * transaction's queue sends and ack removals are made durable as one `prepare` record, so the transaction
   * survives a restart (getPreparedTransactions) until the transaction manager decides.
   */
  prepareTransaction(context: ConnectionContext, transactionId: string): Promise<number>;
  /**
   * Resolves once the commit is durable and applied. Its queue sends and every ack's removal are written as one
   * atomic batch and fsynced (with the prepare record forgotten after a two-phase commit); only then are the
   * acks applied (the messages leave their consumers, without a second write) and the sends routed: queue sends
   * were in the batch, persistent topic sends are stored as a send outside a transaction would be (durable when
   * `responseRequired`), scheduled ones go to the scheduler. A failed write rejects and applies nothing.
   */
  commitTransaction(context: ConnectionContext, transactionId: string, onePhase: boolean): Promise<void>;
  /**
   * Discards the sends and puts the acked messages back among their consumers' unacknowledged ones, holding
   * credit again (the client redelivers them itself, as a JMS session rollback does; they return to their queue
   * when the consumer closes). A prepared transaction's record is forgotten durably first.
   */
  rollbackTransaction(context: ConnectionContext, transactionId: string): Promise<void>;
  forgetTransaction(context: ConnectionContext, transactionId: string): Promise<void>;
  /** Prepared XA transactions, for recovery after a restart. */
  getPreparedTransactions(context: ConnectionContext): Promise<string[]>;

  /** Creates a destination explicitly (DestinationInfo add); temporary ones are owned by the context. */
  addDestination(context: ConnectionContext, destination: Destination): Promise<void>;
  removeDestination(context: ConnectionContext, destination: Destination): Promise<void>;
  /** Existing destinations; wildcards are not expanded here. */
  getDestinations(): Destination[];
  /** Whether a destination exists already (authorization asks before an implicit create). */
  destinationExists(destination: Destination): boolean;
}

/**
 * What the broker knows of one client connection. Created by the protocol converter, enriched by filters
 * (the security filter sets `security`), and passed to every call for that connection.
 */
export interface ConnectionContext {
  readonly info: ConnectionInfo;
  /** Set by the authentication filter once the connection is admitted. */
  security: SecurityContext | null;
  /** Lets the broker close the connection (link stealing, shutdown, an admin's action). */
  readonly control: ConnectionControl;
}

export interface SecurityContext {
  readonly userName: string | null;
  /** Groups (principals) the user belongs to, for authorization entries. */
  readonly groups: ReadonlySet<string>;
  /** Broker-internal contexts bypass authorization. */
  readonly isBrokerInternal: boolean;
}

export interface ConnectionControl {
  /** Closes the connection from the broker side, telling the client why where the protocol can. */
  close(reason: BrokerError): void;
  /**
   * Closes one consumer from the broker side (abortSlowConsumerStrategy without abortConnection): the protocol
   * tells its client (OpenWire ConsumerControl close=true) and, should the client not answer with its own
   * removal within a second, removes the consumer through its broker chain, as ActiveMQ's
   * AbortSlowConsumerStrategy does. Optional: without it the region detaches the consumer itself.
   */
  closeConsumer?(consumerId: string, reason: BrokerError): void;
}

/** One message handed to a consumer. `message` is shared; the rest belongs to this delivery. */
export interface Delivery {
  readonly consumerId: string;
  readonly message: Message;
  readonly redelivered: boolean;
  /**
   * This delivery made the consumer the owner of the message's group (ActiveMQ's JMSXGroupFirstForConsumer),
   * so it can reset any per-group state it keeps.
   */
  readonly groupFirst?: boolean;
  /** Times the message was delivered before this one (JMSXDeliveryCount - 1). */
  readonly redeliveryCount: number;
}

/**
 * What a sink answers when it cannot put a message into its protocol's form (hostile properties, a compressed
 * body over the limit): the core dead-letters the message with `cause`, as it does for a Poison ack
 * (dlqDeliveryFailureCause), instead of counting it as delivered and losing it.
 */
export interface Undeliverable {
  readonly cause: string;
}

/** The protocol side of a consumer. */
export interface ConsumerSink {
  /**
   * Writes one delivery, or a pull's empty answer (`null`). Must not throw; a message it cannot write is
   * answered with an Undeliverable.
   */
  deliver(delivery: Delivery | null): Undeliverable | undefined | void;
  /** False while the transport's write buffer is full: the broker stops dispatching to this consumer only. */
  readonly ready: boolean;
}

/** The broker side of a consumer, given to the protocol. */
export interface ConsumerHandle {
  readonly info: ConsumerInfo;
  /** Tell the broker the sink is ready again (its socket drained). */
  wakeup(): void;
}

export type { AckMode };
