import path from 'node:path';
import type { BrokerConfig, PersistenceAdapterConfig, PluginConfig } from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import { ElementReader } from '../element-reader.js';
import { tag, type LoadContext } from '../load-context.js';
import type { XmlElement } from '../xml/xml-tree.js';
import { destinationList } from './destinations.js';
import { defaultKahaDB, defaultSystemUsage, readPersistenceAdapter, readSystemUsage } from './persistence.js';
import { readPlugin } from './plugins.js';
import { readPolicyMap } from './policy.js';
import { readNetworkConnector, readSslContext, readTransportConnector } from './transport.js';
import { INERT_BROKER_ATTRIBUTES, reportInert } from './inert-attributes.js';
import { readDestinationInterceptor } from './virtual-destinations.js';

// BrokerService.setBrokerName replaces these characters with "_" (and logs an error); so does TideMQ.
const BROKER_NAME_ILLEGAL = /[^a-zA-Z0-9._\-:]/g;

/** Reads the <broker> element into a BrokerConfig. */
export function readBroker(ctx: LoadContext, el: XmlElement, source: string | null): BrokerConfig {
  const r = new ElementReader(ctx, el);
  const abs = (p: string): string => path.resolve(ctx.cwd, p);

  let brokerName = r.string('brokerName') ?? 'localhost';
  const cleaned = brokerName.replace(BROKER_NAME_ILLEGAL, '_').trim();
  if (cleaned !== brokerName) {
    ctx.warn(
      r.attribute('brokerName')!.location,
      `brokerName "${brokerName}" has characters outside [a-zA-Z0-9._-:]; it becomes "${cleaned}", as in ActiveMQ`,
    );
    brokerName = cleaned;
  }
  if (brokerName.length === 0)
    throw new ConfigError(r.attribute('brokerName')!.location, 'brokerName must not be empty');
  // ActiveMQ's default data directory is "activemq-data" in the working directory (IOHelper).
  const dataDirectory = abs(r.string('dataDirectory') ?? 'activemq-data');
  const brokerDataDirectory = path.join(dataDirectory, brokerName);
  const persistent = r.bool('persistent') ?? true;

  const config: BrokerConfig = {
    source,
    brokerName,
    brokerId: r.string('brokerId') ?? null,
    dataDirectory,
    schedulerDirectory: abs(r.string('schedulerDirectory') ?? path.join(brokerDataDirectory, 'scheduler')),
    tmpDataDirectory: abs(r.string('tmpDataDirectory') ?? path.join(brokerDataDirectory, 'tmp_storage')),
    persistent,
    useJmx: r.bool('useJmx') ?? true,
    schedulerSupport: r.bool('schedulerSupport') ?? false,
    maxSchedulerRepeatAllowed: r.number('maxSchedulerRepeatAllowed') ?? 1000,
    advisorySupport: r.bool('advisorySupport') ?? true,
    anonymousProducerAdvisorySupport: r.bool('anonymousProducerAdvisorySupport') ?? false,
    populateJMSXUserID: r.bool('populateJMSXUserID') ?? false,
    useAuthenticatedPrincipalForJMSXUserID: r.bool('useAuthenticatedPrincipalForJMSXUserID') ?? false,
    schedulePeriodForDestinationPurge: r.number('schedulePeriodForDestinationPurge') ?? 0,
    maxPurgedDestinationsPerSweep: r.number('maxPurgedDestinationsPerSweep') ?? 0,
    start: r.bool('start') ?? true,
    offlineDurableSubscriberTimeout: r.number('offlineDurableSubscriberTimeout') ?? -1,
    offlineDurableSubscriberTaskSchedule: r.number('offlineDurableSubscriberTaskSchedule') ?? 300_000,
    deleteAllMessagesOnStartup: r.bool('deleteAllMessagesOnStartup') ?? false,
    keepDurableSubsActive: r.bool('keepDurableSubsActive') ?? true,
    rejectDurableConsumers: r.bool('rejectDurableConsumers') ?? false,
    enableStatistics: r.bool('enableStatistics') ?? true,
    useVirtualTopics: r.bool('useVirtualTopics') ?? true,
    useVirtualDestSubs: r.bool('useVirtualDestSubs') ?? false,
    useVirtualDestSubsOnCreation: r.bool('useVirtualDestSubsOnCreation') ?? false,
    allowTempAutoCreationOnSend: r.bool('allowTempAutoCreationOnSend') ?? false,
    cacheTempDestinations: r.bool('cacheTempDestinations') ?? false,
    timeBeforePurgeTempDestinations: r.number('timeBeforePurgeTempDestinations') ?? 5000,
    enableMessageExpirationOnActiveDurableSubs: r.bool('enableMessageExpirationOnActiveDurableSubs') ?? false,
    splitSystemUsageForProducersConsumers: r.bool('splitSystemUsageForProducersConsumers') ?? false,
    producerSystemUsagePortion: r.number('producerSystemUsagePortion') ?? 60,
    consumerSystemUsagePortion: r.number('consumerSystemUsagePortion') ?? 40,
    useShutdownHook: r.bool('useShutdownHook') ?? true,
    transportConnectors: [],
    networkConnectors: [],
    sslContext: null,
    plugins: [],
    destinationPolicy: null,
    virtualDestinations: [],
    destinations: destinationList(r, 'destinations'),
    persistenceAdapter: persistent ? defaultKahaDB(brokerDataDirectory) : { type: 'memory' },
    systemUsage: defaultSystemUsage(),
  };

  for (const t of r.items('transportConnectors')) {
    const connector = readTransportConnector(t);
    if (config.transportConnectors.some((c) => c.name === connector.name)) {
      // ActiveMQ registers each connector under its name (JMX, failover updates); a duplicate cannot start.
      throw new ConfigError(
        t.el.location,
        `two transport connectors are named "${connector.name}"; names must be unique`,
      );
    }
    config.transportConnectors.push(connector);
  }

  reportInert(r, INERT_BROKER_ATTRIBUTES);

  for (const n of r.items('networkConnectors')) {
    if (n.name === 'networkConnector') {
      config.networkConnectors.push(readNetworkConnector(n));
    } else ctx.warn(n.el.location, `${tag(n.el)} is not implemented by TideMQ; no network bridge is started`);
  }

  const ssl = r.single('sslContext');
  if (ssl) config.sslContext = readSslContext(ssl);

  for (const p of r.items('plugins')) {
    const plugin: PluginConfig | null = readPlugin(p);
    if (plugin) config.plugins.push(plugin);
  }

  const policy = r.single('destinationPolicy');
  if (policy) config.destinationPolicy = readPolicyMap(policy);

  for (const i of r.items('destinationInterceptors')) {
    const virtuals = readDestinationInterceptor(i);
    if (virtuals) config.virtualDestinations.push(...virtuals);
  }

  const adapter = r.single('persistenceAdapter');
  if (adapter) {
    const read: PersistenceAdapterConfig | null = readPersistenceAdapter(adapter, brokerDataDirectory, abs);
    if (read) config.persistenceAdapter = read;
  }

  const usage = r.single('systemUsage');
  if (usage) config.systemUsage = readSystemUsage(usage);

  r.ignoreProperty('managementContext', 'TideMQ has no JMX; its management API replaces it');
  r.ignoreProperty('shutdownHooks', 'TideMQ stops its own services on shutdown');
  r.finish();
  return config;
}
