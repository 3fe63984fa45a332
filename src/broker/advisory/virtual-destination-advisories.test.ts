import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Destination } from '../../model/destination.js';
import { VirtualDestinationMatcher, virtualDestinationConsumerAdvisory } from './virtual-destination-advisories.js';

const matcher = new VirtualDestinationMatcher([
  { kind: 'virtualTopic', prefix: 'Consumer.*.' },
  { kind: 'composite', destination: Destination.topic('Orders.All'), forwardTo: [Destination.queue('Orders.Archive')] },
]);

test('a consumer queue of a virtual topic creates demand for the topic it is named after', () => {
  assert.equal(
    matcher.demandFor(Destination.queue('Consumer.A.VirtualTopic.Orders')),
    Destination.topic('VirtualTopic.Orders'),
  );
  // As DestinationFilterVirtualDestinationMatcher: any queue under the prefix, whatever follows it.
  assert.equal(matcher.demandFor(Destination.queue('Consumer.B.Prices.EU')), Destination.topic('Prices.EU'));
  assert.equal(matcher.demandFor(Destination.topic('Consumer.A.VirtualTopic.Orders')), null);
  assert.equal(matcher.demandFor(Destination.queue('Other.A.VirtualTopic.Orders')), null);
  assert.equal(
    matcher.demandFor(Destination.queue('Consumer.*.VirtualTopic.Orders')),
    null,
    'a wildcard is no consumer queue',
  );
});

test('a forwardTo destination of a composite creates demand for the composite', () => {
  assert.equal(matcher.demandFor(Destination.queue('Orders.Archive')), Destination.topic('Orders.All'));
  assert.equal(matcher.demandFor(Destination.topic('Orders.Archive')), null);
});

test('the advisory topic names are AdvisorySupport.getVirtualDestinationConsumerAdvisoryTopic', () => {
  assert.equal(
    virtualDestinationConsumerAdvisory(Destination.topic('VirtualTopic.Orders')),
    'ActiveMQ.Advisory.VirtualDestination.Consumer.Topic.VirtualTopic.Orders',
  );
  assert.equal(
    virtualDestinationConsumerAdvisory(Destination.queue('Composite.Q')),
    'ActiveMQ.Advisory.VirtualDestination.Consumer.Queue.Composite.Q',
  );
});
