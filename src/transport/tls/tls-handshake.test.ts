import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { connect, createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { ConnectionOptions, Server, TLSSocket } from 'node:tls';
import { Logger } from '../../util/logger.js';
import { parseConnectorUri } from '../uri/connector-uri.js';
import { loadSslContext } from './ssl-context.js';
import type { LoadedSslContext } from './ssl-context.js';
import { tlsServerOptions, verifyClientHostName } from './server-options.js';
import { attachTlsDebug, tlsDebugEnabled } from './tls-debug.js';
import { makeTlsFixtures, STORE_PASSWORD, TRUST_PASSWORD } from '../../../test/support/transport/tls/test-fixtures.js';
import type { TlsFixtures } from '../../../test/support/transport/tls/test-fixtures.js';

let fx: TlsFixtures;
let brokerSsl: LoadedSslContext;
let ca: Buffer;

before(async () => {
  fx = await makeTlsFixtures({ keytool: true });
  ca = await readFile(fx.caCert);
  // The broker side is built from keytool's JKS stores, as an ActiveMQ <sslContext> would be.
  brokerSsl = await loadSslContext({
    keyStore: fx.keytool!.brokerJks,
    keyStorePassword: STORE_PASSWORD,
    trustStore: fx.keytool!.trustJks,
    trustStorePassword: TRUST_PASSWORD,
  });
});
after(async () => {
  await fx?.cleanup();
});

interface Broker {
  server: Server;
  port: number;
  logs: Array<Record<string, unknown>>;
  /** Resolves with the next debug line (one per handshake, success or failure). */
  nextHandshake(): Promise<Record<string, unknown>>;
}

async function startBroker(uri: string, t: { after(fn: () => Promise<void> | void): void }): Promise<Broker> {
  const options = tlsServerOptions(parseConnectorUri(uri), brokerSsl);
  const server = createServer(options, (socket) => {
    socket.on('error', () => {});
    socket.end('hello');
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<(line: Record<string, unknown>) => void> = [];
  const logger = Logger.create({
    format: 'json',
    write: (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logs.push(parsed);
      waiters.shift()?.(parsed);
    },
  });
  attachTlsDebug(server, logger, { enabled: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    logs,
    nextHandshake: () => new Promise((resolve) => waiters.push(resolve)),
  };
}

/** Connects and reports whether the broker's greeting arrived, and any client-side error. */
async function client(port: number, options: ConnectionOptions = {}): Promise<{ greeted: boolean; error?: string }> {
  return new Promise((resolve) => {
    let data = '';
    let error: string | undefined;
    const socket = connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...options });
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', (e: Error & { code?: string }) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ greeted: data === 'hello', ...(error ? { error } : {}) }));
  });
}

test('a Node TLS server built from a JKS keystore serves a client that trusts the CA', async (t) => {
  const broker = await startBroker('ssl://127.0.0.1:0', t);
  const line = broker.nextHandshake();
  const result = await client(broker.port);
  assert.deepEqual(result, { greeted: true });
  const log = await line;
  assert.equal(log['msg'], 'TLS handshake completed');
  assert.equal(log['protocol'], 'TLSv1.3');
  assert.match(String(log['cipher']), /^TLS_/);
  assert.equal(log['peer'], 'none');
  assert.equal(log['component'], 'tls');
});

test('needClientAuth: no certificate, unknown CA and expired certificates are refused; a trusted one is accepted', async (t) => {
  const broker = await startBroker('ssl://127.0.0.1:0?transport.needClientAuth=true', t);
  const clientKey = await readFile(fx.clientKey);

  let line = broker.nextHandshake();
  assert.equal((await client(broker.port)).greeted, false);
  assert.match(String((await line)['reason']), /client sent no certificate, but one is required/);

  line = broker.nextHandshake();
  assert.equal(
    (await client(broker.port, { key: clientKey, cert: await readFile(fx.clientOtherCaCert) })).greeted,
    false,
  );
  assert.match(String((await line)['reason']), /unknown CA/);

  line = broker.nextHandshake();
  assert.equal(
    (await client(broker.port, { key: clientKey, cert: await readFile(fx.clientExpiredCert) })).greeted,
    false,
  );
  const expired = await line;
  assert.equal(expired['code'], 'CERT_HAS_EXPIRED');
  assert.match(String(expired['reason']), /client certificate has expired/);

  line = broker.nextHandshake();
  assert.deepEqual(await client(broker.port, { key: clientKey, cert: await readFile(fx.clientCert) }), {
    greeted: true,
  });
  const ok = await line;
  assert.equal(ok['clientAuthorized'], true);
  assert.equal(ok['peerSubject'], 'CN=tidemq-client');
  assert.equal(ok['peerIssuer'], 'CN=TideMQ Test CA');
});

test('wantClientAuth: the certificate is asked for but optional', async (t) => {
  const broker = await startBroker('ssl://127.0.0.1:0?transport.wantClientAuth=true', t);
  let line = broker.nextHandshake();
  assert.deepEqual(await client(broker.port), { greeted: true });
  assert.equal((await line)['clientAuthorized'], false);
  line = broker.nextHandshake();
  // transport.verifyHostName: the client certificate (CN=tidemq-client, no SAN) does not name 127.0.0.1.
  const hostCheck: { result?: Error } = {};
  broker.server.once('secureConnection', (s: TLSSocket) => (hostCheck.result = verifyClientHostName(s)));
  const withCert = await client(broker.port, {
    key: await readFile(fx.clientKey),
    cert: await readFile(fx.clientCert),
  });
  assert.deepEqual(withCert, { greeted: true });
  assert.equal((await line)['clientAuthorized'], true);
  assert.ok(
    hostCheck.result instanceof Error,
    'verifyClientHostName refuses a certificate that does not name the client',
  );
  assert.match(hostCheck.result.message, /127\.0\.0\.1/);
});

test('enabledCipherSuites with only a TLS 1.2 suite negotiates exactly that suite; a client without it fails', async (t) => {
  const broker = await startBroker(
    'ssl://127.0.0.1:0?transport.enabledCipherSuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    t,
  );
  let line = broker.nextHandshake();
  assert.deepEqual(await client(broker.port), { greeted: true });
  const ok = await line;
  assert.equal(ok['protocol'], 'TLSv1.2');
  assert.equal(ok['cipher'], 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');

  line = broker.nextHandshake();
  const refused = await client(broker.port, { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', maxVersion: 'TLSv1.2' });
  assert.equal(refused.greeted, false);
  const failed = await line;
  assert.equal(failed['code'], 'ERR_SSL_NO_SHARED_CIPHER');
  assert.match(String(failed['reason']), /no shared cipher/);
});

test('enabledProtocols=TLSv1.3 refuses a TLS 1.2-only client with a plain reason', async (t) => {
  const broker = await startBroker('ssl://127.0.0.1:0?transport.enabledProtocols=TLSv1.3', t);
  const line = broker.nextHandshake();
  assert.equal((await client(broker.port, { maxVersion: 'TLSv1.2' })).greeted, false);
  assert.match(String((await line)['reason']), /protocol version mismatch/);
});

test('plaintext on the TLS port is explained', async (t) => {
  const broker = await startBroker('ssl://127.0.0.1:0', t);
  const line = broker.nextHandshake();
  await new Promise<void>((resolve) => {
    const s = netConnect(broker.port, '127.0.0.1', () => s.write(Buffer.from([0, 0, 0, 0x3c, 1, 0x41, 0x63, 0x74])));
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.resume();
  });
  assert.match(String((await line)['reason']), /plaintext \(not TLS\) on a TLS port/);
});

test('tlsServerOptions refuses non-TLS connectors and a context without a key', async () => {
  assert.throws(
    () => tlsServerOptions(parseConnectorUri('tcp://127.0.0.1:0'), brokerSsl),
    /tcp:\/\/ is not a TLS connector/,
  );
  const trustOnly = await loadSslContext({ trustStore: fx.keytool!.trustJks });
  assert.throws(
    () => tlsServerOptions(parseConnectorUri('ssl://127.0.0.1:0'), trustOnly),
    /needs a key and certificate/,
  );
  assert.throws(
    () =>
      tlsServerOptions(
        parseConnectorUri(
          'ssl://127.0.0.1:0?transport.enabledCipherSuites=TLS_AES_128_GCM_SHA256&transport.enabledProtocols=TLSv1.2',
        ),
        brokerSsl,
      ),
    /none of the listed suites can be used with TLSv1\.2/,
  );
  const opts = tlsServerOptions(parseConnectorUri('ssl://127.0.0.1:0?transport.needClientAuth=true'), brokerSsl);
  assert.equal(opts.requestCert, true);
  assert.equal(opts.rejectUnauthorized, true);
  assert.equal(opts.minVersion, 'TLSv1.2');
  assert.equal(opts.maxVersion, 'TLSv1.3');
});

test('the debug switch: option first, then TIDEMQ_TLS_DEBUG', () => {
  assert.equal(tlsDebugEnabled({ env: {} }), false);
  assert.equal(tlsDebugEnabled({ env: { TIDEMQ_TLS_DEBUG: '1' } }), true);
  assert.equal(tlsDebugEnabled({ env: { TIDEMQ_TLS_DEBUG: '0' } }), false);
  assert.equal(tlsDebugEnabled({ enabled: false, env: { TIDEMQ_TLS_DEBUG: '1' } }), false);
  const server = createServer({});
  const detach = attachTlsDebug(server, Logger.silent(), { enabled: true });
  assert.equal(server.listenerCount('tlsClientError'), 1);
  detach();
  assert.equal(server.listenerCount('tlsClientError'), 0);
  attachTlsDebug(server, Logger.silent(), { enabled: false });
  assert.equal(server.listenerCount('secureConnection'), 0);
});
