import type { Logger } from '../../util/logger.js';
import { AmqpLinkError, conditionFor } from './errors.js';
import { PAYLOAD, rheaMessage, type RheaDelivery, type RheaReceiver } from './rhea-facade.js';
import { decodeCoordinatorAction, declaredState, type CoordinatorAction } from './transactions.js';

/** What the coordinator needs from its connection: the broker's transactions, named by AMQP txn-ids. */
export interface CoordinatorHost {
  readonly logger: Logger;
  /** Begins a broker transaction; resolves with its txn-id. */
  declare(): Promise<Buffer>;
  /** Commits (fail=false) or rolls back (fail=true) the transaction, with the acks and sends made in it. */
  discharge(txnId: Buffer, fail: boolean): Promise<void>;
}

/**
 * The link a transaction controller attaches to the `amqp:coordinator` target (AMQP 1.0 §4.3, ActiveMQ's
 * AmqpTransactionCoordinator). Each transfer on it is a declare, answered with `declared` and a txn-id, or a
 * discharge, answered with `accepted` once the broker committed (fail=false) or rolled back (fail=true), or
 * `rejected` with condition `failed` and the broker's text, as ActiveMQ answers a failed commit. Actions run one
 * after the other in arrival order. Credit is topped up to wireFormat.producerCredit when a fifth of it is left
 * (AmqpTransactionCoordinator.replenishCredit).
 */
export class CoordinatorLink {
  private closed = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: CoordinatorHost,
    readonly receiver: RheaReceiver,
    private readonly credit: number,
  ) {
    receiver.on('message', (ctx: { delivery?: RheaDelivery; message?: unknown }) => {
      if (ctx.delivery !== undefined) this.onTransfer(ctx.delivery, payloadOf(ctx.message));
      this.replenish();
    });
  }

  open(): void {
    this.receiver.add_credit(this.credit);
  }

  private replenish(): void {
    if (this.closed) return;
    const left = this.receiver.credit;
    if (left <= this.credit * 0.2) this.receiver.add_credit(this.credit - left);
  }

  private onTransfer(d: RheaDelivery, payload: Buffer | null): void {
    if (this.closed) return;
    let action: CoordinatorAction;
    try {
      if (payload === null) throw new AmqpLinkError('amqp:decode-error', 'Could not decode coordinator message');
      action = decodeCoordinatorAction(payload);
      if (action.kind === 'declare' && action.globalId) {
        // AmqpTransactionCoordinator refuses a declare for a distributed transaction with this text.
        throw new AmqpLinkError('amqp:not-implemented', "don't know how to handle a declare /w a set GlobalId");
      }
    } catch (e) {
      this.settle(d, rheaMessage.rejected({ error: conditionFor(e, 'amqp:decode-error') }).described());
      return;
    }
    this.chain = this.chain.then(() => this.run(d, action));
  }

  private async run(d: RheaDelivery, action: CoordinatorAction): Promise<void> {
    try {
      if (action.kind === 'declare') {
        const txnId = await this.host.declare();
        this.settle(d, declaredState(txnId));
      } else {
        await this.host.discharge(action.txnId, action.fail);
        this.settle(d, rheaMessage.accepted().described());
      }
    } catch (e) {
      this.host.logger.debug('AMQP transaction action refused', { action: action.kind, error: (e as Error).message });
      // ActiveMQ answers a failed declare or discharge with Rejected(failed, the exception's message).
      this.settle(d, rheaMessage.rejected({ error: conditionFor(e, 'failed') }).described());
    }
  }

  private settle(d: RheaDelivery, state: unknown): void {
    if (this.closed) return;
    d.update(true, state);
  }

  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function payloadOf(message: unknown): Buffer | null {
  if (typeof message !== 'object' || message === null) return null;
  return (message as { [PAYLOAD]?: Buffer })[PAYLOAD] ?? null;
}
