import { test } from 'node:test';
import assert from 'node:assert/strict';
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
