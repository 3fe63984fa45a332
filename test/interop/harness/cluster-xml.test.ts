import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterXml, staticUri } from './cluster-xml.js';

test('a cluster member gets its name, its port and static: networkConnectors with attributes, escaped', () => {
  const xml = clusterXml(
    {
      brokerName: 'A',
      networkConnectors: [
        {
          name: 'A-to-B',
          uris: ['tcp://127.0.0.1:41001', 'tcp://127.0.0.1:41002'],
          uriOptions: { initialReconnectDelay: 250, useExponentialBackOff: false },
          attributes: { duplex: true, networkTTL: 2 },
        },
      ],
      policyEntries: '<policyEntry queue=">"/>',
    },
    41000,
    '/tmp/a&b',
  );
  assert.match(xml, /brokerName="A"/);
  assert.match(xml, /<transportConnector name="openwire" uri="tcp:\/\/127\.0\.0\.1:41000"\/>/);
  assert.match(
    xml,
    /<networkConnector name="A-to-B" uri="static:\(tcp:\/\/127\.0\.0\.1:41001,tcp:\/\/127\.0\.0\.1:41002\)\?initialReconnectDelay=250&amp;useExponentialBackOff=false" duplex="true" networkTTL="2"\/>/,
  );
  assert.match(xml, /<policyEntries>\n<policyEntry queue=">"\/>\n/);
  assert.match(xml, /<kahaDB directory="\/tmp\/a&amp;b\/kahadb"\/>/);
});

test('a member without networkConnectors or policies has neither element', () => {
  const xml = clusterXml({ brokerName: 'C', networkConnectors: [], policyEntries: '' }, 41003, '/tmp/c');
  assert.doesNotMatch(xml, /networkConnectors|destinationPolicy/);
  assert.equal(staticUri({ uris: ['tcp://h:1'], uriOptions: {} }), 'static:(tcp://h:1)');
});

test('a networkConnector with children keeps them inside its element', () => {
  const children = '<dynamicallyIncludedDestinations><topic physicalName="sync.>"/></dynamicallyIncludedDestinations>';
  const xml = clusterXml(
    {
      brokerName: 'D',
      networkConnectors: [{ name: 'D-to-E', uris: ['tcp://h:1'], uriOptions: {}, attributes: {}, children }],
      policyEntries: '',
    },
    41004,
    '/tmp/d',
  );
  assert.match(
    xml,
    /<networkConnector name="D-to-E" uri="static:\(tcp:\/\/h:1\)">\n\s+<dynamicallyIncludedDestinations>/,
  );
  assert.match(xml, /<\/dynamicallyIncludedDestinations>\n\s+<\/networkConnector>/);
});

test('extra <broker> attributes are written on the broker element', () => {
  const xml = clusterXml(
    { brokerName: 'E', networkConnectors: [], policyEntries: '', brokerAttributes: { useVirtualDestSubs: true } },
    41005,
    '/tmp/e',
  );
  assert.match(xml, /dataDirectory="\/tmp\/e" useVirtualDestSubs="true">/);
});
