import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backlogTable,
  parseBacklogOptions,
  summarizeBacklog,
  type BacklogRound,
  type BacklogRun,
} from './backlog-bench.js';

test('defaults are the issue-11 run: 1,000,000 × 1 KiB, 3 rounds, memoryUsage 64 mb, both brokers', () => {
  const o = parseBacklogOptions([]);
  assert.equal(o.messages, 1_000_000);
  assert.equal(o.rounds, 3);
  assert.equal(o.body, 1024);
  assert.equal(o.receiptEvery, 1000);
  assert.equal(o.memoryLimit, '64 mb');
  assert.deepEqual(o.brokers, ['tidemq', 'activemq']);
  const big = parseBacklogOptions(['--messages', '10000000', '--rounds', '1', '--brokers', 'tidemq']);
  assert.equal(big.messages, 10_000_000);
  assert.throws(() => parseBacklogOptions(['--messages', '0']), /--messages/);
  assert.throws(() => parseBacklogOptions(['1000']), /unknown option 1000/);
});

const load = { load1: 1, cores: 2, overloaded: false };
const round = (broker: 'tidemq' | 'activemq', n: number, acceptRate: number, error?: string): BacklogRound => ({
  round: n,
  broker,
  load: n === 3 ? { load1: 5, cores: 2, overloaded: true } : load,
  acceptRate,
  drainRate: acceptRate * 2,
  portMs: 1500,
  ...(error === undefined ? {} : { error }),
});

test('medians and ranges come from the rounds that succeeded; failed and overloaded rounds are shown', () => {
  const rounds = [
    round('tidemq', 1, 10_000),
    round('activemq', 1, 14_000),
    round('activemq', 2, 12_000),
    round('tidemq', 2, 30_000),
    round('tidemq', 3, 20_000),
    round('activemq', 3, 99, 'load stopped after 5 confirmed'),
  ];
  const summary = summarizeBacklog(rounds, ['tidemq', 'activemq']);
  assert.deepEqual(summary.tidemq?.acceptRate, { median: 20_000, min: 10_000, max: 30_000, n: 3 });
  assert.deepEqual(summary.activemq?.acceptRate, { median: 13_000, min: 12_000, max: 14_000, n: 2 });
  assert.equal(summary.activemq?.roundsOk, 2);
  const run = {
    options: parseBacklogOptions(['--messages', '1000']),
    rounds,
    summary,
  } as unknown as BacklogRun;
  const t = backlogTable(run);
  assert.match(t, /\| accept 1,000 × 1024 B .*\| 20,000 \(10,000–30,000\) \| 13,000 \(12,000–14,000\) \|/);
  assert.match(t, /restart: spawn → OpenWire port accepts, s \| 1\.50 \| 1\.50 \|/);
  assert.match(t, /round 3 activemq load 5\.00 \*: FAILED load stopped after 5 confirmed/);
  assert.match(t, /rounds ok \| 3\/3 \| 2\/3 \|/);
});
