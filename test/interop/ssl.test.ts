import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { ACTIVEMQ_USER } from './harness/activemq-broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';
import { startXmlBroker, type XmlBroker } from './harness/xml-broker.js';
import {
  CLIENT_PASSWORD,
  makeTestStores,
  STORE_PASSWORD,
  TRUST_PASSWORD,
  xmlEscape,
  type TestStores,
} from '../tls/stores.js';

/**
 * SSL interop: the ActiveMQ 5.17 Java client's ActiveMQSslConnectionFactory (set up as the SSL transport
 * reference's Spring example) against the broker INTEROP_BROKER names, both started from the same
 * activemq.xml with an <sslContext>. One broker holds JKS stores and is reached with PKCS#12 client stores,
 * the other the reverse. Debian's ActiveMQ has no WebSocket transport (no activemq-http), so wss:// runs
 * against TideMQ only.
 */
const kind = selectedBrokerKind();

/**
 * What the Java client reports when needClientAuth refuses it, the same against ActiveMQ and TideMQ. The
 * ActiveMQ client's SSLSocket handshakes lazily, on its first write (the WireFormatInfo), and the broker's
 * alert then surfaces as whichever socket error the timing gives: the handshake exception, a broken pipe or
 * reset, a closed outbound side, or (TLS 1.3, where the client's side of the handshake ends first) the
 * failed transport on the next send.
 * JDK 17.0.21 and later put the alert name in parentheses before that text: "(handshake_failure) Received fatal alert".
 */
const REFUSED =
  /^ssl-refused passed in \d+ ms: javax\.jms\.JMSException: (Could not connect to broker URL: ssl:\/\/\S+ Reason: (java\.net\.SocketException: (Broken pipe|Connection reset|Connection or outbound has closed)|javax\.net\.ssl\.SSL(Handshake)?Exception: (\(\w+\) )?Received fatal alert: (bad_certificate|handshake_failure|certificate_required))|Cannot send, channel has already failed: tcp:\/\/\S+ <- org\.apache\.activemq\.transport\.InactivityIOException)/;

function activemqXml(
  s: TestStores,
  stores: 'jks' | 'p12',
  connectors: Readonly<Record<string, string>>,
): (ports: Readonly<Record<string, number>>, dataDir: string) => string {
  const ks = stores === 'jks' ? s.brokerJks : s.brokerP12;
  const ts = stores === 'jks' ? s.trustJks : s.trustP12;
  const type = stores === 'jks' ? 'jks' : 'pkcs12';
  return (ports, dataDir) => `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop-ssl" useJmx="false"
          persistent="false" schedulerSupport="false" dataDirectory="${xmlEscape(dataDir)}">
    <sslContext>
      <sslContext keyStore="${xmlEscape(ks)}" keyStorePassword="${STORE_PASSWORD}" keyStoreType="${type}"
                  trustStore="${xmlEscape(ts)}" trustStorePassword="${TRUST_PASSWORD}" trustStoreType="${type}"/>
    </sslContext>
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="true">
        <users>
          <authenticationUser username="${ACTIVEMQ_USER.user}" password="${ACTIVEMQ_USER.password}" groups="users"/>
        </users>
      </simpleAuthenticationPlugin>
    </plugins>
    <transportConnectors>
${Object.entries(connectors)
  .map(
    ([name, uri]) =>
      `      <transportConnector name="${name}" uri="${xmlEscape(uri.replace('PORT', String(ports[name])))}"/>`,
  )
  .join('\n')}
    </transportConnectors>
  </broker>
</beans>
`;
}

