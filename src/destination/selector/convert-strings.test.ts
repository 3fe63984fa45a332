import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typed } from '../../model/properties.js';
import { parseSelector } from './selector.js';
import { message } from '../../../test/support/destination/selector/test-fixtures.js';

const stomp = message({
  count: typed.string('7'),
  price: typed.string('2.5'),
  flag: typed.string('true'),
  word: typed.string('seven'),
  big: typed.string('99999999999'),
});
const P = 'convert_string_expressions:';

test('without the prefix a string header never compares with a number (plain JMS rules)', () => {
  assert.equal(parseSelector('count > 5').matches(stomp), false);
  assert.equal(parseSelector('count = 7').matches(stomp), false);
});

test('with the prefix numeric comparisons convert the string side, both ways round', () => {
  assert.equal(parseSelector(`${P}count > 5`).matches(stomp), true);
  assert.equal(parseSelector(`${P}count < 5`).matches(stomp), false);
  assert.equal(parseSelector(`${P}5 < count`).matches(stomp), true);
  assert.equal(parseSelector(`${P}count = 7`).matches(stomp), true);
  assert.equal(parseSelector(`${P}count BETWEEN 6 AND 8`).matches(stomp), true);
  assert.equal(parseSelector(`${P}price > 2.25`).matches(stomp), true);
  assert.equal(parseSelector(`${P}flag = TRUE`).matches(stomp), true);
  // The literal decides the type: 1 is an Integer, so "99999999999" does not convert (Integer.valueOf
  // fails) and the comparison is FALSE; against a Long literal it converts.
  assert.equal(parseSelector(`${P}big > 1`).matches(stomp), false);
  assert.equal(parseSelector(`${P}big > 10000000000`).matches(stomp), true);
});

test('with the prefix text that does not parse is FALSE, as NumberFormatException is in ActiveMQ', () => {
  assert.equal(parseSelector(`${P}word > 5`).matches(stomp), false);
  assert.equal(parseSelector(`${P}NOT (word > 5)`).matches(stomp), true);
  assert.equal(parseSelector(`${P}word = 'seven'`).matches(stomp), true);
});

test('the prefix keeps the full text as the selector text, and a bad selector after it is still refused', () => {
  assert.equal(parseSelector(`${P}count > 5`).text, `${P}count > 5`);
  assert.throws(() => parseSelector(`${P}count >`), /count >/);
});
