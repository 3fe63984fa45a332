import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { PropertyType } from '../../../model/properties.js';
import { CodecError } from './errors.js';
import {
  decodeMapContent,
  decodeTextContent,
  deflateContent,
  encodeMapContent,
  encodeTextContent,
  inflateContent,
  isCompressed,
} from './message-body.js';
import { T } from './types.js';

test('text content is an int32 length and modified UTF-8', () => {
  const c = encodeTextContent('a\u0000é😀')!;
  assert.deepEqual([...c], [0, 0, 0, 11, 0x61, 0xc0, 0x80, 0xc3, 0xa9, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
  assert.equal(decodeTextContent(c), 'a\u0000é😀');
  assert.equal(encodeTextContent(null), null);
  assert.equal(decodeTextContent(null), null);
  assert.equal(decodeTextContent(Buffer.from([0xff, 0xff, 0xff, 0xff])), null);
  assert.equal(decodeTextContent(encodeTextContent('zip me', true), true), 'zip me');
  assert.throws(() => decodeTextContent(Buffer.from([0, 0, 0, 9, 0x61])), CodecError);
  assert.throws(() => decodeTextContent(Buffer.from([0, 0])), CodecError);
});

test('compressed bodies: bytes carry the plain length first, other kinds are a bare zlib stream', () => {
  const plain = Buffer.from('payload '.repeat(50));
  const bytes = deflateContent(T.ACTIVEMQ_BYTES_MESSAGE, plain);
  assert.equal(bytes.readInt32BE(0), plain.length);
  assert.equal(bytes[4], 0x78, 'zlib header');
  const msg = { type: T.ACTIVEMQ_BYTES_MESSAGE, content: bytes, compressed: true } as const;
  assert.ok(isCompressed(msg));
  assert.deepEqual(inflateContent(msg), plain);
  const other = deflateContent(T.ACTIVEMQ_OBJECT_MESSAGE, plain);
  assert.equal(other[0], 0x78);
  assert.deepEqual(inflateContent({ type: T.ACTIVEMQ_OBJECT_MESSAGE, content: other, compressed: true }), plain);
  // Not compressed: content as is.
  assert.equal(inflateContent({ type: T.ACTIVEMQ_MESSAGE, content: plain, compressed: false }), plain);
});

test('inflation is bounded and checked', () => {
  const bomb = deflateSync(Buffer.alloc(1024 * 1024));
  assert.throws(
    () => inflateContent({ type: T.ACTIVEMQ_TEXT_MESSAGE, content: bomb, compressed: true }, 64 * 1024),
    /past the limit/,
  );
  const lying = Buffer.concat([Buffer.from([0x7f, 0, 0, 0]), deflateSync(Buffer.alloc(10))]);
  assert.throws(() => inflateContent({ type: T.ACTIVEMQ_BYTES_MESSAGE, content: lying, compressed: true }), CodecError);
  const short = Buffer.concat([Buffer.from([0, 0, 0, 20]), deflateSync(Buffer.alloc(10))]);
  assert.throws(
    () => inflateContent({ type: T.ACTIVEMQ_BYTES_MESSAGE, content: short, compressed: true }),
    /less than/,
  );
  assert.throws(
    () => inflateContent({ type: T.ACTIVEMQ_TEXT_MESSAGE, content: Buffer.from('not zlib'), compressed: true }),
    /not a valid zlib/,
  );
});

test('map bodies are primitive maps', () => {
  const m = new Map([
    ['a', { type: PropertyType.Int, value: 1 }],
    ['b', { type: PropertyType.String, value: 'x' }],
  ] as const);
  assert.deepEqual(decodeMapContent(encodeMapContent(m)), m);
  assert.deepEqual(decodeMapContent(encodeMapContent(m, true), true), m);
  assert.throws(() => decodeMapContent(Buffer.from([0, 0, 0, 5])), CodecError);
});
