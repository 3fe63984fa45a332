import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { loadSslContext } from './ssl-context.js';
import type { SslContextConfig } from './ssl-context.js';
import { KeyStoreError } from './key-material.js';
import type { KeyStoreProblem } from './key-material.js';
import { detectKeyStoreType, openStore } from './keystore.js';
import {
  makeTlsFixtures,
  KEY_PASSWORD,
  PEM_KEY_PASSWORD,
  STORE_PASSWORD,
  TRUST_PASSWORD,
} from '../../../test/support/transport/tls/test-fixtures.js';
import type { TlsFixtures } from '../../../test/support/transport/tls/test-fixtures.js';

let fx: TlsFixtures;
let kt: NonNullable<TlsFixtures['keytool']>;

before(async () => {
  fx = await makeTlsFixtures({ keytool: true });
  kt = fx.keytool!;
});
after(async () => {
  await fx?.cleanup();
});

async function refused(
  config: SslContextConfig,
  problem: KeyStoreProblem,
  pattern: RegExp,
  now?: number,
): Promise<void> {
  await assert.rejects(loadSslContext(config, undefined, now === undefined ? {} : { now }), (e: unknown) => {
    assert.ok(e instanceof KeyStoreError, `expected KeyStoreError, got ${String(e)}`);
    assert.equal(e.problem, problem, e.message);
    assert.equal(e.code, 'ERR_CONFIG');
    assert.match(e.message, pattern);
    return true;
  });
}

async function brokerFingerprint(): Promise<string> {
  return new X509Certificate(await readFile(fx.brokerCert)).fingerprint256;
}

test('keystore type detection by magic number', async () => {
  assert.equal(detectKeyStoreType(await readFile(kt.brokerJks)), 'JKS');
  assert.equal(detectKeyStoreType(await readFile(kt.brokerP12)), 'PKCS12');
  assert.equal(detectKeyStoreType(await readFile(fx.brokerCert)), 'PEM');
  assert.equal(detectKeyStoreType(Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2])), 'JCEKS');
  assert.equal(detectKeyStoreType(Buffer.from('hello')), undefined);
});

test('JKS keystore made by keytool: key, chain and trust store load; the key matches the certificate', async () => {
  const ctx = await loadSslContext({
    keyStore: kt.brokerJks,
    keyStorePassword: STORE_PASSWORD,
    trustStore: kt.trustJks,
    trustStorePassword: TRUST_PASSWORD,
  });
  assert.deepEqual(ctx.warnings, []);
  assert.equal(ctx.certificate?.fingerprint256, await brokerFingerprint());
  assert.equal(ctx.certificate?.subject, 'CN=localhost');
  assert.equal(ctx.trustedCount, 1);
  const chain = String(ctx.secureContextOptions.cert).match(/BEGIN CERTIFICATE/g);
  assert.equal(chain?.length, 2, 'leaf and CA, as keytool stored the chain');
  // Node accepts the result as a secure context.
  createSecureContext(ctx.secureContextOptions);
});

test('JKS: wrong store password, wrong key password, and keyStoreKeyPassword', async () => {
  await refused(
    { keyStore: kt.brokerJks, keyStorePassword: 'nope' },
    'wrong-password',
    /broker\.jks: wrong keystore password/,
  );
  await refused(
    { keyStore: kt.brokerJksKeyPassword, keyStorePassword: STORE_PASSWORD },
    'wrong-key-password',
    /cannot recover private key 'broker'.*keyStoreKeyPassword/,
  );
  const ctx = await loadSslContext({
    keyStore: kt.brokerJksKeyPassword,
    keyStorePassword: STORE_PASSWORD,
    keyStoreKeyPassword: KEY_PASSWORD,
  });
  assert.equal(ctx.certificate?.fingerprint256, await brokerFingerprint());
  await refused(
    { trustStore: kt.trustJks, trustStorePassword: 'nope' },
    'wrong-password',
    /trust\.jks: wrong keystore password/,
  );
});

test('JKS trust store without a password skips the integrity check, as Java does', async () => {
  const ctx = await loadSslContext({ trustStore: kt.trustJks });
  assert.equal(ctx.trustedCount, 1);
});

test('a tampered JKS is detected by its digest', async () => {
  const data = Buffer.from(await readFile(kt.brokerJks));
  data[200] = data[200]! ^ 0xff;
  const path = join(fx.dir, 'tampered.jks');
  await writeFile(path, data);
  await refused({ keyStore: path, keyStorePassword: STORE_PASSWORD }, 'wrong-password', /altered/);
});

