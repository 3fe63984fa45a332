/**
 * Key material for the TLS integration and interop tests, made fresh in a temp directory by openssl and
 * keytool (test/support/transport/tls/test-fixtures.ts) plus the client-side stores ActiveMQ's how-do-i-use-ssl page
 * has users make: a client keystore (client key and certificate) and a client truststore (the CA), each as
 * JKS and as PKCS#12, and PEM "stores" for the start-up failures keytool refuses to produce. Nothing here is
 * ever committed.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  makeTlsFixtures,
  STORE_PASSWORD,
  TRUST_PASSWORD,
  type TlsFixtures,
} from '../support/transport/tls/test-fixtures.js';

const run = promisify(execFile);

export { STORE_PASSWORD, TRUST_PASSWORD };
export const CLIENT_PASSWORD = 'changeit-client';

export interface TestStores {
  readonly fx: TlsFixtures;
  readonly dir: string;
  /** Broker identity (CN=localhost, SAN localhost/127.0.0.1), STORE_PASSWORD. */
  readonly brokerJks: string;
  readonly brokerP12: string;
  /** The test CA, TRUST_PASSWORD: the broker's truststore (client certificates) and the client's. */
  readonly trustJks: string;
  readonly trustP12: string;
  /** Client identity (CN=tidemq-client), CLIENT_PASSWORD. */
  readonly clientJks: string;
  readonly clientP12: string;
  /** PEM files holding a key and a certificate: the broker key with a certificate that expired in 2021… */
  readonly expiredPem: string;
  /** …and the client's key with the broker's certificate. */
  readonly mismatchPem: string;
  readonly caPem: string;
  readonly clientKey: string;
  readonly clientCert: string;
  cleanup(): Promise<void>;
}

export async function makeTestStores(): Promise<TestStores> {
  const fx = await makeTlsFixtures({ keytool: true });
  const kt = fx.keytool!;
  const dir = fx.dir;
  const p = (f: string): string => join(dir, f);
  await run(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-inkey',
      fx.clientKey,
      '-in',
      fx.clientCert,
      '-certfile',
      fx.caCert,
      '-name',
      'client',
      '-passout',
      `pass:${CLIENT_PASSWORD}`,
      '-out',
      p('client-openssl.p12'),
    ],
    { cwd: dir },
  );
  const src = ['-srckeystore', 'client-openssl.p12', '-srcstoretype', 'PKCS12', '-srcstorepass', CLIENT_PASSWORD];
  await Promise.all([
    run(
      'keytool',
      [
        '-importkeystore',
        '-noprompt',
        ...src,
        '-destkeystore',
        'client.jks',
        '-deststoretype',
        'JKS',
        '-deststorepass',
        CLIENT_PASSWORD,
        '-destkeypass',
        CLIENT_PASSWORD,
      ],
      { cwd: dir },
    ),
    run(
      'keytool',
      [
        '-importkeystore',
        '-noprompt',
        ...src,
        '-destkeystore',
        'client.p12',
        '-deststoretype',
        'PKCS12',
        '-deststorepass',
        CLIENT_PASSWORD,
      ],
      { cwd: dir },
    ),
  ]);
  const pem = async (out: string, ...files: string[]): Promise<string> => {
    const parts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    await writeFile(p(out), parts.join('\n'));
    return p(out);
  };
  return {
    fx,
    dir,
    brokerJks: kt.brokerJks,
    brokerP12: kt.brokerP12,
    trustJks: kt.trustJks,
    trustP12: kt.trustP12,
    clientJks: p('client.jks'),
    clientP12: p('client.p12'),
    expiredPem: await pem('expired-store.pem', fx.brokerKey, fx.expiredCert),
    mismatchPem: await pem('mismatch-store.pem', fx.clientKey, fx.brokerCert),
    caPem: fx.caCert,
    clientKey: fx.clientKey,
    clientCert: fx.clientCert,
    cleanup: () => fx.cleanup(),
  };
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** `<sslContext>` as in ActiveMQ's activemq.xml. */
export function sslContextXml(attrs: Readonly<Record<string, string>>): string {
  const list = Object.entries(attrs)
    .map(([k, v]) => `${k}="${xmlEscape(v)}"`)
    .join(' ');
  return `<sslContext><sslContext ${list}/></sslContext>`;
}
