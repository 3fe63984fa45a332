import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProducerAudit, splitMessageId } from './producer-audit.js';

test('message ids split into producer id and sequence; other shapes are not audited', () => {
  assert.deepEqual(splitMessageId('ID:host-1-2-3:1:1:1:42'), { producerId: 'ID:host-1-2-3:1:1:1', sequence: 42 });
  assert.equal(splitMessageId('no-sequence'), null);
  assert.equal(splitMessageId('ID:x:1:abc'), null);
  assert.equal(splitMessageId('ID:x:'), null);
  const audit = new ProducerAudit();
  assert.equal(audit.isDuplicate('no-sequence'), false);
  assert.equal(audit.isDuplicate('no-sequence'), false);
});

test('a sequence number seen before in the window is a duplicate, per producer', () => {
  const audit = new ProducerAudit({ auditDepth: 16 });
  for (let s = 1; s <= 10; s++) assert.equal(audit.isDuplicate(`ID:p:1:1:1:${s}`), false);
  assert.equal(audit.isDuplicate('ID:p:1:1:1:7'), true);
  assert.equal(audit.isDuplicate('ID:q:1:1:1:7'), false, 'another producer');
  // Gaps are fine: out-of-order and skipped sequence numbers are tracked individually.
  assert.equal(audit.isDuplicate('ID:p:1:1:1:14'), false);
  assert.equal(audit.isDuplicate('ID:p:1:1:1:12'), false);
  assert.equal(audit.isDuplicate('ID:p:1:1:1:12'), true);
  assert.equal(audit.isDuplicate('ID:p:1:1:1:13'), false);
});

test('the window slides: positions reused by new sequence numbers start clear, older ones cannot be judged', () => {
  const audit = new ProducerAudit({ auditDepth: 8 });
  for (let s = 1; s <= 8; s++) audit.isDuplicate(`ID:p:${s}`);
  // 9..12 reuse the ring positions of 1..4; they are new, not duplicates of 1..4.
  for (let s = 9; s <= 12; s++) assert.equal(audit.isDuplicate(`ID:p:${s}`), false);
  assert.equal(audit.isDuplicate('ID:p:6'), true, 'still in the window');
  assert.equal(audit.isDuplicate('ID:p:2'), false, 'older than the window: counts as new, as in ActiveMQ');
  // A jump of more than the window clears it all.
  assert.equal(audit.isDuplicate('ID:p:100'), false);
  assert.equal(audit.isDuplicate('ID:p:95'), false);
  assert.equal(audit.isDuplicate('ID:p:95'), true);
});

test('rollback forgets one id; at most maxProducers are remembered, least recently used first out', () => {
  const audit = new ProducerAudit({ maxProducers: 2 });
  audit.isDuplicate('ID:a:1');
  audit.rollback('ID:a:1');
  assert.equal(audit.isDuplicate('ID:a:1'), false);
  audit.isDuplicate('ID:b:1');
  audit.isDuplicate('ID:a:2'); // a is now the most recent
  audit.isDuplicate('ID:c:1'); // evicts b
  assert.equal(audit.trackedProducers, 2);
  assert.equal(audit.isDuplicate('ID:a:1'), true);
  assert.equal(audit.isDuplicate('ID:b:1'), false, 'b was evicted');
  assert.throws(() => new ProducerAudit({ auditDepth: 0 }), /auditDepth must be/);
  assert.throws(() => new ProducerAudit({ maxProducers: 1e9 }), /maxProducers must be/);
});
