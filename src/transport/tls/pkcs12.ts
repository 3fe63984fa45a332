import {
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  pbkdf2Sync,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { children, decodeOid, decodeSmallInt, DerError, expect, octets, parseDer, sequence, Tag } from './der.js';
import type { DerNode } from './der.js';
import { KeyStoreError, utf16be } from './key-material.js';
import type { KeyStoreContents, PrivateKeyEntry, TrustedCertificateEntry } from './key-material.js';

/**
 * Reader for PKCS#12 (RFC 7292) keystores as Java's keytool and `openssl pkcs12 -export` write them.
 *
 * Node's `pfx` option could load a keystore that holds a private key, but it refuses trust stores (no key)
 * and hides which entry is which, so the structure is walked here with node:crypto doing the cryptography:
 * the MAC (HMAC keyed by the RFC 7292 appendix B KDF) proves the password, then each bag is decrypted with
 * PBES2 (PBKDF2 + AES/3DES-CBC; keytool's default since JDK 11.0.12/17: PBEWithHmacSHA256AndAES_256) or the
 * legacy pbeWithSHAAnd3-KeyTripleDES-CBC. Certificates carrying Oracle's trusted-key-usage attribute are
 * keytool's trustedCertEntry; a certificate whose localKeyId matches a key is that key's leaf.
 */
const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  javaTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeSha2Des: '1.2.840.113549.1.12.1.4',
  pbeSha128Rc2: '1.2.840.113549.1.12.1.5',
  pbeSha40Rc2: '1.2.840.113549.1.12.1.6',
} as const;

const hashes: Record<string, { name: string; block: number; size: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', block: 64, size: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', block: 64, size: 28 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', block: 64, size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', block: 128, size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', block: 128, size: 64 },
};
const hmacPrfs: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const cbcCiphers: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};
// Work factors above this are not a keystore but a denial of service (keytool uses 10 000, openssl 2 048).
const MAX_ITERATIONS = 1_000_000;
const MAX_BAGS = 10_000;

export interface Pkcs12Options {
  /** Undefined: no MAC check and only unencrypted content is readable (KeyStore.load(in, null)). */
  storePassword: string | undefined;
  /** Password of shrouded keys; defaults to the store password. */
  keyPassword?: string | undefined;
  file: string;
  certificatesOnly?: boolean;
}

class WrongPassword extends Error {}

