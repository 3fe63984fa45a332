import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparkline } from './sparkline.js';

test('a sparkline draws both rates scaled to the largest, and says so until two samples exist', () => {
  assert.match(sparkline(undefined).text, /collecting/);
  assert.match(sparkline({ enqueues: [3], dequeues: [1] }).text, /collecting/);
  const svg = sparkline({ enqueues: [0, 10, 20], dequeues: [0, 5, 20] }).text;
  assert.equal(svg.match(/<polyline /g)?.length, 2);
  // The highest point touches the top (y = 1), zero the bottom (y = 23); x spreads over the width.
  assert.match(svg, /points="0\.0,23\.0 60\.0,12\.0 120\.0,1\.0"/);
  assert.match(svg, /20\.0\/s in, 20\.0\/s out/);
});
