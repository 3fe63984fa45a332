import path from 'node:path';
import type {
  AuthenticationUserConfig,
  AuthorizationEntryConfig,
  AuthorizationPluginConfig,
  PluginConfig,
  RedeliveryPolicyConfig,
  RedeliveryPluginConfig,
  SimpleAuthenticationPluginConfig,
} from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';
import { entryDestination, splitList } from './destinations.js';
import { INERT_REDELIVERY_ATTRIBUTES, reportInert } from './inert-attributes.js';

/**
 * One element inside <plugins>, or null (after a warning) for a plugin TideMQ does not have. The order of
 * the list is kept: ActiveMQ chains plugin filters in the order they are written.
 */
export function readPlugin(r: ElementReader): PluginConfig | null {
  switch (r.name) {
    case 'simpleAuthenticationPlugin':
      return done(r, readSimpleAuthentication(r));
    case 'jaasAuthenticationPlugin':
    case 'jaasCertificateAuthenticationPlugin':
    case 'jaasDualAuthenticationPlugin': {
      const type =
        r.name === 'jaasAuthenticationPlugin'
          ? 'jaasAuthentication'
          : r.name === 'jaasCertificateAuthenticationPlugin'
            ? 'jaasCertificateAuthentication'
            : 'jaasDualAuthentication';
      // Defaults as JaasAuthenticationPlugin / JaasDualAuthenticationPlugin (5.17): "activemq-domain" and
      // "activemq-ssl-domain" (the stock login.config names its entry "activemq", so configurations set it).
      const discoverLoginConfig = r.bool('discoverLoginConfig') ?? true;
      const property = r.ctx.lookup('java.security.auth.login.config');
      const conf = r.ctx.lookup('activemq.conf');
      return done(r, {
        type,
        configuration: r.string('configuration') ?? 'activemq-domain',
        sslConfiguration:
          type === 'jaasDualAuthentication' ? (r.string('sslConfiguration') ?? 'activemq-ssl-domain') : null,
        discoverLoginConfig,
        loginConfig:
          property !== undefined && property !== ''
            ? path.resolve(conf ?? r.ctx.cwd, property)
            : discoverLoginConfig && conf !== undefined
              ? path.join(conf, 'login.config')
              : null,
      });
    }
    case 'authorizationPlugin':
      return done(r, readAuthorizationPlugin(r));
    case 'redeliveryPlugin':
      return done(r, readRedeliveryPlugin(r));
    case 'timeStampingBrokerPlugin':
      return done(r, {
        type: 'timeStamping',
        zeroExpirationOverride: r.number('zeroExpirationOverride') ?? 0,
        ttlCeiling: r.number('ttlCeiling') ?? 0,
        futureOnly: r.bool('futureOnly') ?? false,
        processNetworkMessages: r.bool('processNetworkMessages') ?? false,
      });
    case 'statisticsBrokerPlugin':
      notImplemented(r);
      return done(r, { type: 'statistics' });
    case 'loggingBrokerPlugin': {
      notImplemented(r);
      // Defaults as in LoggingBrokerPlugin: connection and session events only.
      const logAll = r.bool('logAll') ?? false;
      return done(r, {
        type: 'logging',
        logAll,
        logConnectionEvents: r.bool('logConnectionEvents') ?? true,
        logSessionEvents: r.bool('logSessionEvents') ?? true,
        logTransactionEvents: r.bool('logTransactionEvents') ?? false,
        logConsumerEvents: r.bool('logConsumerEvents') ?? false,
        logProducerEvents: r.bool('logProducerEvents') ?? false,
        logInternalEvents: r.bool('logInternalEvents') ?? false,
        perDestinationLogger: r.bool('perDestinationLogger') ?? false,
      });
    }
    case 'discardingDLQBrokerPlugin':
      notImplemented(r);
      return done(r, {
        type: 'discardingDLQ',
        dropAll: r.bool('dropAll') ?? true,
        dropTemporaryQueues: r.bool('dropTemporaryQueues') ?? true,
        dropTemporaryTopics: r.bool('dropTemporaryTopics') ?? true,
        dropOnly: r.string('dropOnly') ?? null,
        reportInterval: r.number('reportInterval') ?? 1000,
      });
    case 'forcePersistencyModeBrokerPlugin':
      return done(r, { type: 'forcePersistencyMode', persistenceFlag: r.bool('persistenceFlag') ?? false });
    default:
      r.ctx.warn(r.el.location, `${tag(r.el)} is not implemented by TideMQ; the plugin is ignored`);
      return null;
  }
}

/** A plugin read and typed, but with no filter behind it yet: reported where it stands. */
function notImplemented(r: ElementReader): void {
  r.ctx.warn(r.el.location, `${tag(r.el)} is not implemented by TideMQ; the plugin is read but has no effect`);
}

function done<T extends PluginConfig>(r: ElementReader, config: T): T {
  r.finish();
  return config;
}

