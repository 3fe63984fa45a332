import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DestinationMap, overlaps } from './destination-map.js';
import { Destination } from '../model/destination.js';

const s = (x: string): string[] => x.split('.');

test('overlap of plain names and wildcards', () => {
  assert.equal(overlaps(s('A.B'), s('A.B')), true);
  assert.equal(overlaps(s('A.B'), s('A.C')), false);
  assert.equal(overlaps(s('A.>'), s('A.B.C')), true);
  assert.equal(overlaps(s('A.>'), s('A')), true);
  assert.equal(overlaps(s('A.*'), s('A.B')), true);
  assert.equal(overlaps(s('A.*'), s('A.B.C')), false);
  assert.equal(overlaps(s('A.*.C'), s('A.>')), true);
  assert.equal(overlaps(s('>'), s('X.Y')), true);
  assert.equal(overlaps(s('ActiveMQ.Advisory.>'), s('ActiveMQ.Advisory.Consumer.Queue.X')), true);
});

test('lookups return every overlapping entry of the same kind', () => {
  const m = new DestinationMap<string>();
  m.put(Destination.queue('>'), 'all-queues');
  m.put(Destination.queue('ORDERS.>'), 'orders');
  m.put(Destination.topic('ORDERS.>'), 'topic-orders');
  m.put(Destination.queue('ORDERS.EU'), 'eu');
  assert.deepEqual(m.get(Destination.queue('ORDERS.EU')), ['all-queues', 'orders', 'eu']);
  assert.deepEqual(m.get(Destination.queue('ORDERS.US')), ['all-queues', 'orders']);
  assert.deepEqual(m.get(Destination.queue('ORDERS.*')), ['all-queues', 'orders', 'eu']);
  assert.deepEqual(m.get(Destination.topic('ORDERS.EU')), ['topic-orders']);
});

test('a literal element ending in > is not a wildcard', () => {
  const m = new DestinationMap<string>();
  m.put(Destination.topic('Consumer.*.VirtualTopic.alfresco.repo.events.nodes>'), 'seed');
  assert.deepEqual(m.get(Destination.topic('Consumer.x.VirtualTopic.alfresco.repo.events.nodes')), []);
  assert.deepEqual(m.get(Destination.topic('Consumer.x.VirtualTopic.alfresco.repo.events.nodes>')), ['seed']);
});

test('choose picks the most specific matching entry', () => {
  const m = new DestinationMap<string>();
  m.put(Destination.queue('>'), 'default');
  m.put(Destination.queue('ORDERS.>'), 'orders');
  m.put(Destination.queue('ORDERS.EU'), 'eu');
  assert.equal(m.choose(Destination.queue('ORDERS.EU')), 'eu');
  assert.equal(m.choose(Destination.queue('ORDERS.US')), 'orders');
  assert.equal(m.choose(Destination.queue('OTHER')), 'default');
  assert.equal(m.choose(Destination.topic('OTHER')), undefined);
});
