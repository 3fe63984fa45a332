import type { BrokerConfig, TransportConnectorConfig } from '../config/broker-config.js';
import { loadSslContext, tlsServerOptions, type LoadedSslContext } from '../transport/tls/index.js';
import { parseConnectorUri, type ConnectorUri } from '../transport/uri/index.js';
import { mqttConnectionOptions } from '../transport/uri/option-catalogue.js';
import type { ProtocolModule, ProtocolOptions } from '../protocol/protocol.js';
import { autoProtocol, type AutoCandidate } from '../protocol/auto/auto-protocol.js';
import { webSocketProtocol } from '../protocol/websocket.js';
import { defaultProtocolOptions } from '../protocol/protocol.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { ConnectionLimits } from '../transport/connection-guard.js';
import type { ConnectorSpec } from './broker-service.js';
import { protocolModules } from './protocols.js';
import { isMulticastDiscoveryUri, parseMulticastDiscoveryUri } from '../network/discovery/multicast-options.js';
import { compileClusterFilter, type ClusterUpdateOptions } from './cluster-client-updates.js';

export interface ConnectorOverrides {
  /** Replace the host of every connector (tests bind 127.0.0.1). */
  bindOverride?: string;
  /**
   * Replace the port of plain connectors by protocol name (`openwire`, `stomp`); 0 picks a free port.
   * WebSocket and auto:// connectors are keyed `ws` and `auto`, so `--stomp-port` moves only stomp://.
   */
  portOverrides?: ReadonlyMap<string, number>;
}

/**
 * `<transportConnectors>` → connector specs: each URI parsed with ActiveMQ's option rules, TLS connectors given
 * the `<sslContext>` key material (loaded once, failing fast with the file and the cause), ws:// and wss://
 * served by the modules that declare WebSocket subprotocols, auto:// by protocol detection over the modules
 * `auto.protocols` names; protocols that this version does not have are reported and skipped.
 */
export async function assembleConnectors(
  config: BrokerConfig,
  log: Logger,
  overrides: ConnectorOverrides = {},
): Promise<ConnectorSpec[]> {
  let ssl: LoadedSslContext | null = null;
  const connectors: ConnectorSpec[] = [];
  for (const c of config.transportConnectors) {
    const uri = parseConnectorUri(c.uri);
    const module = connectorProtocol(uri, c, log);
    if (module === null) continue;
    let tls;
    if (uri.tls) {
      if (config.sslContext === null) {
        throw new BrokerError(
          'ERR_CONFIG',
          `Connector ${c.name} (${c.uri}) needs TLS key material: add <sslContext><sslContext keyStore=… keyStorePassword=…/></sslContext>`,
        );
      }
      ssl ??= await loadSslContext(sslConfig(config.sslContext), log);
      if (ssl.warnings.length > 0) {
        for (const w of ssl.warnings) log.warn(w);
        ssl = { ...ssl, warnings: [] };
      }
      try {
        tls = tlsServerOptions(uri, ssl);
      } catch (e) {
        throw new BrokerError('ERR_CONFIG', `Connector ${c.name} (${c.uri}): ${(e as Error).message}`, { cause: e });
      }
    }
    const overrideKey = uri.websocket ? 'ws' : uri.protocol;
    const traceChannels = uri.options.transport.trace ? tracedChannels(uri, module) : [];
    connectors.push({
      name: c.name,
      scheme: uri.scheme,
      protocol: module,
      host: overrides.bindOverride ?? uri.host,
      port: overrides.portOverrides?.get(overrideKey) ?? uri.port,
      ...(tls ? { tls } : {}),
      maximumConnections: uri.options.server.maximumConnections,
      options: protocolOptions(uri, c, uri.protocol === 'auto' ? 'openwire' : uri.protocol),
      transport: {
        ...(uri.websocket ? { websocket: true } : {}),
        ...(uri.options.tls?.verifyHostName ? { verifyHostName: true } : {}),
        ...(uri.options.tls?.tlsDebug ? { tlsDebug: true } : {}),
        ...(traceChannels.length > 0 ? { traceChannels } : {}),
        limits: connectionLimits(uri),
      },
      ...clusterAndDiscovery(uri, c),
    });
  }
  return connectors;
}

