import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrokerConfig } from '../config/broker-config.js';
import { BrokerManagement } from '../management/broker-management.js';
import { managementHost } from '../server/management-host.js';
import type { BrokerService } from '../server/broker-service.js';
import { loadSslContext } from '../transport/tls/index.js';
import type { Logger } from '../util/logger.js';
import { BrokerRealm } from '../web/broker-realm.js';
import { DEFAULT_REALM_TEXT, PropertiesRealm, type WebRealm } from '../web/realm.js';
import { webRoutes } from '../web/routes.js';
import { DEFAULT_WEB_CONFIG, type WebConfig } from '../web/web-config.js';
import { WebServer } from '../web/web-server.js';

/** The `tidemq start` flags that configure the web server (what ActiveMQ users edit in conf/jetty.xml). */
export const webHelp = `Web console, REST, Jolokia and metrics (ActiveMQ's conf/jetty.xml):
  --web-bind <address>     Listen on this address (default 127.0.0.1, as ActiveMQ's jettyPort host)
  --web-port <port>        HTTP port (default 8161; off disables the web server)
  --web-https-port <port>  HTTPS port (ActiveMQ's secure connector: 8162), with --web-keystore
  --web-keystore <file>    Key store for HTTPS (JKS, PKCS#12 or PEM, as <sslContext>)
  --web-keystore-password <pw>   --web-keystore-type <jks|pkcs12|pem>
  --web-users <file>       jetty-realm.properties users file ("user: password, role"; roles admin, user)
                           default: jetty-realm.properties in ACTIVEMQ_CONF or beside --config
  --web-auth <realm|broker>  broker: log web users in through the broker's authentication plugin
`;

export interface WebFlags {
  bind?: string;
  port?: string;
  httpsPort?: string;
  keystore?: string;
  keystorePassword?: string;
  keystoreType?: string;
  users?: string;
  auth?: string;
  /** The folder of the activemq.xml being run (where ActiveMQ keeps jetty-realm.properties). */
  confDir?: string;
}

export const webFlagOptions = {
  'web-bind': { type: 'string' },
  'web-port': { type: 'string' },
  'web-https-port': { type: 'string' },
  'web-keystore': { type: 'string' },
  'web-keystore-password': { type: 'string' },
  'web-keystore-type': { type: 'string' },
  'web-users': { type: 'string' },
  'web-auth': { type: 'string' },
} as const;

export function webFlagsFrom(values: Record<string, unknown>): WebFlags {
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  const flags: WebFlags = {};
  const set = (k: keyof WebFlags, v: string | undefined): void => {
    if (v !== undefined) flags[k] = v;
  };
  set('bind', s('web-bind'));
  set('port', s('web-port'));
  set('httpsPort', s('web-https-port'));
  set('keystore', s('web-keystore'));
  set('keystorePassword', s('web-keystore-password'));
  set('keystoreType', s('web-keystore-type'));
  set('users', s('web-users'));
  set('auth', s('web-auth'));
  return flags;
}

function port(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (text === 'off') return -1;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new Error(`--${name} must be a port number from 0 to 65535 or off, not '${text}'`);
  return n;
}

/**
 * Starts the web server beside the broker, or returns null when --web-port off and no https port. Users come from
 * --web-users, else ${activemq.conf}/jetty-realm.properties, else the broker's authentication plugin when one is
 * configured, else ActiveMQ's shipped defaults (admin/admin, user/user), which answer on loopback only.
 */
export async function startWebConsole(
  service: BrokerService,
  config: BrokerConfig,
  flags: WebFlags,
  logger: Logger,
  onStop: () => void,
  /** ActiveMQ starts Jetty when activemq.xml imports jetty.xml; the embedded default always does. */
  wanted: boolean,
): Promise<WebServer | null> {
  const explicit = flags.port !== undefined || flags.httpsPort !== undefined;
  if (!wanted && !explicit) return null;
  const web: WebConfig = {
    ...DEFAULT_WEB_CONFIG,
    host: flags.bind ?? DEFAULT_WEB_CONFIG.host,
    port: port('web-port', flags.port, DEFAULT_WEB_CONFIG.port),
    httpsPort: port('web-https-port', flags.httpsPort, -1),
  };
  if (web.port < 0 && web.httpsPort < 0) return null;
  if (flags.keystore !== undefined) {
    web.ssl = {
      keyStore: flags.keystore,
      ...(flags.keystorePassword !== undefined ? { keyStorePassword: flags.keystorePassword } : {}),
      ...(flags.keystoreType !== undefined ? { keyStoreType: flags.keystoreType } : {}),
    };
  }
  if (flags.auth !== undefined && flags.auth !== 'realm' && flags.auth !== 'broker') {
    throw new Error(`--web-auth must be realm or broker, not '${flags.auth}'`);
  }
  const hasAuthPlugin = config.plugins.some((p) => p.type === 'simpleAuthentication' || p.type.startsWith('jaas'));
  // ActiveMQ's jetty.xml reads ${activemq.conf}/jetty-realm.properties: ACTIVEMQ_CONF, else the folder of the
  // activemq.xml being run, else <ACTIVEMQ_BASE or .>/conf.
  const confDir =
    process.env['ACTIVEMQ_CONF'] ?? flags.confDir ?? path.join(process.env['ACTIVEMQ_BASE'] ?? '.', 'conf');
  const confFile = path.join(confDir, 'jetty-realm.properties');
  let realm: WebRealm;
  if (
    flags.auth === 'broker' ||
    (flags.auth === undefined && flags.users === undefined && !existsSync(confFile) && hasAuthPlugin)
  ) {
    if (!hasAuthPlugin) throw new Error('--web-auth broker needs an authentication plugin in the broker configuration');
    realm = new BrokerRealm(service.broker);
  } else if (flags.users !== undefined) realm = PropertiesRealm.fromFile(flags.users);
  else if (existsSync(confFile)) realm = PropertiesRealm.fromFile(confFile);
  else {
    realm = new PropertiesRealm(DEFAULT_REALM_TEXT, "ActiveMQ's default jetty-realm.properties");
    logger.warn(
      `Web console users are ActiveMQ's defaults (admin/admin, user/user), accepted on ${web.host} only: ` +
        'give --web-users <jetty-realm.properties> before exposing it',
    );
  }
  const tls = web.ssl === null ? undefined : await loadSslContext(web.ssl, logger);
  for (const w of tls?.warnings ?? []) logger.warn(w);
  const mgmt = new BrokerManagement(
    managementHost(service, {
      persistent: config.persistent,
      dataDirectory: config.dataDirectory,
      storeLimit: config.systemUsage.storeUsage.limit ?? 0,
      tempLimit: config.systemUsage.tempUsage.limit ?? 0,
      stop: onStop,
    }),
  );
  const server = new WebServer({
    config: web,
    realm,
    mgmt,
    routes: webRoutes(mgmt),
    logger: logger.child({ area: 'web' }),
    ...(tls !== undefined ? { tls: tls.secureContextOptions } : {}),
  });
  try {
    await server.start();
  } catch (e) {
    // The default port taken (another broker, an ActiveMQ on 8161): the broker runs on without its console, as
    // the console is not what clients need. A port asked for on the command line must work.
    if (!explicit && /Address already in use/.test((e as Error).message)) {
      logger.warn(`Web console not started: ${web.host}:${web.port} is in use (give --web-port to choose another)`);
      return null;
    }
    throw e;
  }
  return server;
}
