import { AckType, type ConsumerInfo, type MessageAck } from '../../model/commands.js';
import type { Message } from '../../model/message.js';
import { Deque } from '../../util/deque.js';
import { BrokerError } from '../../util/errors.js';
import type { ConnectionContext, ConsumerSink } from '../broker.js';
import { UNAWAITED_REMOVAL, type MessageReference, type StoreRemoval } from './message-reference.js';
import type { MessageSelector } from './selector-support.js';

/** What a subscription needs from the region around it. */
export interface SubscriptionHost {
  /**
   * A message the consumer gave up on (Poison ack): dead-letter it, or redeliver it later under a broker-side
   * redelivery policy. `cause` is the client's reason (dlqDeliveryFailureCause), null when it gave none.
   */
  deadLetter(
    ref: MessageReference,
    cause: string | null,
    subscription: Subscription | null,
    removal?: StoreRemoval,
  ): void;
  /** A message found expired (on dispatch or reported by the client). */
  messageExpired(ref: MessageReference, subscription: Subscription | null, removal?: StoreRemoval): void;
  /** Records acks made inside a transaction so commit/rollback can finish them. */
  addTransactedAcks(
    context: ConnectionContext,
    transactionId: string,
    sub: Subscription,
    refs: MessageReference[],
  ): void;
  now(): number;
  /**
   * The consumer acknowledged `ref` (standard, individual or poison ack; inside a transaction too), or an
   * auto-ack consumer was given it: ActiveMQ's Destination.acknowledge → messageConsumed point.
   */
  messageAcked?(ref: MessageReference, subscription: Subscription): void;
}

/**
 * One consumer's view of the messages it was given: the dispatched-but-unacknowledged list, prefetch
 * credit and the ack rules (ActiveMQ's PrefetchSubscription). Queue, topic and durable subscriptions
 * differ only in where their messages come from and what happens when the consumer leaves.
 */
export abstract class Subscription {
  /** Dispatched, not yet consumed, in dispatch order. */
  readonly dispatched = new Deque<MessageReference>();
  /** Dispatched refs that no longer count against prefetch (Delivered acks, acks in open transactions). */
  private released = 0;
  /** Outstanding MessagePull requests of a prefetch-0 consumer. */
  private pulls = 0;
  active = true;

  constructor(
    public context: ConnectionContext,
    public info: ConsumerInfo,
    public sink: ConsumerSink,
    public selector: MessageSelector | null,
    protected readonly host: SubscriptionHost,
  ) {}

  get consumerId(): string {
    return this.info.consumerId;
  }

  get connectionId(): string {
    return this.context.info.connectionId;
  }

  /** Room for one more message under prefetch (or an outstanding pull at prefetch 0). */
  get hasCredit(): boolean {
    const prefetch = this.info.prefetch;
    if (prefetch <= 0) return this.pulls > 0;
    return this.dispatched.length - this.released < prefetch;
  }

  /** Can take a message now: attached, credit left, and the socket not backed up. */
  get available(): boolean {
    return this.active && this.hasCredit && this.sink.ready;
  }

  /** Set by a queue: whether it has consumers that are not network bridges' (conditionalNetworkBridgeFilter). */
  hasLocalConsumers: () => boolean = always;

  matches(message: Message, deliveryCount: number): boolean {
    if (this.info.noLocal && message.producerConnectionId === this.context.info.connectionId) return false;
    const extra = this.info.additionalPredicate;
    if (extra !== undefined && !extra(message, this.hasLocalConsumers)) return false;
    return this.selector === null || this.selector.matches(message, deliveryCount + 1);
  }

