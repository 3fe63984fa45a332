import type {
  DestinationRef,
  NetworkConnectorConfig,
  SslContextConfig,
  TransportConnectorConfig,
} from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';
import { parseConnectorUri } from '../../transport/uri/index.js';
import { destinationList } from './destinations.js';
import { INERT_CONNECTOR_ATTRIBUTES, reportInert } from './inert-attributes.js';

/**
 * <transportConnector>. The URI is kept as written (placeholders resolved); src/transport/uri checks its scheme
 * and options here, so a bad one is refused at its attribute's file:line:col and names its connector.
 */
export function readTransportConnector(r: ElementReader): TransportConnectorConfig {
  const uri = r.string('uri');
  if (uri === undefined || uri.trim().length === 0) {
    throw new ConfigError(r.el.location, `${tag(r.el)} needs a uri attribute, such as uri="tcp://127.0.0.1:61616"`);
  }
  const name = r.string('name') ?? uri;
  try {
    parseConnectorUri(uri);
  } catch (e) {
    const shown = r.string('name') !== undefined ? ` name="${name}"` : '';
    throw new ConfigError(r.attribute('uri')!.location, `<${r.el.name}${shown}> uri="${uri}": ${(e as Error).message}`);
  }
  const config: TransportConnectorConfig = {
    // TransportConnector.getName() falls back to the URI's text when no name is given.
    name,
    uri,
    updateClusterClients: r.bool('updateClusterClients') ?? false,
    rebalanceClusterClients: r.bool('rebalanceClusterClients') ?? false,
    updateClusterClientsOnRemove: r.bool('updateClusterClientsOnRemove') ?? false,
    updateClusterFilter: r.string('updateClusterFilter') ?? null,
    allowLinkStealing: r.bool('allowLinkStealing') ?? false,
    disableAsyncDispatch: r.bool('disableAsyncDispatch') ?? false,
    displayStackTrace: r.bool('displayStackTrace') ?? false,
    maximumConsumersAllowedPerConnection: r.number('maximumConsumersAllowedPerConnection') ?? 0,
    maximumProducersAllowedPerConnection: r.number('maximumProducersAllowedPerConnection') ?? 0,
    warnOnRemoteClose: r.bool('warnOnRemoteClose') ?? false,
    auditNetworkProducers: r.bool('auditNetworkProducers') ?? false,
    discoveryUri: r.string('discoveryUri') ?? null,
  };
  reportInert(r, INERT_CONNECTOR_ATTRIBUTES);
  r.finish();
  return config;
}

/** The inner <sslContext> of <sslContext><sslContext …/></sslContext> (ActiveMQ's SpringSslContext). */
export function readSslContext(r: ElementReader): SslContextConfig {
  const config: SslContextConfig = {
    keyStore: r.string('keyStore') ?? null,
    keyStorePassword: r.string('keyStorePassword') ?? null,
    keyStoreKeyPassword: r.string('keyStoreKeyPassword') ?? null,
    keyStoreType: r.string('keyStoreType') ?? 'jks',
    keyStoreAlgorithm: r.string('keyStoreAlgorithm') ?? null,
    trustStore: r.string('trustStore') ?? null,
    trustStorePassword: r.string('trustStorePassword') ?? null,
    trustStoreType: r.string('trustStoreType') ?? 'jks',
    trustStoreAlgorithm: r.string('trustStoreAlgorithm') ?? null,
    protocol: r.string('protocol') ?? 'TLS',
    crlPath: r.string('crlPath') ?? null,
  };
  r.finish();
  return config;
}

/** NetworkBridgeConfiguration's defaults; also what the responder end of a duplex bridge starts from. */
export function networkConnectorDefaults(uri: string): NetworkConnectorConfig {
  return {
    name: 'NC',
    uri,
    duplex: false,
    networkTTL: 1,
    messageTTL: 1,
    consumerTTL: 1,
    conduitSubscriptions: true,
    dynamicOnly: false,
    decreaseNetworkConsumerPriority: false,
    bridgeTempDestinations: true,
    prefetchSize: 1000,
    userName: null,
    password: null,
    suppressDuplicateQueueSubscriptions: false,
    suppressDuplicateTopicSubscriptions: true,
    alwaysSyncSend: true,
    syncDurableSubs: false,
    excludedDestinations: [],
    dynamicallyIncludedDestinations: [],
    staticallyIncludedDestinations: [],
    staticBridge: false,
    remoteUserName: null,
    remotePassword: null,
    consumerPriorityBase: -5,
    advisoryPrefetchSize: 0,
    conduitNetworkQueueSubscriptions: true,
    clientIdToken: '_',
    useVirtualDestSubs: false,
    dispatchAsync: true,
  };
}

