/**
 * TLS connectors assembled from activemq.xml (<sslContext> + ssl://, stomp+ssl://, nio+ssl://, …): client
 * authentication and the certificate chain reaching ConnectionInfo, cipher and protocol restrictions,
 * verifyHostName, the debug switch and the plaintext-on-TLS-port log line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { brokerXml } from './cli.js';
import { reader, startXmlBroker, stompConnect, tcpClient, tlsClient, waitFor, type TestBroker } from './broker.js';
import { makeTestStores, sslContextXml, STORE_PASSWORD, TRUST_PASSWORD, type TestStores } from './stores.js';

/**
 * Connects and sends CONNECT, expecting the broker to refuse: resolves with the error code the client saw
 * (during the handshake, or on the first read under TLS 1.3, whose client side finishes before the server
 * has judged its certificate), or 'closed' when the connection just ended; fails if STOMP answered.
 */
async function refusal(port: number, options: ConnectionOptions): Promise<string> {
  let socket: TLSSocket;
  try {
    socket = await tlsClient(port, options);
  } catch (e) {
    return String((e as { code?: string }).code);
  }
  return new Promise<string>((resolve, reject) => {
    socket.once('error', (e: Error & { code?: string }) => resolve(String(e.code)));
    socket.once('close', () => resolve('closed'));
    socket.once('data', (d: Buffer) => reject(new Error(`the broker answered: ${d.toString('latin1')}`)));
    socket.write(stompConnect);
  });
}

