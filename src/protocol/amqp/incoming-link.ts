import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { Logger } from '../../util/logger.js';
import { conditionFor } from './errors.js';
import { humanSize } from './codec/frame-guard.js';
import { AmqpDecodeError, AmqpMissingToError, amqpToMessage } from './message-convert.js';
import { PAYLOAD, rheaMessage, type RheaDelivery, type RheaReceiver } from './rhea-facade.js';
import { transactionalAccepted, transactionalTxnId } from './transactions.js';

/** What a producer link needs from its connection. */
export interface IncomingHost {
  readonly connectionId: string;
  readonly logger: Logger;
  now(): number;
  /** wireFormat.maxFrameSize, which also bounds a message assembled from several transfers. */
  readonly maxMessageSize: number;
  /** Sends through the broker, inside the transaction the txn-id names when there is one. */
  send(message: Message, txnId: Buffer | null): Promise<void>;
}

/**
 * A link on which the client sends (ActiveMQ's AmqpReceiver): every transfer becomes a broker send. Credit is
 * wireFormat.producerCredit, topped up by 70% of it when what is left plus what is still being sent falls to 30%
 * (AmqpReceiver's rule), so a producer the broker holds back under producer flow control runs out of credit
 * rather than filling the broker's memory. An unsettled transfer is answered with accepted, or rejected with
 * ActiveMQ's condition (amqp:unauthorized-access, amqp:resource-limit-exceeded, `failed`); a settled one is
 * fire-and-forget.
 */
export class IncomingLink {
  private sequence = 0;
  private inFlight = 0;
  private closed = false;
  /** Transfers the client may still send: the credit granted minus the transfers received. */
  private granted = 0;

  constructor(
    private readonly host: IncomingHost,
    readonly receiver: RheaReceiver,
    readonly producerId: string,
    /** Null for an anonymous-relay link: each message names its destination in `to`. */
    readonly destination: Destination | null,
    private readonly credit: number,
  ) {
    receiver.on('message', (ctx: { delivery?: RheaDelivery; message?: unknown }) => {
      if (ctx.delivery !== undefined) this.onTransfer(ctx.delivery, payloadOf(ctx.message));
    });
  }

  open(): void {
    this.flow(this.credit);
  }

  private flow(n: number): void {
    if (n <= 0 || this.closed) return;
    this.granted += n;
    this.receiver.add_credit(n);
  }

  /** Size of the message being assembled from transfers with `more` set; checked as each chunk arrives. */
  get assembling(): number {
    const frames = this.receiver._incomplete?.frames;
    if (frames === undefined) return 0;
    let n = 0;
    for (const f of frames) n += f?.length ?? 0;
    return n;
  }

  private onTransfer(d: RheaDelivery, payload: Buffer | null): void {
    if (this.closed) return;
    if (--this.granted < 0) {
      // The client sent beyond its credit (AMQP 1.0 §2.6.7): the link is closed rather than the transfer taken.
      this.close({
        condition: 'amqp:link:transfer-limit-exceeded',
        description: 'Transfer received without link credit',
      });
      return;
    }
    if (payload === null) {
      this.settle(d, { condition: 'amqp:decode-error', description: 'Could not decode AMQP message' });
      return;
    }
    let message: Message;
    try {
      message = amqpToMessage(payload, {
        destination: this.destination,
        messageId: `${this.producerId}:${++this.sequence}`,
        producerId: this.producerId,
        connectionId: this.host.connectionId,
        now: this.host.now(),
      });
    } catch (e) {
      const condition =
        e instanceof AmqpMissingToError ? 'failed' : e instanceof AmqpDecodeError ? 'amqp:decode-error' : 'failed';
      this.settle(d, { condition, description: (e as Error).message });
      this.topUp();
      return;
    }
    // Nobody waits for a pre-settled transfer: it joins the next group commit instead of syncing.
    message.responseRequired = !d.remote_settled;
    // A transfer whose state is transactional-state is a send inside that transaction (AmqpReceiver).
    const txnId = transactionalTxnId(d.remote_state);
    this.inFlight++;
    this.host.send(message, txnId).then(
      () => {
        this.inFlight--;
        this.settle(d, null, txnId);
        this.topUp();
      },
      (e: unknown) => {
        this.inFlight--;
        this.host.logger.debug('AMQP transfer refused', { producerId: this.producerId, error: (e as Error).message });
        this.settle(d, conditionFor(e, 'failed'));
        this.topUp();
      },
    );
  }

  private topUp(): void {
    if (this.granted + this.inFlight <= this.credit * 0.3) this.flow(Math.floor(this.credit * 0.7) || 1);
  }

  private settle(
    d: RheaDelivery,
    error: { condition: string; description?: string } | null,
    txnId: Buffer | null = null,
  ): void {
    if (this.closed) return;
    if (d.remote_settled) {
      d.update(true);
      return;
    }
    if (error !== null) d.update(true, rheaMessage.rejected({ error }).described());
    // Accepted inside a transaction is answered as transactional-state carrying it, as ActiveMQ's AmqpReceiver does.
    else d.update(true, txnId === null ? rheaMessage.accepted().described() : transactionalAccepted(txnId));
  }

  /** A message being assembled past wireFormat.maxFrameSize closes the link before more of it is buffered. */
  checkAssembling(): boolean {
    const size = this.assembling;
    if (size <= this.host.maxMessageSize) return true;
    this.close({
      condition: 'amqp:link:message-size-exceeded',
      description: `Message size of ${humanSize(size)} is larger than max allowed ${humanSize(this.host.maxMessageSize)}`,
    });
    return false;
  }

  close(error?: { condition: string; description?: string }): void {
    if (this.closed) return;
    this.closed = true;
    const incomplete = this.receiver._incomplete;
    if (incomplete?.frames !== undefined) incomplete.frames = [];
    this.receiver.close(error);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** The bytes rhea decoded the message from (kept by the decode hook in rhea-facade). */
function payloadOf(message: unknown): Buffer | null {
  if (typeof message !== 'object' || message === null) return null;
  const p = (message as { [PAYLOAD]?: Buffer })[PAYLOAD];
  return p ?? null;
}
