import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenWireFormat, type WireFormatOptions } from './wire-format.js';
import { ByteWriter } from './byte-writer.js';
import type { DataStructure } from './commands.js';
import { BooleanStreamWriter } from './boolean-stream.js';
import { Marshaller } from './marshaller.js';
import { specOf } from './schema.js';
import { T } from './types.js';
import { prng, randomStructure } from '../../../../test/support/protocol/openwire/codec/testkit.js';

function format(opts: Partial<WireFormatOptions>): OpenWireFormat {
  const f = new OpenWireFormat(opts);
  f.negotiate({ ...f.preferred });
  return f;
}

function scratch(version: number, tight: boolean, externalMin: number): Marshaller {
  const m = new Marshaller();
  m.version = version;
  m.tight = tight;
  m.cacheEnabled = false;
  m.stackTraceEnabled = true;
  m.externalMin = externalMin;
  m.resetCache(0);
  return m;
}

const messageField = (version: number) =>
  specOf(T.MESSAGE_DISPATCH)!.byVersion[version]!.find((f) => f.name === 'message')!;

const messageTypes = [T.ACTIVEMQ_MESSAGE, T.ACTIVEMQ_TEXT_MESSAGE, T.ACTIVEMQ_BYTES_MESSAGE, T.ACTIVEMQ_MAP_MESSAGE];

test('a MessageDispatch around a pre-encoded message is byte for byte the one marshalled whole, in every format', () => {
  for (let version = 1; version <= 12; version++) {
    for (const tight of [true, false]) {
      for (const externalMin of [0, 1, 64]) {
        const rnd = prng(version * 7 + (tight ? 1 : 0) + externalMin);
        const whole = format({ version, tightEncodingEnabled: tight, cacheEnabled: false, stackTraceEnabled: true });
        const shared = format({ version, tightEncodingEnabled: tight, cacheEnabled: false, stackTraceEnabled: true });
        assert.ok(shared.sharedEncodingKey !== null);
        const pre = scratch(version, tight, externalMin);
        for (const type of messageTypes) {
          const message = randomStructure(type, version, rnd) as unknown as Record<string, unknown> & { type: number };
          const once = pre.preEncode(message, messageField(version));
          // Several subscribers: the same bytes in dispatches that differ in consumer and redelivery counter.
          for (let sub = 0; sub < 3; sub++) {
            const md = (msg: unknown): DataStructure =>
              ({
                type: T.MESSAGE_DISPATCH,
                commandId: 0,
                responseRequired: false,
                consumerId: { type: T.CONSUMER_ID, connectionId: `ID:c-${sub}`, sessionId: sub, value: sub * 1000 },
                destination: { type: T.ACTIVEMQ_TOPIC, physicalName: 'T' },
                message: msg,
                redeliveryCounter: sub,
              }) as unknown as DataStructure;
            const expected = whole.encode(md(message));
            assert.deepEqual(
              shared.encode(md(once)),
              expected,
              `v${version} ${tight ? 'tight' : 'loose'} type ${type}`,
            );
            const w = new ByteWriter(64, externalMin === 0 ? 0 : 32);
            shared.encodeTo(md(once), w);
            assert.deepEqual(Buffer.concat(w.takeChunks()), expected, `batched, v${version} type ${type}`);
          }
        }
      }
    }
  }
});

test('pre-encoded bytes are refused by a frame of another format or with the marshal cache on', () => {
  const rnd = prng(3);
  const message = randomStructure(T.ACTIVEMQ_TEXT_MESSAGE, 12, rnd) as unknown as Record<string, unknown> & {
    type: number;
  };
  const once = scratch(12, true, 0).preEncode(message, messageField(12));
  const md = {
    type: T.MESSAGE_DISPATCH,
    commandId: 0,
    responseRequired: false,
    consumerId: null,
    destination: null,
    message: once,
    redeliveryCounter: 0,
  } as unknown as DataStructure;
  assert.throws(() => format({ tightEncodingEnabled: false, cacheEnabled: false }).encode(md), /another wire format/);
  assert.throws(() => format({ version: 11, cacheEnabled: false }).encode(md), /another wire format/);
  const cached = format({ cacheEnabled: true });
  assert.equal(cached.sharedEncodingKey, null);
  assert.throws(() => cached.encode(md), /another wire format/);
  const m = scratch(12, true, 0);
  m.cacheEnabled = true;
  assert.throws(() => m.preEncode(message, messageField(12)), /marshal cache/);
});

test('BooleanStream append gives the same bits as writing them one by one, at any offset', () => {
  const rnd = prng(99);
  for (let trial = 0; trial < 300; trial++) {
    const before = Math.floor(rnd() * 40);
    const count = Math.floor(rnd() * 140);
    const head = Array.from({ length: before }, () => rnd() < 0.5);
    const bits = Array.from({ length: count }, () => rnd() < 0.5);
    const src = new BooleanStreamWriter();
    for (const b of bits) src.write(b);
    const { bits: packed, count: n } = src.snapshot();
    assert.equal(n, count);
    const one = new BooleanStreamWriter();
    const two = new BooleanStreamWriter();
    for (const b of head) {
      one.write(b);
      two.write(b);
    }
    for (const b of bits) one.write(b);
    two.append(packed, n);
    two.write(true); // what follows lands after the appended bits
    one.write(true);
    assert.deepEqual(two.snapshot(), one.snapshot(), `${before} + ${count} bits`);
    // Reset clears what append set: a second use starts clean.
    two.reset();
    two.write(false);
    assert.deepEqual(two.snapshot().bits, new Uint8Array([0]));
  }
});

test('each frame stamps its own brokerOutTime into its copy of the shared bytes', () => {
  const t0 = 1_764_000_000_000;
  for (const version of [3, 9, 12]) {
    for (const tight of [true, false]) {
      for (const externalMin of [0, 1]) {
        const rnd = prng(version * 3 + (tight ? 1 : 0) + externalMin);
        const whole = format({ version, tightEncodingEnabled: tight, cacheEnabled: false, stackTraceEnabled: true });
        const message = {
          ...(randomStructure(T.ACTIVEMQ_BYTES_MESSAGE, version, rnd) as unknown as Record<string, unknown>),
          content: Buffer.alloc(300, 5),
          brokerOutTime: t0,
        } as unknown as Record<string, unknown> & { type: number };
        const pre = scratch(version, tight, externalMin).preEncode(message, messageField(version));
        assert.ok(pre.outTimeAt >= 0, `v${version} ${tight ? 'tight' : 'loose'}: brokerOutTime located`);
        const md = (msg: unknown): DataStructure =>
          ({
            type: T.MESSAGE_DISPATCH,
            commandId: 0,
            responseRequired: false,
            consumerId: null,
            destination: null,
            message: msg,
            redeliveryCounter: 1,
          }) as unknown as DataStructure;
        for (const t of [t0 + 1, t0 + 123_456, t0]) {
          assert.equal(pre.canStamp(t), true);
          pre.outTime = t;
          const expected = whole.encode(md({ ...message, brokerOutTime: t }));
          assert.deepEqual(whole.encode(md(pre)), expected, `v${version} stamped ${t} (copied)`);
          const w = new ByteWriter(64, 1);
          whole.encodeTo(md(pre), w);
          assert.deepEqual(Buffer.concat(w.takeChunks()), expected, `v${version} stamped ${t} (referenced)`);
        }
        // The shared bytes themselves keep the first value.
        assert.equal(pre.encodedOutTime, t0);
        // A time that would change a tight long's size class cannot be stamped in place.
        assert.equal(pre.canStamp(5), !tight);
      }
    }
  }
});
