import {
  AckType,
  T,
  type ConsumerInfo,
  type MessageAck,
  type MessageDispatch,
  type MessagePull,
  type RemoveInfo,
  type TransactionId,
} from '../protocol/openwire/codec/index.js';
import type { Timer } from '../util/clock.js';
import { command } from './commands.js';
import { illegalState } from './errors.js';
import { ReceivedMessage } from './message.js';
import type { SessionHost } from './session-host.js';

export type MessageListener = (message: ReceivedMessage) => void | Promise<void>;

/** One dispatched message and the redelivery count this client has for it. */
export interface Pending {
  md: MessageDispatch;
  redeliveryCounter: number;
  /** The broker connection it came on (Consumer.epoch): after a failover, old deliveries are void. */
  epoch: number;
}

/**
 * A MessageConsumer (ActiveMQMessageConsumer): messages the broker dispatched wait here (up to the prefetch),
 * go to the listener one at a time or to `receive()`, and are acknowledged as the session's mode says, with the
 * acks the Java client sends:
 * - AUTO_ACKNOWLEDGE: a STANDARD ack of the message once the listener returned (or receive() gave it out);
 * - DUPS_OK: STANDARD acks in batches of half the prefetch;
 * - CLIENT_ACKNOWLEDGE: DELIVERED acks every half prefetch (so the broker sends more), then one STANDARD ack
 *   range (first..last, messageCount) for everything delivered when the application acknowledges;
 * - INDIVIDUAL_ACKNOWLEDGE: DELIVERED acks as above, an INDIVIDUAL ack per message, sent synchronously;
 * - transacted: DELIVERED acks in the transaction, a STANDARD range in it at commit; rollback redelivers here,
 *   and past `maximumRedeliveries` the message is poison-acked (the broker sends it to the DLQ).
 */
export class Consumer {
  readonly id: string;
  private readonly queue: Pending[] = [];
  /** Handed to the application and not yet acknowledged (oldest first). */
  private delivered: Pending[] = [];
  /** Of `delivered`, those no DELIVERED (or dups-ok STANDARD) ack has covered yet. */
  private unreported: Pending[] = [];
  private listener: MessageListener | null = null;
  private waiters: { resolve: (m: Pending | null) => void; timer: Timer | null }[] = [];
  private pumping = false;
  private closed = false;
  private browseDone = false;
  private lastDeliveredSequenceId = -1;
  private epoch = 0;

  constructor(
    readonly info: ConsumerInfo,
    private readonly session: SessionHost,
  ) {
    this.id = `${info.consumerId!.connectionId}:${info.consumerId!.sessionId}:${info.consumerId!.value}`;
  }

  get destination(): string {
    return this.info.destination?.physicalName ?? '';
  }

  get prefetch(): number {
    return this.info.prefetchSize;
  }