describe('TLS connectors from activemq.xml', () => {
  let s: TestStores;
  let broker: TestBroker;
  let ca: Buffer;
  let clientKey: Buffer;
  let clientCert: Buffer;
  let brokerKey: Buffer;
  let brokerCert: Buffer;

  before(async () => {
    s = await makeTestStores();
    [ca, clientKey, clientCert, brokerKey, brokerCert] = await Promise.all([
      readFile(s.caPem),
      readFile(s.clientKey),
      readFile(s.clientCert),
      readFile(s.fx.brokerKey),
      readFile(s.fx.brokerCert),
    ]);
    const c = (name: string, uri: string): string =>
      `<transportConnector name="${name}" uri="${uri.replace(/&/g, '&amp;')}"/>`;
    broker = await startXmlBroker(
      brokerXml(`${sslContextXml({
        keyStore: s.brokerJks,
        keyStorePassword: STORE_PASSWORD,
        trustStore: s.trustP12,
        trustStorePassword: TRUST_PASSWORD,
      })}
      <transportConnectors>
        ${c('stompssl', 'stomp+ssl://127.0.0.1:0')}
        ${c('stompnio', 'stomp+nio+ssl://127.0.0.1:0?transport.needClientAuth=true')}
        ${c('want', 'stomp+ssl://127.0.0.1:0?transport.wantClientAuth=true')}
        ${c('ciphers', 'stomp+ssl://127.0.0.1:0?transport.enabledCipherSuites=ECDHE-RSA-AES128-GCM-SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384')}
        ${c('tls13', 'stomp+ssl://127.0.0.1:0?transport.enabledProtocols=TLSv1.3&transport.tlsDebug=true')}
        ${c('verify', 'stomp+ssl://127.0.0.1:0?transport.needClientAuth=true&transport.verifyHostName=true')}
        ${c('openwiressl', 'nio+ssl://127.0.0.1:0')}
      </transportConnectors>`),
    );
  });
  after(async () => {
    await broker?.stop();
    await s?.cleanup();
  });

  const stompOver = async (socket: TLSSocket): Promise<void> => {
    const r = reader(socket);
    socket.write(stompConnect);
    await r.until(/^CONNECTED\n/);
    socket.end('DISCONNECT\n\n\0');
  };

  test('stomp+ssl:// with only a truststore on the client', async () => {
    const socket = await tlsClient(broker.port('stompssl'), { ca });
    assert.equal(socket.authorized, true, 'the broker certificate verifies against the test CA for localhost');
    await stompOver(socket);
    assert.deepEqual(broker.connections.at(-1)?.peerCertificates, []);
  });

  test('needClientAuth: a trusted client certificate reaches ConnectionInfo.peerCertificates', async () => {
    const socket = await tlsClient(broker.port('stompnio'), { ca, key: clientKey, cert: clientCert });
    await stompOver(socket);
    const chain = broker.connections.at(-1)?.peerCertificates ?? [];
    assert.ok(chain.length >= 1);
    assert.equal(new X509Certificate(Buffer.from(chain[0]!)).subject, 'CN=tidemq-client');
    assert.ok(new X509Certificate(Buffer.from(chain[0]!)).checkIssued(new X509Certificate(ca)));
  });

  test('needClientAuth: a client without a certificate is refused during the handshake', async () => {
    const before = broker.connections.length;
    const code = await refusal(broker.port('stompnio'), { ca });
    assert.match(code, /ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET|closed/);
    await waitFor(() => broker.logs.some((l) => /TLS handshake failed.*needClientAuth/.test(l)), 'the log line');
    assert.equal(broker.connections.length, before, 'no connection reached the broker');
  });

  test('needClientAuth: a certificate from an unknown CA is refused', async () => {
    const other = await readFile(s.fx.clientOtherCaCert);
    const code = await refusal(broker.port('stompnio'), { ca, key: clientKey, cert: other });
    assert.match(code, /ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|ECONNRESET|closed/);
    await waitFor(
      () => broker.logs.some((l) => /TLS handshake failed.*issued by an unknown CA|self-signed/.test(l)),
      'the unknown-CA log line',
    );
  });

  test('wantClientAuth: certificate optional, and only a trusted one is passed on', async () => {
    await stompOver(await tlsClient(broker.port('want'), { ca }));
    assert.deepEqual(broker.connections.at(-1)?.peerCertificates, []);
    await stompOver(await tlsClient(broker.port('want'), { ca, key: clientKey, cert: clientCert }));
    assert.equal(broker.connections.at(-1)?.peerCertificates?.length !== 0, true);
    const other = await readFile(s.fx.clientOtherCaCert);
    await stompOver(await tlsClient(broker.port('want'), { ca, key: clientKey, cert: other }));
    assert.deepEqual(broker.connections.at(-1)?.peerCertificates, [], 'an unverified chain is not exposed');
  });

  test('enabledCipherSuites by OpenSSL name: that suite is negotiated, others refused', async () => {
    const socket = await tlsClient(broker.port('ciphers'), { ca });
    assert.equal(socket.getCipher().standardName, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(socket.getProtocol(), 'TLSv1.2', 'a TLS 1.2-only suite list leaves TLS 1.2 only, as JSSE does');
    await stompOver(socket);
    const refused = await tlsClient(broker.port('ciphers'), {
      ca,
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384',
      maxVersion: 'TLSv1.2',
    }).catch((e: Error) => e);
    assert.ok(refused instanceof Error);
    assert.match(String((refused as { code?: string }).code), /HANDSHAKE_FAILURE/);
    await waitFor(() => broker.logs.some((l) => /no shared cipher/.test(l)), 'the no-shared-cipher log line');
  });

  test('enabledProtocols=TLSv1.3 refuses a TLS 1.2 client; transport.tlsDebug logs each handshake', async () => {
    const socket = await tlsClient(broker.port('tls13'), { ca });
    assert.equal(socket.getProtocol(), 'TLSv1.3');
    await stompOver(socket);
    await waitFor(
      () => broker.logs.some((l) => /TLS handshake completed .*protocol=TLSv1\.3 cipher=TLS_AES_\S+/.test(l)),
      'the debug line',
    );
    const refused = await tlsClient(broker.port('tls13'), { ca, maxVersion: 'TLSv1.2' }).catch((e: Error) => e);
    assert.ok(refused instanceof Error);
    await waitFor(
      () => broker.logs.some((l) => /TLS handshake failed .*protocol version mismatch/.test(l)),
      'the failed-handshake debug line',
    );
  });

  test('verifyHostName: the client certificate must name the address it connects from', async () => {
    // The client certificate (CN=tidemq-client) names no host: refused after the handshake.
    const socket = await tlsClient(broker.port('verify'), { ca, key: clientKey, cert: clientCert });
    await reader(socket).closed;
    await waitFor(
      () => broker.logs.some((l) => /Connection refused .*transport\.verifyHostName: .*127\.0\.0\.1/.test(l)),
      'the verifyHostName refusal',
    );
    // The broker's own certificate names IP 127.0.0.1 and is signed by the same CA: accepted.
    await stompOver(await tlsClient(broker.port('verify'), { ca, key: brokerKey, cert: brokerCert }));
  });

  test('plaintext on a TLS port is logged as such', async () => {
    for (const name of ['stompssl', 'openwiressl']) {
      const socket = await tcpClient(broker.port(name));
      const r = reader(socket);
      socket.write(name === 'stompssl' ? stompConnect : Buffer.from('000000f5015ba0000000041', 'hex'));
      await r.closed;
    }
    await waitFor(
      () =>
        broker.logs.filter((l) => /WARN .*Plaintext connection on a TLS port refused .*plaintext/.test(l)).length >= 2,
      'two plaintext warnings',
    );
  });
});
