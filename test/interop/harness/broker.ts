/** Which broker the interop suite drives: INTEROP_BROKER=activemq (Debian's ActiveMQ 5.17) or tidemq (default). */
export type BrokerKind = 'tidemq' | 'activemq';

/** A running broker the suite can reach, whatever its kind. */
export interface InteropBroker {
  readonly kind: BrokerKind;
  /** OpenWire URL for the Java client, e.g. tcp://127.0.0.1:40123 (client options are appended to it). */
  readonly openwireUrl: string;
  readonly stomp: { readonly host: string; readonly port: number };
  /**
   * A user the broker's simpleAuthenticationPlugin knows (anonymous access stays allowed), or undefined when this
   * broker was started without authentication and the credential scenario cannot run.
   */
  readonly auth: { readonly user: string; readonly password: string } | undefined;
  /** Stops the broker and removes its temporary directory; safe to call twice. */
  stop(): Promise<void>;
}

export function selectedBrokerKind(env: NodeJS.ProcessEnv = process.env): BrokerKind {
  const value = env['INTEROP_BROKER'] ?? 'tidemq';
  if (value === 'tidemq' || value === 'activemq') return value;
  throw new Error(`INTEROP_BROKER must be tidemq or activemq, got '${value}'`);
}

/**
 * A test's own broker configuration, given to both launchers so ActiveMQ and TideMQ run the same files.
 * `xml` writes the activemq.xml for the ports and data directory the launcher chose; `confFiles` are written beside
 * it (login.config, users.properties, …; for ActiveMQ a login.config is also passed as
 * -Djava.security.auth.login.config, as its launcher script does); `env` is added to the broker's environment.
 */
export interface BrokerSetup {
  readonly xml: (opts: { dataDir: string; openwirePort: number; stompPort: number }) => string;
  readonly confFiles?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Extra JVM options for ActiveMQ, e.g. `-Dactivemq.classpath=/usr/share/java/postgresql.jar` for a JDBC store. */
  readonly javaOptions?: readonly string[];
  /** A user the configuration knows, reported as InteropBroker.auth. */
  readonly auth?: { readonly user: string; readonly password: string };
}

/** Parses `host:port` out of a connector URL such as tcp://127.0.0.1:61616 or stomp://127.0.0.1:61613. */
export function hostAndPort(url: string): { host: string; port: number } {
  const match = /^[a-z+]+:\/\/(\[[^\]]+\]|[^:/?]+):(\d+)/i.exec(url);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || !(port > 0 && port < 65536)) throw new Error(`interop: no host:port in connector URL '${url}'`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
