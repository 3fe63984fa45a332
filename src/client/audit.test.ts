import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageId, producerId } from '../protocol/openwire/codec/index.js';
import { MessageAudit } from './audit.js';

const id = (producer: number, seq: number) => messageId(producerId('ID:c', 1, producer), seq);

test('a consumed message id is a duplicate; others are not', () => {
  const a = new MessageAudit();
  a.record(id(1, 1));
  assert.equal(a.isDuplicate(id(1, 1)), true);
  assert.equal(a.isDuplicate(id(1, 2)), false);
  assert.equal(a.isDuplicate(id(2, 1)), false);
  assert.equal(a.isDuplicate(null), false);
});

test('the window per producer is `depth` ids; the oldest drops out', () => {
  const a = new MessageAudit(3, 64);
  for (let s = 1; s <= 4; s++) a.record(id(1, s));
  assert.equal(a.isDuplicate(id(1, 1)), false);
  assert.equal(a.isDuplicate(id(1, 4)), true);
});

test('at most `maxProducers` producers are followed, least recently seen dropped first', () => {
  const a = new MessageAudit(10, 2);
  a.record(id(1, 1));
  a.record(id(2, 1));
  a.record(id(1, 2)); // producer 1 is now the most recent
  a.record(id(3, 1)); // evicts producer 2
  assert.equal(a.isDuplicate(id(2, 1)), false);
  assert.equal(a.isDuplicate(id(1, 1)), true);
  assert.equal(a.isDuplicate(id(3, 1)), true);
});
