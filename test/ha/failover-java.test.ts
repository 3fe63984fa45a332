import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFailoverRounds } from './harness/failover-rounds.js';

/**
 * Issue 14 item 3, one round (bench/failover-bench.ts runs several): the stock Java client keeps sending
 * persistent messages on failover:(tcp://master,tcp://slave) while the master is SIGKILLed; it carries on
 * against the slave and nothing it saw acknowledged is lost.
 */
test('a Java failover: client loses no acknowledged persistent send when the master is SIGKILLed', async (t) => {
  const r = await runFailoverRounds(t, { rounds: 1, sendsPerRound: 200, log: (l) => t.diagnostic(l) });
  t.diagnostic(
    `acknowledged ${r.acknowledged}, received ${r.received}, lost ${r.lost}, duplicates ${r.duplicates}, ` +
      `stored without acknowledgement ${r.unacknowledgedButStored}, failed sends ${r.failedSends}`,
  );
  assert.equal(r.lost, 0, 'acknowledged sends lost');
  assert.equal(r.failedSends, 0, 'the failover transport hides the kill from the producer');
  assert.ok(r.acknowledged > 200, 'sends went on after the failover');
  assert.ok(r.rounds[0]!.killToFirstSendMs < 30_000);
});
