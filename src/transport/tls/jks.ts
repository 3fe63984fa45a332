import { createHash, createPrivateKey, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeOid, expect, parseDer, sequence, Tag } from './der.js';
import { KeyStoreError, utf16be } from './key-material.js';
import type { KeyStoreContents, PrivateKeyEntry, TrustedCertificateEntry } from './key-material.js';

/**
 * Reader for Sun's JKS keystore format as `keytool -storetype JKS` writes it (sun.security.provider.JavaKeyStore):
 *
 *   u32 magic 0xFEEDFEED, u32 version (1 or 2), u32 entry count, then per entry:
 *     u32 tag (1 = private key, 2 = trusted certificate), UTF alias, u64 creation time (ms), and
 *       tag 1: u32 length + EncryptedPrivateKeyInfo DER, u32 chain length, chain of certificates
 *       tag 2: one certificate
 *     where a certificate is (version 2 only: UTF type, "X.509") u32 length + DER.
 *   Finally 20 bytes: SHA-1 over (password as UTF-16BE, the ASCII bytes "Mighty Aphrodite", everything before).
 *
 * "UTF" is java.io.DataOutput.writeUTF: u16 byte length + modified UTF-8.
 * Private keys are protected with Sun's KeyProtector (OID 1.3.6.1.4.1.42.2.17.1.1): 20-byte salt, then the
 * PKCS#8 key XORed with a SHA-1 keystream (d0 = salt, dN = SHA1(password || dN-1)), then a 20-byte check
 * SHA1(password || plaintext key), which is how a wrong key password is detected.
 */
export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;

const SUN_KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';
// Bounds that no real keystore approaches but that stop a corrupt count from looping for a long time.
const MAX_ENTRIES = 10_000;
const MAX_CHAIN = 32;

export interface JksOptions {
  /** The store password; when absent the integrity check is skipped, as KeyStore.load(in, null) does. */
  storePassword: string | undefined;
  /** Password of the private keys; defaults to the store password (ActiveMQ's keyStoreKeyPassword fallback). */
  keyPassword?: string | undefined;
  /** For error messages. */
  file: string;
  /** Only trusted certificates are wanted (a trust store): private keys are not decrypted. */
  certificatesOnly?: boolean;
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly file: string,
  ) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new KeyStoreError('corrupt', this.file, `JKS keystore is truncated (reading ${what})`);
    }
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  utf(what: string): string {
    const len = this.u16(what);
    // Modified UTF-8 differs from UTF-8 only for NUL and characters outside the BMP, which aliases do not use.
    return this.bytes(len, what).toString('utf8');
  }
}