/** RFC 7292 appendix B.2: derive `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC key) from a password. */
export function pkcs12Kdf(
  hashOid: string,
  password: Buffer,
  salt: Buffer,
  iterations: number,
  id: number,
  n: number,
): Buffer {
  const h = hashes[hashOid];
  if (!h) throw new DerError(`unsupported PKCS#12 digest ${hashOid}`);
  const v = h.block;
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < n) {
    let A = createHash(h.name).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(h.name).update(A).digest();
    out.push(A);
    produced += A.length;
    if (produced >= n) break;
    const B = fill(A).subarray(0, v);
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/** The PKCS#12 KDF takes the password as a NUL-terminated BMPString. */
function bmpPassword(password: string): Buffer {
  return Buffer.concat([utf16be(password), Buffer.alloc(2)]);
}

function iterationsOf(node: DerNode | undefined, what: string): number {
  const n = node ? decodeSmallInt(node, what) : 1;
  if (n < 1 || n > MAX_ITERATIONS) throw new DerError(`${what}: implausible iteration count ${n}`);
  return n;
}

/** Decrypts data protected by the AlgorithmIdentifier `alg`; throws WrongPassword on a padding failure. */
function decrypt(alg: DerNode, data: Buffer, password: string): Buffer {
  const parts = sequence(alg, 'encryption algorithm');
  const oid = decodeOid(parts[0], 'encryption algorithm');
  let name: string;
  let key: Buffer;
  let iv: Buffer;
  if (oid === OID.pbes2) {
    const params = sequence(parts[1], 'PBES2 parameters');
    const kdf = sequence(params[0], 'PBES2 key derivation');
    if (decodeOid(kdf[0]) !== OID.pbkdf2) throw new DerError('PBES2 key derivation is not PBKDF2');
    const kdfParams = sequence(kdf[1], 'PBKDF2 parameters');
    const salt = expect(kdfParams[0], Tag.OCTET_STRING, 'PBKDF2 salt').value;
    const iterations = iterationsOf(kdfParams[1], 'PBKDF2 iterations');
    let rest = kdfParams.slice(2);
    let keyLength: number | undefined;
    if (rest[0]?.tag === Tag.INTEGER) {
      keyLength = decodeSmallInt(rest[0], 'PBKDF2 key length');
      if (keyLength < 8 || keyLength > 64) throw new DerError(`implausible PBKDF2 key length ${keyLength}`);
      rest = rest.slice(1);
    }
    let prf = 'sha1';
    if (rest[0]) {
      const prfOid = decodeOid(sequence(rest[0], 'PBKDF2 PRF')[0]);
      const p = hmacPrfs[prfOid];
      if (!p) throw new DerError(`unsupported PBKDF2 PRF ${prfOid}`);
      prf = p;
    }
    const enc = sequence(params[1], 'PBES2 encryption scheme');
    const encOid = decodeOid(enc[0]);
    const cipher = cbcCiphers[encOid];
    if (!cipher) throw new DerError(`unsupported PBES2 cipher ${encOid}`);
    iv = expect(enc[1], Tag.OCTET_STRING, 'cipher IV').value;
    name = cipher.name;
    // PBKDF2 takes the password as UTF-8 (OpenSSL and Java's PBKDF2KeyImpl agree).
    key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLength ?? cipher.keyLength, prf);
  } else if (oid === OID.pbeSha3Des || oid === OID.pbeSha2Des) {
    const params = sequence(parts[1], 'PBE parameters');
    const salt = expect(params[0], Tag.OCTET_STRING, 'PBE salt').value;
    const iterations = iterationsOf(params[1], 'PBE iterations');
    const pw = bmpPassword(password);
    key = pkcs12Kdf('1.3.14.3.2.26', pw, salt, iterations, 1, 24);
    if (oid === OID.pbeSha2Des) key = Buffer.concat([key.subarray(0, 16), key.subarray(0, 8)]);
    iv = pkcs12Kdf('1.3.14.3.2.26', pw, salt, iterations, 2, 8);
    name = 'des-ede3-cbc';
  } else if (oid === OID.pbeSha40Rc2 || oid === OID.pbeSha128Rc2) {
    throw new DerError(
      'legacy RC2 encryption (an old keytool/OpenSSL default) is not available in OpenSSL 3; ' +
        're-export the keystore with keytool -importkeystore -deststoretype PKCS12',
    );
  } else {
    throw new DerError(`unsupported PKCS#12 encryption algorithm ${oid}`);
  }
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new WrongPassword();
  }
}

