import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmqpFrameGuard, AmqpFrameSizeError, humanSize } from './frame-guard.js';

const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);
const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);

function frame(size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(size, 0);
  b[4] = 2;
  return b;
}

const stream = Buffer.concat([SASL_HEADER, frame(20), frame(8), AMQP_HEADER, frame(300), frame(1000)]);

test('headers and frames are followed whatever the chunking (split at every byte)', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const g = new AmqpFrameGuard(1000);
    g.push(stream.subarray(0, cut));
    g.push(stream.subarray(cut));
    assert.equal(g.partial, false, `cut at ${cut}`);
  }
  const g = new AmqpFrameGuard(1000);
  for (const byte of stream) g.push(Buffer.from([byte]));
  assert.equal(g.partial, false);
});

test('a size field above the limit is refused as soon as its four bytes are in', () => {
  const big = Buffer.concat([SASL_HEADER, frame(20), Buffer.from([0, 0, 0x10, 0])]);
  const g = new AmqpFrameGuard(1000);
  assert.throws(
    () => g.push(big),
    (e: unknown) =>
      e instanceof AmqpFrameSizeError &&
      e.condition === 'amqp:connection:framing-error' &&
      e.message === 'Frame size of 4 KB is larger than max allowed 1000 bytes',
  );
});

test('a size field below the 8-byte minimum is refused', () => {
  const g = new AmqpFrameGuard(1000);
  assert.throws(() => g.push(Buffer.concat([SASL_HEADER, Buffer.from([0, 0, 0, 4])])), AmqpFrameSizeError);
});

test('partial is true inside a header or frame', () => {
  const g = new AmqpFrameGuard(1000);
  g.push(SASL_HEADER.subarray(0, 3));
  assert.equal(g.partial, true);
  g.push(SASL_HEADER.subarray(3));
  assert.equal(g.partial, false);
  g.push(frame(20).subarray(0, 10));
  assert.equal(g.partial, true);
});

test('sizes print as ActiveMQ prints them', () => {
  assert.equal(humanSize(100), '100 bytes');
  assert.equal(humanSize(2048), '2 KB');
  assert.equal(humanSize(104_857_600), '100 MB');
  assert.equal(humanSize(0xfffffff0), '3 GB');
});
