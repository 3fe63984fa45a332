import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateHistory } from './rate-history.js';

test('rates per second between samples, bounded in points and destinations, forgetting what went', () => {
  const h = new RateHistory(3, 2);
  h.sample(0, [{ key: 'queue://a', enqueues: 0, dequeues: 0 }]);
  h.sample(5000, [{ key: 'queue://a', enqueues: 50, dequeues: 10 }]);
  assert.deepEqual(h.rates('queue://a'), { enqueues: [10], dequeues: [2] });
  for (let i = 2; i <= 5; i++) h.sample(i * 5000, [{ key: 'queue://a', enqueues: 50 * i, dequeues: 10 }]);
  assert.deepEqual(h.rates('queue://a')!.enqueues, [10, 10, 10], 'at most three points');
  assert.deepEqual(h.rates('queue://a')!.dequeues, [0, 0, 0]);
  // A reset counter starts over; a third destination is beyond the bound; a vanished one is forgotten.
  h.sample(30_000, [
    { key: 'queue://a', enqueues: 5, dequeues: 0 },
    { key: 'queue://b', enqueues: 0, dequeues: 0 },
    { key: 'queue://c', enqueues: 0, dequeues: 0 },
  ]);
  assert.equal(h.rates('queue://a')!.enqueues.at(-1), 1);
  assert.ok(h.rates('queue://b') !== undefined);
  assert.equal(h.rates('queue://c'), undefined);
  h.sample(35_000, [{ key: 'queue://b', enqueues: 0, dequeues: 0 }]);
  assert.equal(h.rates('queue://a'), undefined);
});
