import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { parseOptions } from './options.js';
import { scenarios } from './scenarios.js';

test('defaults: every scenario, both brokers, 3 rounds', () => {
  const o = parseOptions([]);
  assert.equal(o.scenarios.length, scenarios.length);
  assert.deepEqual(o.brokers, ['tidemq', 'activemq']);
  assert.equal(o.rounds, 3);
  assert.equal(o.quick, false);
});

test('quick mode runs one round unless told otherwise', () => {
  assert.equal(parseOptions(['--quick']).rounds, 1);
  assert.equal(parseOptions(['--quick', '--rounds', '2']).rounds, 2);
  assert.equal(parseOptions(['--rounds=5']).rounds, 5);
});

test('selects scenarios and brokers by name', () => {
  const o = parseOptions(['--scenarios', 'queue-1to1,fan-in', '--brokers', 'activemq', '--profile', '--out', 'x.json']);
  assert.deepEqual(o.scenarios, ['queue-1to1', 'fan-in']);
  assert.deepEqual(o.brokers, ['activemq']);
  assert.equal(o.profile, true);
  assert.equal(o.out, 'x.json');
});

test('rejects what it does not know, naming it', () => {
  assert.throws(() => parseOptions(['--scenarios', 'nope']), /unknown scenario nope/);
  assert.throws(() => parseOptions(['--brokers', 'rabbit']), /--brokers/);
  assert.throws(() => parseOptions(['--rounds', '0']), /--rounds/);
  assert.throws(() => parseOptions(['--rounds']), /needs a value/);
  assert.throws(() => parseOptions(['--fast']), /unknown option --fast/);
});

test('--node-client adds the node-* variant of each selected scenario that has one', () => {
  const o = parseOptions(['--scenarios', 'queue-1to1,idle-connections', '--node-client']);
  assert.deepEqual(o.scenarios, ['queue-1to1', 'idle-connections', 'node-queue-1to1']);
  assert.deepEqual(parseOptions(['--scenarios', 'node-fan-in']).scenarios, ['node-fan-in']);
});

test('--max-load and --refuse-busy set the busy-machine rule; the default threshold is the core count', () => {
  const d = parseOptions([]);
  assert.equal(d.maxLoad, cpus().length);
  assert.equal(d.refuseBusy, false);
  const o = parseOptions(['--max-load', '1.5', '--refuse-busy']);
  assert.equal(o.maxLoad, 1.5);
  assert.equal(o.refuseBusy, true);
  assert.throws(() => parseOptions(['--max-load', '0']), /--max-load must be a positive number/);
});

test('--suite picks the scenarios and the stand-alone side-by-side benches', () => {
  const d = parseOptions([]);
  assert.equal(d.runScenarios, true);
  assert.deepEqual(d.companions, []);
  const all = parseOptions(['--suite', 'all']);
  assert.equal(all.runScenarios, true);
  assert.deepEqual(all.companions, ['deep-backlog', 'flood', 'mqtt', 'amqp']);
  const some = parseOptions(['--suite', 'flood,mqtt']);
  assert.equal(some.runScenarios, false);
  assert.deepEqual(some.companions, ['flood', 'mqtt']);
  assert.throws(() => parseOptions(['--suite', 'rabbit']), /--suite takes .* not 'rabbit'/);
});

test('--settle waits for the load to fall before a round; refused when not a number of seconds', () => {
  assert.equal(parseOptions([]).settleSeconds, 0);
  assert.equal(parseOptions(['--settle', '90']).settleSeconds, 90);
  assert.throws(() => parseOptions(['--settle', '-1']), /--settle must be a number of seconds/);
});
