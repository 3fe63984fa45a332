import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../model/destination.js';
import { Message } from '../model/message.js';
import { PropertyType, typed, type TypedValue } from '../model/properties.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { decodeMessage, decodeProperties, encodeMessage, MAX_PROPERTY_DEPTH } from './message-codec.js';
import { decodeOperation, encodeOperation } from './operation-codec.js';
import { StoreCorruptError, StoreStateError } from './store-errors.js';

function sample(): Message {
  const m = new Message();
  m.messageId = 'ID:codec-1:1:1:1';
  m.destination = Destination.queue('codec.q');
  m.replyTo = Destination.topic('codec.reply');
  m.correlationId = 'c';
  m.persistent = true;
  m.priority = 7;
  m.timestamp = 1_700_000_000_123;
  m.expiration = 1_700_000_060_000;
  m.bodyType = 'map';
  m.body = new Uint8Array([1, 2, 3, 4, 5]);
  m.brokerPath = ['ID:b1'];
  m.properties = new Map<string, TypedValue>([
    ['s', typed.string('v'.repeat(300))],
    ['l', typed.long(123456789012345n)],
    ['list', { type: PropertyType.List, value: [typed.boolean(false), typed.null()] }],
  ]);
  return m;
}

function encode(m: Message): Buffer {
  const w = new ByteWriter(16);
  encodeMessage(w, m);
  return w.copy();
}

describe('store message codec', () => {
  it('round-trips a message', () => {
    const m = sample();
    const back = decodeMessage(new ByteReader(encode(m)));
    assert.equal(back.messageId, m.messageId);
    assert.equal(back.destination, m.destination);
    assert.equal(back.replyTo, m.replyTo);
    assert.equal(back.timestamp, m.timestamp);
    assert.equal(back.bodyType, 'map');
    assert.deepEqual(Buffer.from(back.body!), Buffer.from(m.body!));
    assert.deepEqual(back.properties, m.properties);
  });

  it('every truncation of an encoded message fails with StoreCorruptError, never another error', () => {
    const bytes = encode(sample());
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => decodeMessage(new ByteReader(bytes.subarray(0, cut))), StoreCorruptError, `cut at ${cut}`);
    }
  });

  it('a huge length or count read from damaged bytes is refused before allocating', () => {
    const w = new ByteWriter();
    w.u8(2); // tag: remove
    w.varuint(2 ** 40); // destination string length far past the end
    assert.throws(() => decodeOperation(new ByteReader(w.copy()), {}), StoreCorruptError);
  });

  it('refuses properties nested deeper than the limit, both ways', () => {
    let v: TypedValue = typed.int(1);
    for (let i = 0; i <= MAX_PROPERTY_DEPTH + 1; i++) v = { type: PropertyType.List, value: [v] };
    const m = sample();
    m.properties = new Map([['deep', v]]);
    assert.throws(() => encode(m), StoreStateError);
    // A hand-made deep block on "disk".
    const deep = new ByteWriter();
    deep.varuint(1);
    deep.string('deep');
    for (let i = 0; i < 100; i++) {
      deep.u8(PropertyType.List);
      deep.varuint(1);
    }
    deep.u8(PropertyType.Null);
    assert.throws(() => decodeProperties(new ByteReader(deep.copy())), StoreCorruptError);
  });

  it('round-trips every operation kind', () => {
    const q = Destination.queue('codec.q');
    const ops = [
      { op: 'remove', destination: q, messageId: 'x', subscription: 'c:s' },
      { op: 'redelivered', destination: q, messageId: 'x', count: 4 },
      { op: 'remove-subscription', destination: Destination.topic('t'), key: 'c:s' },
      { op: 'add-destination', destination: q },
      { op: 'remove-destination', destination: q },
      { op: 'forget-prepared', transactionId: 'XID:9' },
    ] as const;
    for (const op of ops) {
      const w = new ByteWriter();
      encodeOperation(w, op);
      assert.deepEqual(decodeOperation(new ByteReader(w.copy()), {}), op);
    }
  });
});
