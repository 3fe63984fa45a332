import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ClientError, Connection } from '../../src/client/index.js';
import { brokerXml } from '../tls/cli.js';
import { startXmlBroker, type TestBroker } from '../tls/broker.js';
import {
  CLIENT_PASSWORD,
  makeTestStores,
  sslContextXml,
  STORE_PASSWORD,
  TRUST_PASSWORD,
  type TestStores,
} from '../tls/stores.js';

/**
 * ssl:// with the key material a Java client uses: a JKS truststore holding the test CA and a PKCS#12 keystore with
 * the client's certificate, against a connector that needs client authentication.
 */
let s: TestStores;
let broker: TestBroker;
let url: string;

before(async () => {
  s = await makeTestStores();
  broker = await startXmlBroker(
    brokerXml(`${sslContextXml({
      keyStore: s.brokerJks,
      keyStorePassword: STORE_PASSWORD,
      trustStore: s.trustJks,
      trustStorePassword: TRUST_PASSWORD,
    })}
      <transportConnectors>
        <transportConnector name="ssl" uri="ssl://127.0.0.1:0?transport.needClientAuth=true"/>
      </transportConnectors>`),
  );
  url = `ssl://localhost:${broker.port('ssl')}`;
});
after(async () => {
  await broker?.stop();
  await s?.cleanup();
});

test('ssl:// with a JKS truststore and a PKCS#12 client keystore: messages flow', async () => {
  const c = await Connection.connect(url, {
    tls: {
      trustStore: s.trustJks,
      trustStorePassword: TRUST_PASSWORD,
      keyStore: s.clientP12,
      keyStorePassword: CLIENT_PASSWORD,
    },
  });
  try {
    const session = await c.createSession();
    const p = await session.createProducer('queue://ssl.q');
    await p.send('over tls');
    const consumer = await session.createConsumer('queue://ssl.q');
    assert.equal((await consumer.receive(5000))?.text, 'over tls');
  } finally {
    await c.close();
  }
});

test('ssl:// refuses a broker whose certificate it does not trust', async () => {
  await assert.rejects(
    Connection.connect(`${url}?connectionTimeout=5000`, {
      tls: { keyStore: s.clientP12, keyStorePassword: CLIENT_PASSWORD },
    }),
    (e: unknown) => {
      assert.ok(e instanceof ClientError);
      assert.equal(e.code, 'ERR_CLIENT_TRANSPORT');
      assert.match(e.message, /certificate/);
      return true;
    },
  );
});

test('without a client certificate the broker (needClientAuth) closes the connection', async () => {
  await assert.rejects(
    Connection.connect(`${url}?connectionTimeout=5000`, {
      tls: { trustStore: s.trustJks, trustStorePassword: TRUST_PASSWORD },
    }),
    ClientError,
  );
});
