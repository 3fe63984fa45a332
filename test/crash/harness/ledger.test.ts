import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ledger } from './ledger.js';

function ledger(sent: number[], acked: number[], drained: number[], received: number[] = []): Ledger {
  const l = new Ledger();
  for (const s of received) l.received('p', s);
  for (const s of sent) l.confirmSend('p', s);
  for (const s of acked) l.confirmAck('p', s);
  for (const s of drained) l.drainedMessage('p', s);
  return l;
}

test('a crash that kept every promise has no violations', () => {
  // 1-3 consumed, 4-6 pending, 7 was in flight (not confirmed) and made it anyway; 3's ack was unconfirmed.
  assert.deepEqual(ledger([1, 2, 3, 4, 5, 6], [1, 2], [3, 4, 5, 6, 7]).violations(1), []);
});

test('each broken rule is reported', () => {
  assert.match(ledger([1, 2, 3], [1], [3]).violations(1).join(), /1 confirmed sends lost: 2/);
  assert.match(ledger([1, 2], [1], [1, 2]).violations(1).join(), /confirmed acks came back: 1/);
  assert.match(ledger([1, 2, 3], [], [1, 3, 2]).violations(1).join(), /out of order .* 3 then 2/);
  assert.match(ledger([1, 2], [], [1, 2, 2]).violations(1).join(), /duplicated .* 2 then 2/);
  assert.match(ledger([1, 2], [], [1, 2, 9]).violations(1).join(), /never sent were found: 9/);
  assert.deepEqual(ledger([1, 2], [], [1, 2, 3, 4]).violations(2), []);
  // An ack in doubt may have been stored: the message may be gone; but only one ack's worth may be in doubt.
  assert.deepEqual(ledger([1, 2, 3], [1], [3], [1, 2]).violations(1), []);
  assert.match(
    ledger([1, 2, 3], [], [], [1, 2, 3]).violations(1).join(),
    /3 received messages without a confirmed ack/,
  );
});
