import type { SslContextConfig } from '../transport/tls/ssl-context.js';

/**
 * The web server's settings: what ActiveMQ keeps in conf/jetty.xml (the `jettyPort` bean's host and port, the
 * optional https connector's key store) and jetty-realm.properties. TideMQ takes them as `tidemq start` flags
 * (docs/operations.md explains why no Spring XML), with ActiveMQ's defaults: 127.0.0.1:8161.
 */
export interface WebConfig {
  /** ActiveMQ's WebConsolePort host (default 127.0.0.1). */
  host: string;
  /** Plain HTTP port (default 8161; -1 = none). */
  port: number;
  /** HTTPS port (ActiveMQ's commented-out secure connector uses 8162; -1 = none). */
  httpsPort: number;
  /** Key material for HTTPS: the same attributes as `<sslContext>` (JKS, PKCS#12 or PEM). */
  ssl: SslContextConfig | null;
  /** jetty-realm.properties-style users file; null = the broker's own authentication, or ActiveMQ's defaults. */
  usersFile: string | null;
  /** Authenticate web users against the broker's authentication plugin instead of a users file. */
  brokerAuthentication: boolean;
  /** Largest request body accepted (bytes); ActiveMQ's MessageServlet maxMessageSize defaults to 100 MB. */
  maxBodyBytes: number;
  /** A whole request must arrive within this time (ms). */
  requestTimeoutMs: number;
  /** Open HTTP connections per listener; more are closed on arrival (Jetty's acceptor queue bounds ActiveMQ's). */
  maxConnections: number;
  /** REST receives waiting at once (each holds a broker consumer up to 20 s); more are answered 503. */
  maxWaitingReceives: number;
}

export const DEFAULT_WEB_CONFIG: WebConfig = {
  host: '127.0.0.1',
  port: 8161,
  httpsPort: -1,
  ssl: null,
  usersFile: null,
  brokerAuthentication: false,
  maxBodyBytes: 10 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  maxConnections: 1000,
  maxWaitingReceives: 500,
};

/** Loopback addresses: the only binds where ActiveMQ's well-known default passwords are tolerated. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '[::1]';
}
