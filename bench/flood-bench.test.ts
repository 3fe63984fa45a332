import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floodTable, parseFloodOptions, summarizeFlood, type FloodRound, type FloodRun } from './flood-bench.js';

test('defaults are the issue-11 flood: 500,000 × 1 KiB, 3 rounds, memoryUsage 64 mb, a round trip every 50 ms', () => {
  const o = parseFloodOptions([]);
  assert.equal(o.messages, 500_000);
  assert.equal(o.rounds, 3);
  assert.equal(o.body, 1024);
  assert.equal(o.intervalMs, 50);
  assert.equal(o.memoryLimit, '64 mb');
  assert.equal(o.timeLimitMs, 600_000);
  assert.throws(() => parseFloodOptions(['--interval', '-1']), /--interval/);
});

test('a broker that died or held the producer for good counts as such, and its figures stay out of the medians', () => {
  const load = { load1: 1, cores: 2, overloaded: false };
  const rounds: FloodRound[] = [
    { round: 1, broker: 'tidemq', load, survived: true, floodFinished: true, peakRssMiB: 200, healthyWorstMs: 80 },
    { round: 1, broker: 'activemq', load, survived: true, floodFinished: true, peakRssMiB: 500, healthyWorstMs: 70 },
    {
      round: 2,
      broker: 'tidemq',
      load,
      survived: false,
      floodFinished: false,
      peakRssMiB: 5000,
      error: 'tidemq died during the flood',
    },
  ];
  const summary = summarizeFlood(rounds, ['tidemq', 'activemq']);
  assert.equal(summary.tidemq?.survived, 1);
  assert.equal(summary.tidemq?.finished, 1);
  assert.equal(summary.tidemq?.rounds, 2);
  assert.deepEqual(summary.tidemq?.peakRssMiB, { median: 200, min: 200, max: 200, n: 1 });
  const run = { options: parseFloodOptions([]), rounds, summary } as unknown as FloodRun;
  const t = floodTable(run);
  assert.match(t, /broker survived \(rounds\) \| 1\/2 \| 1\/1 \|/);
  assert.match(t, /healthy client worst round trip, ms \| 80 \| 70 \|/);
  assert.match(t, /round 2 tidemq +load 1\.00: .*FAILED tidemq died during the flood/);
});
