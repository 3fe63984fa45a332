import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activemqJvmOptions, activemqXml } from './activemq.js';
import { startedConnectors } from './tidemq.js';

test('persistent configuration: KahaDB in the temp dir, both connectors on 127.0.0.1, no JMX', () => {
  const xml = activemqXml({ ports: { openwire: 1234, stomp: 5678 }, persistent: true, dataDir: '/tmp/x&y' });
  assert.match(xml, /persistent="true"/);
  assert.match(xml, /useJmx="false"/);
  assert.match(xml, /<kahaDB directory="\/tmp\/x&amp;y\/kahadb"\/>/);
  assert.match(xml, /uri="tcp:\/\/127\.0\.0\.1:1234"/);
  assert.match(xml, /uri="stomp:\/\/127\.0\.0\.1:5678\?transport\.tcpNoDelay=true"/);
  assert.doesNotMatch(xml, /jetty|plugins|authentication/i);
});

test('non-persistent configuration has no store', () => {
  const xml = activemqXml({ ports: { openwire: 1, stomp: 2 }, persistent: false, dataDir: '/d' });
  assert.match(xml, /persistent="false"/);
  assert.doesNotMatch(xml, /kahaDB/);
});

test('a memoryUsage limit goes into systemUsage, the element both brokers read; none by default', () => {
  const ports = { openwire: 1, stomp: 2 };
  const xml = activemqXml({ ports, persistent: true, dataDir: '/d', memoryLimit: '64 mb' });
  assert.match(
    xml,
    /<systemUsage><systemUsage><memoryUsage><memoryUsage limit="64 mb"\/><\/memoryUsage><\/systemUsage><\/systemUsage>/,
  );
  assert.doesNotMatch(activemqXml({ ports, persistent: true, dataDir: '/d' }), /systemUsage/);
});

test('JVM options default to upstream ActiveMQ and can be overridden', () => {
  assert.deepEqual(activemqJvmOptions({}), ['-Xms64M', '-Xmx1G']);
  assert.deepEqual(activemqJvmOptions({ BENCH_ACTIVEMQ_OPTS: ' -Xmx2G  -Xms2G ' }), ['-Xmx2G', '-Xms2G']);
});

test('TideMQ readiness reads the connector lines of the start contract', () => {
  const m = startedConnectors([
    'info: starting',
    'Connector openwire started at tcp://127.0.0.1:61616',
    '2025-01-01 INFO Connector stomp started at stomp://127.0.0.1:61613',
  ]);
  assert.equal(m.get('openwire'), 'tcp://127.0.0.1:61616');
  assert.equal(m.get('stomp'), 'stomp://127.0.0.1:61613');
  assert.equal(m.size, 2);
});
