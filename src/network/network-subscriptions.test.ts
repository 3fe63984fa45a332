import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Destination } from '../model/destination.js';
import { NetworkSubscriptions, type NetworkDemand } from './network-subscriptions.js';

function demand(consumerId: string, ids: string[], destination = Destination.topic('t')): NetworkDemand {
  return { consumerId, destination, networkConsumerIds: ids, priority: 0, durable: false, remove: async () => {} };
}

test('finds the earliest demand that serves one of the ids, in the same region, and forgets removed ones', () => {
  const r = new NetworkSubscriptions();
  const removed: string[] = [];
  r.on('removed', (d: NetworkDemand) => removed.push(d.consumerId));
  r.add(demand('d1', ['c1']));
  r.add(demand('d2', ['c2', 'c1']));
  r.add(demand('q1', ['c3'], Destination.queue('q')));
  assert.equal(r.serving(Destination.topic('t'), ['c9', 'c1'])?.consumerId, 'd1');
  assert.equal(r.serving(Destination.topic('t'), ['c2'])?.consumerId, 'd2');
  assert.equal(r.serving(Destination.topic('t'), ['c3']), undefined, 'a queue demand does not serve a topic');
  assert.equal(r.serving(Destination.queue('q'), ['c3'])?.consumerId, 'q1');
  r.delete('d1');
  assert.deepEqual(removed, ['d1']);
  assert.equal(r.serving(Destination.topic('t'), ['c1'])?.consumerId, 'd2');
  r.delete('d2');
  assert.equal(r.serving(Destination.topic('t'), ['c1']), undefined);
  assert.equal(r.size, 1);
});