  /** Hands one message to the consumer. Callers check `available` and `matches` first. */
  dispatch(ref: MessageReference, groupFirst = false): void {
    if (this.info.prefetch <= 0 && this.pulls > 0) this.pulls--;
    if (this.info.ackMode !== 'auto') this.dispatched.push(ref);
    const undeliverable = this.sink.deliver({
      consumerId: this.info.consumerId,
      message: ref.message,
      redelivered: ref.deliveryCount > 0,
      groupFirst,
      redeliveryCount: ref.deliveryCount,
    });
    if (undeliverable) {
      // The protocol could not write it (e.g. properties a STOMP frame cannot carry): treated as a Poison ack
      // with that cause, so the message reaches the DLQ instead of being consumed unseen or retried for ever.
      ref.deliveryCount++;
      if (this.info.ackMode !== 'auto') this.dispatched.removeAt(this.dispatched.length - 1);
      this.host.deadLetter(ref, undeliverable.cause, this);
      this.host.messageAcked?.(ref, this);
      return;
    }
    // Auto-ack consumers (STOMP ack:auto) consume on write, as ActiveMQ's STOMP converter does.
    if (this.info.ackMode === 'auto') {
      ref.deliveryCount++;
      this.host.messageAcked?.(ref, this);
      ref.owner.consumed(ref);
    } else {
      ref.deliveryCount++;
    }
  }

  /**
   * Messages dispatched after `lastDelivered` (by brokerSequence) never reached the application: the client
   * only prefetched them, so their delivery does not count (ActiveMQ leaves JMSRedelivered false for them).
   */
  forgetUndelivered(lastDelivered: number): void {
    for (const ref of this.dispatched) {
      if (ref.message.brokerSequence > lastDelivered && ref.deliveryCount > ref.message.redeliveryCounter) {
        ref.deliveryCount--;
      }
    }
  }

  /** A prefetch-0 consumer asks for one message. */
  addPull(): void {
    this.pulls++;
  }

  /** A pull timed out with nothing delivered: withdraw it. Returns false if it was already used. */
  cancelPull(): boolean {
    if (this.pulls === 0) return false;
    this.pulls--;
    return true;
  }

  /** Applies an ack; returns true if credit was freed (the caller then dispatches more). */
  acknowledge(ack: MessageAck, removal: StoreRemoval = UNAWAITED_REMOVAL): boolean {
    if (this.info.browser) return false;
    switch (ack.type) {
      case AckType.Standard:
        return this.consumeRange(ack, false, removal);
      case AckType.Individual:
        return this.consumeOne(ack, removal);
      case AckType.Delivered:
        return this.markDelivered(ack);
      case AckType.Poison:
        return this.poison(ack, removal);
      case AckType.Redelivered:
        // The client redelivers these itself (session rollback); count the attempt so a later
        // redelivery from the broker carries the right JMSXDeliveryCount.
        this.forRange(ack, (ref) => {
          ref.deliveryCount++;
        });
        return false;
      case AckType.Expired:
        return this.consumeRange(ack, true, removal);
      case AckType.Unmatched:
        return this.consumeRange(ack, false, removal);
      default:
        throw new BrokerError('ERR_PROTOCOL', `Unknown acknowledgement type ${String(ack.type)}`);
    }
  }

  /** Undoes acks of a rolled-back transaction: the messages are unacknowledged again. */
  rollbackAcks(refs: readonly MessageReference[]): void {
    for (const ref of refs) {
      if (ref.transactionId !== null) {
        ref.transactionId = null;
        if (!ref.delivered) this.released--;
      }
    }
  }

  /** Completes acks of a committed transaction (whose store batch removed the messages: REMOVED_IN_BATCH). */
  commitAcks(refs: readonly MessageReference[], removal: StoreRemoval = UNAWAITED_REMOVAL): void {
    for (const ref of refs) {
      const i = this.indexOfRef(ref);
      if (i >= 0) {
        this.dispatched.removeAt(i);
        this.released--;
      }
      ref.transactionId = null;
      if (!ref.dropped) ref.owner.consumed(ref, removal);
    }
  }

  /**
   * Detaches the consumer. Unacknowledged messages (including those acked in a still-open transaction)
   * are returned for redelivery, except by subclasses that keep them (durable subscriptions).
   */
  close(): MessageReference[] {
    this.active = false;
    const refs = this.dispatched.clear();
    this.released = 0;
    this.pulls = 0;
    return refs;
  }

  private indexOfRef(ref: MessageReference): number {
    // Acks nearly always concern the oldest dispatched messages, so a front-first scan is short.
    for (let i = 0; i < this.dispatched.length; i++) if (this.dispatched.at(i) === ref) return i;
    return -1;
  }

