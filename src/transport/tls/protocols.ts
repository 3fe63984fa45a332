import type { SecureVersion } from 'node:tls';
import { BrokerError } from '../../util/errors.js';

/**
 * `transport.enabledProtocols` takes JSSE protocol names. Only TLS 1.2 and 1.3 are allowed (the default is
 * both): SSLv3, TLS 1.0 and 1.1 are deprecated by RFC 8996 and disabled in current JDKs
 * (jdk.tls.disabledAlgorithms), so enabling them is refused rather than quietly ignored.
 */
export type TlsProtocol = 'TLSv1.2' | 'TLSv1.3';

export interface ResolvedProtocols {
  readonly protocols: readonly TlsProtocol[];
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
}

export const defaultProtocols: readonly TlsProtocol[] = ['TLSv1.2', 'TLSv1.3'];

const refused: Record<string, string> = {
  SSLV2: 'SSLv2 is broken (RFC 6176)',
  SSLV2HELLO: 'SSLv2Hello (an SSLv2-format ClientHello) is obsolete and not supported by OpenSSL',
  SSLV3: 'SSLv3 is broken (POODLE, RFC 7568)',
  TLSV1: 'TLSv1 is deprecated (RFC 8996)',
  'TLSV1.0': 'TLSv1 is deprecated (RFC 8996)',
  'TLSV1.1': 'TLSv1.1 is deprecated (RFC 8996)',
};

export function resolveProtocols(
  names: readonly string[] | undefined,
  option = 'transport.enabledProtocols',
): ResolvedProtocols {
  if (names === undefined) return rangeOf(defaultProtocols);
  const chosen = new Set<TlsProtocol>();
  const problems: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const key = name.toUpperCase();
    if (key === 'TLSV1.2') chosen.add('TLSv1.2');
    else if (key === 'TLSV1.3') chosen.add('TLSv1.3');
    else if (refused[key]) problems.push(`${name} is refused: ${refused[key]}`);
    else problems.push(`${name} is not a TLS protocol name`);
  }
  if (problems.length > 0) {
    throw new BrokerError('ERR_CONFIG', `Invalid ${option}: ${problems.join('; ')}. Allowed: TLSv1.2, TLSv1.3`);
  }
  if (chosen.size === 0) throw new BrokerError('ERR_CONFIG', `Invalid ${option}: no protocol given`);
  return rangeOf(defaultProtocols.filter((p) => chosen.has(p)));
}

export function rangeOf(protocols: readonly TlsProtocol[]): ResolvedProtocols {
  return { protocols, minVersion: protocols[0]!, maxVersion: protocols[protocols.length - 1]! };
}
