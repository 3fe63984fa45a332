import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, ratio } from './stats.js';

test('nearest-rank percentiles', () => {
  const v = Array.from({ length: 1000 }, (_x, i) => i + 1);
  assert.equal(percentile(v, 0.5), 500);
  assert.equal(percentile(v, 0.99), 990);
  assert.equal(percentile(v, 0.999), 999);
  assert.equal(percentile(v, 1), 1000);
  assert.equal(percentile([7], 0.999), 7);
  assert.equal(percentile([], 0.5), 0);
});

test('median of odd and even counts ignores failed rounds', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, NaN]), 5);
  assert.equal(median([]), undefined);
});

test('ratio is undefined when a side is missing or zero', () => {
  assert.equal(ratio(3, 2), 1.5);
  assert.equal(ratio(undefined, 2), undefined);
  assert.equal(ratio(1, 0), undefined);
});
