import { checkServerIdentity } from 'node:tls';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { BrokerError } from '../../util/errors.js';
import type { ConnectorUri } from '../uri/connector-uri.js';
import { resolveCipherSuites } from './ciphers.js';
import { rangeOf, resolveProtocols } from './protocols.js';
import type { TlsProtocol } from './protocols.js';
import type { LoadedSslContext } from './ssl-context.js';

/**
 * Node `tls.createServer` options for a TLS connector: the loaded key material plus what the URI asks for
 * (ActiveMQ's SslTransportServer / SSLServerSocket properties via `transport.`, or `transport.socket.`).
 *
 * needClientAuth → requestCert + rejectUnauthorized: a client without a certificate chained to the trust
 * store fails the handshake. wantClientAuth → requestCert only: the certificate is asked for and, when given
 * and trusted, exposed; its absence is not an error. needClientAuth wins when both are set, as in JSSE.
 */
export function tlsServerOptions(connector: ConnectorUri, ssl: LoadedSslContext): TlsOptions {
  const tls = connector.options.tls;
  if (!connector.tls || !tls) {
    throw new BrokerError('ERR_CONFIG', `${connector.scheme}:// is not a TLS connector`);
  }
  const sc = ssl.secureContextOptions;
  if (sc.key === undefined || sc.cert === undefined) {
    throw new BrokerError(
      'ERR_CONFIG',
      `${connector.uri}: a TLS connector needs a key and certificate; configure <sslContext keyStore=… keyStorePassword=…/> ` +
        '(or certFile/keyFile)',
    );
  }
  const socket = connector.options.socket;
  const cipherNames = tls.enabledCipherSuites ?? (socket['enabledCipherSuites'] as string[] | undefined);
  const protocolNames = tls.enabledProtocols ?? (socket['enabledProtocols'] as string[] | undefined);
  const protocolOption = tls.enabledProtocols ? 'transport.enabledProtocols' : 'transport.socket.enabledProtocols';
  let protocols = resolveProtocols(protocolNames, protocolOption);

  const options: TlsOptions = { ...sc, honorCipherOrder: true };
  if (cipherNames) {
    const cipherOption = tls.enabledCipherSuites
      ? 'transport.enabledCipherSuites'
      : 'transport.socket.enabledCipherSuites';
    const resolved = resolveCipherSuites(cipherNames, cipherOption);
    // JSSE applies the list to every protocol: a version left without any listed suite cannot be negotiated.
    // OpenSSL would instead keep its default TLS 1.3 suites, so narrow the version range to match Java.
    const usable = protocols.protocols.filter((p: TlsProtocol) =>
      p === 'TLSv1.3' ? resolved.tls13.length > 0 : resolved.tls12.length > 0,
    );
    if (usable.length === 0) {
      throw new BrokerError(
        'ERR_CONFIG',
        `Invalid ${cipherOption}: none of the listed suites can be used with ${protocols.protocols.join(', ')} ` +
          '(TLS 1.3 suites are TLS_AES_*/TLS_CHACHA20_*; the others are TLS 1.2 suites)',
      );
    }
    protocols = rangeOf(usable);
    options.ciphers = resolved.cipherString;
  }
  options.minVersion = protocols.minVersion;
  options.maxVersion = protocols.maxVersion;

  const need = tls.needClientAuth || socket['needClientAuth'] === true;
  const want = tls.wantClientAuth || socket['wantClientAuth'] === true;
  options.requestCert = need || want;
  options.rejectUnauthorized = need;
  return options;
}

/**
 * ActiveMQ's server-side `transport.verifyHostName=true` (5.15.6+) turns on HTTPS endpoint identification for
 * the client's certificate: it must name the host the connection comes from. Call this once the handshake is
 * done; it returns the reason to refuse the client, or undefined when it may stay.
 */
export function verifyClientHostName(socket: TLSSocket): Error | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return new Error('verifyHostName: the client sent no certificate');
  const host = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return checkServerIdentity(host, cert);
}
