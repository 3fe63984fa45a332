import type { ConsumerHandle, ConsumerSink, Delivery, Undeliverable } from '../../broker/broker.js';
import { AckType, type ConsumerInfo, type MessageAck } from '../../model/commands.js';
import type { Message } from '../../model/message.js';
import type { Logger } from '../../util/logger.js';
import { messageToAmqp } from './message-convert.js';
import { completeDrain, unwrapOutcome, type RheaDelivery, type RheaSender } from './rhea-facade.js';
import { transactionalAccepted, transactionalOutcome, transactionalTxnId } from './transactions.js';

/** What a consumer link needs from its connection. */
export interface OutgoingHost {
  readonly writable: boolean;
  readonly logger: Logger;
  now(): number;
  readonly maxBodyBytes: number;
  readonly maximumRedeliveries: number;
  /** Hands an ack to the broker; failures are the connection's to report. */
  acknowledge(ack: MessageAck): void;
}

interface Sent {
  readonly message: Message;
  redeliveryCount: number;
}

type Outcome = 'accepted' | 'rejected' | 'released' | 'modified';
const OUTCOMES: readonly string[] = ['accepted', 'rejected', 'released', 'modified'];

/**
 * A link on which the broker sends (ActiveMQ's AmqpSender): the ConsumerSink of one broker consumer. Link
 * credit gates dispatch (`ready` is false without credit, as ActiveMQ turns credit into prefetch), the outcome
 * the client gives a delivery becomes an ack: accepted → individual ack; rejected → poison (dead-letter);
 * released → sent again on this link without counting a delivery; modified → sent again, counting one when
 * `delivery-failed` is set, and dead-lettered when `undeliverable-here` is set or the count passes the
 * redelivery limit. A link the client opened pre-settled is an auto-ack consumer.
 */
export class OutgoingLink implements ConsumerSink {
  private handle: ConsumerHandle | null = null;
  private closed = false;
  private readonly inFlight = new Map<RheaDelivery, Sent>();
  /** Deliveries handed to rhea that it has not written yet (it writes on the next tick), oldest first. */
  private unsent: RheaDelivery[] = [];
  /** Messages released or modified by the client, sent again before anything new. */
  private readonly redeliver: Sent[] = [];
  /** A browse finished (the broker said so with a null delivery). */
  private browseDone = false;
  /**
   * Deliveries the client accepted inside a transaction, by txn-id (hex), newest first as ActiveMQ's
   * AmqpSender.dispatchedInTx: acknowledged when it commits, given back when it rolls back.
   */
  private readonly transacted = new Map<string, { d: RheaDelivery; sent: Sent }[]>();

  constructor(
    private readonly host: OutgoingHost,
    readonly sender: RheaSender,
    readonly info: ConsumerInfo,
    readonly presettled: boolean,
  ) {
    sender.on('sendable', () => this.pump());
    sender.on('sender_flow', () => this.pump());
    sender.on('sender_draining', () => this.onDrain());
    for (const outcome of ['accepted', 'rejected', 'released', 'modified'] as const) {
      sender.on(outcome, (ctx: { delivery?: RheaDelivery }) => {
        if (ctx.delivery !== undefined) this.onOutcome(ctx.delivery, outcome);
      });
    }
    sender.on('transactional_state', (ctx: { delivery?: RheaDelivery }) => {
      if (ctx.delivery !== undefined) this.onTransactional(ctx.delivery);
    });
    // A delivery the client settles without an outcome counts as accepted (AMQP 1.0 §3.4: the default outcome
    // ActiveMQ's sender advertises is accepted).
    sender.on('settled', (ctx: { delivery?: RheaDelivery }) => {
      if (ctx.delivery !== undefined && this.inFlight.has(ctx.delivery)) this.onOutcome(ctx.delivery, 'accepted');
    });
  }

  get consumerId(): string {
    return this.info.consumerId;
  }

