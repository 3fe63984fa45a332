import { getCiphers } from 'node:tls';
import { BrokerError } from '../../util/errors.js';
import { cipherTable } from './cipher-table.generated.js';

/**
 * `transport.enabledCipherSuites` as ActiveMQ users write it: Java (= IANA) suite names, including JSSE's old
 * `SSL_` aliases (SSL_RSA_WITH_RC4_128_SHA is TLS_RSA_WITH_RC4_128_SHA), or OpenSSL names. Each name is mapped
 * to OpenSSL through the table generated from `openssl ciphers -stdname`, and a suite that is unknown, or
 * known but unsafe, is refused at start-up with the reason and the list of what is available. (ActiveMQ
 * itself refuses a list JSSE cannot apply, AMQ-4582, because an SSLServerSocket left with its defaults
 * would silently enable everything.)
 */
export interface CipherSuite {
  /** IANA / Java name. */
  readonly iana: string;
  readonly openssl: string;
  /** TLS 1.3 suites are negotiated separately from the TLS 1.2 ones in OpenSSL. */
  readonly tls13: boolean;
  readonly kx: string;
  readonly au: string;
  readonly enc: string;
  readonly mac: string;
}

export interface ResolvedCipherSuites {
  readonly suites: readonly CipherSuite[];
  /** For Node's `ciphers` option: OpenSSL names, TLS 1.3 suites included (Node splits them out). */
  readonly cipherString: string;
  readonly tls12: readonly string[];
  readonly tls13: readonly string[];
}

const suites: CipherSuite[] = cipherTable.map(([iana, openssl, protocol, kx, au, enc, mac]) => ({
  iana,
  openssl,
  tls13: protocol === 'TLSv1.3',
  kx,
  au,
  enc,
  mac,
}));
const byName = new Map<string, CipherSuite>();
for (const s of suites) {
  byName.set(s.iana.toUpperCase(), s);
  byName.set(s.openssl.toUpperCase(), s);
}

/** Java's signalling pseudo-suite (RFC 5746); OpenSSL always does secure renegotiation, so it is a no-op. */
const SIGNALLING = new Set(['TLS_EMPTY_RENEGOTIATION_INFO_SCSV', 'TLS_FALLBACK_SCSV']);

/**
 * Why a suite must not be offered, judged from its parameters or, for suites this OpenSSL no longer has
 * (RC4, DES, EXPORT), from the IANA name alone.
 */
export function insecureReason(name: string, suite?: CipherSuite): string | undefined {
  const n = name.toUpperCase();
  const enc = suite?.enc.toUpperCase() ?? '';
  if (n.includes('_NULL_') || n.endsWith('_NULL') || enc === 'NONE')
    return 'NULL cipher: traffic would not be encrypted';
  if (n.includes('_ANON_') || suite?.au === 'None') {
    return 'anonymous key exchange: the server is not authenticated, so anyone in the middle can read the traffic';
  }
  if (n.includes('EXPORT') || n.includes('EXP-')) return 'EXPORT-grade cipher: deliberately weakened 40/56-bit keys';
  if (n.includes('RC4')) return 'RC4 is broken and prohibited in TLS (RFC 7465)';
  if (n.includes('3DES') || n.includes('DES_EDE') || n.includes('DES-CBC3')) {
    return '3DES has a 64-bit block and is vulnerable to SWEET32 (CVE-2016-2183)';
  }
  if (/(^|[_-])DES([_-]|40|$)/.test(n) || enc.startsWith('DES')) return 'single DES uses a 56-bit key and is broken';
  if (n.includes('_MD5') || suite?.mac === 'MD5') return 'MD5 MAC is broken';
  if (n.includes('RC2') || n.includes('IDEA')) return 'obsolete cipher removed from TLS 1.2 (RFC 5469)';
  return undefined;
}

/** Suites the broker cannot use even though they are safe: they need credentials it never configures. */
function unusableReason(suite: CipherSuite): string | undefined {
  if (suite.au === 'PSK' || suite.kx.includes('PSK'))
    return 'it needs pre-shared keys, which the broker does not configure';
  if (suite.au === 'SRP' || suite.kx.includes('SRP'))
    return 'it needs SRP passwords, which the broker does not configure';
  if (suite.kx === 'DH' && suite.au !== 'RSA' && suite.au !== 'DSS') return 'it needs static DH certificates';
  if (suite.au === 'DSS') return 'DSA certificates are not supported by TLS 1.3-era stacks and by JDK defaults';
  return undefined;
}

/** Safe suites this OpenSSL (as Node is built) can offer, IANA names, strongest families first as listed. */
export function availableCipherSuites(): CipherSuite[] {
  const built = new Set(getCiphers().map((c) => c.toUpperCase()));
  return suites.filter(
    (s) =>
      insecureReason(s.iana, s) === undefined &&
      unusableReason(s) === undefined &&
      (s.tls13 || built.has(s.openssl.toUpperCase())),
  );
}

export function lookupCipherSuite(name: string): CipherSuite | undefined {
  const n = name.trim().toUpperCase();
  return byName.get(n) ?? (n.startsWith('SSL_') ? byName.get('TLS_' + n.slice(4)) : undefined);
}

/**
 * Resolves a list of suite names, in order, de-duplicated. Throws ERR_CONFIG naming every refused suite with
 * its reason, followed by the available names.
 */
export function resolveCipherSuites(
  names: readonly string[],
  option = 'transport.enabledCipherSuites',
): ResolvedCipherSuites {
  const chosen: CipherSuite[] = [];
  const problems: string[] = [];
  const available = availableCipherSuites();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (SIGNALLING.has(name.toUpperCase())) continue;
    const suite = lookupCipherSuite(name);
    const insecure = insecureReason(name, suite);
    if (insecure) {
      problems.push(`${name} is refused: ${insecure}`);
      continue;
    }
    if (!suite) {
      problems.push(`${name} is not a cipher suite known to ${opensslName()}`);
      continue;
    }
    const unusable = unusableReason(suite);
    if (unusable) {
      problems.push(`${name} is refused: ${unusable}`);
      continue;
    }
    if (!available.includes(suite)) {
      problems.push(`${name} is not offered by this Node/OpenSSL build`);
      continue;
    }
    if (!chosen.includes(suite)) chosen.push(suite);
  }
  if (problems.length > 0) {
    throw new BrokerError(
      'ERR_CONFIG',
      `Invalid ${option}: ${problems.join('; ')}. Available: ${available.map((s) => s.iana).join(', ')}`,
    );
  }
  if (chosen.length === 0) throw new BrokerError('ERR_CONFIG', `Invalid ${option}: no cipher suite given`);
  return {
    suites: chosen,
    cipherString: chosen.map((s) => s.openssl).join(':'),
    tls12: chosen.filter((s) => !s.tls13).map((s) => s.iana),
    tls13: chosen.filter((s) => s.tls13).map((s) => s.iana),
  };
}

function opensslName(): string {
  return `OpenSSL ${process.versions.openssl ?? ''}`.trim();
}
