import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDouble, javaDoubleToString } from './values.js';

test('Double.toString and Float.toString formatting', () => {
  const doubles: [number, string][] = [
    [1, '1.0'],
    [1.5, '1.5'],
    [123, '123.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1e7, '1.0E7'],
    [9999999, '9999999.0'],
    [12345678.9, '1.23456789E7'],
    [1e10, '1.0E10'],
    [-2.5e-5, '-2.5E-5'],
    [0.1, '0.1'],
    [0, '0.0'],
    [-0, '-0.0'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ];
  for (const [d, s] of doubles) assert.equal(javaDoubleToString(d, false), s, String(d));
  assert.equal(javaDoubleToString(Math.fround(0.1), true), '0.1');
  assert.equal(javaDoubleToString(Math.fround(0.1), false), '0.10000000149011612');
  assert.equal(javaDoubleToString(Math.fround(3.3e10), true), '3.3E10');
});

test('compareDouble is Double.compare', () => {
  assert.equal(compareDouble(NaN, NaN), 0);
  assert.equal(compareDouble(NaN, Infinity), 1);
  assert.equal(compareDouble(-0, 0), -1);
  assert.equal(compareDouble(0, -0), 1);
  assert.equal(compareDouble(1, 2), -1);
  assert.equal(compareDouble(2, 2), 0);
});
