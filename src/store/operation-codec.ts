import { Destination } from '../model/destination.js';
import { Message } from '../model/message.js';
import { ByteReader, ByteWriter } from './bytes.js';
import {
  decodeMessage,
  encodeMessage,
  parseDestination,
  peekMessageId,
  type MessageDecodeOptions,
} from './message-codec.js';
import type { StoreOperation } from './persistence-adapter.js';
import { StoreCorruptError, StoreStateError } from './store-errors.js';

/**
 * StoreOperation <-> bytes. One tag byte per operation (a table, so the journal and the checkpoint agree on
 * it), then the operation's fields; an `add` carries the whole encoded message. A prepared transaction
 * nests its operations one level deep (prepare inside prepare is refused, as XA has no nesting).
 */
const OP_TAGS = {
  add: 1,
  remove: 2,
  redelivered: 3,
  'add-subscription': 4,
  'remove-subscription': 5,
  'add-destination': 6,
  'remove-destination': 7,
  prepare: 8,
  'forget-prepared': 9,
} as const satisfies Record<StoreOperation['op'], number>;

export function encodeOperation(w: ByteWriter, op: StoreOperation, nested = false): void {
  const tag = (OP_TAGS as Record<string, number | undefined>)[(op as { op?: unknown }).op as string];
  if (tag === undefined) throw new StoreStateError(`unknown store operation ${JSON.stringify(op.op)}`);
  w.u8(tag);
  switch (op.op) {
    case 'add':
      w.string(destinationKey(op.destination));
      if (!(op.message instanceof Message)) throw new StoreStateError('add: message is not a Message');
      encodeMessage(w, op.message);
      return;
    case 'remove':
      w.string(destinationKey(op.destination));
      w.string(str(op.messageId, 'remove: messageId'));
      w.optString(op.subscription);
      return;
    case 'redelivered':
      w.string(destinationKey(op.destination));
      w.string(str(op.messageId, 'redelivered: messageId'));
      w.varuint(count(op.count));
      return;
    case 'add-subscription': {
      const s = op.subscription;
      w.string(destinationKey(s.destination));
      w.string(str(s.key, 'subscription key'));
      w.string(str(s.clientId, 'subscription clientId'));
      w.string(str(s.subscriptionName, 'subscription name'));
      w.optString(s.selector);
      w.u8(s.noLocal ? 1 : 0);
      return;
    }
    case 'remove-subscription':
      w.string(destinationKey(op.destination));
      w.string(str(op.key, 'subscription key'));
      return;
    case 'add-destination':
    case 'remove-destination':
      w.string(destinationKey(op.destination));
      return;
    case 'prepare':
      if (nested) throw new StoreStateError('prepare: a prepared transaction cannot contain another prepare');
      w.string(str(op.transactionId, 'transactionId'));
      if (!Array.isArray(op.operations)) throw new StoreStateError('prepare: operations is not an array');
      w.varuint(op.operations.length);
      // `as`: Array.isArray above narrows a readonly array to any[].
      for (const inner of op.operations as readonly StoreOperation[]) encodeOperation(w, inner, true);
      return;
    case 'forget-prepared':
      w.string(str(op.transactionId, 'transactionId'));
      return;
  }
}

export function decodeOperation(r: ByteReader, options: MessageDecodeOptions, nested = false): StoreOperation {
  const tag = r.u8();
  switch (tag) {
    case OP_TAGS.add: {
      const destination = parseDestination(r.string('destination'));
      return { op: 'add', destination, message: decodeMessage(r, options) };
    }
    case OP_TAGS.remove: {
      const destination = parseDestination(r.string('destination'));
      const messageId = r.string('message id');
      return { op: 'remove', destination, messageId, subscription: r.optString('subscription') };
    }
    case OP_TAGS.redelivered: {
      const destination = parseDestination(r.string('destination'));
      const messageId = r.string('message id');
      return { op: 'redelivered', destination, messageId, count: r.varuint() };
    }
    case OP_TAGS['add-subscription']: {
      const destination = parseDestination(r.string('destination'));
      const key = r.string('subscription key');
      const clientId = r.string('client id');
      const subscriptionName = r.string('subscription name');
      const selector = r.optString('selector');
      const noLocal = r.u8() !== 0;
      return {
        op: 'add-subscription',
        subscription: { destination, key, clientId, subscriptionName, selector, noLocal },
      };
    }
    case OP_TAGS['remove-subscription']: {
      const destination = parseDestination(r.string('destination'));
      return { op: 'remove-subscription', destination, key: r.string('subscription key') };
    }
    case OP_TAGS['add-destination']:
      return { op: 'add-destination', destination: parseDestination(r.string('destination')) };
    case OP_TAGS['remove-destination']:
      return { op: 'remove-destination', destination: parseDestination(r.string('destination')) };
    case OP_TAGS.prepare: {
      if (nested) throw new StoreCorruptError('nested prepare record');
      const transactionId = r.string('transaction id');
      const n = r.count('prepared operations', 2);
      const operations: StoreOperation[] = [];
      for (let i = 0; i < n; i++) operations.push(decodeOperation(r, options, true));
      return { op: 'prepare', transactionId, operations };
    }
    case OP_TAGS['forget-prepared']:
      return { op: 'forget-prepared', transactionId: r.string('transaction id') };
    default:
      throw new StoreCorruptError(`unknown store operation tag ${tag} at ${r.pos - 1}`);
  }
}

