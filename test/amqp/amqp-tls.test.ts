/**
 * amqp+ssl:// from activemq.xml, and SASL EXTERNAL: a client that presents a trusted certificate logs in with
 * it, and the certificate chain reaches the broker's authentication filters (ConnectionInfo.peerCertificates).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import rhea, { type EventContext } from 'rhea';
import { startXmlBroker, type TestBroker } from '../tls/broker.js';
import { brokerXml } from '../tls/cli.js';
import { makeTestStores, sslContextXml, STORE_PASSWORD, TRUST_PASSWORD, type TestStores } from '../tls/stores.js';
import { closeConnection, openReceiver, openSender, waitFor } from './helpers.js';

let s: TestStores;
let broker: TestBroker;
let tls: { ca: Buffer; key: Buffer; cert: Buffer };

before(async () => {
  s = await makeTestStores();
  const [ca, key, cert] = await Promise.all([readFile(s.caPem), readFile(s.clientKey), readFile(s.clientCert)]);
  tls = { ca, key, cert };
  broker = await startXmlBroker(
    brokerXml(`${sslContextXml({
      keyStore: s.brokerJks,
      keyStorePassword: STORE_PASSWORD,
      trustStore: s.trustP12,
      trustStorePassword: TRUST_PASSWORD,
    })}
    <transportConnectors>
      <transportConnector name="amqps" uri="amqp+ssl://127.0.0.1:0?transport.needClientAuth=true"/>
    </transportConnectors>`),
  );
});
after(async () => {
  await broker?.stop();
  await s?.cleanup();
});

test('SASL EXTERNAL over amqp+ssl:// with a client certificate', async () => {
  const container = rhea.create_container({ id: 'tls-client' });
  const c = container.connect({
    host: 'localhost',
    port: broker.port('amqps'),
    transport: 'tls',
    ca: [tls.ca],
    key: tls.key,
    cert: tls.cert,
    enable_sasl_external: true,
    reconnect: false,
  } as unknown as Parameters<typeof container.connect>[0]);
  c.on('error', () => {});
  c.on('disconnected', () => {});
  await new Promise((resolve, reject) => {
    c.once('connection_open', resolve);
    c.once('connection_error', (ctx: EventContext) => reject(new Error(JSON.stringify(ctx.connection.error))));
  });
  const info = broker.connections.at(-1)!;
  assert.equal(info.protocol, 'amqp');
  assert.equal(info.secure, true);
  assert.equal(info.userName, null);
  assert.ok((info.peerCertificates?.length ?? 0) >= 1, 'the certificate chain reaches the authentication filters');
  const r = await openReceiver(c, { source: 'tls.q' });
  const got: unknown[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!.body));
  const snd = await openSender(c, { target: 'tls.q' });
  snd.send({ body: 'over TLS' });
  await waitFor(() => got.length === 1, 'message over TLS');
  await closeConnection(c);
});
