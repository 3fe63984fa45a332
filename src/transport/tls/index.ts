/**
 * TLS key material and server options for the ssl://, nio+ssl://, stomp+ssl://, auto+ssl://, wss:// connectors.
 * See docs/tls.md. Typical use by a connector:
 *
 *   const ssl = await loadSslContext(config.sslContext, logger);        // fails fast, names the file
 *   for (const w of ssl.warnings) logger.warn(w);
 *   const server = tls.createServer(tlsServerOptions(connectorUri, ssl), onSecureSocket);
 *   attachTlsDebug(server, logger);                                      // on with TIDEMQ_TLS_DEBUG=1
 */
export { loadSslContext, summarise } from './ssl-context.js';
export type { CertificateSummary, LoadedSslContext, LoadSslContextOptions, SslContextConfig } from './ssl-context.js';
export { tlsServerOptions, verifyClientHostName } from './server-options.js';
export { availableCipherSuites, insecureReason, lookupCipherSuite, resolveCipherSuites } from './ciphers.js';
export type { CipherSuite, ResolvedCipherSuites } from './ciphers.js';
export { defaultProtocols, resolveProtocols } from './protocols.js';
export type { ResolvedProtocols, TlsProtocol } from './protocols.js';
export { attachTlsDebug, explainHandshakeFailure, tlsDebugEnabled } from './tls-debug.js';
export type { HandshakeFailure, TlsDebugOptions } from './tls-debug.js';
export { detectKeyStoreType, openStore } from './keystore.js';
export { readJks } from './jks.js';
export { readPkcs12 } from './pkcs12.js';
export { KeyStoreError } from './key-material.js';
export type {
  KeyStoreContents,
  KeyStoreProblem,
  KeyStoreType,
  PrivateKeyEntry,
  TrustedCertificateEntry,
} from './key-material.js';
