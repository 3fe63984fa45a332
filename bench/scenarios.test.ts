import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarios } from './scenarios.js';

test('scenario names are unique and every spec scenario is there', () => {
  const names = scenarios.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['queue-1to1', 'queue-persistent-1p', 'queue-persistent-8p', 'queue-4to4', 'topic-1to10']) {
    assert.ok(names.includes(n), n);
  }
  for (const n of ['large-100k', 'idle-connections', 'many-destinations', 'fan-in']) assert.ok(names.includes(n), n);
});

test('quick mode shrinks the counts about twentyfold', () => {
  for (const s of scenarios) {
    const f = s.full.messages / s.quick.messages;
    assert.ok(f >= 15 && f <= 25, `${s.name}: ${f}`);
    assert.ok(s.quick.idleConnections <= s.full.idleConnections / 15, s.name);
    assert.ok(s.quick.destinations <= Math.max(1, s.full.destinations / 15), s.name);
  }
});

test('the spec figures of the full runs', () => {
  const by = (n: string) => scenarios.find((s) => s.name === n)!.full;
  assert.equal(by('queue-1to1').messages, 100_000);
  assert.equal(by('queue-1to1').messageSize, 1024);
  assert.equal(by('queue-persistent-8p').producers, 8);
  assert.equal(by('topic-1to10').consumersPerDestination, 10);
  assert.equal(by('large-100k').messageSize, 100 * 1024);
  assert.equal(by('idle-connections').idleConnections, 1000);
  assert.equal(by('many-destinations').destinations, 10_000);
});

test('persistent-async: persistent sends that wait for nothing, over OpenWire and over STOMP', () => {
  for (const n of ['persistent-async', 'stomp-persistent-async']) {
    const s = scenarios.find((x) => x.name === n)!;
    assert.equal(s.full.persistent, true, n);
    assert.equal(s.full.asyncSend, true, n);
    assert.equal(s.full.messageSize, 1024, n);
    assert.equal(s.full.producers, 1, n);
    assert.equal(s.full.consumersPerDestination, 1, n);
  }
  assert.equal(scenarios.find((x) => x.name === 'stomp-persistent-async')!.client, 'stomp');
  // Only these two send persistent messages asynchronously: the other persistent scenarios stay synchronous.
  assert.deepEqual(
    scenarios.filter((s) => s.full.asyncSend).map((s) => s.name),
    ['persistent-async', 'stomp-persistent-async'],
  );
});

test('topic-1to10-nocache: the topic workload with the marshal cache off on every client', () => {
  const t = scenarios.find((x) => x.name === 'topic-1to10')!;
  const n = scenarios.find((x) => x.name === 'topic-1to10-nocache')!;
  assert.deepEqual(n.full, t.full);
  assert.equal(n.urlOptions, 'wireFormat.cacheEnabled=false');
  assert.equal(t.urlOptions, undefined);
});
