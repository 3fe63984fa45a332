import type { BrokerConfig, TransportConnectorConfig } from '../config/broker-config.js';
import { loadSslContext, tlsServerOptions, type LoadedSslContext } from '../transport/tls/index.js';
import { parseConnectorUri, type ConnectorUri } from '../transport/uri/index.js';
import type { ProtocolOptions } from '../protocol/protocol.js';
import { defaultProtocolOptions } from '../protocol/protocol.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { ConnectorSpec } from './broker-service.js';
import { protocolModules } from './protocols.js';

export interface ConnectorOverrides {
  /** Replace the host of every connector (tests bind 127.0.0.1). */
  bindOverride?: string;
  /** Replace the port of connectors by protocol name (`openwire`, `stomp`); 0 picks a free port. */
  portOverrides?: ReadonlyMap<string, number>;
}

/**
 * `<transportConnectors>` → connector specs: each URI parsed with ActiveMQ's option rules, TLS connectors given
 * the `<sslContext>` key material (loaded once, failing fast with the file and the cause), protocols that this
 * version does not have reported and skipped.
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
    const module = protocolModules().find((m) => m.name === uri.protocol);
    if (module === undefined || uri.websocket || uri.protocol === 'auto') {
      log.warn(`Connector ${c.name} (${c.uri}) is not started: ${unavailable(uri)} is not available in this version`);
      continue;
    }
    let tls;
    if (uri.tls) {
      if (config.sslContext === null) {
        throw new BrokerError(
          'ERR_CONFIG',
          `Connector ${c.name} (${c.uri}) needs TLS key material: add <sslContext><sslContext keyStore=… keyStorePassword=…/></sslContext>`,
        );
      }
      ssl ??= await loadSslContext(sslConfig(config.sslContext), log);
      for (const w of ssl.warnings) log.warn(w);
      tls = tlsServerOptions(uri, ssl);
    }
    connectors.push({
      name: c.name,
      scheme: uri.scheme,
      protocol: module,
      host: overrides.bindOverride ?? uri.host,
      port: overrides.portOverrides?.get(module.name) ?? uri.port,
      ...(tls ? { tls } : {}),
      maximumConnections: uri.options.server.maximumConnections,
      options: protocolOptions(uri, c),
    });
  }
  return connectors;
}

function unavailable(uri: ConnectorUri): string {
  if (uri.websocket) return 'WebSocket';
  if (uri.protocol === 'auto') return 'protocol detection (auto://)';
  return uri.protocol.toUpperCase();
}

function sslConfig(c: NonNullable<BrokerConfig['sslContext']>): Parameters<typeof loadSslContext>[0] {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Options of the connector URI as the protocol modules read them (ProtocolOptions, `extra` by full name). */
function protocolOptions(uri: ConnectorUri, c: TransportConnectorConfig): ProtocolOptions {
  const extra = new Map<string, string>();
  const wf = uri.options.wireFormats;
  if (wf.openwire) for (const [k, v] of Object.entries(wf.openwire)) extra.set(`wireFormat.${k}`, String(v));
  if (wf.stomp) {
    extra.set('transport.maxDataLength', String(wf.stomp.maxDataLength));
  }
  if (uri.options.transport.trace) extra.set('trace', 'true');
  if (c.allowLinkStealing || uri.options.server.allowLinkStealing) extra.set('allowLinkStealing', 'true');
  const maxFrame = wf.openwire?.maxFrameSize ?? wf.stomp?.maxDataLength ?? defaultProtocolOptions.maxFrameSize;
  return {
    ...defaultProtocolOptions,
    maxFrameSize: Math.min(maxFrame, Number.MAX_SAFE_INTEGER),
    maxInactivityDurationMs: wf.openwire?.maxInactivityDuration ?? defaultProtocolOptions.maxInactivityDurationMs,
    maxInactivityDurationInitialDelayMs:
      wf.openwire?.maxInactivityDurationInitalDelay ?? defaultProtocolOptions.maxInactivityDurationInitialDelayMs,
    heartbeatGraceMultiplier: uri.options.transport.hbGracePeriodMultiplier,
    connectTimeoutMs: uri.options.transport.connectionTimeout > 0 ? uri.options.transport.connectionTimeout : 30_000,
    extra,
  };
}