function readSimpleAuthentication(r: ElementReader): SimpleAuthenticationPluginConfig {
  const users: AuthenticationUserConfig[] = [];
  for (const u of r.items('users')) {
    if (u.name !== 'authenticationUser') {
      throw new ConfigError(u.el.location, `${tag(u.el)} is not allowed inside <users>; expected <authenticationUser>`);
    }
    const username = u.string('username');
    const password = u.string('password');
    if (username === undefined) throw new ConfigError(u.el.location, `${tag(u.el)} needs a username attribute`);
    if (password === undefined) throw new ConfigError(u.el.location, `${tag(u.el)} needs a password attribute`);
    if (users.some((x) => x.username === username)) {
      throw new ConfigError(u.el.location, `user "${username}" is defined twice in <users>`);
    }
    users.push({ username, password, groups: splitList(u.string('groups')) });
    u.finish();
  }
  for (const name of ['userPasswords', 'userGroups']) {
    if (r.has(name) || r.properties(name).length > 0) {
      const at = r.attribute(name)?.location ?? r.properties(name)[0]!.location;
      throw new ConfigError(
        at,
        `${tag(r.el)} ${name} is a Java map TideMQ cannot read; list <users><authenticationUser …/></users> instead`,
      );
    }
  }
  return {
    type: 'simpleAuthentication',
    users,
    anonymousAccessAllowed: r.bool('anonymousAccessAllowed') ?? false,
    anonymousUser: r.string('anonymousUser') ?? 'anonymous',
    anonymousGroup: r.string('anonymousGroup') ?? 'anonymous',
  };
}

function readAuthorizationEntry(r: ElementReader): AuthorizationEntryConfig {
  const entry: AuthorizationEntryConfig = {
    destination: entryDestination(r),
    read: splitList(r.string('read')),
    write: splitList(r.string('write')),
    admin: splitList(r.string('admin')),
  };
  const groupClass = r.string('groupClass');
  if (groupClass !== undefined && groupClass !== 'org.apache.activemq.jaas.GroupPrincipal') {
    r.ctx.warn(
      r.attribute('groupClass')!.location,
      `groupClass "${groupClass}" is ignored: TideMQ matches group names only`,
    );
  }
  r.finish();
  return entry;
}

function readAuthorizationPlugin(r: ElementReader): AuthorizationPluginConfig {
  const map = r.single('map');
  if (!map)
    throw new ConfigError(r.el.location, `${tag(r.el)} needs a <map><authorizationMap>…</authorizationMap></map>`);
  if (map.name !== 'authorizationMap') {
    throw new ConfigError(map.el.location, `${tag(map.el)} is not implemented by TideMQ; use <authorizationMap>`);
  }
  const entries: AuthorizationEntryConfig[] = [];
  for (const prop of ['authorizationEntries', 'entries']) {
    for (const e of map.items(prop)) {
      if (e.name !== 'authorizationEntry') {
        throw new ConfigError(
          e.el.location,
          `${tag(e.el)} is not allowed inside <${prop}>; expected <authorizationEntry>`,
        );
      }
      const entry = readAuthorizationEntry(e);
      if (!entry.destination) {
        throw new ConfigError(e.el.location, `${tag(e.el)} needs one of queue, topic, tempQueue, tempTopic`);
      }
      entries.push(entry);
    }
  }
  const def = map.single('defaultEntry');
  const temp = map.single('tempDestinationAuthorizationEntry');
  const config: AuthorizationPluginConfig = {
    type: 'authorization',
    entries,
    defaultEntry: def ? readAuthorizationEntry(def) : null,
    tempDestinationAuthorizationEntry: temp ? readAuthorizationEntry(temp) : null,
  };
  map.finish();
  return config;
}

function readRedeliveryPolicy(r: ElementReader): RedeliveryPolicyConfig {
  const initialRedeliveryDelay = r.number('initialRedeliveryDelay') ?? 1000;
  const percent = r.number('collisionAvoidancePercent');
  const policy: RedeliveryPolicyConfig = {
    destination: entryDestination(r),
    maximumRedeliveries: r.number('maximumRedeliveries') ?? 6,
    initialRedeliveryDelay,
    // RedeliveryPolicy: redeliveryDelay starts equal to initialRedeliveryDelay.
    redeliveryDelay: r.number('redeliveryDelay') ?? initialRedeliveryDelay,
    useExponentialBackOff: r.bool('useExponentialBackOff') ?? false,
    backOffMultiplier: r.number('backOffMultiplier') ?? 5,
    maximumRedeliveryDelay: r.number('maximumRedeliveryDelay') ?? -1,
    useCollisionAvoidance: r.bool('useCollisionAvoidance') ?? false,
    collisionAvoidancePercent: percent ?? 15,
    preDispatchCheck: r.bool('preDispatchCheck') ?? true,
  };
  reportInert(r, INERT_REDELIVERY_ATTRIBUTES);
  r.finish();
  return policy;
}

function readRedeliveryPlugin(r: ElementReader): RedeliveryPluginConfig {
  const entries: RedeliveryPolicyConfig[] = [];
  let defaultEntry: RedeliveryPolicyConfig | null = null;
  const map = r.single('redeliveryPolicyMap');
  if (map) {
    for (const prop of ['redeliveryPolicyEntries', 'entries']) {
      for (const e of map.items(prop)) {
        if (e.name !== 'redeliveryPolicy') {
          throw new ConfigError(
            e.el.location,
            `${tag(e.el)} is not allowed inside <${prop}>; expected <redeliveryPolicy>`,
          );
        }
        const policy = readRedeliveryPolicy(e);
        if (!policy.destination)
          throw new ConfigError(e.el.location, `${tag(e.el)} needs one of queue, topic, tempQueue, tempTopic`);
        entries.push(policy);
      }
    }
    const def = map.single('defaultEntry');
    if (def) defaultEntry = readRedeliveryPolicy(def);
    map.finish();
  }
  return {
    type: 'redelivery',
    fallbackToDeadLetter: r.bool('fallbackToDeadLetter') ?? true,
    sendToDlqIfMaxRetriesExceeded: r.bool('sendToDlqIfMaxRetriesExceeded') ?? true,
    entries,
    defaultEntry,
  };
}