function verifyMac(macData: DerNode, authSafe: Buffer, password: string): void {
  const parts = sequence(macData, 'MacData');
  const digestInfo = sequence(parts[0], 'MAC DigestInfo');
  const algOid = decodeOid(sequence(digestInfo[0], 'MAC algorithm')[0]);
  if (algOid === OID.pbmac1) {
    throw new DerError('PBMAC1 integrity protection is not supported yet; re-export with keytool');
  }
  const h = hashes[algOid];
  if (!h) throw new DerError(`unsupported PKCS#12 MAC digest ${algOid}`);
  const expected = expect(digestInfo[1], Tag.OCTET_STRING, 'MAC value').value;
  const salt = expect(parts[1], Tag.OCTET_STRING, 'MAC salt').value;
  const iterations = iterationsOf(parts[2], 'MAC iterations');
  const key = pkcs12Kdf(algOid, bmpPassword(password), salt, iterations, 3, h.size);
  const actual = createHmac(h.name, key).update(authSafe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new WrongPassword();
}

interface Bag {
  oid: string;
  value: DerNode;
  friendlyName: string | undefined;
  localKeyId: string | undefined;
  javaTrusted: boolean;
}

function readBags(safeContents: Buffer, depth: number): Bag[] {
  const out: Bag[] = [];
  for (const bag of sequence(parseDer(safeContents), 'SafeContents')) {
    const parts = sequence(bag, 'SafeBag');
    const oid = decodeOid(parts[0], 'bag type');
    const value = children(expect(parts[1], Tag.CONTEXT_0, 'bag value'), depth)[0];
    if (!value) throw new DerError('empty bag value');
    let friendlyName: string | undefined;
    let localKeyId: string | undefined;
    let javaTrusted = false;
    if (parts[2]) {
      for (const attr of children(expect(parts[2], Tag.SET, 'bag attributes'), depth)) {
        const a = sequence(attr, 'attribute');
        const aOid = decodeOid(a[0], 'attribute type');
        const values = children(expect(a[1], Tag.SET, 'attribute values'), depth);
        if (aOid === OID.friendlyName && values[0]) {
          const v = values[0].value;
          friendlyName = values[0].tag === Tag.BMPString ? Buffer.from(v).swap16().toString('utf16le') : v.toString();
        } else if (aOid === OID.localKeyId && values[0]) {
          localKeyId = values[0].value.toString('hex');
        } else if (aOid === OID.javaTrustedKeyUsage) {
          javaTrusted = true;
        }
      }
    }
    out.push({ oid, value, friendlyName, localKeyId, javaTrusted });
    if (out.length > MAX_BAGS) throw new DerError('too many PKCS#12 bags');
  }
  return out;
}

export function readPkcs12(data: Buffer, options: Pkcs12Options): KeyStoreContents {
  const { file } = options;
  try {
    return readPkcs12Unchecked(data, options);
  } catch (e) {
    if (e instanceof KeyStoreError) throw e;
    if (e instanceof WrongPassword) {
      throw new KeyStoreError(
        'wrong-password',
        file,
        'wrong keystore password (the PKCS#12 integrity check failed; the file may also have been altered)',
      );
    }
    if (e instanceof DerError)
      throw new KeyStoreError('corrupt', file, `not a readable PKCS#12 keystore: ${e.message}`, { cause: e });
    throw new KeyStoreError('corrupt', file, `not a readable PKCS#12 keystore: ${(e as Error).message}`, { cause: e });
  }
}

function readPkcs12Unchecked(data: Buffer, options: Pkcs12Options): KeyStoreContents {
  const { file } = options;
  const pfx = sequence(parseDer(data), 'PFX');
  if (decodeSmallInt(pfx[0], 'PFX version') !== 3) throw new DerError('PFX version is not 3');
  const authSafeInfo = sequence(pfx[1], 'authSafe');
  if (decodeOid(authSafeInfo[0]) !== OID.data) throw new DerError('only password-integrity PKCS#12 is supported');
  const authSafe = octets(children(expect(authSafeInfo[1], Tag.CONTEXT_0, 'authSafe content'))[0]!, 'authSafe');

  const password = options.storePassword;
  if (pfx[2] && password !== undefined) verifyMac(pfx[2], authSafe, password);

  const bags: Bag[] = [];
  for (const ci of sequence(parseDer(authSafe), 'AuthenticatedSafe')) {
    const parts = sequence(ci, 'ContentInfo');
    const type = decodeOid(parts[0]);
    const content = children(expect(parts[1], Tag.CONTEXT_0, 'ContentInfo content'))[0];
    if (!content) throw new DerError('empty ContentInfo');
    if (type === OID.data) {
      bags.push(...readBags(octets(content, 'SafeContents'), 1));
    } else if (type === OID.encryptedData) {
      if (password === undefined) continue; // unreadable without a password, as in Java
      const enc = sequence(sequence(content, 'EncryptedData')[1], 'EncryptedContentInfo');
      const cipherText = enc[2];
      if (!cipherText || (cipherText.tag !== Tag.CONTEXT_0_PRIMITIVE && cipherText.tag !== Tag.CONTEXT_0)) {
        throw new DerError('EncryptedData has no content');
      }
      bags.push(...readBags(decrypt(enc[1]!, octets(cipherText, 'encrypted content'), password), 1));
    } else {
      throw new DerError(`unsupported PKCS#12 content type ${type} (public-key privacy mode?)`);
    }
  }

  const certs: Array<{ bag: Bag; cert: X509Certificate }> = [];
  const keyBags: Bag[] = [];
  for (const bag of bags) {
    if (bag.oid === OID.certBag) {
      const cb = sequence(bag.value, 'CertBag');
      if (decodeOid(cb[0]) !== OID.x509Certificate) continue; // SDSI certificates: never written by keytool
      const der = expect(
        children(expect(cb[1], Tag.CONTEXT_0, 'certificate value'))[0],
        Tag.OCTET_STRING,
        'certificate',
      ).value;
      try {
        certs.push({ bag, cert: new X509Certificate(der) });
      } catch (e) {
        throw new KeyStoreError('corrupt', file, 'a certificate in the keystore is not valid X.509', { cause: e });
      }
    } else if (bag.oid === OID.pkcs8ShroudedKeyBag || bag.oid === OID.keyBag) {
      keyBags.push(bag);
    }
  }

  const keys: PrivateKeyEntry[] = [];
  const trusted: TrustedCertificateEntry[] = [];
  const keyPassword = options.keyPassword ?? password;
  for (const bag of keyBags) {
    const alias = bag.friendlyName ?? bag.localKeyId ?? `key${keys.length + 1}`;
    const leaf = certs.find((c) => c.bag.localKeyId !== undefined && c.bag.localKeyId === bag.localKeyId)?.cert;
    const chain = leaf
      ? buildChain(
          leaf,
          certs.map((c) => c.cert),
        )
      : [];
    if (options.certificatesOnly) {
      if (leaf) trusted.push({ alias, certificate: leaf });
      continue;
    }
    keys.push({ alias, privateKey: openKeyBag(bag, keyPassword, alias, file), chain });
  }
  for (const { bag, cert } of certs) {
    if (bag.javaTrusted) trusted.push({ alias: bag.friendlyName ?? cert.subject, certificate: cert });
  }
  return { type: 'PKCS12', keys, trusted };
}

function openKeyBag(bag: Bag, password: string | undefined, alias: string, file: string): KeyObject {
  let pkcs8: Buffer;
  if (bag.oid === OID.keyBag) {
    pkcs8 = Buffer.from(bag.value.raw);
  } else {
    if (password === undefined) {
      throw new KeyStoreError('wrong-key-password', file, `a password is needed to read the private key '${alias}'`);
    }
    const info = sequence(bag.value, 'EncryptedPrivateKeyInfo');
    try {
      pkcs8 = decrypt(info[0]!, expect(info[1], Tag.OCTET_STRING, 'encrypted key').value, password);
    } catch (e) {
      if (e instanceof WrongPassword) {
        throw new KeyStoreError(
          'wrong-key-password',
          file,
          `cannot recover private key '${alias}': wrong key password (set keyStoreKeyPassword if it differs from keyStorePassword)`,
        );
      }
      throw e;
    }
  }
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (e) {
    // A wrong password that happens to leave valid padding lands here (1 in 256 for CBC without a MAC).
    throw new KeyStoreError(
      'wrong-key-password',
      file,
      `cannot recover private key '${alias}': wrong key password or corrupt key`,
      {
        cause: e,
      },
    );
  }
}

/** Leaf first, then each issuer found among the keystore's certificates, stopping at a self-signed one. */
export function buildChain(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  while (chain.length < 16 && current.issuer !== current.subject) {
    const issuer = pool.find((c) => !chain.includes(c) && current.checkIssued(c));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}