/**
 * Failover cluster updates (the <transportConnector> attributes, or the same names on its URI) and the
 * discoveryUri to advertise on, checked here so a bad filter or discovery URI fails at start-up.
 */
function clusterAndDiscovery(
  uri: ConnectorUri,
  c: TransportConnectorConfig,
): { cluster?: ClusterUpdateOptions; discoveryUri?: string } {
  const u = uri.options.connector;
  const cluster: ClusterUpdateOptions = {
    updateClusterClients: c.updateClusterClients || u.updateClusterClients,
    rebalanceClusterClients: c.rebalanceClusterClients || u.rebalanceClusterClients,
    updateClusterClientsOnRemove: c.updateClusterClientsOnRemove || u.updateClusterClientsOnRemove,
    updateClusterFilter: c.updateClusterFilter ?? u.updateClusterFilter ?? null,
  };
  const where = `Connector ${c.name} (${c.uri})`;
  try {
    compileClusterFilter(cluster.updateClusterFilter);
  } catch (e) {
    throw new BrokerError('ERR_CONFIG', `${where}: ${(e as Error).message}`, { cause: e });
  }
  const out: { cluster?: ClusterUpdateOptions; discoveryUri?: string } = {};
  if (cluster.updateClusterClients || cluster.rebalanceClusterClients) out.cluster = cluster;
  if (c.discoveryUri !== null) {
    if (!isMulticastDiscoveryUri(c.discoveryUri)) {
      throw new BrokerError(
        'ERR_CONFIG',
        `${where}: discoveryUri="${c.discoveryUri}" is not available in this version (only multicast://)`,
      );
    }
    try {
      parseMulticastDiscoveryUri(c.discoveryUri);
    } catch (e) {
      throw new BrokerError('ERR_CONFIG', `${where}: ${(e as Error).message}`, { cause: e });
    }
    out.discoveryUri = c.discoveryUri;
  }
  return out;
}

/** The ConnectionGuard limits of a connector, from its `transport.*` options (docs/configuration.md). */
function connectionLimits(uri: ConnectorUri): Partial<ConnectionLimits> {
  const t = uri.options.transport;
  return {
    connectAttemptTimeoutMs: t.connectAttemptTimeout,
    frameTimeoutMs: t.frameTimeout,
    closeGraceMs: t.closeGracePeriod,
    maxPendingWriteBytes: t.maxPendingWriteBytes,
    writeTimeoutMs: t.soWriteTimeout,
  };
}

/** The module that serves a connector, or null (logged) when this version cannot serve it. */
function connectorProtocol(uri: ConnectorUri, c: TransportConnectorConfig, log: Logger): ProtocolModule | null {
  const skip = (what: string): null => {
    log.warn(`Connector ${c.name} (${c.uri}) is not started: ${what} is not available in this version`);
    return null;
  };
  if (uri.websocket && uri.protocol !== 'stomp') {
    // amqp+ws:// and amqp+wss:// serve their own protocol only (ActiveMQ's AmqpWSTransport).
    const own = protocolModules().find((m) => m.name === uri.protocol);
    if (own === undefined) return skip(`${uri.protocol.toUpperCase()} over WebSocket`);
    return webSocketProtocol([own], own);
  }
  if (uri.websocket) {
    const modules = protocolModules().filter((m) => m.webSocketSubprotocols.length > 0);
    const stomp = modules.find((m) => m.name === 'stomp');
    // ActiveMQ's WSServlet speaks STOMP to a client that names no subprotocol.
    if (stomp === undefined) return skip('STOMP over WebSocket');
    return webSocketProtocol(modules, stomp);
  }
  if (uri.protocol === 'auto') {
    const auto = uri.options.auto!;
    const registered = protocolModules();
    const candidates: AutoCandidate[] = [];
    const missing: string[] = [];
    for (const p of auto.protocols) {
      const module = registered.find((m) => m.name === p);
      if (module === undefined) missing.push(p.toUpperCase());
      else candidates.push({ module, options: protocolOptions(uri, c, p) });
    }
    if (candidates.length === 0) return skip(`protocol detection for ${missing.join(', ')}`);
    if (missing.length > 0) {
      log.warn(
        `Connector ${c.name} (${c.uri}) detects ${candidates.map((x) => x.module.name).join(', ')} only: ` +
          `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not available in this version`,
      );
    }
    return autoProtocol({ candidates, detectionTimeoutMs: auto.protocolDetectionTimeOut });
  }
  const module = protocolModules().find((m) => m.name === uri.protocol);
  return module === undefined ? skip(uri.protocol.toUpperCase()) : module;
}

