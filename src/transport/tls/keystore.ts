import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { JCEKS_MAGIC, JKS_MAGIC, readJks } from './jks.js';
import { buildChain, readPkcs12 } from './pkcs12.js';
import { KeyStoreError } from './key-material.js';
import type { KeyStoreContents, KeyStoreType } from './key-material.js';

export type DetectedType = KeyStoreType | 'JCEKS';

/** What the first bytes say: JKS and JCEKS by magic number, PKCS#12 as a DER SEQUENCE, PEM by its armour. */
export function detectKeyStoreType(data: Buffer): DetectedType | undefined {
  if (data.length >= 4) {
    const magic = data.readUInt32BE(0);
    if (magic === JKS_MAGIC) return 'JKS';
    if (magic === JCEKS_MAGIC) return 'JCEKS';
  }
  if (data.length >= 2 && data[0] === 0x30 && (data[1]! & 0x80) !== 0) return 'PKCS12';
  if (data.subarray(0, 4096).toString('latin1').includes('-----BEGIN ')) return 'PEM';
  return undefined;
}

/**
 * Maps ActiveMQ's keyStoreType / trustStoreType (a java.security.KeyStore type name, default "jks" in
 * SpringSslContext) to a format we read; undefined means "detect".
 */
export function normaliseStoreType(type: string | undefined, attribute: string): KeyStoreType | undefined {
  if (type === undefined || type.trim() === '') return undefined;
  switch (type.trim().toLowerCase()) {
    case 'jks':
      return 'JKS';
    case 'pkcs12':
    case 'p12':
    case 'pfx':
      return 'PKCS12';
    case 'pem':
      return 'PEM';
    default:
      throw new KeyStoreError(
        'unsupported',
        undefined,
        `${attribute} '${type}' is not supported (use JKS, PKCS12, or PEM files); ` +
          'convert with keytool -importkeystore -deststoretype PKCS12',
      );
  }
}

/** ActiveMQ resolves store locations with Utils.resourceFromString: a URL or a file path. */
export function resolveStorePath(location: string): string {
  if (location.startsWith('file:')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]+:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) {
    throw new KeyStoreError(
      'unreadable',
      location,
      'only file paths and file: URLs are supported for keystores (not classpath: or remote URLs)',
    );
  }
  return location;
}

export async function readStoreFile(location: string, attribute: string): Promise<{ path: string; data: Buffer }> {
  if (location.trim() === '') throw new KeyStoreError('unreadable', undefined, `${attribute} is empty`);
  const path = resolveStorePath(location);
  try {
    return { path, data: await readFile(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (e as Error).message;
    throw new KeyStoreError('unreadable', path, `cannot read ${attribute}: ${why}`, { cause: e });
  }
}

export interface OpenStoreOptions {
  /** The configured type; undefined detects it from the content. */
  type: KeyStoreType | undefined;
  password: string | undefined;
  keyPassword?: string | undefined;
  certificatesOnly?: boolean;
  /** Names the attribute in messages: keyStore, trustStore. */
  attribute: string;
}

/**
 * Opens a JKS, PKCS#12 or PEM store. Since Java 9 a "jks" KeyStore also loads PKCS#12 files and vice versa
 * (keystore.type.compat), so SpringSslContext's default keyStoreType="jks" works for a .p12 file; we follow
 * the content in the same way, and report the mismatch as a warning. The configured type decides only when
 * the content says nothing.
 */
export function openStore(
  path: string,
  data: Buffer,
  options: OpenStoreOptions,
): { contents: KeyStoreContents; warnings: string[] } {
  const warnings: string[] = [];
  const detected = detectKeyStoreType(data);
  if (detected === 'JCEKS') {
    throw new KeyStoreError(
      'unsupported',
      path,
      'JCEKS keystores are not supported; convert with keytool -importkeystore -deststoretype PKCS12',
    );
  }
  const type = detected ?? options.type;
  if (!type) throw new KeyStoreError('corrupt', path, `${options.attribute} is not a JKS, PKCS#12 or PEM file`);
  if (options.type && detected && options.type !== detected) {
    warnings.push(
      `${path}: ${options.attribute}Type is ${options.type} but the file is ${detected}; reading it as ${detected}`,
    );
  }
  const common = {
    storePassword: options.password,
    keyPassword: options.keyPassword,
    file: path,
    certificatesOnly: options.certificatesOnly ?? false,
  };
  switch (type) {
    case 'JKS':
      return { contents: readJks(data, common), warnings };
    case 'PKCS12':
      return { contents: readPkcs12(data, common), warnings };
    case 'PEM':
      return { contents: readPemBundle(data, path, options), warnings };
  }
}

/** A PEM file given as a store: its certificates, plus a private key when it holds one. */
function readPemBundle(data: Buffer, path: string, options: OpenStoreOptions): KeyStoreContents {
  const text = data.toString('utf8');
  const certs = parsePemCertificates(text, path);
  if (options.certificatesOnly) {
    return { type: 'PEM', keys: [], trusted: certs.map((c) => ({ alias: c.subject, certificate: c })) };
  }
  const hasKey = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text);
  if (!hasKey) return { type: 'PEM', keys: [], trusted: [] };
  const key = parsePemPrivateKey(text, options.keyPassword ?? options.password, path);
  const leaf = certs.find((c) => c.checkPrivateKey(key)) ?? certs[0];
  return {
    type: 'PEM',
    keys: [{ alias: leaf?.subject ?? 'key', privateKey: key, chain: leaf ? buildChain(leaf, certs) : [] }],
    trusted: [],
  };
}

const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export function parsePemCertificates(text: string, path: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const m of text.matchAll(certBlock)) {
    try {
      out.push(new X509Certificate(m[0]));
    } catch (e) {
      throw new KeyStoreError('corrupt', path, `certificate ${out.length + 1} is not valid PEM X.509`, { cause: e });
    }
  }
  return out;
}

export function parsePemPrivateKey(text: string, passphrase: string | undefined, path: string): KeyObject {
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  if (passphrase === undefined && encrypted) {
    throw new KeyStoreError('wrong-key-password', path, 'the private key is encrypted and no password was given');
  }
  try {
    return createPrivateKey(passphrase === undefined ? { key: text } : { key: text, passphrase });
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    const message = (e as Error).message;
    if (code === 'ERR_MISSING_PASSPHRASE') {
      throw new KeyStoreError('wrong-key-password', path, 'the private key is encrypted and no password was given', {
        cause: e,
      });
    }
    // A wrong password usually fails the padding check (bad decrypt); about one time in 256 the garbage it
    // decrypts to passes that check and fails as DER instead (DECODER routines::unsupported): for an encrypted
    // key read with a password, both mean the password is wrong.
    if (/bad decrypt|BAD_DECRYPT/i.test(message + code) || (encrypted && passphrase !== undefined)) {
      throw new KeyStoreError('wrong-key-password', path, 'wrong password for the encrypted private key', { cause: e });
    }
    throw new KeyStoreError('corrupt', path, `no readable private key: ${message}`, { cause: e });
  }
}
