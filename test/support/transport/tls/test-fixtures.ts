/**
 * Test-only: builds certificates and keystores with openssl and keytool in a fresh temp directory, so no key
 * material is ever committed. Call once per test file (in before()); keytool starts a JVM per call, so the
 * keytool step is optional and its calls run two at a time.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const STORE_PASSWORD = 'changeit-store';
export const KEY_PASSWORD = 'changeit-key';
export const TRUST_PASSWORD = 'changeit-trust';
export const PEM_KEY_PASSWORD = 'pem-secret';

export interface TlsFixtures {
  dir: string;
  caCert: string;
  otherCaCert: string;
  brokerKey: string;
  brokerCert: string;
  /** Broker key with a certificate whose validity ended in 2021. */
  expiredCert: string;
  /** Broker key with a certificate valid from 2099. */
  futureCert: string;
  /** Broker key with a certificate that expires in about ten days. */
  expiringCert: string;
  brokerKeyEncrypted: string;
  clientKey: string;
  clientCert: string;
  /** The client key, certified by a CA the broker does not trust. */
  clientOtherCaCert: string;
  clientExpiredCert: string;
  /** openssl pkcs12 -export with the legacy PBE-SHA1-3DES and SHA-1 MAC. */
  brokerLegacyP12: string;
  /** openssl's default (PBES2/AES-256, SHA-256 MAC). */
  brokerOpensslP12: string;
  keytool?: {
    brokerJks: string;
    /** JKS whose key password (KEY_PASSWORD) differs from the store password. */
    brokerJksKeyPassword: string;
    brokerP12: string;
    trustJks: string;
    trustP12: string;
  };
  cleanup(): Promise<void>;
}

const caConfig = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = ./index.txt
new_certs_dir = .
serial = ./serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
`;

export async function makeTlsFixtures(options: { keytool: boolean }): Promise<TlsFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-tls-'));
  const p = (f: string): string => join(dir, f);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const keytool = (...args: string[]) => run('keytool', args, { cwd: dir });

  await writeFile(p('ca.cnf'), caConfig);
  await writeFile(p('index.txt'), '');
  await writeFile(p('serial'), '10\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await Promise.all([
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      '/CN=TideMQ Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ),
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'other-ca.key',
      '-out',
      'other-ca.pem',
      '-days',
      '3650',
      '-subj',
      '/CN=Other CA',
    ),
  ]);
  // RSA for the broker so the common ECDHE-RSA suites negotiate.
  await Promise.all([
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'broker.key',
      '-out',
      'broker.csr',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ),
    openssl('req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=tidemq-client'),
  ]);
  await openssl(
    'x509',
    '-req',
    '-in',
    'broker.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '2',
    '-days',
    '365',
    '-copy_extensions',
    'copy',
    '-out',
    'broker.pem',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '3',
    '-days',
    '365',
    '-out',
    'client.pem',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'other-ca.pem',
    '-CAkey',
    'other-ca.key',
    '-set_serial',
    '4',
    '-days',
    '365',
    '-out',
    'client-other.pem',
  );
  // `openssl ca` is the one openssl command that sets arbitrary validity dates; it keeps a small database.
  const dated = (csr: string, out: string, start: string, end: string) =>
    openssl(
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      csr,
      '-startdate',
      start,
      '-enddate',
      end,
      '-notext',
      '-out',
      out,
    );
  const soon = new Date(Date.now() + 10 * 24 * 3600 * 1000);
  const asn1 = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  await dated('broker.csr', 'expired.pem', '20200101000000Z', '20210101000000Z');
  await dated('broker.csr', 'future.pem', '20990101000000Z', '20991231000000Z');
  await dated('broker.csr', 'expiring.pem', '20200101000000Z', asn1(soon));
  await dated('client.csr', 'client-expired.pem', '20200101000000Z', '20210101000000Z');
  await openssl(
    'pkey',
    '-in',
    'broker.key',
    '-aes256',
    '-passout',
    `pass:${PEM_KEY_PASSWORD}`,
    '-out',
    'broker-enc.key',
  );
  await openssl(
    'pkcs12',
    '-export',
    '-inkey',
    'broker.key',
    '-in',
    'broker.pem',
    '-certfile',
    'ca.pem',
    '-name',
    'broker',
    '-passout',
    `pass:${STORE_PASSWORD}`,
    '-out',
    'broker-openssl.p12',
  );
  await openssl(
    'pkcs12',
    '-export',
    '-inkey',
    'broker.key',
    '-in',
    'broker.pem',
    '-certfile',
    'ca.pem',
    '-name',
    'broker',
    '-keypbe',
    'PBE-SHA1-3DES',
    '-certpbe',
    'PBE-SHA1-3DES',
    '-macalg',
    'sha1',
    '-passout',
    `pass:${STORE_PASSWORD}`,
    '-out',
    'broker-legacy.p12',
  );

  const fixtures: TlsFixtures = {
    dir,
    caCert: p('ca.pem'),
    otherCaCert: p('other-ca.pem'),
    brokerKey: p('broker.key'),
    brokerCert: p('broker.pem'),
    expiredCert: p('expired.pem'),
    futureCert: p('future.pem'),
    expiringCert: p('expiring.pem'),
    brokerKeyEncrypted: p('broker-enc.key'),
    clientKey: p('client.key'),
    clientCert: p('client.pem'),
    clientOtherCaCert: p('client-other.pem'),
    clientExpiredCert: p('client-expired.pem'),
    brokerLegacyP12: p('broker-legacy.p12'),
    brokerOpensslP12: p('broker-openssl.p12'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };

  if (options.keytool) {
    const src = ['-srckeystore', 'broker-openssl.p12', '-srcstoretype', 'PKCS12', '-srcstorepass', STORE_PASSWORD];
    // The way ActiveMQ users build stores: convert with -importkeystore, add CAs with -importcert.
    await Promise.all([
      keytool(
        '-importkeystore',
        '-noprompt',
        ...src,
        '-destkeystore',
        'broker.jks',
        '-deststoretype',
        'JKS',
        '-deststorepass',
        STORE_PASSWORD,
        '-destkeypass',
        STORE_PASSWORD,
      ),
      keytool(
        '-importkeystore',
        '-noprompt',
        ...src,
        '-destkeystore',
        'broker.p12',
        '-deststoretype',
        'PKCS12',
        '-deststorepass',
        STORE_PASSWORD,
      ),
    ]);
    await Promise.all([
      keytool(
        '-importkeystore',
        '-noprompt',
        ...src,
        '-destkeystore',
        'broker-keypw.jks',
        '-deststoretype',
        'JKS',
        '-deststorepass',
        STORE_PASSWORD,
        '-destkeypass',
        KEY_PASSWORD,
      ),
      keytool(
        '-importcert',
        '-noprompt',
        '-alias',
        'tidemq-ca',
        '-file',
        'ca.pem',
        '-keystore',
        'trust.jks',
        '-storetype',
        'JKS',
        '-storepass',
        TRUST_PASSWORD,
      ),
    ]);
    await keytool(
      '-importcert',
      '-noprompt',
      '-alias',
      'tidemq-ca',
      '-file',
      'ca.pem',
      '-keystore',
      'trust.p12',
      '-storetype',
      'PKCS12',
      '-storepass',
      TRUST_PASSWORD,
    );
    fixtures.keytool = {
      brokerJks: p('broker.jks'),
      brokerJksKeyPassword: p('broker-keypw.jks'),
      brokerP12: p('broker.p12'),
      trustJks: p('trust.jks'),
      trustP12: p('trust.p12'),
    };
  }
  return fixtures;
}
