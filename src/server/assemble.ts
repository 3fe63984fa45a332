import type { ClientTlsOptions } from '../client/connection.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { Destination } from '../model/destination.js';
import { destinationOf } from './destination-ref.js';
import { parseSelector } from '../destination/selector/index.js';
import type { CompositeDestinationConfig } from '../broker/virtual/composite-destination-broker.js';
import { defaultVirtualTopic, type VirtualTopicConfig } from '../broker/virtual/virtual-topic-broker.js';
import { StartupDestinationsBroker } from '../broker/startup/startup-destinations-broker.js';
import { LoginThrottle } from '../security/login-throttle.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { BrokerPlugin, BrokerServiceOptions } from './broker-service.js';
import { assembleConnectors, type ConnectorOverrides } from './assemble-connectors.js';
import { messagePlugin } from './assemble-plugins.js';
import { securityPlugin, userIdPlugin } from './assemble-security.js';
import { memoryLimitOf } from './assemble-memory.js';
import { createStore, createTempStore } from './assemble-store.js';
import { policyMapFromConfig, redeliveryPolicyMapFromConfig } from './policy-from-config.js';

export interface AssembleOptions extends ConnectorOverrides {
  logger: Logger;
  clock?: Clock;
}

/**
 * Turns a loaded activemq.xml into a broker assembly: connectors with their TLS contexts, the store, the
 * security plugins and the destination interceptors. Anything the configuration asks for that TideMQ cannot
 * honour safely is an error here, before anything starts; features that are merely absent are warnings.
 */
export async function assembleBroker(config: BrokerConfig, options: AssembleOptions): Promise<BrokerServiceOptions> {
  const log = options.logger;
  const clock = options.clock ?? systemClock;
  const connectors = await assembleConnectors(config, log, options);

  const plugins: BrokerPlugin[] = [];
  // <destinations>: created at start through the whole chain, so outermost (BrokerService.startDestinations).
  if (config.destinations.length > 0) {
    const destinations = config.destinations.map(destinationOf);
    plugins.push((next) => new StartupDestinationsBroker(next, destinations));
  }
  const throttle = new LoginThrottle(clock, {}, log.child({ area: 'security' }));
  let redeliveryPolicies;
  for (const p of config.plugins) {
    if (p.type === 'redelivery') {
      redeliveryPolicies = redeliveryPolicyMapFromConfig(p);
      continue;
    }
    // Read but without a filter yet: already reported at their file:line:col when the configuration loaded.
    if (p.type === 'statistics' || p.type === 'logging' || p.type === 'discardingDLQ') continue;
    const plugin = messagePlugin(p, clock) ?? securityPlugin(p, throttle, log);
    if (plugin !== null) plugins.push(plugin);
  }

  // JMSXUserID is stamped after authentication, innermost of the plugins, where ActiveMQ installs UserIDBroker.
  const userId = userIdPlugin(config);
  if (userId !== null) plugins.push(userId);

  const virtualTopics: VirtualTopicConfig[] = [];
  const composites: CompositeDestinationConfig[] = [];
  const hasInterceptors = config.virtualDestinations.length > 0;
  for (const v of config.virtualDestinations) {
    if (v.type === 'virtualTopic') {
      virtualTopics.push({ name: v.name, prefix: v.prefix, selectorAware: v.selectorAware });
    } else {
      composites.push({
        destination: v.type === 'compositeQueue' ? Destination.queue(v.name) : Destination.topic(v.name),
        forwardTo: v.forwardTo.map((t) => ({
          destination: destinationOf(t.destination),
          selector: t.selector === null ? null : parseSelector(t.selector),
        })),
        forwardOnly: v.forwardOnly,
      });
    }
  }

  const tempStore = createTempStore(config, log);
  return {
    brokerName: config.brokerName,
    connectors,
    store: createStore(config, log),
    // How often the master checks it still holds the store's lock (kahaDB's and jdbcPersistenceAdapter's attribute).
    ...(config.persistent && config.persistenceAdapter.type !== 'memory'
      ? { lockKeepAlivePeriod: config.persistenceAdapter.lockKeepAlivePeriod }
      : {}),
    ...(tempStore !== undefined ? { tempStore } : {}),
    plugins,
    advisorySupport: config.advisorySupport,
    // ActiveMQ installs the default virtual topic interceptor unless destinationInterceptors are configured.
    virtualTopics: hasInterceptors ? virtualTopics : config.useVirtualTopics ? [defaultVirtualTopic] : [],
    compositeDestinations: composites,
    useVirtualDestSubs: config.useVirtualDestSubs,
    useVirtualDestSubsOnCreation: config.useVirtualDestSubsOnCreation,
    ...(config.destinationPolicy !== null ? { policies: policyMapFromConfig(config.destinationPolicy) } : {}),
    ...(redeliveryPolicies !== undefined ? { redeliveryPolicies } : {}),
    schedulerSupport: config.schedulerSupport,
    rejectDurableConsumers: config.rejectDurableConsumers,
    memoryLimit: memoryLimitOf(config, log),
    sendFailIfNoSpace: config.systemUsage.sendFailIfNoSpace,
    // `<kahaDB concurrentStoreAndDispatchQueues="true">`: the journal store dispatches while it stores.
    concurrentStoreAndDispatchQueues:
      config.persistent &&
      config.persistenceAdapter.type === 'kahaDB' &&
      config.persistenceAdapter.concurrentStoreAndDispatchQueues,
    ...(config.systemUsage.sendFailIfNoSpaceAfterTimeout !== null
      ? { sendFailIfNoSpaceAfterTimeout: config.systemUsage.sendFailIfNoSpaceAfterTimeout }
      : {}),
    networkConnectors: config.networkConnectors.map((nc) => ({
      config: nc,
      ...(config.sslContext !== null ? { tls: bridgeTls(config.sslContext) } : {}),
    })),
    logger: log,
    clock,
  } satisfies BrokerServiceOptions;
}

/**
 * The broker's `<sslContext>` as a network bridge's client key material (ActiveMQ's bridges use the broker's
 * SSLContext for ssl:// peers): its key store presents our certificate, its trust store checks the peer's.
 */
function bridgeTls(ssl: NonNullable<BrokerConfig['sslContext']>): ClientTlsOptions {
  const path = (p: string): string => p.replace(/^file:(\/\/)?/, '');
  return {
    ...(ssl.keyStore !== null ? { keyStore: path(ssl.keyStore) } : {}),
    ...(ssl.keyStorePassword !== null ? { keyStorePassword: ssl.keyStorePassword } : {}),
    ...(ssl.trustStore !== null ? { trustStore: path(ssl.trustStore) } : {}),
    ...(ssl.trustStorePassword !== null ? { trustStorePassword: ssl.trustStorePassword } : {}),
  };
}
