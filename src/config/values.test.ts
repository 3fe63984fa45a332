import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertValue, ValueFormatError } from './values.js';

test("sizes follow ActiveMQ's XBeanByteConverterUtil: digits, optional blanks, k/m/g with optional b, any case", () => {
  assert.equal(convertValue('z', '100 gb'), 100 * 1024 ** 3);
  assert.equal(convertValue('z', '64 mb'), 64 * 1024 ** 2);
  assert.equal(convertValue('z', '64MB'), 64 * 1024 ** 2);
  assert.equal(convertValue('z', '1k'), 1024);
  assert.equal(convertValue('z', ' 512 b '), 512);
  assert.equal(convertValue('z', '10000'), 10000);
  for (const bad of ['1.5 gb', '1 tb', '-1 mb', 'mb', '1 k b', '']) {
    assert.throws(() => convertValue('z', bad), ValueFormatError, bad);
  }
  // The int form (MemoryIntPropertyEditor) stops at 2^31 - 1 instead of wrapping as Java's int would.
  assert.equal(convertValue('Z', '1 gb'), 1024 ** 3);
  assert.throws(() => convertValue('Z', '2 gb'), /is not a size up to 2147483647 bytes/);
});

test('booleans: Spring accepts true/on/yes/1 and false/off/no/0; ActiveMQ BooleanEditor only true/false', () => {
  for (const t of ['true', 'TRUE', ' on ', 'yes', '1']) assert.equal(convertValue('b', t), true, t);
  for (const f of ['false', 'Off', 'no', '0']) assert.equal(convertValue('b', f), false, f);
  assert.equal(convertValue('B', 'True'), true);
  assert.equal(convertValue('B', 'FALSE'), false);
  for (const bad of ['yes', ' true', '1'])
    assert.throws(() => convertValue('B', bad), /is not a boolean; expected true or false/);
  assert.throws(() => convertValue('b', 'maybe'), /is not a boolean/);
});

test('numbers: decimal or hex, in the Java type range', () => {
  assert.equal(convertValue('i', ' 42 '), 42);
  assert.equal(convertValue('i', '-1'), -1);
  assert.equal(convertValue('i', '0x10'), 16);
  assert.equal(convertValue('i', '#ff'), 255);
  assert.throws(() => convertValue('i', '2147483648'), /expected a whole number from -2147483648 to 2147483647/);
  assert.throws(() => convertValue('h', '40000'), /from -32768 to 32767/);
  assert.equal(convertValue('l', '86400000'), 86_400_000);
  assert.throws(() => convertValue('l', '9223372036854775807'), /is not an integer in range/);
  assert.throws(() => convertValue('i', '1e3'), /is not an integer/);
  assert.equal(convertValue('d', '2.5'), 2.5);
  assert.equal(convertValue('f', '.2'), 0.2);
  assert.throws(() => convertValue('d', 'two'), /is not a number; expected a decimal number such as 1.5/);
  assert.equal(convertValue('s', ' as is '), ' as is ');
});
