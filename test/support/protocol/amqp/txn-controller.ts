/**
 * A transaction controller (AMQP 1.0 §4) for rhea clients in tests. rhea has no transaction API: this attaches a
 * sender to the `amqp:coordinator` target, sends declare and discharge bodies, puts transfers inside a
 * transaction (transactional-state on the transfer frame, which rhea cannot set itself) and accepts deliveries
 * inside one. Built on rhea's codec so the frames are what any AMQP client writes.
 */
import { createRequire } from 'node:module';
import { type Connection, type Delivery, type EventContext, type Sender } from 'rhea';
import {
  rheaMessage,
  rheaTypes,
  teachTransactionTypes,
  type Typed,
} from '../../../../src/protocol/amqp/rhea-facade.js';

const require = createRequire(import.meta.url);
const T = rheaTypes;

/** Transfers whose delivery tag is registered here carry a transactional-state naming the txn-id. */
const txnByTag = new Map<string, Buffer>();
let transferPatched = false;

function patchTransfers(): void {
  if (transferPatched) return;
  transferPatched = true;
  const frames = require('rhea/lib/frames.js') as { transfer(fields: Record<string, unknown>): { value: unknown[] } };
  const transfer = frames.transfer.bind(frames);
  frames.transfer = (fields: Record<string, unknown>) => {
    const frame = transfer(fields);
    const tag = fields.delivery_tag;
    const txnId = Buffer.isBuffer(tag) ? txnByTag.get(tag.toString('hex')) : undefined;
    // field 7 of transfer is `state` (§2.7.5); rhea has no wrapper for a delivery state, so it is set raw.
    if (txnId !== undefined) frame.value[7] = txnState(txnId, null);
    return frame;
  };
}

function described(code: number, fields: Typed[]): Typed {
  return T.described(T.wrap_ulong(code), fields.length === 0 ? T.List32([]) : T.List32(fields));
}

export function txnState(txnId: Buffer, outcome: Typed | null): Typed {
  return described(0x34, [T.wrap_binary(txnId), outcome ?? T.Null()]);
}

export function acceptedInTxn(txnId: Buffer): Typed {
  return txnState(txnId, rheaMessage.accepted().described());
}

export interface ActionResult {
  /** rhea's name for the outcome: declared, accepted, rejected. */
  readonly outcome: string;
  readonly txnId: Buffer | null;
  readonly error: { condition?: string; description?: string } | null;
}

export class TxnController {
  private tagSequence = 0;
  private constructor(readonly link: Sender) {}

  /** Attaches a coordinator link (capability amqp:local-transactions, as Qpid JMS asks). */
  static async attach(conn: Connection): Promise<TxnController> {
    teachTransactionTypes();
    patchTransfers();
    const link = conn.open_sender({ name: `txn-${Math.random().toString(36).slice(2)}`, autosettle: true });
    // rhea's set_target only writes a plain target; the coordinator goes in before the attach is written.
    (link as unknown as { local: { attach: { target: unknown } } }).local.attach.target = T.described(
      T.wrap_symbol('amqp:coordinator:list'),
      T.List32([T.wrap_symbol('amqp:local-transactions')]),
    );
    await new Promise<void>((resolve, reject) => {
      link.once('sendable', () => resolve());
      link.once('sender_close', () => reject(Object.assign(new Error('coordinator refused'), { amqp: link.error })));
    });
    return new TxnController(link);
  }

  private action(body: Typed): Promise<ActionResult> {
    // rhea's message encoder would overwrite the action's descriptor with the section's: the message is encoded
    // here as one amqp-value section (descriptor 0x77) holding the described action, and sent as raw bytes.
    const w = new T.Writer();
    w.write(body);
    return this.raw(Buffer.concat([Buffer.from([0x00, 0x53, 0x77]), w.toBuffer()]));
  }

  /** Sends these bytes as the message to the coordinator (bad-input tests). */
  raw(payload: Buffer): Promise<ActionResult> {
    const d = this.link.send(payload, undefined, 0);
    return new Promise((resolve) => {
      const done = (ctx: EventContext): void => {
        if (ctx.delivery !== d) return;
        this.link.removeListener('settled', done);
        const state = d.remote_state as unknown as
          { constructor: { composite_type?: string }; txn_id?: Buffer; error?: ActionResult['error'] } | undefined;
        resolve({
          outcome: state?.constructor.composite_type ?? 'none',
          txnId: state?.txn_id ?? null,
          error: state?.error ?? null,
        });
      };
      this.link.on('settled', done);
    });
  }

  async declare(): Promise<Buffer> {
    const r = await this.action(described(0x31, []));
    if (r.outcome !== 'declared' || r.txnId === null) throw new Error(`declare refused: ${JSON.stringify(r)}`);
    return r.txnId;
  }

  declareResult(): Promise<ActionResult> {
    return this.action(described(0x31, []));
  }

  /** A declare naming a global transaction (a distributed one), which ActiveMQ does not handle. */
  declareGlobal(globalId: Buffer): Promise<ActionResult> {
    return this.action(described(0x31, [T.wrap_binary(globalId)]));
  }

  /** fail=false commits, fail=true rolls back. */
  discharge(txnId: Buffer, fail: boolean): Promise<ActionResult> {
    return this.action(described(0x32, [T.wrap_binary(txnId), T.wrap_boolean(fail)]));
  }

  /** Sends a message inside the transaction (unsettled, so the broker answers with a disposition). */
  sendIn(sender: Sender, txnId: Buffer, message: Record<string, unknown>): Delivery {
    const tag = Buffer.from(`txn-${++this.tagSequence}-${Math.random().toString(36).slice(2)}`);
    txnByTag.set(tag.toString('hex'), txnId);
    const d = sender.send(message as never, tag);
    // rhea writes the frame on the next tick; the registration is dropped once it has gone.
    setTimeout(() => txnByTag.delete(tag.toString('hex')), 1000).unref();
    return d;
  }
}

/** Accepts a received delivery inside a transaction; settled as Qpid JMS settles transacted acks, or left open. */
export function acceptIn(delivery: Delivery, txnId: Buffer, settle = true): void {
  delivery.update(settle, acceptedInTxn(txnId));
}
