import type { PluginConfig } from '../config/broker-config.js';
import { AuthorizationBroker } from '../security/authorization-broker.js';
import { AuthorizationMap, type AuthorizationEntry } from '../security/authorization-map.js';
import type { LoginThrottle } from '../security/login-throttle.js';
import { defaultPasswordVerifier } from '../security/password.js';
import { SimpleAuthenticationBroker } from '../security/simple-authentication-broker.js';
import { BrokerError } from '../util/errors.js';
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
      return (next) => new AuthorizationBroker(next, map);
    }
    case 'jaasAuthentication':
    case 'jaasCertificateAuthentication':
    case 'jaasDualAuthentication':
      throw new BrokerError(
        'ERR_CONFIG',
        `<${p.type}Plugin> is not available in this version; use <simpleAuthenticationPlugin> (refusing to start without the authentication you configured)`,
      );
    default:
      log.warn(`<${p.type}Plugin> is not implemented in this version and is ignored`);
      return null;
  }
}