/** trace=true turns on the frame channel of every protocol the connector may carry. */
function tracedChannels(uri: ConnectorUri, module: ProtocolModule): string[] {
  if (uri.protocol === 'auto') return [...(uri.options.auto?.protocols ?? [])];
  return [module.name];
}

function sslConfig(c: NonNullable<BrokerConfig['sslContext']>): Parameters<typeof loadSslContext>[0] {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Options of the connector URI as one protocol module reads them (ProtocolOptions, `extra` by full name). On
 * auto:// each detected protocol gets its own wire format (`wireFormat.<name>.X` over `wireFormat.X`).
 */
function protocolOptions(uri: ConnectorUri, c: TransportConnectorConfig, protocol: string): ProtocolOptions {
  const extra = new Map<string, string>();
  const wf = uri.options.wireFormats;
  const openwire = protocol === 'openwire' ? wf.openwire : undefined;
  const stomp = protocol === 'stomp' ? wf.stomp : undefined;
  const amqp = protocol === 'amqp' ? wf.amqp : undefined;
  if (openwire) for (const [k, v] of Object.entries(openwire)) extra.set(`wireFormat.${k}`, String(v));
  // AMQP reads its wire format options (maxAmqpFrameSize, idelTimeout, producerCredit, …) by their full names.
  if (amqp) for (const [k, v] of Object.entries(amqp)) extra.set(`wireFormat.${k}`, String(v));
  if (stomp) extra.set('transport.maxDataLength', String(stomp.maxDataLength));
  const mqtt = protocol === 'mqtt' ? wf.mqtt : undefined;
  if (uri.options.transport.trace) extra.set('trace', 'true');
  if (c.allowLinkStealing || uri.options.server.allowLinkStealing) extra.set('allowLinkStealing', 'true');
  if (protocol === 'mqtt') {
    // ActiveMQ turns link stealing on for MQTT, also when MQTT is detected on an auto:// connector.
    const stealing = c.allowLinkStealing || uri.options.server.allowLinkStealing || uri.protocol === 'auto';
    extra.set('allowLinkStealing', String(stealing));
    const t = uri.options.transport;
    for (const name of mqttConnectionOptions) extra.set(`transport.${name}`, String(t[name]));
    // The two strategies ActiveMQ's MQTT transport ships (MQTTSubscriptionStrategy implementations).
    if (
      t.subscriptionStrategy !== 'mqtt-default-subscriptions' &&
      t.subscriptionStrategy !== 'mqtt-virtual-topic-subscriptions'
    ) {
      throw new BrokerError(
        'ERR_CONFIG',
        `Connector ${c.name} (${c.uri}): transport.subscriptionStrategy=${t.subscriptionStrategy} is not one of mqtt-default-subscriptions, mqtt-virtual-topic-subscriptions`,
      );
    }
  }
  const maxFrame =
    openwire?.maxFrameSize ??
    stomp?.maxDataLength ??
    mqtt?.maxFrameSize ??
    // ActiveMQ's AMQP default is Long.MAX_VALUE; the broker keeps its own ceiling unless the URI names one.
    (amqp !== undefined && amqp.maxFrameSize < Number.MAX_SAFE_INTEGER ? amqp.maxFrameSize : undefined) ??
    defaultProtocolOptions.maxFrameSize;
  return {
    ...defaultProtocolOptions,
    maxFrameSize: Math.min(maxFrame, Number.MAX_SAFE_INTEGER),
    maxInactivityDurationMs: openwire?.maxInactivityDuration ?? defaultProtocolOptions.maxInactivityDurationMs,
    maxInactivityDurationInitialDelayMs:
      openwire?.maxInactivityDurationInitalDelay ?? defaultProtocolOptions.maxInactivityDurationInitialDelayMs,
    heartbeatGraceMultiplier: uri.options.transport.hbGracePeriodMultiplier,
    extra,
  };
}
