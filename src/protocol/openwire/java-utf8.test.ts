import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaUtf8ToUtf8, utf8ToJavaUtf8 } from './java-utf8.js';

test('plain text passes by reference', () => {
  const b = Buffer.from('héllo wörld');
  assert.equal(javaUtf8ToUtf8(b), b);
  assert.equal(utf8ToJavaUtf8(b), b);
});

test('NUL and supplementary characters are transcoded both ways', () => {
  const text = 'a\u0000b😀c';
  const java = utf8ToJavaUtf8(Buffer.from(text, 'utf8'));
  assert.deepEqual([...java.subarray(1, 3)], [0xc0, 0x80]);
  assert.equal(java.length, 1 + 2 + 1 + 6 + 1);
  assert.equal(Buffer.from(javaUtf8ToUtf8(java)).toString('utf8'), text);
});
