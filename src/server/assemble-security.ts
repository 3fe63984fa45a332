import fs from 'node:fs';
import path from 'node:path';
import type { BrokerConfig, JaasAuthenticationPluginConfig, PluginConfig } from '../config/broker-config.js';
import { parseProperties } from '../config/properties-file.js';
import { JaasAuthenticationBroker, type JaasAuthenticationOptions } from '../security/jaas-authentication-broker.js';
import { JaasLogin } from '../security/jaas/jaas-login.js';
import { parseLoginConfig } from '../security/jaas/login-config.js';
import { PropertiesFiles } from '../security/jaas/properties-files.js';
import { UserIdBroker } from '../security/user-id-broker.js';
import { BrokerError } from '../util/errors.js';
import { MASTER_PASSWORD_ENV } from '../util/jasypt.js';
import { AuthorizationBroker } from '../security/authorization-broker.js';
import { AuthorizationMap, type AuthorizationEntry } from '../security/authorization-map.js';
import type { LoginThrottle } from '../security/login-throttle.js';
import { defaultPasswordVerifier } from '../security/password.js';
import { SimpleAuthenticationBroker } from '../security/simple-authentication-broker.js';
import type { Logger } from '../util/logger.js';
import type { BrokerPlugin } from './broker-service.js';
import { destinationOf } from './destination-ref.js';

/**
 * The security plugins. A plugin that would restrict access but that TideMQ cannot run is an error: starting
 * without it would leave the broker open where its operator closed it.
 */
export function securityPlugin(p: PluginConfig, throttle: LoginThrottle, log: Logger): BrokerPlugin | null {
  switch (p.type) {
    case 'simpleAuthentication':
      return (next) =>
        new SimpleAuthenticationBroker(next, {
          users: p.users.map((u) => ({ username: u.username, password: u.password, groups: new Set(u.groups) })),
          anonymousAccessAllowed: p.anonymousAccessAllowed,
          anonymousUser: p.anonymousUser,
          anonymousGroup: p.anonymousGroup,
          verifier: defaultPasswordVerifier,
          throttle,
          logger: log.child({ area: 'security' }),
        });
    case 'authorization': {
      const entry = (e: (typeof p.entries)[number]): AuthorizationEntry | null =>
        e.destination === null
          ? null
          : {
              destination: destinationOf(e.destination),
              read: new Set(e.read),
              write: new Set(e.write),
              admin: new Set(e.admin),
            };
      const entries = p.entries.map(entry).filter((e): e is AuthorizationEntry => e !== null);
      const temp = p.tempDestinationAuthorizationEntry;
      const def = p.defaultEntry;
      const map = new AuthorizationMap(
        entries,
        temp === null ? null : { read: new Set(temp.read), write: new Set(temp.write), admin: new Set(temp.admin) },
        def === null ? null : { read: new Set(def.read), write: new Set(def.write), admin: new Set(def.admin) },
      );
      return (next) => new AuthorizationBroker(next, map, log.child({ area: 'security' }));
    }
    case 'jaasAuthentication':
    case 'jaasCertificateAuthentication':
    case 'jaasDualAuthentication': {
      const options = jaasOptions(p, log);
      return (next) =>
        new JaasAuthenticationBroker(next, { ...options, throttle, logger: log.child({ area: 'security' }) });
    }
    default:
      log.warn(`<${p.type}Plugin> is not implemented in this version and is ignored`);
      return null;
  }
}

/** Reads login.config and builds the entries a JAAS plugin names; every file problem is a start-up error. */
export function jaasOptions(
  p: JaasAuthenticationPluginConfig,
  log: Logger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Pick<JaasAuthenticationOptions, 'password' | 'certificate'> {
  const file = p.loginConfig;
  if (file === null) {
    throw new BrokerError(
      'ERR_CONFIG',
      `<${p.type}Plugin> needs a JAAS login configuration: pass -Djava.security.auth.login.config=<file> or ` +
        `leave discoverLoginConfig on and put login.config beside activemq.xml`,
    );
  }
  let text: string;
  try {
    if (fs.statSync(file).size > 1_000_000) throw new Error('larger than 1 MB');
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BrokerError(
      'ERR_CONFIG',
      `<${p.type}Plugin>: cannot read JAAS login configuration ${file}: ${(e as Error).message}`,
    );
  }
  const config = parseLoginConfig(text, file, (name) => env[name]);
  const files = new PropertiesFiles({
    read: (f) => {
      if (fs.statSync(f).size > 10_000_000) throw new Error('larger than 10 MB');
      return fs.readFileSync(f, 'latin1');
    },
    mtime: (f) => fs.statSync(f).mtimeMs,
    parseProperties,
    masterPassword: env[MASTER_PASSWORD_ENV],
    logger: log.child({ area: 'security' }),
  });
  const ctx = { files, verifier: defaultPasswordVerifier, configDir: path.dirname(file) };
  const entry = (name: string): JaasLogin => new JaasLogin(config, name, ctx, file);
  switch (p.type) {
    case 'jaasAuthentication':
      return { password: entry(p.configuration), certificate: null };
    case 'jaasCertificateAuthentication':
      return { password: null, certificate: entry(p.configuration) };
    case 'jaasDualAuthentication':
      return { password: entry(p.configuration), certificate: entry(p.sslConfiguration ?? 'activemq-ssl-domain') };
  }
}

/**
 * The broker attribute populateJMSXUserID as a filter (ActiveMQ's UserIDBroker), or null when it is off.
 * BrokerService installs it before the plugins, so it goes last in the plugin list (innermost): the
 * authentication filters in front of it have set the connection's SecurityContext by the time it runs.
 */
export function userIdPlugin(
  config: Pick<BrokerConfig, 'populateJMSXUserID' | 'useAuthenticatedPrincipalForJMSXUserID'>,
): BrokerPlugin | null {
  if (!config.populateJMSXUserID) return null;
  return (next) => new UserIdBroker(next, config.useAuthenticatedPrincipalForJMSXUserID);
}
