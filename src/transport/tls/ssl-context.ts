import type { X509Certificate } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../../util/logger.js';
import { KeyStoreError } from './key-material.js';
import type { KeyStoreContents, PrivateKeyEntry } from './key-material.js';
import { normaliseStoreType, openStore, parsePemCertificates, parsePemPrivateKey, readStoreFile } from './keystore.js';
import { buildChain } from './pkcs12.js';

/**
 * The attributes of ActiveMQ's `<sslContext>` element (org.apache.activemq.spring.SpringSslContext, whose
 * setters are the XML attribute names), plus PEM file forms for Node users who never had a Java keystore.
 */
export interface SslContextConfig {
  keyStore?: string;
  keyStorePassword?: string;
  /** Password of the private key entry when it differs from keyStorePassword (SpringSslContext falls back). */
  keyStoreKeyPassword?: string;
  /** jks (SpringSslContext's default), pkcs12 or pem; the file's magic number wins when they disagree. */
  keyStoreType?: string;
  trustStore?: string;
  trustStorePassword?: string;
  trustStoreType?: string;
  /** A CRL file (PEM or DER) checked against peer certificates. */
  crlPath?: string;
  /** Accepted for configuration compatibility; JSSE algorithm choices have no equivalent in OpenSSL. */
  keyStoreAlgorithm?: string;
  trustStoreAlgorithm?: string;
  secureRandomAlgorithm?: string;
  protocol?: string;
  provider?: string;

