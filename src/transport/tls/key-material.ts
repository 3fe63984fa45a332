import type { KeyObject, X509Certificate } from 'node:crypto';
import { BrokerError } from '../../util/errors.js';

/** What a keystore holds once opened, whatever its format. */
export interface PrivateKeyEntry {
  readonly alias: string;
  readonly privateKey: KeyObject;
  /** Leaf first, as Java's KeyStore.getCertificateChain returns it. */
  readonly chain: readonly X509Certificate[];
}

export interface TrustedCertificateEntry {
  readonly alias: string;
  readonly certificate: X509Certificate;
}

export type KeyStoreType = 'JKS' | 'PKCS12' | 'PEM';

export interface KeyStoreContents {
  readonly type: KeyStoreType;
  readonly keys: readonly PrivateKeyEntry[];
  readonly trusted: readonly TrustedCertificateEntry[];
}

/** Why a keystore could not be used; tests and callers can branch on it, operators read the message. */
export type KeyStoreProblem =
  | 'unreadable'
  | 'wrong-password'
  | 'wrong-key-password'
  | 'corrupt'
  | 'unsupported'
  | 'no-private-key'
  | 'no-certificates'
  | 'expired'
  | 'not-yet-valid'
  | 'key-mismatch'
  | 'invalid-option';

/**
 * A start-up error about TLS key material: always names the file (or option) and the cause, because the
 * JVM's equivalents ("Keystore was tampered with, or password was incorrect", "Cannot recover key") leave
 * the operator guessing which of several stores is wrong.
 */
export class KeyStoreError extends BrokerError {
  readonly file: string | undefined;
  readonly problem: KeyStoreProblem;

  constructor(problem: KeyStoreProblem, file: string | undefined, message: string, options?: { cause?: unknown }) {
    super('ERR_CONFIG', file === undefined ? message : `${file}: ${message}`, options);
    this.name = 'KeyStoreError';
    this.file = file;
    this.problem = problem;
  }
}

/** Java's KeyStore passwords are char[]; the JKS and PKCS#12 KDF byte forms are both UTF-16 big-endian. */
export function utf16be(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}
