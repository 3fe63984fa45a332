import type { PeerCertificate, Server, TLSSocket } from 'node:tls';
import type { Logger } from '../../util/logger.js';

/**
 * The counterpart of the JVM's -Djavax.net.debug=ssl that ActiveMQ's SSL docs recommend "to see what goes wrong
 * and why you get connections closed": one line per handshake with protocol, cipher and peer certificate, and
 * for a failed handshake the reason in plain words instead of an OpenSSL error stack.
 */

/** Peer certificate verification results (X509_V_ERR_* as Node names them) in plain words. */
const verifyReasons: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the client certificate has expired',
  CERT_NOT_YET_VALID: 'the client certificate is not yet valid',
  CERT_REVOKED: 'the client certificate is revoked (CRL)',
  UNABLE_TO_GET_ISSUER_CERT: 'the client certificate was issued by an unknown CA (not in the trust store)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the client certificate was issued by an unknown CA (not in the trust store)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the client certificate was issued by an unknown CA (not in the trust store)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the client certificate chains to a self-signed CA that is not in the trust store',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the client certificate is self-signed and not in the trust store',
  CERT_SIGNATURE_FAILURE: 'the client certificate signature is invalid',
  UNABLE_TO_GET_CRL: 'no CRL found for the client certificate issuer',
  INVALID_PURPOSE: 'the client certificate is not valid for TLS client authentication',
  CERT_CHAIN_TOO_LONG: 'the client certificate chain is too long',
};

/** OpenSSL reasons as Node reports them in err.code ("ERR_SSL_" + reason). */
const sslReasons: Record<string, string> = {
  ERR_SSL_NO_SHARED_CIPHER: 'no shared cipher: the client offers none of the enabled cipher suites',
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'the client sent no certificate, but one is required (needClientAuth)',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the client sent no certificate, but one is required (needClientAuth)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the client does not trust the broker's certificate (unknown CA)",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    "the client rejected the broker's certificate (not trusted or wrong host name)",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "the client rejected the broker's certificate as bad",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: "the client rejected the broker's certificate as expired",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: "the client rejected the broker's certificate as revoked",
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: "the client cannot use the broker's certificate type",
  ERR_SSL_WRONG_VERSION_NUMBER:
    'plaintext (not TLS) on a TLS port: the client is probably using tcp:// instead of ssl://',
  ERR_SSL_HTTP_REQUEST: 'plaintext HTTP on a TLS port',
  ERR_SSL_HTTPS_PROXY_REQUEST:
    'plaintext on a TLS port (starts with CONNECT: a STOMP or HTTP proxy request without TLS)',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol version mismatch: the client offers only TLS versions that are not enabled',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION:
    'protocol version mismatch: the client does not accept the enabled TLS versions',
  ERR_SSL_VERSION_TOO_LOW: 'protocol version mismatch: the client offers a TLS version below the minimum',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'no TLS protocol version is enabled',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the client aborted the handshake (handshake_failure alert)',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'the client could not verify the handshake signature (key/certificate problem)',
  ERR_SSL_UNKNOWN_PROTOCOL: 'not a TLS ClientHello',
  ERR_SSL_RECORD_LENGTH_MISMATCH: 'malformed TLS record',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'plaintext or garbage on a TLS port (impossible record length)',
  ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR: 'the client reported an internal error',
  ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER: 'the client reported an illegal handshake parameter',
  ECONNRESET: 'the client closed the connection during the handshake (it may not trust the broker certificate)',
};

export interface HandshakeFailure {
  /** Plain-language cause. */
  reason: string;
  /** The underlying code: an OpenSSL reason (ERR_SSL_…), a certificate verify code, or a socket error. */
  code: string;
}

/**
 * Explains why a server-side handshake failed. A client certificate that fails verification under
 * needClientAuth surfaces in Node as the socket being destroyed (err ECONNRESET) with the verify result on
 * `socket.authorizationError`, so that is consulted first.
 */
export function explainHandshakeFailure(error: Error & { code?: string }, socket?: TLSSocket): HandshakeFailure {
  const verify = socket?.authorizationError;
  const verifyCode = typeof verify === 'string' ? verify : (verify as { code?: string } | undefined)?.code;
  if (verifyCode) {
    return {
      code: verifyCode,
      reason: verifyReasons[verifyCode] ?? `the client certificate was rejected (${verifyCode})`,
    };
  }
  const code = error.code ?? 'UNKNOWN';
  const known = sslReasons[code];
  if (known) return { code, reason: known };
  const reason = (error as { reason?: string }).reason ?? error.message.split('\n')[0] ?? 'unknown error';
  return { code, reason: `handshake failed: ${reason}` };
}

function describe(cert: PeerCertificate | undefined): Record<string, unknown> {
  if (!cert || Object.keys(cert).length === 0) return { peer: 'none' };
  const dn = (o: Record<string, string | string[] | undefined> | undefined): string =>
    o
      ? Object.entries(o)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
          .join(', ')
      : '';
  return {
    peerSubject: dn(cert.subject),
    peerIssuer: dn(cert.issuer),
    peerValidTo: cert.valid_to,
  };
}

export interface TlsDebugOptions {
  /** Force on or off; by default on when TIDEMQ_TLS_DEBUG=1 (or true). */
  enabled?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Whether TLS handshake logging is on: the explicit option wins, else the TIDEMQ_TLS_DEBUG variable. */
export function tlsDebugEnabled(options: TlsDebugOptions = {}): boolean {
  if (options.enabled !== undefined) return options.enabled;
  const v = (options.env ?? process.env)['TIDEMQ_TLS_DEBUG'];
  return v === '1' || v?.toLowerCase() === 'true';
}

/**
 * Logs every handshake on `server` when debugging is enabled; returns a function that detaches the listeners.
 * Lines go through `logger` at info level: this is an explicit operator switch, like javax.net.debug.
 */
export function attachTlsDebug(server: Server, logger: Logger, options: TlsDebugOptions = {}): () => void {
  if (!tlsDebugEnabled(options)) return () => {};
  const log = logger.child({ component: 'tls' });
  const onSecure = (socket: TLSSocket): void => {
    const cipher = socket.getCipher();
    log.info('TLS handshake completed', {
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      protocol: socket.getProtocol(),
      cipher: cipher.standardName ?? cipher.name,
      clientAuthorized: socket.authorized,
      ...(socket.authorizationError ? { clientCertificateProblem: String(socket.authorizationError) } : {}),
      ...describe(socket.getPeerCertificate()),
    });
  };
  const onError = (error: Error & { code?: string }, socket: TLSSocket): void => {
    const failure = explainHandshakeFailure(error, socket);
    log.info('TLS handshake failed', {
      remote: socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown',
      reason: failure.reason,
      code: failure.code,
    });
  };
  server.on('secureConnection', onSecure);
  server.on('tlsClientError', onError);
  return () => {
    server.off('secureConnection', onSecure);
    server.off('tlsClientError', onError);
  };
}