  /** PEM certificate chain (leaf first), for use with keyFile instead of keyStore. */
  certFile?: string;
  /** PEM private key (PKCS#8, PKCS#1 or SEC1; may be encrypted, see keyPassword). */
  keyFile?: string;
  keyPassword?: string;
  /** PEM CA certificates to trust, instead of (or as well as) trustStore. */
  caFile?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface LoadedSslContext {
  /** Ready for tls.createSecureContext / tls.createServer / tls.connect. Absent fields: Node's defaults. */
  secureContextOptions: SecureContextOptions;
  /** Problems that do not stop start-up (expiring certificate, type mismatch, ignored attribute); log them. */
  warnings: string[];
  /** The identity presented to peers, when a key was configured. */
  certificate: CertificateSummary | undefined;
  /** How many CA certificates are trusted; undefined means Node's bundled roots (Java would use cacerts). */
  trustedCount: number | undefined;
}

export interface LoadSslContextOptions {
  /** Injected for tests; defaults to Date.now(). */
  now?: number;
  /** Warn when the certificate expires within this many days (default 30). */
  expiryWarningDays?: number;
}

const DAY = 24 * 60 * 60 * 1000;

const jsseDefaults: Record<string, readonly string[]> = {
  keyStoreAlgorithm: ['SunX509', 'PKIX', 'NewSunX509'],
  trustStoreAlgorithm: ['PKIX', 'SunX509', 'SunPKIX', 'X509'],
  secureRandomAlgorithm: ['SHA1PRNG', 'NativePRNG', 'DRBG'],
  protocol: ['TLS', 'TLSv1.2', 'TLSv1.3'],
  provider: [],
};

/**
 * Opens the configured key and trust material and checks it the way a broker should at start-up: every
 * failure names the file and the cause (wrong password, missing file, no private key, expired or not yet
 * valid certificate, key not matching its certificate), so a misconfigured ssl:// connector fails before it
 * binds rather than at the first handshake.
 */
export async function loadSslContext(
  config: SslContextConfig,
  logger?: Logger,
  options: LoadSslContextOptions = {},
): Promise<LoadedSslContext> {
  const now = options.now ?? Date.now();
  const warnDays = options.expiryWarningDays ?? 30;
  const warnings: string[] = [];
  const secureContextOptions: SecureContextOptions = {};

  for (const [attr, accepted] of Object.entries(jsseDefaults)) {
    const value = (config as Record<string, unknown>)[attr];
    if (typeof value === 'string' && !accepted.includes(value)) {
      warnings.push(`sslContext ${attr}="${value}" has no effect: TLS here is OpenSSL, not JSSE`);
    }
  }
  if (config.keyStore !== undefined && (config.certFile !== undefined || config.keyFile !== undefined)) {
    throw new KeyStoreError(
      'invalid-option',
      undefined,
      'sslContext: give either keyStore or certFile/keyFile, not both',
    );
  }
  if ((config.certFile === undefined) !== (config.keyFile === undefined)) {
    throw new KeyStoreError('invalid-option', undefined, 'sslContext: certFile and keyFile must be given together');
  }

  // ---- identity ----
  let identity: { entry: PrivateKeyEntry; file: string } | undefined;
  if (config.keyStore !== undefined) {
    const { path, data } = await readStoreFile(config.keyStore, 'keyStore');
    const opened = openStore(path, data, {
      type: normaliseStoreType(config.keyStoreType, 'keyStore'),
      password: config.keyStorePassword,
      keyPassword: config.keyStoreKeyPassword,
      attribute: 'keyStore',
    });
    warnings.push(...opened.warnings);
    identity = { entry: pickKeyEntry(opened.contents, path, warnings), file: path };
  } else if (config.certFile !== undefined && config.keyFile !== undefined) {
    const cert = await readStoreFile(config.certFile, 'certFile');
    const key = await readStoreFile(config.keyFile, 'keyFile');
    const chain = parsePemCertificates(cert.data.toString('utf8'), cert.path);
    if (chain.length === 0) throw new KeyStoreError('no-certificates', cert.path, 'certFile holds no PEM certificate');
    const privateKey = parsePemPrivateKey(key.data.toString('utf8'), config.keyPassword, key.path);
    identity = { entry: { alias: chain[0]!.subject, privateKey, chain }, file: `${cert.path} / ${key.path}` };
  }

  let certificate: CertificateSummary | undefined;
  if (identity) {
    const { entry, file } = identity;
    const leaf = entry.chain[0];
    if (!leaf) throw new KeyStoreError('no-certificates', file, `private key '${entry.alias}' has no certificate`);
    checkValidity(leaf, file, `certificate of '${entry.alias}'`, now, warnDays, warnings, true);
    for (const extra of entry.chain.slice(1))
      checkValidity(extra, file, `chain certificate ${extra.subject}`, now, warnDays, warnings, false);
    if (!leaf.checkPrivateKey(entry.privateKey)) {
      throw new KeyStoreError(
        'key-mismatch',
        file,
        `the private key '${entry.alias}' does not match its certificate (${oneLine(leaf.subject)})`,
      );
    }
    secureContextOptions.key = entry.privateKey.export({ type: 'pkcs8', format: 'pem' });
    secureContextOptions.cert = entry.chain.map((c) => c.toString()).join('');
    certificate = summarise(leaf);
    logger?.debug('TLS identity loaded', { file, subject: certificate.subject, validTo: certificate.validTo });
  }

  // ---- trust ----
  let trustedCount: number | undefined;
  const ca: string[] = [];
  if (config.trustStore !== undefined) {
    const { path, data } = await readStoreFile(config.trustStore, 'trustStore');
    const opened = openStore(path, data, {
      type: normaliseStoreType(config.trustStoreType, 'trustStore'),
      password: config.trustStorePassword,
      certificatesOnly: true,
      attribute: 'trustStore',
    });
    warnings.push(...opened.warnings);
    if (opened.contents.trusted.length === 0) {
      // Java refuses the same store: "the trustAnchors parameter must be non-empty".
      const hint =
        opened.contents.type === 'PKCS12' && config.trustStorePassword === undefined
          ? ' (a PKCS#12 store encrypts its certificates: set trustStorePassword)'
          : '';
      throw new KeyStoreError('no-certificates', path, `trustStore holds no trusted certificate entries${hint}`);
    }
    for (const t of opened.contents.trusted) {
      checkValidity(t.certificate, path, `trusted certificate '${t.alias}'`, now, warnDays, warnings, false);
      ca.push(t.certificate.toString());
    }
  }
  if (config.caFile !== undefined) {
    const { path, data } = await readStoreFile(config.caFile, 'caFile');
    const certs = parsePemCertificates(data.toString('utf8'), path);
    if (certs.length === 0) throw new KeyStoreError('no-certificates', path, 'caFile holds no PEM certificate');
    for (const c of certs) {
      checkValidity(c, path, `CA certificate ${oneLine(c.subject)}`, now, warnDays, warnings, false);
      ca.push(c.toString());
    }
  }
  if (ca.length > 0) {
    secureContextOptions.ca = ca;
    trustedCount = ca.length;
  }
  if (config.crlPath !== undefined) {
    const { data } = await readStoreFile(config.crlPath, 'crlPath');
    secureContextOptions.crl = data;
  }
  return { secureContextOptions, warnings, certificate, trustedCount };
}

function pickKeyEntry(contents: KeyStoreContents, file: string, warnings: string[]): PrivateKeyEntry {
  const entry = contents.keys[0];
  if (!entry) {
    const what = contents.trusted.length > 0 ? `only ${contents.trusted.length} trusted certificate(s)` : 'no entries';
    throw new KeyStoreError(
      'no-private-key',
      file,
      `keyStore holds no private key entry (${what}); a broker needs a key and certificate, e.g. from keytool -genkeypair`,
    );
  }
  if (contents.keys.length > 1) {
    // JSSE's SunX509 key manager picks by key type per handshake; we present one identity, the first.
    warnings.push(
      `${file}: keyStore holds ${contents.keys.length} private keys (${contents.keys.map((k) => k.alias).join(', ')}); using '${entry.alias}'`,
    );
  }
  // A keystore written by tools that store the leaf alone still needs its issuers for the peer.
  if (entry.chain.length === 1 && contents.trusted.length > 0) {
    const chain = buildChain(
      entry.chain[0]!,
      contents.trusted.map((t) => t.certificate),
    );
    return { ...entry, chain };
  }
  return entry;
}

function checkValidity(
  cert: X509Certificate,
  file: string,
  what: string,
  now: number,
  warnDays: number,
  warnings: string[],
  fatal: boolean,
): void {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  const subject = oneLine(cert.subject);
  if (now < from) {
    const msg = `${what} (${subject}) is not valid until ${new Date(from).toISOString()}`;
    if (fatal) throw new KeyStoreError('not-yet-valid', file, msg);
    warnings.push(`${file}: ${msg}`);
  } else if (now > to) {
    const msg = `${what} (${subject}) expired on ${new Date(to).toISOString()}`;
    if (fatal) throw new KeyStoreError('expired', file, msg);
    warnings.push(`${file}: ${msg}; it will be ignored by peers`);
  } else if (to - now < warnDays * DAY) {
    const days = Math.max(0, Math.floor((to - now) / DAY));
    warnings.push(`${file}: ${what} (${subject}) expires in ${days} day(s), on ${new Date(to).toISOString()}`);
  }
}

function oneLine(dn: string): string {
  return dn
    .split('\n')
    .filter((s) => s.length > 0)
    .join(', ');
}

export function summarise(cert: X509Certificate): CertificateSummary {
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    validFrom: new Date(Date.parse(cert.validFrom)).toISOString(),
    validTo: new Date(Date.parse(cert.validTo)).toISOString(),
    fingerprint256: cert.fingerprint256,
  };
}
