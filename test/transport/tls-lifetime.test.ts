/**
 * Issues 18.1 and 12.3 over TLS: a client that opens the socket and never handshakes, and one that handshakes
 * then neither sends CONNECT nor reads nor closes, are both released after the connect-attempt timeout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { brokerXml } from '../tls/cli.js';
import { reader, startXmlBroker, stompConnect, tcpClient, tlsClient, waitFor, type TestBroker } from '../tls/broker.js';
import { makeTestStores, sslContextXml, STORE_PASSWORD, type TestStores } from '../tls/stores.js';

let stores: TestStores;
let broker: TestBroker;
let ca: Buffer;

before(async () => {
  stores = await makeTestStores();
  ca = await readFile(stores.caPem);
  const uri =
    'stomp+ssl://127.0.0.1:0?maximumConnections=1&amp;transport.connectAttemptTimeout=300&amp;transport.closeGracePeriod=200';
  broker = await startXmlBroker(
    brokerXml(`${sslContextXml({ keyStore: stores.brokerJks, keyStorePassword: STORE_PASSWORD })}
      <transportConnectors><transportConnector name="ssl" uri="${uri}"/></transportConnectors>`),
  );
});

after(async () => {
  await broker.stop();
  await stores.cleanup();
});

test('a TCP client that never starts the TLS handshake is closed at the connect timeout', async () => {
  const socket = await tcpClient(broker.port('ssl'));
  socket.on('error', () => {});
  const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  const start = Date.now();
  // Node's own default would hold it for 120 s.
  const end = await Promise.race([closedAt, new Promise<number>((r) => setTimeout(() => r(0), 5000))]);
  socket.destroy();
  assert.ok(end > 0, 'closed by the broker within 5 s');
  assert.ok(end - start >= 250, `closed after ${end - start} ms, not before the timeout`);
});

test('a TLS client that handshakes, then neither speaks, reads nor closes, frees the only slot', async () => {
  const port = broker.port('ssl');
  const silent = await tlsClient(port, { ca });
  silent.on('error', () => {});
  silent.pause();
  await waitFor(() => broker.service.connector('ssl').connectionCount === 1, 'silent client accepted');
  await waitFor(() => broker.service.connector('ssl').connectionCount === 0, 'slot freed', 5000);
  silent.destroy();
  const client = await tlsClient(port, { ca });
  const r = reader(client);
  client.write(stompConnect);
  await r.until(/CONNECTED/);
  client.destroy();
});