/**
 * The structural checks encodeOperation makes, without encoding: the memory store runs them over a whole
 * batch before applying any of it, so a bad operation rejects the batch and leaves nothing half-applied.
 */
export function validateOperation(op: StoreOperation, nested = false): void {
  if (op === null || typeof op !== 'object') throw new StoreStateError('store operation is not an object');
  switch (op.op) {
    case 'add':
      destinationKey(op.destination);
      if (!(op.message instanceof Message)) throw new StoreStateError('add: message is not a Message');
      return;
    case 'remove':
    case 'redelivered':
      destinationKey(op.destination);
      str(op.messageId, `${op.op}: messageId`);
      if (op.op === 'redelivered') count(op.count);
      return;
    case 'add-subscription':
      destinationKey(op.subscription.destination);
      str(op.subscription.key, 'subscription key');
      return;
    case 'remove-subscription':
      destinationKey(op.destination);
      str(op.key, 'subscription key');
      return;
    case 'add-destination':
    case 'remove-destination':
      destinationKey(op.destination);
      return;
    case 'prepare':
      if (nested) throw new StoreStateError('prepare: a prepared transaction cannot contain another prepare');
      str(op.transactionId, 'transactionId');
      if (!Array.isArray(op.operations)) throw new StoreStateError('prepare: operations is not an array');
      for (const inner of op.operations as readonly StoreOperation[]) validateOperation(inner, true);
      return;
    case 'forget-prepared':
      str(op.transactionId, 'transactionId');
      return;
    default:
      throw new StoreStateError(`unknown store operation ${JSON.stringify((op as { op?: unknown }).op)}`);
  }
}

function destinationKey(d: Destination): string {
  if (!(d instanceof Destination)) throw new StoreStateError('store operation without a Destination');
  return d.key;
}

function str(v: string, what: string): string {
  if (typeof v !== 'string') throw new StoreStateError(`${what} is not a string`);
  return v;
}

function count(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new StoreStateError(`redelivered: bad count ${v}`);
  return v;
}

/** The tag an encoded operation starts with, for readers that only need to know what kind it is. */
export function operationTag(op: StoreOperation['op']): number {
  return OP_TAGS[op];
}

/**
 * The parts of an encoded operation that the journal's index needs, read without decoding message
 * bodies: replay after a checkpoint then costs a few bytes per message, not a full decode.
 */
export type OperationSummary =
  | { readonly kind: 'add'; readonly destination: Destination; readonly messageId: string }
  | { readonly kind: 'prepare'; readonly transactionId: string }
  | { readonly kind: 'other'; readonly op: StoreOperation };

export function summarizeOperation(r: ByteReader, options: MessageDecodeOptions): OperationSummary {
  const start = r.pos;
  const tag = r.u8();
  if (tag === OP_TAGS.add) {
    const destination = parseDestination(r.string('destination'));
    return { kind: 'add', destination, messageId: peekMessageId(r) };
  }
  if (tag === OP_TAGS.prepare) {
    const transactionId = r.string('transaction id');
    // Validate the nested operations now, so a record that decodes at replay also decodes at recovery.
    const n = r.count('prepared operations', 2);
    for (let i = 0; i < n; i++) decodeOperation(r, options, true);
    return { kind: 'prepare', transactionId };
  }
  r.pos = start;
  return { kind: 'other', op: decodeOperation(r, options) };
}