/** A STOMP 1.2 client over TLS sending to itself: CONNECT, SUBSCRIBE, SEND with receipt, MESSAGE. */
async function stompOverTls(url: string, ca: Buffer): Promise<string> {
  const { hostname, port } = new URL(url.replace(/^[a-z+]+:/, 'http:'));
  const socket: TLSSocket = await new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => resolve(s));
    s.once('error', reject);
  });
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const until = async (p: RegExp): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!p.test(text)) {
      if (Date.now() > deadline) throw new Error(`STOMP over TLS: no ${p} in ${JSON.stringify(text)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  socket.write('CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n\n\0');
  await until(/^CONNECTED\n/);
  socket.write('SUBSCRIBE\nid:1\ndestination:/queue/interop.stomp.ssl\nreceipt:s1\n\n\0');
  await until(/receipt-id:s1/);
  socket.write('SEND\ndestination:/queue/interop.stomp.ssl\nreceipt:m1\n\nsecure hello\0');
  await until(/MESSAGE\n[^\0]*\n\nsecure hello\0/);
  socket.end('DISCONNECT\n\n\0');
  return socket.getProtocol() ?? '';
}

describe(`SSL interop with ActiveMQSslConnectionFactory (broker: ${kind})`, () => {
  let s: TestStores;
  let driver: JavaDriver;
  let jksBroker: XmlBroker;
  let p12Broker: XmlBroker;
  let ca: Buffer;

  before(async () => {
    const classes = await buildInteropClasses();
    s = await makeTestStores();
    ca = readFileSync(s.caPem);
    // ActiveMQ 5.17's client applies socket.* URI options by reflection on the JDK's SSLSocketImpl, which
    // Java 17 forbids unless the package is opened (without it: "Invalid socket parameters: {…}").
    driver = new JavaDriver(classes.clientClasspath, 'SslScenarios', [
      '--add-opens=java.base/sun.security.ssl=ALL-UNNAMED',
    ]);
    const jksConnectors: Record<string, string> = {
      ssl: 'ssl://127.0.0.1:PORT',
      sslneed: 'ssl://127.0.0.1:PORT?transport.needClientAuth=true',
      stompssl: 'stomp+ssl://127.0.0.1:PORT',
      autossl: 'auto+ssl://127.0.0.1:PORT',
    };
    if (kind === 'tidemq') jksConnectors['wss'] = 'wss://127.0.0.1:PORT';
    const p12Connectors = {
      ssl: 'nio+ssl://127.0.0.1:PORT',
      sslneed: 'ssl://127.0.0.1:PORT?transport.needClientAuth=true',
    };
    // One at a time: two brokers starting together on two shared cores is slower than in turn.
    jksBroker = await startXmlBroker(kind, classes, Object.keys(jksConnectors), activemqXml(s, 'jks', jksConnectors));
    p12Broker = await startXmlBroker(kind, classes, Object.keys(p12Connectors), activemqXml(s, 'p12', p12Connectors));
  });

  after(async () => {
    await driver?.close();
    await jksBroker?.stop();
    await p12Broker?.stop();
    await s?.cleanup();
  });

  const url = (b: XmlBroker, name: string): string => {
    const u = b.urls.get(name);
    assert.ok(u, `connector ${name}`);
    // The Java client speaks ssl:// to every TLS OpenWire connector (nio+ssl and auto+ssl included).
    return u.replace(/^[a-z+]+:/, 'ssl:');
  };
  const clientP12 = (): string[] => [s.trustP12, TRUST_PASSWORD, s.clientP12, CLIENT_PASSWORD];
  const clientJks = (): string[] => [s.trustJks, TRUST_PASSWORD, s.clientJks, CLIENT_PASSWORD];
  const trustOnly = (): string[] => [s.trustP12, TRUST_PASSWORD, '-', '-'];

  test('(a) ssl:// with only a truststore (JKS broker, PKCS#12 client truststore)', async () => {
    const note = await driver.run('ssl-send-receive', [url(jksBroker, 'ssl'), ...trustOnly()]);
    assert.match(note, /protocol=TLSv1\.[23] cipher=TLS_/);
  });

  test('(b) needClientAuth with a client keystore works', async () => {
    await driver.run('ssl-send-receive', [url(jksBroker, 'sslneed'), ...clientP12()]);
  });

  test('(b) needClientAuth without a client keystore is refused during the handshake', async () => {
    // Over TLS 1.2 the broker refuses before the handshake ends; over TLS 1.3 after the client's side of it.
    const tls12 = await driver.run('ssl-refused', [
      `${url(jksBroker, 'sslneed')}?socket.enabledProtocols=TLSv1.2`,
      ...trustOnly(),
    ]);
    assert.match(tls12, REFUSED);
    const tls13 = await driver.run('ssl-refused', [url(jksBroker, 'sslneed'), ...trustOnly()]);
    assert.match(tls13, REFUSED);
  });

  test('(c) socket.enabledCipherSuites on the client URI picks that suite', async () => {
    const note = await driver.run('ssl-send-receive', [
      `${url(jksBroker, 'ssl')}?socket.enabledCipherSuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`,
      ...trustOnly(),
    ]);
    assert.match(note, /protocol=TLSv1\.2 cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
  });

  test('(d) PKCS#12 broker stores with JKS client stores, both ways', async () => {
    await driver.run('ssl-send-receive', [url(p12Broker, 'ssl'), s.trustJks, TRUST_PASSWORD, '-', '-']);
    await driver.run('ssl-send-receive', [url(p12Broker, 'sslneed'), ...clientJks()]);
    const note = await driver.run('ssl-refused', [
      `${url(p12Broker, 'sslneed')}?socket.enabledProtocols=TLSv1.2`,
      s.trustJks,
      TRUST_PASSWORD,
      '-',
      '-',
    ]);
    assert.match(note, REFUSED);
  });

  test('simpleAuthenticationPlugin over ssl://: a wrong password is a JMSSecurityException', async () => {
    await driver.run('ssl-wrong-credentials', [
      url(jksBroker, 'ssl'),
      ...trustOnly(),
      ACTIVEMQ_USER.user,
      ACTIVEMQ_USER.password,
    ]);
  });

  test('STOMP over stomp+ssl://', async () => {
    assert.match(await stompOverTls(jksBroker.urls.get('stompssl')!, ca), /^TLSv1\.[23]$/);
  });

  test('auto+ssl:// is reached by OpenWire (Java client) and by STOMP', async () => {
    await driver.run('ssl-send-receive', [url(jksBroker, 'autossl'), ...trustOnly()]);
    await stompOverTls(jksBroker.urls.get('autossl')!, ca);
  });

  test('STOMP over wss:// with a browser-style client', async (t) => {
    if (kind !== 'tidemq') {
      t.skip("Debian's ActiveMQ ships without activemq-http, so it has no ws:// or wss:// transport");
      return;
    }
    const { port } = new URL(jksBroker.urls.get('wss')!.replace(/^wss:/, 'https:'));
    const received: string[] = [];
    const client = new Client({
      webSocketFactory: () => new WebSocket(`wss://localhost:${port}/`, ['v12.stomp'], { ca }),
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      connectHeaders: { host: 'localhost' },
    });
    await new Promise<void>((resolve, reject) => {
      client.onConnect = () => resolve();
      client.onWebSocketError = () => reject(new Error('WebSocket error'));
      client.activate();
    });
    client.subscribe('/topic/interop.wss', (m) => received.push(m.body));
    await new Promise<void>((resolve) => {
      client.watchForReceipt('ready', () => resolve());
      client.publish({ destination: '/queue/interop.wss.warmup', headers: { receipt: 'ready' } });
    });
    client.publish({ destination: '/topic/interop.wss', body: 'over wss' });
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(received, ['over wss']);
    await client.deactivate();
  });
});
