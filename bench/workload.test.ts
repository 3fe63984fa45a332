import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedDeliveries, parseWorkloadArgs, workloadArgs, type Workload } from './workload.js';

const w: Workload = {
  destinationType: 'topic',
  destinations: 3,
  prefix: 'bench.x',
  producers: 2,
  consumersPerDestination: 10,
  consumerConnections: 16,
  messages: 1000,
  messageSize: 1024,
  persistent: false,
  asyncSend: true,
  inFlight: 100,
  idleConnections: 0,
  stallTimeoutMs: 5000,
  timeoutMs: 60000,
};

test('workload arguments round-trip in the kebab-case the Java generator reads', () => {
  const args = workloadArgs(w);
  assert.ok(args.includes('--consumers-per-destination'));
  assert.ok(args.includes('--stall-timeout-ms'));
  assert.equal(args[args.indexOf('--async-send') + 1], 'true');
  const { workload, rest } = parseWorkloadArgs([...args, '--port', '61613']);
  assert.deepEqual(workload, w);
  assert.equal(rest.get('port'), '61613');
});

test('a topic delivers every message to every subscriber, a queue once', () => {
  assert.equal(expectedDeliveries(w), 10_000);
  assert.equal(expectedDeliveries({ ...w, destinationType: 'queue' }), 1000);
});

test('bad generator arguments fail with the argument name', () => {
  const args = workloadArgs(w);
  const set = (k: string, v: string) => args.map((a, i) => (args[i - 1] === k ? v : a));
  assert.throws(() => parseWorkloadArgs(set('--messages', '-1')), /--messages/);
  assert.throws(() => parseWorkloadArgs(set('--destination-type', 'pipe')), /queue or topic/);
  assert.throws(() => parseWorkloadArgs(set('--async-send', 'yes')), /--async-send must be true or false/);
  assert.throws(() => parseWorkloadArgs(set('--producers', '0')), /at least 1/);
  assert.throws(() => parseWorkloadArgs(args.slice(2)), /missing argument --destination-type/);
});
