import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkConnectorDefaults } from '../config/sections/transport.js';
import { fromNetworkProperties, networkProperties } from './network-properties.js';

const defaults = networkConnectorDefaults('static:(tcp://x:61616)');

test('settings and destination lists survive the round trip through BrokerInfo.networkProperties', () => {
  const c = {
    ...defaults,
    name: 'east',
    syncDurableSubs: true,
    consumerTTL: 3,
    dynamicallyIncludedDestinations: [
      { type: 'topic' as const, name: 'orders.>' },
      { type: 'queue' as const, name: 'a b' },
    ],
    excludedDestinations: [{ type: 'tempQueue' as const, name: '>' }],
  };
  const back = fromNetworkProperties(networkProperties(c), defaults);
  assert.equal(back.name, 'east');
  assert.equal(back.syncDurableSubs, true);
  assert.equal(back.consumerTTL, 3);
  assert.deepEqual(back.dynamicallyIncludedDestinations, c.dynamicallyIncludedDestinations);
  assert.deepEqual(back.excludedDestinations, c.excludedDestinations);
  assert.deepEqual(back.staticallyIncludedDestinations, []);
  // An empty list is left out, as IntrospectionSupport leaves out a null value.
  assert.doesNotMatch(networkProperties(defaults), /IncludedDestinations|excludedDestinations/);
});

test('the lists as ActiveMQ writes them; malformed or oversized ones are ignored', () => {
  const text = [
    '#Thu Dec 03 18:00:00 UTC 2026',
    'dynamicallyIncludedDestinations=[topic\\://orders.>, plain]',
    'excludedDestinations=queue\\://not-a-list',
    `staticallyIncludedDestinations=[${Array.from({ length: 1001 }, (_, i) => `q${i}`).join(',')}]`,
  ].join('\n');
  const c = fromNetworkProperties(text, defaults);
  assert.deepEqual(c.dynamicallyIncludedDestinations, [
    { type: 'topic', name: 'orders.>' },
    { type: 'queue', name: 'plain' },
  ]);
  assert.deepEqual(c.excludedDestinations, []);
  assert.deepEqual(c.staticallyIncludedDestinations, []);
});
