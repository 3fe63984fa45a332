import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { CompressedBodyError, declaredInflatedSize, inflateBody } from './compressed-body.js';

function bytesBody(plain: Buffer, declared = plain.length): Buffer {
  const z = deflateSync(plain);
  const out = Buffer.alloc(4 + z.length);
  out.writeInt32BE(declared, 0);
  z.copy(out, 4);
  return out;
}

function textBody(text: string): Buffer {
  const utf = Buffer.from(text, 'utf8');
  const content = Buffer.alloc(4 + utf.length);
  content.writeInt32BE(utf.length, 0);
  utf.copy(content, 4);
  return deflateSync(content);
}

test('the size a body declares is read without inflating it', () => {
  assert.equal(declaredInflatedSize('bytes', bytesBody(Buffer.alloc(10), 123_456_789)), 123_456_789);
  // 10 MB of text deflates to ~10 KB; only its first bytes are inflated to find the length.
  const bomb = textBody('x'.repeat(10_000_000));
  assert.ok(bomb.length < 20_000);
  assert.equal(declaredInflatedSize('text', bomb), 10_000_004);
  assert.equal(declaredInflatedSize('map', bomb), null);
  assert.throws(() => declaredInflatedSize('text', Buffer.from('not zlib')), CompressedBodyError);
});

test('inflation stops at the limit and at what the body declares', () => {
  assert.deepEqual(inflateBody('bytes', bytesBody(Buffer.from('hello')), 100), Buffer.from('hello'));
  assert.throws(
    () => inflateBody('bytes', bytesBody(Buffer.alloc(1000)), 100),
    /Compressed bytes body declares 1000 bytes, more than the limit of 100/,
  );
  // Declares 10 bytes but holds a megabyte: refused once the inflation passes what a real client could write.
  assert.throws(
    () => inflateBody('bytes', bytesBody(Buffer.alloc(1 << 20), 10), 1 << 30),
    /Compressed bytes body inflates past the limit/,
  );
  assert.throws(() => inflateBody('text', textBody('y'.repeat(5000)), 1000), /declares 5004 bytes/);
  const text = inflateBody('text', textBody('snow ☃'), 1000);
  assert.equal(text.subarray(4).toString('utf8'), 'snow ☃');
});
