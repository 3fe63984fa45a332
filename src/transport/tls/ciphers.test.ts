import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCiphers } from 'node:tls';
import { availableCipherSuites, insecureReason, lookupCipherSuite, resolveCipherSuites } from './ciphers.js';
import { cipherTable } from './cipher-table.generated.js';
import { resolveProtocols } from './protocols.js';

test('the generated table maps IANA names to OpenSSL names', () => {
  assert.ok(cipherTable.length > 50);
  assert.equal(lookupCipherSuite('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')?.openssl, 'ECDHE-RSA-AES128-GCM-SHA256');
  assert.equal(lookupCipherSuite('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384')?.openssl, 'ECDHE-ECDSA-AES256-GCM-SHA384');
  assert.equal(lookupCipherSuite('TLS_AES_128_GCM_SHA256')?.tls13, true);
  // OpenSSL names map back, case-insensitively.
  assert.equal(lookupCipherSuite('ecdhe-rsa-aes256-gcm-sha384')?.iana, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
  // Java's SSL_ aliases.
  assert.equal(lookupCipherSuite('SSL_RSA_WITH_AES_128_CBC_SHA')?.openssl, 'AES128-SHA');
  assert.equal(lookupCipherSuite('TLS_NOT_A_SUITE'), undefined);
});

test('resolveCipherSuites accepts Java and OpenSSL names, keeps order, splits TLS 1.2 and 1.3', () => {
  const r = resolveCipherSuites([
    'TLS_AES_256_GCM_SHA384',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  ]);
  assert.equal(r.cipherString, 'TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256');
  assert.deepEqual(r.tls13, ['TLS_AES_256_GCM_SHA384']);
  assert.deepEqual(r.tls12, ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
});

test("the seed document's suites are refused with the reason and the available list", () => {
  assert.throws(
    () => resolveCipherSuites(['SSL_RSA_WITH_RC4_128_SHA', 'SSL_DH_anon_WITH_3DES_EDE_CBC_SHA']),
    (e: Error) => {
      assert.match(e.message, /^Invalid transport\.enabledCipherSuites: /);
      assert.match(e.message, /SSL_RSA_WITH_RC4_128_SHA is refused: RC4 is broken/);
      assert.match(e.message, /SSL_DH_anon_WITH_3DES_EDE_CBC_SHA is refused: anonymous key exchange/);
      assert.match(e.message, /Available: .*TLS_AES_128_GCM_SHA256/);
      assert.match(e.message, /TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
      return true;
    },
  );
});

test('every family of insecure suite is refused, whether or not this OpenSSL still has it', () => {
  const cases: Array<[string, RegExp]> = [
    ['TLS_RSA_WITH_NULL_SHA256', /NULL cipher/],
    ['ECDHE-RSA-NULL-SHA', /NULL cipher/],
    ['TLS_ECDH_anon_WITH_AES_128_CBC_SHA', /anonymous/],
    ['ADH-AES256-GCM-SHA384', /anonymous/],
    ['SSL_RSA_EXPORT_WITH_RC4_40_MD5', /EXPORT/],
    ['SSL_RSA_WITH_DES_CBC_SHA', /single DES/],
    ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', /SWEET32/],
    ['DES-CBC3-SHA', /SWEET32/],
    ['TLS_PSK_WITH_AES_128_GCM_SHA256', /pre-shared keys/],
    ['TLS_SRP_SHA_WITH_AES_128_CBC_SHA', /SRP/],
  ];
  for (const [name, reason] of cases) {
    assert.throws(() => resolveCipherSuites([name]), reason, name);
  }
  assert.throws(
    () => resolveCipherSuites(['TLS_MADE_UP_SUITE']),
    /TLS_MADE_UP_SUITE is not a cipher suite known to OpenSSL/,
  );
  assert.throws(() => resolveCipherSuites(['TLS_EMPTY_RENEGOTIATION_INFO_SCSV']), /no cipher suite given/);
});

test('available suites are safe and all known to the running OpenSSL', () => {
  const built = new Set(getCiphers());
  const available = availableCipherSuites();
  assert.ok(available.length > 10);
  for (const s of available) {
    assert.equal(insecureReason(s.iana, s), undefined, s.iana);
    assert.ok(s.tls13 || built.has(s.openssl.toLowerCase()), s.openssl);
  }
});

test('protocols: TLS 1.2 and 1.3 by default; old versions refused with a reason', () => {
  assert.deepEqual(resolveProtocols(undefined), {
    protocols: ['TLSv1.2', 'TLSv1.3'],
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
  });
  assert.deepEqual(resolveProtocols(['TLSv1.3']), {
    protocols: ['TLSv1.3'],
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
  });
  assert.deepEqual(resolveProtocols(['TLSv1.3', 'TLSv1.2']).protocols, ['TLSv1.2', 'TLSv1.3']);
  assert.throws(
    () => resolveProtocols(['TLSv1.2', 'TLSv1.1']),
    /TLSv1\.1 is refused: TLSv1\.1 is deprecated \(RFC 8996\)\. Allowed: TLSv1\.2, TLSv1\.3/,
  );
  assert.throws(() => resolveProtocols(['SSLv3']), /POODLE/);
  assert.throws(() => resolveProtocols(['TLSv1']), /TLSv1 is refused/);
  assert.throws(() => resolveProtocols(['SSLv2Hello', 'TLSv1.2']), /SSLv2Hello/);
  assert.throws(() => resolveProtocols(['TLS1.2']), /TLS1\.2 is not a TLS protocol name/);
});