  /** Messages received and not yet given to the application. */
  get pendingCount(): number {
    return this.queue.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sets (or clears) the listener; messages already waiting go to it. */
  setMessageListener(listener: MessageListener | null): void {
    if (listener !== null && this.waiters.length > 0) throw illegalState('a receive() is pending on this consumer');
    this.listener = listener;
    this.pump();
  }

  /** @internal A MessageDispatch for this consumer (message null: end of browse, or a pull that timed out). */
  dispatch(md: MessageDispatch): void {
    if (this.closed) return;
    if (md.message === null) {
      if (this.info.browser) this.browseDone = true;
      const w = this.waiters.shift();
      if (w !== undefined) {
        w.timer?.cancel();
        w.resolve(null);
      }
      this.releaseWaitersIfDone();
      return;
    }
    if (md.message.messageId !== null) this.lastDeliveredSequenceId = md.message.messageId.brokerSequenceId;
    const p = { md, redeliveryCounter: md.redeliveryCounter, epoch: this.epoch };
    // ActiveMQMessageConsumer.dispatch: a message this connection already consumed (its ack lost in a failover)
    // is acknowledged again and not delivered twice.
    if (this.session.connection.isDuplicate(md) && !this.info.browser) {
      this.session.connection.logger.warn('Ignoring (auto acking) duplicate', { messageId: idText(md) });
      void this.send(this.ack(AckType.INDIVIDUAL, [p], null)).catch(() => {});
      return;
    }
    this.queue.push(p);
    this.pump();
  }

  private releaseWaitersIfDone(): void {
    if (!this.browseDone || this.queue.length > 0) return;
    for (const w of this.waiters.splice(0)) {
      w.timer?.cancel();
      w.resolve(null);
    }
  }

  /** Hands waiting messages to the listener or to pending receive() calls, in order. */
  private pump(): void {
    if (this.pumping || this.closed || !this.session.connection.started) return;
    if (this.listener === null) {
      while (this.waiters.length > 0 && this.queue.length > 0) {
        const w = this.waiters.shift()!;
        w.timer?.cancel();
        w.resolve(this.queue.shift()!);
      }
      this.releaseWaitersIfDone();
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        while (this.listener !== null && this.queue.length > 0 && !this.closed && this.session.connection.started) {
          const p = this.queue.shift()!;
          const message = this.beforeConsume(p);
          try {
            await this.listener(message);
          } catch (e) {
            await this.listenerFailed(p, e);
            continue;
          }
          await this.afterConsume(p);
        }
      } finally {
        this.pumping = false;
      }
      if (this.queue.length > 0 && this.listener !== null && !this.closed && this.session.connection.started) {
        this.pump();
      }
    })();
  }

  /** @internal Connection started: deliver what waited. */
  resume(): void {
    this.pump();
  }

  /**
   * The next message, or null after `timeoutMs` (0 or undefined: wait for ever; a negative value: receiveNoWait).
   * With prefetch 0 it pulls one message from the broker (MessagePull), as the Java client does.
   */
  async receive(timeoutMs = 0): Promise<ReceivedMessage | null> {
    if (this.closed) throw illegalState('The Consumer is closed');
    if (this.listener !== null)
      throw illegalState('Cannot synchronously receive a message when a MessageListener is set');
    let p: Pending | null;
    if (this.queue.length > 0 && this.session.connection.started) {
      p = this.queue.shift()!;
    } else if (this.info.browser && this.browseDone) {
      return null;
    } else {
      if (this.info.prefetchSize === 0 && !this.info.browser) {
        const pull = command<MessagePull>(T.MESSAGE_PULL, {
          consumerId: this.info.consumerId,
          destination: this.info.destination,
          timeout: timeoutMs < 0 ? -1 : timeoutMs,
        });
        await this.session.connection.oneway(pull);
      }
      if (timeoutMs < 0 && this.info.prefetchSize !== 0) return null;
      p = await new Promise<Pending | null>((resolve) => {
        const waiter: { resolve: (m: Pending | null) => void; timer: Timer | null } = { resolve, timer: null };
        // With prefetch 0 the broker answers the pull (a null dispatch when its timeout passes); wait a little longer.
        const wait = timeoutMs > 0 ? timeoutMs + (this.info.prefetchSize === 0 ? 1000 : 0) : 0;
        if (wait > 0) {
          waiter.timer = this.session.connection.clock.setTimeout(() => {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            resolve(null);
          }, wait);
        }
        this.waiters.push(waiter);
      });
    }
    if (p === null) return null;
    const m = this.beforeConsume(p);
    await this.afterConsume(p);
    return m;
  }

  /** Async iteration: `for await (const m of consumer)` until the consumer closes (or a browse ends). */
  async *[Symbol.asyncIterator](): AsyncGenerator<ReceivedMessage> {
    for (;;) {
      if (this.closed) return;
      const m = await this.receive(0);
      if (m === null) return;
      yield m;
    }
  }

  private beforeConsume(p: Pending): ReceivedMessage {
    this.delivered.push(p);
    if (this.session.transacted) this.session.ensureTransaction();
    return new ReceivedMessage(p.md.message!, p.redeliveryCounter, (m) => this.session.acknowledgeFrom(this, m));
  }

  private async afterConsume(p: Pending): Promise<void> {
    const mode = this.session.ackMode;
    if (this.info.browser) {
      this.delivered = [];
      this.ackLater(p, AckType.DELIVERED, null);
      return;
    }
    if (mode === 'auto') {
      const all = this.delivered;
      this.delivered = [];
      this.unreported = [];
      for (const d of all) this.session.connection.recordConsumed(d.md);
      await this.send(this.ack(AckType.STANDARD, all, null));
    } else if (mode === 'dups-ok') {
      this.delivered = [];
      this.session.connection.recordConsumed(p.md);
      this.ackLater(p, AckType.STANDARD, null);
    } else if (mode === 'transacted') {
      this.ackLater(p, AckType.DELIVERED, this.session.transactionId);
    } else {
      this.ackLater(p, AckType.DELIVERED, null);
    }
  }

  /** ActiveMQMessageConsumer.ackLater: one ack for a run of messages once half the prefetch is reached. */
  private ackLater(p: Pending, type: number, tx: TransactionId | null): void {
    this.unreported.push(p);
    if (this.unreported.length >= Math.max(1, 0.5 * this.info.prefetchSize)) {
      const batch = this.unreported;
      this.unreported = [];
      void this.send(this.ack(type, batch, tx)).catch(() => {});
    }
  }

  private async listenerFailed(p: Pending, e: unknown): Promise<void> {
    this.session.connection.logger.warn('Message listener threw; the message is redelivered', {
      consumer: this.id,
      error: e instanceof Error ? e.message : String(e),
    });
    if (this.session.transacted) return; // The transaction decides; the application rolls back.
    // Java: rollback() of the consumer for auto/dups-ok/individual acknowledge.
    this.delivered = this.delivered.filter((d) => d !== p);
    this.unreported = this.unreported.filter((d) => d !== p);
    await this.redeliverLocally([p], e);
  }

  /** A STANDARD/DELIVERED/… ack covering `mds` (oldest first), as makeAckForAllDeliveredMessages builds it. */
  private ack(type: number, mds: Pending[], tx: TransactionId | null): MessageAck {
    const first = mds[0]!.md;
    const last = mds[mds.length - 1]!.md;
    return command<MessageAck>(T.MESSAGE_ACK, {
      destination: first.destination,
      consumerId: this.info.consumerId,
      ackType: type,
      firstMessageId: first.message!.messageId,
      lastMessageId: last.message!.messageId,
      messageCount: mds.length,
      transactionId: tx,
    });
  }

  private send(ack: MessageAck, sync = false): Promise<void> {
    return sync ? this.session.connection.request(ack).then(() => {}) : this.session.connection.oneway(ack);
  }

  /** @internal CLIENT_ACKNOWLEDGE: one STANDARD ack for everything delivered. */
  async acknowledgeAll(): Promise<void> {
    if (this.delivered.length === 0) return;
    const all = this.delivered;
    this.delivered = [];
    this.unreported = [];
    await this.send(this.ack(AckType.STANDARD, all, null));
    for (const d of all) this.session.connection.recordConsumed(d.md);
  }

  /** @internal INDIVIDUAL_ACKNOWLEDGE of one message: sent synchronously, as the Java client does. */
  async acknowledgeOne(m: ReceivedMessage): Promise<void> {
    const p = this.delivered.find((d) => d.md.message === m.raw);
    if (p === undefined) return;
    this.delivered = this.delivered.filter((d) => d !== p);
    this.unreported = this.unreported.filter((d) => d !== p);
    await this.send(this.ack(AckType.INDIVIDUAL, [p], null), true);
    this.session.connection.recordConsumed(p.md);
  }

  /** @internal Before commit: the STANDARD ack of the transaction's deliveries. */
  async commitAcks(tx: TransactionId): Promise<Pending[]> {
    if (this.delivered.length === 0) return [];
    const all = this.delivered;
    this.delivered = [];
    this.unreported = [];
    await this.send(this.ack(AckType.STANDARD, all, tx));
    return all;
  }

  /** @internal After commit succeeded. */
  committed(all: Pending[]): void {
    for (const d of all) this.session.connection.recordConsumed(d.md);
  }

  /** @internal A commit the broker refused (or that was in doubt): what it acknowledged comes again. */
  async commitFailed(all: Pending[], cause: unknown): Promise<void> {
    if (all.length > 0) await this.redeliverLocally(all, cause);
  }

  /** @internal After rollback: what was delivered in the transaction comes again, here. */
  async rollback(): Promise<void> {
    const all = this.delivered;
    this.delivered = [];
    this.unreported = [];
    if (all.length > 0) await this.redeliverLocally(all, null);
  }

  /**
   * Redelivery by the client (ActiveMQMessageConsumer.rollback): counters go up and the messages go back to the
   * head of the queue; past RedeliveryPolicy.maximumRedeliveries they are poison-acked instead, which sends them
   * to the dead letter queue.
   */
  private async redeliverLocally(mds: Pending[], cause: unknown): Promise<void> {
    const max = this.session.connection.maximumRedeliveries;
    const again: Pending[] = [];
    const poison: Pending[] = [];
    for (const p of mds) {
      // Delivered before a failover: the new broker sends it again itself; redelivering it here would duplicate it.
      if (p.epoch !== this.epoch) continue;
      const next = { md: p.md, redeliveryCounter: p.redeliveryCounter + 1, epoch: p.epoch };
      if (max !== -1 && next.redeliveryCounter > max) poison.push(next);
      else again.push(next);
    }
    if (poison.length > 0) {
      const ack = this.ack(AckType.POISON, poison, null);
      ack.poisonCause = {
        className: 'javax.jms.JMSException',
        message: `Delivery[${poison[0]!.redeliveryCounter}] exceeds redelivery policy limit:RedeliveryPolicy {maximumRedeliveries = ${max}}${cause instanceof Error ? `, cause:${cause.message}` : ''}`,
        stackTrace: null,
        cause: null,
      };
      await this.send(ack).catch(() => {});
    }
    this.queue.unshift(...again);
    this.pump();
  }

  /** @internal Failover lost the broker: prefetched messages are void (the new broker sends them again). */
  interrupted(): void {
    this.epoch++;
    this.queue.length = 0;
    this.delivered = [];
    this.unreported = [];
  }

  /** Closes the consumer: unacknowledged messages go back to the broker (RemoveInfo). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      w.timer?.cancel();
      w.resolve(null);
    }
    this.session.forgetConsumer(this);
    const remove = command<RemoveInfo>(T.REMOVE_INFO, {
      objectId: this.info.consumerId,
      lastDeliveredSequenceId: this.lastDeliveredSequenceId,
    });
    await this.session.connection.request(remove).catch(() => {});
  }

  /** @internal The connection or session closed under it. */
  closedByParent(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      w.timer?.cancel();
      w.resolve(null);
    }
  }
}

function idText(md: MessageDispatch): string {
  const id = md.message?.messageId;
  return id === null || id === undefined ? '' : `${id.producerId?.connectionId}:${id.producerSequenceId}`;
}
