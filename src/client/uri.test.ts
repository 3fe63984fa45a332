import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClientUri } from './uri.js';

test('tcp and ssl URIs: host, port, the nio aliases, IPv6, default port', () => {
  const t = parseClientUri('tcp://broker:1234');
  assert.equal(t.failover, null);
  assert.deepEqual([t.brokers[0]!.scheme, t.brokers[0]!.host, t.brokers[0]!.port], ['tcp', 'broker', 1234]);
  assert.equal(parseClientUri('nio+ssl://h:5').brokers[0]!.scheme, 'ssl');
  assert.equal(parseClientUri('nio://h').brokers[0]!.port, 61616);
  assert.equal(parseClientUri('tcp://[::1]:7').brokers[0]!.host, '::1');
});

test('options by prefix: wireFormat.*, socket.* (and the bare TcpTransport names), jms.*', () => {
  const u = parseClientUri(
    'tcp://h:1?wireFormat.tightEncodingEnabled=false&socket.keepAlive=true&tcpNoDelay=false&connectionTimeout=5&jms.useAsyncSend=true&jms.prefetchPolicy.topicPrefetch=7&jms.clientID=c1',
  );
  const b = u.brokers[0]!;
  assert.equal(b.transport.wireFormat.get('tightEncodingEnabled'), 'false');
  assert.equal(b.transport.socket.keepAlive, true);
  assert.equal(b.transport.socket.tcpNoDelay, false);
  assert.equal(b.transport.connectionTimeout, 5);
  assert.equal(u.jms.useAsyncSend, true);
  assert.equal(u.jms.prefetch.topicPrefetch, 7);
  assert.equal(u.jms.prefetch.queuePrefetch, 1000);
  assert.equal(u.jms.clientID, 'c1');
});

test('leftover and malformed options are refused with ActiveMQ’s text', () => {
  assert.throws(() => parseClientUri('tcp://h:1?soTimeOut=1'), /Invalid connect parameters: \{soTimeOut=1\}/);
  assert.throws(() => parseClientUri('tcp://h:1?socket.keepAlive=yes'), /socket.keepAlive: 'yes' is not true or false/);
  assert.throws(() => parseClientUri('tcp://h:1?jms.prefetchPolicy.all=-1'), /is not a valid number/);
  assert.throws(() => parseClientUri('http://h:1'), /not a tcp:\/\/ or ssl:\/\//);
  assert.throws(() => parseClientUri('tcp://h:70000'), /bad port/);
  assert.throws(() => parseClientUri('failover:(tcp://a:1'), /unbalanced parentheses/);
  assert.throws(() => parseClientUri('failover:()'), /no broker URI/);
});

test('failover: the three spellings, nested.* options, per-URI options, priorityURIs', () => {
  for (const text of [
    'failover:(tcp://a:1,tcp://b:2)',
    'failover://(tcp://a:1,tcp://b:2)',
    'failover:tcp://a:1,tcp://b:2',
  ]) {
    assert.deepEqual(
      parseClientUri(text).brokers.map((b) => `${b.host}:${b.port}`),
      ['a:1', 'b:2'],
      text,
    );
  }
  const u = parseClientUri(
    'failover:(tcp://a:1?wireFormat.cacheEnabled=false,tcp://b:2)?nested.connectionTimeout=9&priorityURIs=tcp://b:2&backup=true',
  );
  assert.equal(u.brokers[0]!.transport.wireFormat.get('cacheEnabled'), 'false');
  assert.equal(u.brokers[1]!.transport.wireFormat.has('cacheEnabled'), false);
  assert.deepEqual(
    u.brokers.map((b) => b.transport.connectionTimeout),
    [9, 9],
  );
  assert.deepEqual(u.failover!.priorityURIs, ['tcp://b:2']);
  assert.equal(u.failover!.backup, true);
});
