import type { ConsumerHandle, ConsumerSink, Delivery, Undeliverable } from '../../broker/broker.js';
import { AckType, type ConsumerInfo, type MessageAck } from '../../model/commands.js';
import type { Logger } from '../../util/logger.js';
import { encodeHead } from './codec/encoder.js';
import type { StompVersion } from './codec/frame.js';
import type { StompDestinations } from './destinations.js';
import { stompBody } from './body.js';
import type { FrameWriter } from './frame-writer.js';
import { messageHead } from './message-convert.js';
import { StompProtocolError } from './protocol-error.js';

/** STOMP's ack modes; ActiveMQ treats anything else as `auto`. */
export type StompAckMode = 'auto' | 'client' | 'client-individual';

/** One dispatched, not yet acknowledged message of a client / client-individual subscription. */
export interface PendingAck {
  readonly messageId: string;
  /** The STOMP 1.2 `ack` header value; null before 1.2. */
  readonly ackId: string | null;
  readonly subscription: StompSubscription;
}

/** What a subscription needs from its connection. */
export interface SubscriptionHost {
  readonly writer: FrameWriter;
  readonly version: StompVersion;
  readonly destinations: StompDestinations;
  /** The connection-wide index of STOMP 1.2 ack ids. */
  readonly pendingAcks: Map<string, PendingAck>;
  nextAckId(): string;
  /** Bound for inflating compressed bodies. */
  readonly maxBodySize: number;
  readonly logger: Logger;
}

/**
 * A STOMP subscription: the ConsumerSink the broker delivers to, and the ack bookkeeping of ActiveMQ's
 * StompSubscription (client acks are cumulative over what was dispatched on this subscription,
 * client-individual acks one message, NACK poisons one message, and acks inside a transaction are held until
 * COMMIT or restored by ABORT).
 */
export class StompSubscription implements ConsumerSink {
  private handle: ConsumerHandle | null = null;
  private active = false;
  private closed = false;
  /** Dispatched and unacknowledged, in dispatch order (a Map keeps insertion order). */
  private readonly dispatched = new Map<string, PendingAck>();
  /** Acknowledged inside the open transaction, in ack order. */
  private transacted: PendingAck[] = [];

  constructor(
    private readonly host: SubscriptionHost,
    /** The SUBSCRIBE `id`; null for a STOMP 1.0 subscription without one. */
    readonly id: string | null,
    /** The SUBSCRIBE `destination` header as the client wrote it. */
    readonly stompDestination: string,
    readonly info: ConsumerInfo,
    readonly ackMode: StompAckMode,
  ) {}

  get consumerId(): string {
    return this.info.consumerId;
  }

  /**
   * Dispatch waits for this: ActiveMQ holds a new subscription at prefetch 0 until its RECEIPT is written, so
   * the receipt always precedes the first MESSAGE; the socket's writability gates it afterwards.
   */
  get ready(): boolean {
    return this.active && !this.closed && this.host.writer.writable;
  }

  /** Lets dispatch start once the SUBSCRIBE is answered. */
  activate(handle: ConsumerHandle): void {
    this.handle = handle;
    this.active = true;
    handle.wakeup();
  }

  /** The transport drained: ask the broker to dispatch again. */
  wakeup(): void {
    if (this.active && !this.closed) this.handle?.wakeup();
  }

  close(): void {
    this.closed = true;
    for (const entry of this.dispatched.values()) {
      if (entry.ackId !== null) this.host.pendingAcks.delete(entry.ackId);
    }
    this.dispatched.clear();
    this.transacted = [];
  }

  deliver(delivery: Delivery | null): Undeliverable | undefined {
    if (this.closed) return undefined;
    if (delivery === null) {
      if (this.info.browser) this.browseDone();
      return undefined;
    }
    try {
      this.write(delivery);
      return undefined;
    } catch (e) {
      // deliver must not throw. A message that cannot be converted (malformed properties, a compressed body
      // past the limit) is handed back with the reason and the broker dead-letters it as a Poison ack would.
      // ActiveMQ's StompSubscription.onMessageDispatch lets the conversion exception escape and fails the
      // dispatch; here the message is neither lost nor retried for ever, and the subscriber keeps its
      // connection. Nothing of it was written or recorded as pending, so the client never sees half of it.
      const cause = `Could not convert message ${delivery.message.messageId} for STOMP: ${(e as Error).message}`;
      this.host.logger.warn(cause, { consumerId: this.consumerId });
      return { cause };
    }
  }