test('truncated and garbage keystores are reported as corrupt, not crashes', async () => {
  const jks = await readFile(kt.brokerJks);
  for (const [name, bytes] of [
    ['short.jks', jks.subarray(0, 40)],
    ['garbage.p12', Buffer.from([0x30, 0x82, 0x7f, 0xff, 1, 2, 3])],
    ['noise.bin', Buffer.from('not a keystore at all')],
  ] as const) {
    const path = join(fx.dir, name);
    await writeFile(path, bytes);
    await assert.rejects(loadSslContext({ keyStore: path, keyStorePassword: STORE_PASSWORD }), (e: unknown) => {
      assert.ok(e instanceof KeyStoreError);
      assert.ok(e.problem === 'corrupt' || e.problem === 'wrong-password', `${name}: ${e.problem} ${e.message}`);
      assert.ok(e.message.includes(name));
      return true;
    });
  }
  // Every prefix of a real JKS either loads nothing or fails cleanly.
  for (let n = 0; n < jks.length; n += 97) {
    assert.throws(
      () => openStore('cut.jks', jks.subarray(0, n), { type: 'JKS', password: undefined, attribute: 'keyStore' }),
      KeyStoreError,
    );
  }
});

test('PKCS12 made by keytool (PBES2 AES-256, HmacSHA256) loads; Node reads the same file as pfx', async () => {
  const ctx = await loadSslContext({
    keyStore: kt.brokerP12,
    keyStorePassword: STORE_PASSWORD,
    keyStoreType: 'PKCS12',
    trustStore: kt.trustP12,
    trustStorePassword: TRUST_PASSWORD,
    trustStoreType: 'pkcs12',
  });
  assert.equal(ctx.certificate?.fingerprint256, await brokerFingerprint());
  assert.equal(ctx.trustedCount, 1);
  createSecureContext({ pfx: await readFile(kt.brokerP12), passphrase: STORE_PASSWORD });
  await refused(
    { keyStore: kt.brokerP12, keyStorePassword: 'nope' },
    'wrong-password',
    /broker\.p12: wrong keystore password/,
  );
  await refused({ trustStore: kt.trustP12, trustStorePassword: 'nope' }, 'wrong-password', /trust\.p12/);
});

test('PKCS12 made by openssl, current and legacy (3DES, SHA-1 MAC) encryption', async () => {
  for (const file of [fx.brokerOpensslP12, fx.brokerLegacyP12]) {
    const ctx = await loadSslContext({ keyStore: file, keyStorePassword: STORE_PASSWORD });
    assert.equal(ctx.certificate?.fingerprint256, await brokerFingerprint(), file);
    await refused({ keyStore: file, keyStorePassword: 'nope' }, 'wrong-password', /wrong keystore password/);
  }
});

test("keyStoreType is SpringSslContext's 'jks' by default: a PKCS12 file still loads, with a warning", async () => {
  const ctx = await loadSslContext({ keyStore: kt.brokerP12, keyStorePassword: STORE_PASSWORD, keyStoreType: 'jks' });
  assert.equal(ctx.certificate?.fingerprint256, await brokerFingerprint());
  assert.match(ctx.warnings.join('\n'), /keyStoreType is JKS but the file is PKCS12/);
  await assert.rejects(
    loadSslContext({ keyStore: kt.brokerJks, keyStoreType: 'JCEKS' }),
    /keyStore 'JCEKS' is not supported/,
  );
});