  activate(handle: ConsumerHandle): void {
    this.handle = handle;
    this.pump();
  }

  /** Credit this link can still spend: rhea's credit minus deliveries queued in rhea but not yet written. */
  private get credit(): number {
    if (this.unsent.length > 0) {
      const firstUnsent = this.unsentFrom();
      this.unsent = this.unsent.slice(firstUnsent);
    }
    return this.sender.credit - this.unsent.length;
  }

  private unsentCount(): number {
    return this.unsent.length - this.unsentFrom();
  }

  private unsentFrom(): number {
    const next = (this.sender.session as unknown as { outgoing: { next_pending_delivery: number } }).outgoing
      .next_pending_delivery;
    let i = 0;
    while (i < this.unsent.length && this.unsent[i]!.id < next) i++;
    return i;
  }

  get ready(): boolean {
    return (
      !this.closed &&
      this.handle !== null &&
      this.redeliver.length === 0 &&
      this.host.writable &&
      this.sender.is_open() &&
      this.credit > 0 &&
      this.sender.session.outgoing.available() > 0
    );
  }

  /** Credit arrived, the socket drained or the session has room again: redeliveries first, then the broker. */
  pump(): void {
    if (this.closed || this.handle === null) return;
    while (
      this.redeliver.length > 0 &&
      this.host.writable &&
      this.credit > 0 &&
      this.sender.session.outgoing.available() > 0
    ) {
      this.transfer(this.redeliver.shift()!);
    }
    if (this.redeliver.length === 0) this.handle.wakeup();
  }

  deliver(delivery: Delivery | null): Undeliverable | undefined {
    if (this.closed) return undefined;
    if (delivery === null) {
      // End of a browse (ActiveMQ's AmqpSender drains the link when the browse is done).
      this.browseDone = true;
      this.onDrain();
      return undefined;
    }
    try {
      this.transfer({ message: delivery.message, redeliveryCount: delivery.redeliveryCount });
      return undefined;
    } catch (e) {
      const cause = `Could not convert message ${delivery.message.messageId} for AMQP: ${(e as Error).message}`;
      this.host.logger.warn(cause, { consumerId: this.consumerId });
      return { cause };
    }
  }

  private transfer(sent: Sent): void {
    const payload = messageToAmqp(sent.message, sent.redeliveryCount, this.host.now(), this.host.maxBodyBytes);
    const d = this.sender.send(payload, undefined as unknown as Buffer, 0);
    this.unsent.push(d);
    if (this.presettled) return;
    this.inFlight.set(d, sent);
  }

  /** The client asked to drain: whatever the broker can dispatch now has gone, so the rest of the credit lapses. */
  private onDrain(): void {
    if (this.closed || !this.sender._draining) return;
    this.handle?.wakeup();
    // Dispatch is synchronous on wakeup, but rhea writes what it was given on the next tick: the drain is
    // answered after that, once nothing queued for this link is left unsent.
    setImmediate(() => {
      if (this.closed || !this.sender._draining || this.unsentCount() > 0 || this.redeliver.length > 0) return;
      completeDrain(this.sender);
    });
  }

  /**
   * A disposition with transactional-state (AmqpSender.delivery): accepted inside a transaction is held for the
   * discharge and answered with transactional-state(accepted) when the client left it unsettled. Other outcomes
   * inside a transaction are applied at once (ActiveMQ 5.17 ignores them, leaving the message acquired).
   */
  private onTransactional(d: RheaDelivery): void {
    const sent = this.inFlight.get(d);
    if (sent === undefined) return;
    const txnId = transactionalTxnId(d.remote_state);
    const outcome = transactionalOutcome(d.remote_state);
    if (txnId === null || outcome === null) return;
    const inner = unwrapOutcome(outcome);
    const kind = inner.constructor.composite_type ?? '';
    if (!OUTCOMES.includes(kind)) return;
    if (kind !== 'accepted') {
      this.onOutcome(d, kind as Outcome, inner);
      return;
    }
    this.inFlight.delete(d);
    const key = txnId.toString('hex');
    const list = this.transacted.get(key) ?? [];
    list.unshift({ d, sent });
    this.transacted.set(key, list);
    if (!d.remote_settled) d.update(false, transactionalAccepted(txnId));
  }