  private write(delivery: Delivery): void {
    const m = delivery.message;
    const body = stompBody(m, this.host.maxBodySize);
    const ackId = this.ackMode !== 'auto' && this.host.version === '1.2' ? this.host.nextAckId() : null;
    // Converted before anything is recorded: a message whose head cannot be built is not left pending.
    const head = messageHead(m, {
      version: this.host.version,
      destinations: this.host.destinations,
      subscriptionId: this.id,
      ackId,
      redelivered: delivery.redelivered,
      // ActiveMQ leaves content-length off text messages, and clients tell text from bytes by it; a text
      // that contains NUL still needs it to survive the frame.
      contentLength: body === null ? null : m.bodyType === 'text' && body.indexOf(0) < 0 ? null : body.length,
    });
    if (this.ackMode !== 'auto') {
      const entry: PendingAck = { messageId: m.messageId, ackId, subscription: this };
      this.dispatched.set(m.messageId, entry);
      if (ackId !== null) this.host.pendingAcks.set(ackId, entry);
    }
    this.host.writer.frame(head, body);
  }

  /** ActiveMQ's StompQueueBrowserSubscription marks the end of a browse with this MESSAGE. */
  private browseDone(): void {
    const headers: [string, string][] = [];
    if (this.id !== null) headers.push(['subscription', this.id]);
    headers.push(['browser', 'end']);
    headers.push(['destination', this.host.destinations.toStompName(this.info.destination)]);
    headers.push(['message-id', '0']);
    this.host.writer.frame(encodeHead('MESSAGE', headers, this.host.version), null);
  }

  /** The broker ack for a client ACK of `messageId`, or null when this subscription never sent it. */
  onAck(messageId: string, transactionId: string | null): MessageAck | null {
    const target = this.dispatched.get(messageId);
    if (target === undefined) return null;
    if (this.ackMode === 'client') {
      let count = 0;
      let first: string | null = null;
      for (const [id, entry] of this.dispatched) {
        if (entry.ackId !== null) this.host.pendingAcks.delete(entry.ackId);
        if (transactionId !== null) {
          if (!this.transacted.includes(entry)) {
            this.transacted.push(entry);
            first ??= id;
            count++;
          }
        } else {
          this.dispatched.delete(id);
          first ??= id;
          count++;
        }
        if (id === messageId) break;
      }
      return {
        consumerId: this.consumerId,
        // Inside a transaction ActiveMQ sends a Delivered ack now and the Standard ack at COMMIT.
        type: transactionId === null ? AckType.Standard : AckType.Delivered,
        firstMessageId: first,
        lastMessageId: messageId,
        messageCount: count,
        transactionId,
        poisonCause: null,
      };
    }
    if (this.ackMode === 'client-individual') {
      if (target.ackId !== null) this.host.pendingAcks.delete(target.ackId);
      if (transactionId !== null) this.transacted.push(target);
      else this.dispatched.delete(messageId);
      return {
        consumerId: this.consumerId,
        type: AckType.Individual,
        firstMessageId: messageId,
        lastMessageId: messageId,
        messageCount: 1,
        transactionId,
        poisonCause: null,
      };
    }
    return null;
  }

  /** A NACK: ActiveMQ sends a Poison ack, which dead-letters the message. */
  onNack(messageId: string, transactionId: string | null): MessageAck | null {
    if (this.info.browser) throw new StompProtocolError('Cannot Nack a message on a Queue Browser Subscription.');
    const target = this.dispatched.get(messageId);
    if (target === undefined) return null;
    if (target.ackId !== null) this.host.pendingAcks.delete(target.ackId);
    if (transactionId !== null) this.transacted.push(target);
    else this.dispatched.delete(messageId);
    return {
      consumerId: this.consumerId,
      type: AckType.Poison,
      firstMessageId: messageId,
      lastMessageId: messageId,
      messageCount: 1,
      transactionId,
      poisonCause: null,
    };
  }

  /**
   * COMMIT: what was acknowledged in the transaction is now gone. In client mode ActiveMQ sends one Standard ack
   * over those messages with the transaction before the commit; individual acks were already sent.
   */
  onCommit(transactionId: string): MessageAck | null {
    if (this.transacted.length === 0) return null;
    const done = this.transacted;
    this.transacted = [];
    for (const entry of done) this.dispatched.delete(entry.messageId);
    if (this.ackMode !== 'client') return null;
    return {
      consumerId: this.consumerId,
      type: AckType.Standard,
      firstMessageId: done[0]!.messageId,
      lastMessageId: done[done.length - 1]!.messageId,
      messageCount: done.length,
      transactionId,
      poisonCause: null,
    };
  }

  /** ABORT: the messages stay dispatched and their 1.2 ack ids become valid again. */
  onAbort(): void {
    for (const entry of this.transacted) {
      if (entry.ackId !== null && this.dispatched.has(entry.messageId)) this.host.pendingAcks.set(entry.ackId, entry);
    }
    this.transacted = [];
  }

  /** Dispatched, unacknowledged message ids (for tests and management). */
  get unacknowledged(): string[] {
    return [...this.dispatched.keys()];
  }
}
