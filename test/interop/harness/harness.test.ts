import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activemqXml } from './activemq-broker.js';
import { hostAndPort, selectedBrokerKind } from './broker.js';
import { parseResultLine, unescapeLine } from './java-driver.js';
import { parseConnectorLine } from './tidemq-broker.js';

test('reads the connector lines TideMQ announces', () => {
  assert.deepEqual(parseConnectorLine('12:00:01 INFO Connector openwire started at tcp://127.0.0.1:40123'), {
    name: 'openwire',
    url: 'tcp://127.0.0.1:40123',
  });
  assert.deepEqual(parseConnectorLine('Connector stomp started at stomp://127.0.0.1:40124'), {
    name: 'stomp',
    url: 'stomp://127.0.0.1:40124',
  });
  assert.equal(parseConnectorLine('Connector openwire stopped'), undefined);
  assert.deepEqual(hostAndPort('stomp://127.0.0.1:40124'), { host: '127.0.0.1', port: 40124 });
  assert.deepEqual(hostAndPort('tcp://[::1]:61616?x=1'), { host: '::1', port: 61616 });
  assert.throws(() => hostAndPort('tcp://127.0.0.1'), /no host:port/);
  assert.throws(() => hostAndPort('tcp://127.0.0.1:70000'), /no host:port/);
});

test('reads the Java driver result lines', () => {
  assert.deepEqual(parseResultLine('@@RESULT\t7\tFAIL\tline one\\nline\\ttwo \\\\n'), {
    id: '7',
    passed: false,
    text: 'line one\nline\ttwo \\n',
  });
  assert.deepEqual(parseResultLine('@@RESULT\t8\tPASS\tok'), { id: '8', passed: true, text: 'ok' });
  assert.equal(parseResultLine('@@RESULT\t8\tMAYBE\tok'), undefined);
  assert.equal(parseResultLine('SLF4J: something'), undefined);
  assert.equal(unescapeLine('a\\\\b'), 'a\\b');
});

test('INTEROP_BROKER selects the broker and rejects anything else', () => {
  assert.equal(selectedBrokerKind({}), 'tidemq');
  assert.equal(selectedBrokerKind({ INTEROP_BROKER: 'activemq' }), 'activemq');
  assert.throws(() => selectedBrokerKind({ INTEROP_BROKER: 'artemis' }), /tidemq or activemq/);
});

test('the generated activemq.xml binds loopback ports and escapes the data path', () => {
  const xml = activemqXml({ dataDir: '/tmp/a&b', openwirePort: 41000, stompPort: 41001 });
  assert.match(xml, /uri="tcp:\/\/127\.0\.0\.1:41000"/);
  assert.match(xml, /uri="stomp:\/\/127\.0\.0\.1:41001"/);
  assert.match(xml, /dataDirectory="\/tmp\/a&amp;b"/);
  assert.match(xml, /useJmx="false"/);
  assert.match(xml, /<simpleAuthenticationPlugin anonymousAccessAllowed="true">/);
});
