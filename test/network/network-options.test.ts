/**
 * Network connector options beyond the basics (issue 13): an ssl:// peer that wants a client certificate,
 * excluded / dynamically / statically included destinations, staticBridge, masterslave:, and
 * decreaseNetworkConsumerPriority.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Connection, type ClientTlsOptions } from '../../src/client/index.js';
import { waitFor } from '../support/client/broker.js';
import { bridged, demand, networkNode, staticConnector, type NetworkNode } from '../support/network/network-node.js';
import { makeTlsFixtures, STORE_PASSWORD, type TlsFixtures } from '../support/transport/tls/test-fixtures.js';
import { sslContextXml } from '../tls/stores.js';

const running: NetworkNode[] = [];
const clients: Connection[] = [];
let fx: TlsFixtures;
before(async () => {
  fx = await makeTlsFixtures({ keytool: false });
});
after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const n of running) await n.stop().catch(() => {});
  await fx.cleanup();
});

async function started(...nodes: NetworkNode[]): Promise<void> {
  for (const n of nodes) {
    await n.start();
    running.push(n);
  }
}

async function connect(node: NetworkNode, tls?: ClientTlsOptions): Promise<Connection> {
  const c = await Connection.connect(node.url, tls === undefined ? {} : { tls });
  clients.push(c);
  return c;
}

test('an ssl:// peer with needClientAuth: the bridge presents the certificate of the broker’s <sslContext>', async () => {
  const ssl = sslContextXml({
    keyStore: fx.brokerOpensslP12,
    keyStorePassword: STORE_PASSWORD,
    keyStoreType: 'pkcs12',
    trustStore: fx.caCert,
    trustStoreType: 'pem',
  });
  const b = await networkNode('ssl-b', { scheme: 'ssl', uriOptions: 'transport.needClientAuth=true', children: ssl });
  const a = await networkNode('ssl-a', { children: staticConnector([b]) + ssl });
  // Without key material the same bridge is refused by B's TLS handshake.
  const bare = await networkNode('ssl-c', {
    children: staticConnector([b], '', 'initialReconnectDelay=50&maxReconnectDelay=100'),
  });
  await started(b, a, bare);
  await waitFor(() => bridged(a), 'the TLS bridge');
  const tls: ClientTlsOptions = {
    trustStore: fx.caCert,
    keyStore: fx.brokerOpensslP12,
    keyStorePassword: STORE_PASSWORD,
  };
  const consumer = await (await (await connect(b, tls)).createSession()).createConsumer('queue://ssl.q');
  await waitFor(() => demand(a) === 1, 'demand over TLS');
  await (await (await (await connect(a)).createSession()).createProducer('queue://ssl.q')).send('over tls');
  assert.equal((await consumer.receive(5000))?.text, 'over tls');
  await waitFor(() => bare.logs.some((l) => l.includes('could not start a bridge')), 'the bare bridge refused');
  assert.equal(bridged(bare), false);
});

test('excluded, dynamically and statically included destinations, and staticBridge', async () => {
  const b = await networkNode('inc-b');
  const a = await networkNode('inc-a', {
    children: `<networkConnectors>
      <networkConnector name="dyn" uri="static:(${b.url})">
        <excludedDestinations><queue physicalName="orders.secret"/></excludedDestinations>
        <dynamicallyIncludedDestinations><queue physicalName="orders.>"/></dynamicallyIncludedDestinations>
      </networkConnector>
      <networkConnector name="fixed" uri="static:(${b.url})" staticBridge="true">
        <staticallyIncludedDestinations><queue physicalName="always"/></staticallyIncludedDestinations>
      </networkConnector>
    </networkConnectors>`,
  });
  await started(b, a);
  await waitFor(() => a.service!.networkConnectors.every((n) => n.activeBridges().length === 1), 'both bridges');
  const sb = await (await connect(b)).createSession();
  // staticBridge: "always" is forwarded before anyone consumes it on B, without any advisory subscription.
  assert.equal(demand(a), 1, 'the static demand only');
  const pa = await (await (await connect(a)).createSession()).createProducer(null);
  await pa.send('static', { destination: 'queue://always', persistent: true });
  const always = await sb.createConsumer('queue://always');
  assert.equal((await always.receive(5000))?.text, 'static');
  for (const name of ['orders.eu', 'orders.secret', 'invoices']) await sb.createConsumer(`queue://${name}`);
  await waitFor(() => demand(a) === 2, 'demand for orders.eu only');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(demand(a), 2, 'no demand for the excluded queue nor for one outside the included ones');
});

test('masterslave:(master,slave): the bridge reaches whichever of the pair listens', async () => {
  const [down, slave] = [await networkNode('ms-master'), await networkNode('ms-slave')];
  const a = await networkNode('ms-a', {
    children: `<networkConnectors><networkConnector name="ms" uri="masterslave:(${down.url},${slave.url})"/></networkConnectors>`,
  });
  await started(slave, a);
  await waitFor(() => bridged(a), 'the bridge to the slave while the master is down');
  assert.equal(a.service!.networkConnectors[0]!.activeBridges()[0]!.remoteBrokerName, 'ms-slave');
});

test('decreaseNetworkConsumerPriority: a local consumer is served before the network one', async () => {
  const b = await networkNode('prio-b');
  const a = await networkNode('prio-a', { children: staticConnector([b], 'decreaseNetworkConsumerPriority="true"') });
  await started(b, a);
  await waitFor(() => bridged(a), 'the bridge');
  const remote = await (await (await connect(b)).createSession()).createConsumer('queue://prio.q');
  await waitFor(() => demand(a) === 1, 'demand');
  const sa = await (await connect(a)).createSession();
  const local = await sa.createConsumer('queue://prio.q');
  const p = await sa.createProducer('queue://prio.q');
  for (let i = 0; i < 20; i++) await p.send(`m${i}`);
  for (let i = 0; i < 20; i++) assert.equal((await local.receive(5000))?.text, `m${i}`);
  assert.equal(await remote.receive(300), null, 'nothing crossed while the local consumer had room');
});
