/**
 * `tidemq start --config activemq.xml` refuses a broken TLS or connector configuration before it binds,
 * exits 1 and says what is wrong. Each case is the CLI as users run it (build first: `npx tsc -p .`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { brokerXml, failedStart } from './cli.js';
import { makeTestStores, sslContextXml, STORE_PASSWORD, TRUST_PASSWORD, type TestStores } from './stores.js';

describe('tidemq start refuses broken TLS and connector configuration', () => {
  let s: TestStores;
  before(async () => {
    s = await makeTestStores();
  });
  after(async () => {
    await s?.cleanup();
  });

  const sslBroker = (ctx: Record<string, string>, uri = 'ssl://127.0.0.1:0'): string =>
    brokerXml(
      `${sslContextXml(ctx)}
    <transportConnectors><transportConnector name="ssl" uri="${uri.replace(/&/g, '&amp;')}"/></transportConnectors>`,
    );

  const refused = async (xml: string, message: RegExp): Promise<void> => {
    const { code, output } = await failedStart(xml);
    assert.equal(code, 1, output);
    assert.match(output, message);
    assert.doesNotMatch(output, /Connector \S+ started/, 'nothing may be listening');
  };

  test('wrong keystore password', async () => {
    await refused(
      sslBroker({ keyStore: s.brokerJks, keyStorePassword: 'not-the-password' }),
      /broker\.jks: .*(password|integrity)/i,
    );
  });

  test('missing keystore file', async () => {
    const missing = `${s.dir}/no-such-broker.ks`;
    await refused(
      sslBroker({ keyStore: missing, keyStorePassword: STORE_PASSWORD }),
      new RegExp(`no-such-broker\\.ks.*(not found|does not exist|no such file)`, 'i'),
    );
  });

  test('a keystore without a private key (a truststore given as keyStore)', async () => {
    await refused(
      sslBroker({ keyStore: s.trustJks, keyStorePassword: TRUST_PASSWORD }),
      /trust\.jks: keyStore holds no private key entry \(only 1 trusted certificate\(s\)\)/,
    );
  });

  test('an expired broker certificate', async () => {
    await refused(
      sslBroker({ keyStore: s.expiredPem, keyStorePassword: '', keyStoreType: 'pem' }),
      /expired-store\.pem: certificate of .*\(CN=localhost\) expired on 2021-01-01/,
    );
  });

  test('a private key that does not match its certificate', async () => {
    await refused(
      sslBroker({ keyStore: s.mismatchPem, keyStorePassword: '', keyStoreType: 'pem' }),
      /mismatch-store\.pem: the private key .* does not match its certificate \(CN=localhost\)/,
    );
  });

  test("the seed's RC4 cipher suite", async () => {
    await refused(
      sslBroker(
        { keyStore: s.brokerJks, keyStorePassword: STORE_PASSWORD },
        'ssl://127.0.0.1:0?transport.enabledCipherSuites=SSL_RSA_WITH_RC4_128_SHA,SSL_DH_anon_WITH_3DES_EDE_CBC_SHA',
      ),
      /Connector ssl .*Invalid transport\.enabledCipherSuites: SSL_RSA_WITH_RC4_128_SHA is refused: RC4 is broken.*SSL_DH_anon_WITH_3DES_EDE_CBC_SHA is refused: .*Available: .*TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/,
    );
  });

  test('an unknown cipher suite name', async () => {
    await refused(
      sslBroker(
        { keyStore: s.brokerJks, keyStorePassword: STORE_PASSWORD },
        'ssl://127.0.0.1:0?transport.enabledCipherSuites=TLS_MADE_UP_WITH_NOTHING',
      ),
      /TLS_MADE_UP_WITH_NOTHING is not a cipher suite known to OpenSSL/,
    );
  });

  test('SSLv3 in transport.enabledProtocols', async () => {
    await refused(
      sslBroker(
        { keyStore: s.brokerJks, keyStorePassword: STORE_PASSWORD },
        'ssl://127.0.0.1:0?transport.enabledProtocols=SSLv3,TLSv1.2',
      ),
      /Invalid transport\.enabledProtocols: SSLv3 is refused: SSLv3 is broken \(POODLE, RFC 7568\)\. Allowed: TLSv1\.2, TLSv1\.3/,
    );
  });

  test('an ssl:// connector without <sslContext>', async () => {
    await refused(
      brokerXml('<transportConnectors><transportConnector name="ssl" uri="ssl://127.0.0.1:0"/></transportConnectors>'),
      /Connector ssl \(ssl:\/\/127\.0\.0\.1:0\) needs TLS key material: add <sslContext>/,
    );
  });

  test('unknown URI options are named', async () => {
    await refused(
      brokerXml(
        '<transportConnectors><transportConnector name="openwire" uri="tcp://127.0.0.1:0?maximumConnection=5&amp;wireFormat.bogus=1"/></transportConnectors>',
      ),
      /Invalid connect parameters: \{maximumConnection=5, wireFormat\.bogus=1\}/,
    );
    await refused(
      brokerXml(
        '<transportConnectors><transportConnector name="openwire" uri="tcp://127.0.0.1:0?transport.needClientAuth=true"/></transportConnectors>',
      ),
      /TLS options need a TLS scheme such as ssl:\/\/, not tcp:\/\//,
    );
  });

  test('a port already in use', async (t) => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    await refused(
      brokerXml(
        `<transportConnectors><transportConnector name="openwire" uri="tcp://127.0.0.1:${port}"/></transportConnectors>`,
      ),
      new RegExp(
        `Connector openwire failed to start: Address already in use: 127\\.0\\.0\\.1:${port} \\(another process is listening there\\)`,
      ),
    );
  });
});
