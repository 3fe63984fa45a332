/**
 * /metrics scraped and parsed as Prometheus does, with the cardinality bound; the web server over HTTPS with a
 * PKCS#12 key store made by the TLS test fixtures.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { startWebBroker, ADMIN } from '../support/management/web-broker.js';
import { BrokerManagement } from '../../src/management/broker-management.js';
import { managementHost } from '../../src/server/management-host.js';
import { MetricsRoute } from '../../src/web/metrics.js';
import { loadSslContext } from '../../src/transport/tls/index.js';
import { makeTlsFixtures, STORE_PASSWORD } from '../support/transport/tls/test-fixtures.js';
import { startBroker } from '../stomp/helpers.js';

/** Prometheus text format → name{labels} → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)/.exec(line);
    assert.ok(m, `unparsable line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

test('metrics: per-destination and broker series, connections per connector, Node defaults', async (t) => {
  const w = await startWebBroker(t);
  for (let i = 0; i < 3; i++)
    await w.call('/api/message/orders?type=queue', { method: 'POST', body: new URLSearchParams({ body: `o${i}` }) });
  await w.call('/api/message/orders?type=queue&readTimeout=1000');
  // The GC histogram has series only once a collection happened; a short test may see none unless one is forced.
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  await new Promise((r) => setImmediate(r));
  const res = await w.call('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const m = parse(await res.text());
  assert.equal(m.get('tidemq_destination_messages{destination="orders",type="queue"}'), 2);
  assert.equal(m.get('tidemq_destination_enqueued_total{destination="orders",type="queue"}'), 3);
  assert.equal(m.get('tidemq_destination_dequeued_total{destination="orders",type="queue"}'), 1);
  assert.equal(m.get('tidemq_destination_dispatched_total{destination="orders",type="queue"}'), 1);
  assert.ok((m.get('tidemq_destination_memory_bytes{destination="orders",type="queue"}') ?? 0) > 0);
  assert.equal(m.get('tidemq_connections{connector="stomp"}'), 0);
  assert.ok((m.get('tidemq_memory_usage_bytes') ?? 0) > 0);
  assert.ok(m.has('tidemq_store_size_bytes'));
  assert.ok(m.has('nodejs_eventloop_lag_seconds'), 'event-loop lag');
  assert.ok(
    [...m.keys()].some((k) => k.startsWith('nodejs_gc_duration_seconds')),
    'GC',
  );
  assert.equal((await w.call('/metrics', { auth: null })).status, 401);
});

test('metrics: 2,000 queues and temporary queues stay within the series bound', async (t) => {
  const { service } = await startBroker();
  t.after(() => service.stop());
  const mgmt = new BrokerManagement(managementHost(service));
  for (let i = 0; i < 2000; i++) await mgmt.addQueue(`q${i}`);
  const metrics = new MetricsRoute(mgmt, 100);
  const m = parse(await metrics.registry.metrics());
  const series = [...m.keys()].filter((k) => k.startsWith('tidemq_destination_messages{'));
  assert.equal(series.length, 101, '100 destinations and one _other');
  assert.ok(m.has('tidemq_destination_messages{destination="_other",type="queue"}'));
  assert.equal(m.get('tidemq_destination_series_dropped'), 1900);
  assert.equal(m.get('tidemq_destinations{type="queue"}'), 2000);
});

test('HTTPS with a PKCS#12 key store, as the ssl:// connectors load it', async (t) => {
  const fx = await makeTlsFixtures({ keytool: false });
  t.after(() => fx.cleanup());
  const ssl = await loadSslContext({
    keyStore: fx.brokerOpensslP12,
    keyStorePassword: STORE_PASSWORD,
    keyStoreType: 'pkcs12',
  });
  const w = await startWebBroker(t, { config: { port: -1, httpsPort: 0 }, tls: ssl.secureContextOptions });
  assert.match(w.base, /^https:\/\//);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      `${w.base}/api/v1/broker`,
      { ca: readFileSync(fx.caCert), headers: { Authorization: `Basic ${Buffer.from(ADMIN).toString('base64')}` } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${text}`));
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.match(body, /^200 \{"BrokerId"/);
});