export function readJks(data: Buffer, options: JksOptions): KeyStoreContents {
  const { file } = options;
  if (data.length < 4) throw new KeyStoreError('corrupt', file, 'file is too short to be a keystore');
  const magic = data.readUInt32BE(0);
  if (magic === JCEKS_MAGIC) {
    throw new KeyStoreError(
      'unsupported',
      file,
      'JCEKS keystores are not supported; convert with keytool -importkeystore -deststoretype PKCS12',
    );
  }
  if (magic !== JKS_MAGIC) throw new KeyStoreError('corrupt', file, 'not a JKS keystore (bad magic number)');
  if (data.length < 12 + 20) throw new KeyStoreError('corrupt', file, 'JKS keystore is truncated');

  // Verify integrity first, over everything but the trailing digest, so that a wrong password is reported as
  // such rather than as whatever garbage the entries would decode to.
  const body = data.subarray(0, data.length - 20);
  const stored = data.subarray(data.length - 20);
  if (options.storePassword !== undefined) {
    const digest = createHash('sha1')
      .update(utf16be(options.storePassword))
      .update('Mighty Aphrodite', 'latin1')
      .update(body)
      .digest();
    if (!timingSafeEqual(digest, stored)) {
      throw new KeyStoreError(
        'wrong-password',
        file,
        'wrong keystore password (the JKS integrity check failed; the file may also have been altered)',
      );
    }
  }

  const r = new Reader(body, file);
  r.pos = 4;
  const version = r.u32('version');
  if (version !== 1 && version !== 2)
    throw new KeyStoreError('unsupported', file, `unsupported JKS version ${version}`);
  const count = r.u32('entry count');
  if (count > MAX_ENTRIES) throw new KeyStoreError('corrupt', file, `implausible JKS entry count ${count}`);

  const keyPassword = options.keyPassword ?? options.storePassword;
  const keys: PrivateKeyEntry[] = [];
  const trusted: TrustedCertificateEntry[] = [];
  const readCert = (what: string): X509Certificate => {
    if (version === 2) {
      const type = r.utf(`${what} type`);
      if (type !== 'X.509') throw new KeyStoreError('unsupported', file, `certificate type '${type}' is not X.509`);
    }
    const len = r.u32(`${what} length`);
    const der = r.bytes(len, what);
    try {
      return new X509Certificate(der);
    } catch (e) {
      throw new KeyStoreError('corrupt', file, `${what} is not a valid X.509 certificate`, { cause: e });
    }
  };

  for (let i = 0; i < count; i++) {
    const tag = r.u32('entry tag');
    const alias = r.utf('alias');
    r.bytes(8, 'creation date');
    if (tag === 1) {
      const keyLen = r.u32('key length');
      const protectedKey = r.bytes(keyLen, `key of '${alias}'`);
      const chainLen = r.u32('chain length');
      if (chainLen > MAX_CHAIN) throw new KeyStoreError('corrupt', file, `implausible chain length ${chainLen}`);
      const chain: X509Certificate[] = [];
      for (let c = 0; c < chainLen; c++) chain.push(readCert(`certificate ${c} of '${alias}'`));
      if (options.certificatesOnly) {
        // Java's TrustManagerFactory trusts the leaf certificate of a private key entry too.
        if (chain[0]) trusted.push({ alias, certificate: chain[0] });
        continue;
      }
      if (keyPassword === undefined) {
        throw new KeyStoreError('wrong-key-password', file, `a password is needed to read the private key '${alias}'`);
      }
      keys.push({ alias, privateKey: recoverKey(protectedKey, keyPassword, alias, file), chain });
    } else if (tag === 2) {
      trusted.push({ alias, certificate: readCert(`certificate '${alias}'`) });
    } else if (tag === 3) {
      throw new KeyStoreError('unsupported', file, `entry '${alias}' is a secret key, which JKS cannot hold (JCEKS?)`);
    } else {
      throw new KeyStoreError('corrupt', file, `unknown JKS entry tag ${tag}`);
    }
  }
  if (r.pos !== body.length) throw new KeyStoreError('corrupt', file, 'unexpected bytes after the last JKS entry');
  return { type: 'JKS', keys, trusted };
}

/** Undoes sun.security.provider.KeyProtector.protect. */
function recoverKey(encryptedInfo: Buffer, password: string, alias: string, file: string): KeyObject {
  let encrypted: Buffer;
  try {
    const info = sequence(parseDer(encryptedInfo), 'EncryptedPrivateKeyInfo');
    const algorithm = sequence(info[0], 'algorithm');
    const oid = decodeOid(algorithm[0]);
    if (oid !== SUN_KEY_PROTECTOR_OID) {
      throw new KeyStoreError('unsupported', file, `private key '${alias}' uses unsupported protection ${oid}`);
    }
    encrypted = expect(info[1], Tag.OCTET_STRING, 'encrypted key').value;
  } catch (e) {
    if (e instanceof KeyStoreError) throw e;
    throw new KeyStoreError('corrupt', file, `private key '${alias}' is malformed`, { cause: e });
  }
  if (encrypted.length < 40) throw new KeyStoreError('corrupt', file, `private key '${alias}' is too short`);
  const salt = encrypted.subarray(0, 20);
  const cipherText = encrypted.subarray(20, encrypted.length - 20);
  const check = encrypted.subarray(encrypted.length - 20);
  const pw = utf16be(password);

  const plain = Buffer.alloc(cipherText.length);
  let digest: Buffer = salt;
  for (let off = 0; off < cipherText.length; off += 20) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    for (let i = 0; i < 20 && off + i < cipherText.length; i++) plain[off + i] = cipherText[off + i]! ^ digest[i]!;
  }
  const expected = createHash('sha1').update(pw).update(plain).digest();
  if (!timingSafeEqual(expected, check)) {
    throw new KeyStoreError(
      'wrong-key-password',
      file,
      `cannot recover private key '${alias}': wrong key password (set keyStoreKeyPassword if it differs from keyStorePassword)`,
    );
  }
  try {
    return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new KeyStoreError('corrupt', file, `private key '${alias}' is not a valid PKCS#8 key`, { cause: e });
  }
}
