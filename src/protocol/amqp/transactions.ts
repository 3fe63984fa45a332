import { AmqpLinkError } from './errors.js';
import { hasDescriptor, rheaMessage, rheaTypes, type Typed } from './rhea-facade.js';

/**
 * The transaction types of AMQP 1.0 part 4 (§4.5), read from and written to rhea's codec: what a transaction
 * controller sends to the coordinator (declare, discharge), what the broker answers (declared, or an outcome),
 * and the transactional-state that puts a transfer or a disposition inside a transaction.
 */

const AMQP_VALUE = 0x77;
const DECLARE = 0x31;
const DISCHARGE = 0x32;
const DECLARED = 0x33;
const TRANSACTIONAL_STATE = 0x34;

export type CoordinatorAction =
  | { readonly kind: 'declare'; readonly globalId: boolean }
  | { readonly kind: 'discharge'; readonly txnId: Buffer; readonly fail: boolean };

function fieldsOf(value: Typed): Typed[] {
  return Array.isArray(value.value) ? (value.value as Typed[]) : [];
}

function isNull(t: Typed | undefined): boolean {
  return t === undefined || t.value === null || t.value === undefined;
}

/**
 * The declare or discharge carried in the amqp-value body of a message sent to the coordinator. The body is a
 * described value inside a described section (`00 53 77 00 53 31 45`); rhea's reader keeps only the outer of two
 * stacked descriptors, so the sections are walked here and the action's descriptor read on its own.
 */
export function decodeCoordinatorAction(payload: Buffer): CoordinatorAction {
  const reader = new rheaTypes.Reader(payload);
  let code: unknown = undefined;
  let fields: Typed[] = [];
  try {
    while (reader.remaining() > 0) {
      if (payload[reader.position] !== 0x00) throw new Error('a message section must be described');
      reader.position++;
      const section = reader.read().value;
      const isValue = section === AMQP_VALUE || section === 'amqp:value:*';
      if (isValue && payload[reader.position] === 0x00) {
        reader.position++;
        code = reader.read().value;
        const list = reader.read();
        fields = Array.isArray(list.value) ? (list.value as Typed[]) : [];
      } else {
        reader.read();
      }
    }
  } catch (e) {
    throw new AmqpLinkError('amqp:decode-error', `Could not decode coordinator message: ${(e as Error).message}`);
  }
  if (code === DECLARE || code === 'amqp:declare:list') {
    return { kind: 'declare', globalId: !isNull(fields[0]) };
  }
  if (code === DISCHARGE || code === 'amqp:discharge:list') {
    const [txnId, fail] = fields;
    if (txnId === undefined || !Buffer.isBuffer(txnId.value)) {
      throw new AmqpLinkError('amqp:decode-error', 'Discharge without a txn-id');
    }
    return { kind: 'discharge', txnId: txnId.value, fail: fail?.value === true };
  }
  // AmqpTransactionCoordinator.processDelivery's text.
  throw new AmqpLinkError('amqp:decode-error', 'Expected coordinator message type: declare or discharge');
}

/**
 * ActiveMQ's txn-id is the LocalTransactionId's value as 8 big-endian bytes (AmqpSupport.toBytes), read back
 * with toLong; TideMQ names the broker transaction TX:<connectionId>:<value> as ActiveMQ prints it.
 */
export function txnIdBytes(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
}

/** The value of a txn-id this broker handed out, or null for bytes it never could have. */
export function txnIdValue(txnId: Buffer): number | null {
  if (txnId.length !== 8) return null;
  const n = txnId.readBigUInt64BE();
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
}

/** The `declared` outcome answering a declare (§4.5.3). */
export function declaredState(txnId: Buffer): Typed {
  return rheaTypes.described(rheaTypes.wrap_ulong(DECLARED), rheaTypes.List32([rheaTypes.wrap_binary(txnId)]));
}

/** transactional-state with the accepted outcome, as ActiveMQ answers a transfer or a disposition in a transaction. */
export function transactionalAccepted(txnId: Buffer): Typed {
  return rheaTypes.described(
    rheaTypes.wrap_ulong(TRANSACTIONAL_STATE),
    rheaTypes.List32([rheaTypes.wrap_binary(txnId), rheaMessage.accepted().described()]),
  );
}

/**
 * The txn-id of a delivery state that is a transactional-state: on a disposition rhea hands the composite
 * taught in rhea-facade; on a transfer it has already unwrapped the state to its fields ([txn-id, outcome]), the
 * only delivery state of a transfer whose first field is binary.
 */
export function transactionalTxnId(state: unknown): Buffer | null {
  if (state === null || state === undefined) return null;
  if (Array.isArray(state)) return Buffer.isBuffer(state[0]) ? state[0] : null;
  const s = state as { txn_id?: unknown; value?: unknown; constructor?: { composite_type?: string } };
  if (s.constructor?.composite_type === 'transactional_state') {
    return Buffer.isBuffer(s.txn_id) ? s.txn_id : null;
  }
  if (!hasDescriptor(state, TRANSACTIONAL_STATE, 'transactional-state')) return null;
  const id = fieldsOf(state)[0];
  return id !== undefined && Buffer.isBuffer(id.value) ? id.value : null;
}

/** The outcome inside a transactional-state as rhea unwrapped it (null when it has none). */
export function transactionalOutcome(state: unknown): Typed | null {
  const o = (state as { outcome?: unknown } | null)?.outcome;
  return o === undefined || o === null || isNull(o as Typed) ? null : (o as Typed);
}