test('a keystore with no private key is refused as a keyStore', async () => {
  await refused(
    { keyStore: kt.trustJks, keyStorePassword: TRUST_PASSWORD },
    'no-private-key',
    /trust\.jks: keyStore holds no private key entry \(only 1 trusted/,
  );
  await refused({ keyStore: kt.trustP12, keyStorePassword: TRUST_PASSWORD }, 'no-private-key', /no private key/);
});

test('missing and unreadable files name the file and the cause', async () => {
  await refused(
    { keyStore: join(fx.dir, 'absent.jks'), keyStorePassword: 'x' },
    'unreadable',
    /absent\.jks: cannot read keyStore: file not found/,
  );
  await refused({ trustStore: fx.dir }, 'unreadable', /cannot read trustStore: is a directory/);
  await refused({ keyStore: 'classpath:broker.ks' }, 'unreadable', /only file paths and file: URLs/);
  const viaUrl = await loadSslContext({ keyStore: `file://${kt.brokerJks}`, keyStorePassword: STORE_PASSWORD });
  assert.ok(viaUrl.certificate);
});

test('PEM files: cert + key, encrypted key, CA file', async () => {
  const ctx = await loadSslContext({ certFile: fx.brokerCert, keyFile: fx.brokerKey, caFile: fx.caCert });
  assert.equal(ctx.certificate?.fingerprint256, await brokerFingerprint());
  assert.equal(ctx.trustedCount, 1);
  createSecureContext(ctx.secureContextOptions);
  const enc = await loadSslContext({
    certFile: fx.brokerCert,
    keyFile: fx.brokerKeyEncrypted,
    keyPassword: PEM_KEY_PASSWORD,
  });
  assert.ok(enc.certificate);
  await refused(
    { certFile: fx.brokerCert, keyFile: fx.brokerKeyEncrypted },
    'wrong-key-password',
    /encrypted and no password/,
  );
  await refused(
    { certFile: fx.brokerCert, keyFile: fx.brokerKeyEncrypted, keyPassword: 'nope' },
    'wrong-key-password',
    /wrong password/,
  );
  await assert.rejects(loadSslContext({ certFile: fx.brokerCert }), /certFile and keyFile must be given together/);
  await assert.rejects(
    loadSslContext({ keyStore: kt.brokerJks, certFile: fx.brokerCert, keyFile: fx.brokerKey }),
    /either keyStore or certFile\/keyFile/,
  );
});

test('a wrong password whose decryption happens to pass the padding check is still a wrong password', async () => {
  // About one wrong password in 256 decrypts to bytes with valid padding, and OpenSSL then fails to decode them
  // (DECODER routines::unsupported) instead of reporting a bad decrypt; such a password is looked for here.
  const text = await readFile(fx.brokerKeyEncrypted, 'utf8');
  let odd: string | undefined;
  for (let i = 0; i < 5000 && odd === undefined; i++) {
    try {
      createPrivateKey({ key: text, passphrase: `wrong-${i}` });
    } catch (e) {
      if (!/bad decrypt/i.test((e as Error).message)) odd = `wrong-${i}`;
    }
  }
  assert.ok(odd !== undefined, 'no wrong password that fails past the padding check in 5000 tries');
  await refused(
    { certFile: fx.brokerCert, keyFile: fx.brokerKeyEncrypted, keyPassword: odd },
    'wrong-key-password',
    /wrong password/,
  );
});

test('a key that does not match its certificate is refused', async () => {
  await refused(
    { certFile: fx.brokerCert, keyFile: fx.clientKey },
    'key-mismatch',
    /does not match its certificate \(CN=localhost\)/,
  );
});

test('expired, not-yet-valid and soon-expiring certificates', async () => {
  await refused({ certFile: fx.expiredCert, keyFile: fx.brokerKey }, 'expired', /expired\.pem.*expired on 2021-01-01/);
  await refused({ certFile: fx.futureCert, keyFile: fx.brokerKey }, 'not-yet-valid', /not valid until 2099-01-01/);
  const soon = await loadSslContext({ certFile: fx.expiringCert, keyFile: fx.brokerKey });
  assert.equal(soon.warnings.length, 1);
  assert.match(soon.warnings[0]!, /expiring\.pem.*expires in (9|10) day\(s\)/);
  // The clock is injectable: the same broker certificate seen from 2099 has expired.
  await refused({ certFile: fx.brokerCert, keyFile: fx.brokerKey }, 'expired', /expired on/, Date.UTC(2099, 0, 1));
});

test('non-default JSSE algorithm attributes are accepted with a warning', async () => {
  const ctx = await loadSslContext({
    trustStore: kt.trustJks,
    trustStoreAlgorithm: 'PKIX',
    secureRandomAlgorithm: 'Windows-PRNG',
  });
  assert.deepEqual(ctx.warnings, [
    'sslContext secureRandomAlgorithm="Windows-PRNG" has no effect: TLS here is OpenSSL, not JSSE',
  ]);
});

test('a PKCS12 trust store without its password explains why it looks empty', async () => {
  await refused({ trustStore: kt.trustP12 }, 'no-certificates', /encrypts its certificates: set trustStorePassword/);
});

test('corrupted PKCS12 and JKS bytes only ever produce KeyStoreError', async () => {
  // A small deterministic PRNG so a failure is reproducible.
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (const [file, type] of [
    [kt.brokerP12, 'PKCS12'],
    [fx.brokerLegacyP12, 'PKCS12'],
    [kt.brokerJks, 'JKS'],
  ] as const) {
    const original = await readFile(file);
    for (let i = 0; i < 60; i++) {
      const data = Buffer.from(original);
      const cut = i % 3 === 0 ? rand(data.length) : data.length;
      for (let k = 0; k < 1 + rand(4); k++) data[rand(data.length)] = rand(256);
      for (const password of [STORE_PASSWORD, undefined]) {
        try {
          openStore(file, data.subarray(0, cut), { type, password, attribute: 'keyStore' });
        } catch (e) {
          assert.ok(e instanceof KeyStoreError, `${file} mutation ${i}: ${String(e)}`);
        }
      }
    }
  }
});