/** <networkConnector>: its uri, options and destination lists; src/network runs it. */
export function readNetworkConnector(r: ElementReader): NetworkConnectorConfig {
  const uri = r.string('uri');
  if (uri === undefined || uri.trim().length === 0) {
    throw new ConfigError(r.el.location, `${tag(r.el)} needs a uri attribute, such as uri="static:(tcp://host:61616)"`);
  }
  const d = networkConnectorDefaults(uri);
  // NetworkBridgeConfiguration.setNetworkTTL also sets messageTTL and consumerTTL; explicit ones win.
  const networkTTL = r.number('networkTTL') ?? d.networkTTL;
  const config: NetworkConnectorConfig = {
    name: r.string('name') ?? d.name,
    uri,
    duplex: r.bool('duplex') ?? d.duplex,
    networkTTL,
    messageTTL: r.number('messageTTL') ?? networkTTL,
    consumerTTL: r.number('consumerTTL') ?? networkTTL,
    conduitSubscriptions: r.bool('conduitSubscriptions') ?? d.conduitSubscriptions,
    dynamicOnly: r.bool('dynamicOnly') ?? d.dynamicOnly,
    decreaseNetworkConsumerPriority: r.bool('decreaseNetworkConsumerPriority') ?? d.decreaseNetworkConsumerPriority,
    bridgeTempDestinations: r.bool('bridgeTempDestinations') ?? d.bridgeTempDestinations,
    prefetchSize: r.number('prefetchSize') ?? d.prefetchSize,
    userName: r.string('userName') ?? null,
    password: r.string('password') ?? null,
    suppressDuplicateQueueSubscriptions:
      r.bool('suppressDuplicateQueueSubscriptions') ?? d.suppressDuplicateQueueSubscriptions,
    suppressDuplicateTopicSubscriptions:
      r.bool('suppressDuplicateTopicSubscriptions') ?? d.suppressDuplicateTopicSubscriptions,
    alwaysSyncSend: r.bool('alwaysSyncSend') ?? d.alwaysSyncSend,
    syncDurableSubs: r.bool('syncDurableSubs') ?? d.syncDurableSubs,
    excludedDestinations: destinationList(r, 'excludedDestinations').map(withOptions),
    dynamicallyIncludedDestinations: destinationList(r, 'dynamicallyIncludedDestinations').map(withOptions),
    staticallyIncludedDestinations: destinationList(r, 'staticallyIncludedDestinations').map(withOptions),
    staticBridge: r.bool('staticBridge') ?? d.staticBridge,
    remoteUserName: r.string('remoteUserName') ?? null,
    remotePassword: r.string('remotePassword') ?? null,
    consumerPriorityBase: r.number('consumerPriorityBase') ?? d.consumerPriorityBase,
    advisoryPrefetchSize: r.number('advisoryPrefetchSize') ?? d.advisoryPrefetchSize,
    conduitNetworkQueueSubscriptions: r.bool('conduitNetworkQueueSubscriptions') ?? d.conduitNetworkQueueSubscriptions,
    clientIdToken: r.string('clientIdToken') ?? d.clientIdToken,
    useVirtualDestSubs: r.bool('useVirtualDestSubs') ?? d.useVirtualDestSubs,
    dispatchAsync: r.bool('dispatchAsync') ?? d.dispatchAsync,
  };
  if (config.prefetchSize < 1) {
    throw new ConfigError(r.attribute('prefetchSize')!.location, `${tag(r.el)} prefetchSize must be at least 1`);
  }
  r.finish();
  return config;
}

/**
 * `<topic physicalName="VirtualTopic.>?forceDurable=true"/>`: ActiveMQDestination takes what follows `?` as options
 * and keeps the name without them; a network connector reads forceDurable from them
 * (NetworkBridgeUtils.isDestForcedDurable).
 */
function withOptions(ref: DestinationRef): DestinationRef {
  const at = ref.name.indexOf('?');
  if (at < 0) return ref;
  const options: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(ref.name.slice(at + 1))) options[k] = v;
  return { type: ref.type, name: ref.name.slice(0, at), options };
}