  private indexOfId(messageId: string): number {
    for (let i = 0; i < this.dispatched.length; i++)
      if (this.dispatched.at(i).message.messageId === messageId) return i;
    return -1;
  }

  private requireIndex(ack: MessageAck): number {
    const i = this.indexOfId(ack.lastMessageId);
    if (i < 0) {
      // ActiveMQ answers an ack for a message it never dispatched (or already consumed) this way.
      throw new BrokerError(
        'ERR_ILLEGAL_STATE',
        `Unmatched acknowledge: ${ack.lastMessageId}; Could not find Message-ID ${ack.lastMessageId} in dispatched-list (start of ack)`,
      );
    }
    return i;
  }

  private forRange(ack: MessageAck, fn: (ref: MessageReference) => void): void {
    const last = this.requireIndex(ack);
    for (let i = 0; i <= last; i++) fn(this.dispatched.at(i));
  }

  private consumeRange(ack: MessageAck, expired: boolean, removal: StoreRemoval): boolean {
    const last = this.requireIndex(ack);
    if (ack.transactionId !== null) {
      const refs: MessageReference[] = [];
      for (let i = 0; i <= last; i++) {
        const ref = this.dispatched.at(i);
        if (ref.transactionId !== null) continue;
        ref.transactionId = ack.transactionId;
        if (!ref.delivered) this.released++;
        refs.push(ref);
        if (!expired) this.host.messageAcked?.(ref, this);
      }
      this.host.addTransactedAcks(this.context, ack.transactionId, this, refs);
      return refs.length > 0;
    }
    let freed = 0;
    for (let i = 0; i <= last; i++) {
      const ref = this.dispatched.shift()!;
      if (ref.transactionId !== null) {
        // Part of an open transaction: keep it until that transaction ends.
        this.dispatched.unshift(ref);
        continue;
      }
      if (ref.delivered) this.released--;
      freed++;
      if (expired) this.host.messageExpired(ref, this, removal);
      else {
        this.host.messageAcked?.(ref, this);
        ref.owner.consumed(ref, removal);
      }
    }
    return freed > 0;
  }

  private consumeOne(ack: MessageAck, removal: StoreRemoval): boolean {
    const i = this.requireIndex(ack);
    const ref = this.dispatched.at(i);
    if (ack.transactionId !== null) {
      if (ref.transactionId !== null) return false;
      ref.transactionId = ack.transactionId;
      if (!ref.delivered) this.released++;
      this.host.addTransactedAcks(this.context, ack.transactionId, this, [ref]);
      this.host.messageAcked?.(ref, this);
      return true;
    }
    this.dispatched.removeAt(i);
    if (ref.delivered || ref.transactionId !== null) this.released--;
    this.host.messageAcked?.(ref, this);
    ref.owner.consumed(ref, removal);
    return true;
  }

  private markDelivered(ack: MessageAck): boolean {
    const last = this.requireIndex(ack);
    let freed = 0;
    for (let i = 0; i <= last; i++) {
      const ref = this.dispatched.at(i);
      if (!ref.delivered && ref.transactionId === null) {
        ref.delivered = true;
        this.released++;
        freed++;
      }
    }
    return freed > 0;
  }

  private poison(ack: MessageAck, removal: StoreRemoval): boolean {
    const first = ack.firstMessageId === null ? -1 : this.indexOfId(ack.firstMessageId);
    const last = this.requireIndex(ack);
    const start = first >= 0 && first <= last ? first : last;
    // ActiveMQ sets dlqDeliveryFailureCause only when the ack carries a cause (a STOMP NACK has none).
    const cause = ack.poisonCause;
    for (let i = last; i >= start; i--) {
      const ref = this.dispatched.removeAt(i);
      if (ref.delivered || ref.transactionId !== null) this.released--;
      // PrefetchSubscription acknowledges a poison-acked message after sending it to the DLQ.
      this.host.deadLetter(ref, cause, this, removal);
      this.host.messageAcked?.(ref, this);
    }
    return true;
  }
}

const always = (): boolean => true;