  /**
   * The transaction commits: the acks for what was accepted in it (AmqpSender.commit sends one individual ack
   * per delivery with the transaction id), each delivery settled. The caller hands them to the broker before
   * the commit.
   */
  commitTransaction(txnId: Buffer, transactionId: string): MessageAck[] {
    const list = this.takeTransacted(txnId);
    const acks: MessageAck[] = [];
    for (const { d, sent } of list) {
      if (!d.remote_settled) d.update(true);
      const id = sent.message.messageId;
      acks.push({
        consumerId: this.consumerId,
        type: AckType.Individual,
        firstMessageId: id,
        lastMessageId: id,
        messageCount: 1,
        transactionId,
        poisonCause: null,
      });
    }
    return acks;
  }

  /**
   * The transaction rolls back (AmqpSender.rollback): a delivery the client had settled is sent again, its
   * delivery count raised; one still unsettled stays acquired by the client, which may accept it again in a
   * new transaction, release or reject it.
   */
  rollbackTransaction(txnId: Buffer): void {
    const list = this.takeTransacted(txnId);
    for (const { d, sent } of list) {
      if (d.remote_settled) {
        sent.redeliveryCount++;
        this.ack(AckType.Redelivered, sent.message.messageId, null);
        this.redeliver.unshift(sent);
      } else {
        this.inFlight.set(d, sent);
      }
    }
    if (list.length > 0) this.pump();
  }

  private takeTransacted(txnId: Buffer): { d: RheaDelivery; sent: Sent }[] {
    const key = txnId.toString('hex');
    const list = this.transacted.get(key) ?? [];
    this.transacted.delete(key);
    return this.closed ? [] : list;
  }

  private onOutcome(d: RheaDelivery, outcome: Outcome, outcomeState?: Record<string, unknown>): void {
    const sent = this.inFlight.get(d);
    if (sent === undefined) return;
    this.inFlight.delete(d);
    if (!d.remote_settled) d.update(true);
    const id = sent.message.messageId;
    switch (outcome) {
      case 'accepted':
        this.ack(AckType.Individual, id, null);
        break;
      case 'rejected':
        // Rejection is terminal: the message is poisoned and goes to the DLQ (AmqpSender.delivery).
        this.ack(AckType.Poison, id, 'Message rejected by the AMQP client');
        break;
      case 'released':
        this.redeliver.push(sent);
        break;
      case 'modified': {
        const state: Record<string, unknown> = outcomeState ?? d.remote_state ?? {};
        if (state.undeliverable_here === true) {
          this.ack(AckType.Poison, id, 'Message was modified as undeliverable-here by the AMQP client');
          break;
        }
        if (state.delivery_failed === true) {
          sent.redeliveryCount++;
          if (sent.redeliveryCount > this.host.maximumRedeliveries) {
            this.ack(
              AckType.Poison,
              id,
              `Delivery failed ${sent.redeliveryCount} times: redelivery count exceeded maximumRedeliveries ${this.host.maximumRedeliveries}`,
            );
            break;
          }
          this.ack(AckType.Redelivered, id, null);
        }
        this.redeliver.push(sent);
        break;
      }
    }
    this.pump();
  }

  private ack(type: AckType, messageId: string, poisonCause: string | null): void {
    this.host.acknowledge({
      consumerId: this.consumerId,
      type,
      firstMessageId: messageId,
      lastMessageId: messageId,
      messageCount: 1,
      transactionId: null,
      poisonCause,
    });
  }

  close(): void {
    this.closed = true;
    this.inFlight.clear();
    this.transacted.clear();
    this.redeliver.length = 0;
    this.unsent = [];
  }
}
