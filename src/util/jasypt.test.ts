import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desCbcDecrypt, desCbcEncrypt, desEncryptBlock } from './des.js';
import { decryptValue, isEncryptedValue, jasyptDecrypt, jasyptEncrypt, JasyptError } from './jasypt.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

test('DES block: the classic worked example and NIST SP 800-17 vectors', () => {
  assert.equal(
    Buffer.from(desEncryptBlock(hex('133457799BBCDFF1'), hex('0123456789ABCDEF'))).toString('hex'),
    '85e813540f0ab405',
  );
  // SP 800-17 Table A.1 (variable plain text, key 0101…01): first and last rows.
  assert.equal(
    Buffer.from(desEncryptBlock(hex('0101010101010101'), hex('8000000000000000'))).toString('hex'),
    '95f8a5e5dd31d900',
  );
  assert.equal(
    Buffer.from(desEncryptBlock(hex('0101010101010101'), hex('0000000000000001'))).toString('hex'),
    '166b40b44aba4bd6',
  );
});

test('DES-CBC round-trips every length and rejects bad padding', () => {
  const key = hex('0123456789abcdef');
  const iv = hex('1122334455667788');
  for (let n = 0; n < 20; n++) {
    const plain = Buffer.alloc(n, n + 1);
    const c = desCbcEncrypt(key, iv, plain);
    assert.equal(c.length, (Math.floor(n / 8) + 1) * 8);
    assert.deepEqual(Buffer.from(desCbcDecrypt(key, iv, c)), plain);
  }
  assert.throws(() => desCbcDecrypt(key, iv, new Uint8Array(7)), RangeError);
  assert.throws(() => desCbcDecrypt(hex('fedcba9876543210'), iv, desCbcEncrypt(key, iv, Buffer.from('x'))), RangeError);
});

// Produced by Debian's ActiveMQ 5.17.2: `activemq encrypt --password master-key --input <plain>` (random salts).
const fromActiveMQ: [string, string][] = [
  ['manager', '1RE9ye0sRcHlUzoyjWmDKg=='],
  ['password', 'zFcHzXh+dX+2imFfAjT1vz558Qqua1Ft'],
  ['a longer secret with spaces 1234567890', 'L49g5TTp7u2bHkBZ3MZibuV+gqiB9rYHfoC8AbfJMssy9IJtk9virTHcGY2pDePV'],
  ['päss', 'oOmxBx1Xn1BiheFqbdotMw=='],
];

test('values encrypted by ActiveMQ’s `activemq encrypt` decrypt', () => {
  for (const [plain, enc] of fromActiveMQ) assert.equal(jasyptDecrypt(enc, 'master-key'), plain);
  assert.equal(jasyptDecrypt('4DJuPVFOP/OTV5Z7IMFl9g==', 'mastersecret'), 'manager');
});

test('encrypting with ActiveMQ’s salt reproduces its bytes exactly', () => {
  for (const [plain, enc] of fromActiveMQ) {
    const salt = Buffer.from(enc, 'base64').subarray(0, 8);
    assert.equal(jasyptEncrypt(plain, 'master-key', salt), enc);
  }
});

test('a wrong master password or a damaged value is a clear error', () => {
  assert.throws(() => jasyptDecrypt('1RE9ye0sRcHlUzoyjWmDKg==', 'not-the-key'), JasyptError);
  assert.throws(() => jasyptDecrypt('not base64!', 'k'), /not Base64/);
  assert.throws(() => jasyptDecrypt('AAAA', 'k'), /8-byte salt/);
  assert.throws(() => jasyptEncrypt('x', 'clé'), /printable ASCII/);
});

test('ENC(…) values', () => {
  assert.equal(isEncryptedValue(' ENC(abc) '), true);
  assert.equal(isEncryptedValue('ENC(abc'), false);
  assert.equal(decryptValue('ENC(1RE9ye0sRcHlUzoyjWmDKg==)', 'master-key'), 'manager');
  assert.equal(decryptValue('plain', 'master-key'), 'plain');
  const round = jasyptEncrypt('s3cret', 'k');
  assert.equal(decryptValue(`ENC(${round})`, 'k'), 's3cret');
});
