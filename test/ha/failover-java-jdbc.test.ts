import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDatabase } from '../support/pg.js';
import { runFailoverRounds } from './harness/failover-rounds.js';
import { jdbcMember } from './harness/jdbc-member.js';

const { db, skip } = await testDatabase('ha_jdbc');

/**
 * Issue 14 item 3 on the database (bench/failover-bench.ts --store jdbc runs several rounds): master and slave on
 * one PostgreSQL schema with the lease-database-locker, the stock Java client on failover:(tcp://master,
 * tcp://slave) sending persistent messages while the master is SIGKILLed; the slave takes the lease once it
 * expires and nothing the client saw acknowledged is lost.
 */
test(
  'PostgreSQL master/slave: a Java failover: client loses no acknowledged persistent send when the master is SIGKILLed',
  { skip: db === null ? skip : false },
  async (t) => {
    t.after(() => db!.drop());
    const r = await runFailoverRounds(t, {
      rounds: 1,
      sendsPerRound: 200,
      member: jdbcMember(db!),
      log: (l) => t.diagnostic(l),
    });
    t.diagnostic(
      `acknowledged ${r.acknowledged}, received ${r.received}, lost ${r.lost}, duplicates ${r.duplicates}, ` +
        `kill to slave listening ${r.rounds[0]!.killToOpenMs.toFixed(0)} ms, kill to first send ${r.rounds[0]!.killToFirstSendMs.toFixed(0)} ms`,
    );
    assert.equal(r.lost, 0, 'acknowledged sends lost');
    assert.equal(r.failedSends, 0, 'the failover transport hides the kill from the producer');
    assert.ok(r.acknowledged > 200, 'sends went on after the failover');
  },
);
