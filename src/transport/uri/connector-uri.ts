import { BrokerError } from '../../util/errors.js';
import {
  amqpDefaults,
  amqpSpecs,
  autoDefaults,
  autoProtocolNames,
  connectionDefaults,
  connectionOptionProtocols,
  connectionSpecs,
  connectorDefaults,
  connectorSpecs,
  mqttDefaults,
  mqttSpecs,
  openWireDefaults,
  openWireSpecs,
  serverDefaults,
  serverLevelConnectionOptions,
  serverSpecs,
  socketSpecs,
  sslSocketSpecs,
  stompDefaults,
  stompSpecs,
  tlsDefaults,
  tlsSpecs,
} from './option-catalogue.js';
import type {
  AutoOptions,
  AutoProtocol,
  ConnectionOptions,
  ConnectorAttributes,
  ServerOptions,
  TlsUriOptions,
  WireFormats,
} from './option-catalogue.js';
import { parseOptionValue } from './option-values.js';
import type { OptionSpec, OptionValue } from './option-values.js';
import { connectorSchemes, defaultPorts, schemeInfo } from './schemes.js';
import type { ConnectorProtocol } from './schemes.js';

export interface ConnectorOptions {
  /** Unprefixed options of the listening socket (TcpTransportServer). */
  server: ServerOptions;
  /** TransportConnector attributes given on the URI. */
  connector: ConnectorAttributes;
  /** Per-connection options (`transport.X`, some also unprefixed); effective values, `transport.` winning. */
  transport: ConnectionOptions;
  /** Present on TLS schemes only. */
  tls: TlsUriOptions | undefined;
  /** Present on auto schemes only. */
  auto: AutoOptions | undefined;
  /** java.net.Socket properties for each accepted socket (`transport.socket.X`, or `socket.X`). */
  socket: Record<string, OptionValue>;
  /** Resolved wire format options of each protocol this connector speaks (all sniffed ones on auto). */
  wireFormats: WireFormats;
}

export interface ConnectorUri {
  /** The URI as written. */
  readonly uri: string;
  readonly scheme: string;
  readonly protocol: ConnectorProtocol;
  readonly tls: boolean;
  readonly websocket: boolean;
  /** ActiveMQ's NIO flavour; the same event loop here, kept so the connector can report the scheme faithfully. */
  readonly nio: boolean;
  /** Bind host without IPv6 brackets: `0.0.0.0`, `localhost`, `::`, `broker.example.com`. */
  readonly host: string;
  readonly port: number;
  readonly options: ConnectorOptions;
}

function configError(message: string): BrokerError {
  return new BrokerError('ERR_CONFIG', message);
}

/**
 * Parses a transportConnector `uri` attribute the way ActiveMQ's TransportFactory.bind does: scheme selects the
 * factory, the query is split into options that each layer consumes by prefix (see option-catalogue.ts), and
 * whatever no layer consumed is refused with ActiveMQ's "Invalid connect parameters: {name=value, …}" text
 * (TransportFactory.doConnect). ActiveMQ's broker side silently ignores most leftovers; refusing them at start-up
 * is deliberate (house rule 5: a typo must not quietly disable an option).
 */
export function parseConnectorUri(uri: string): ConnectorUri {
  const text = uri.trim();
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!schemeMatch) {
    throw configError(`Invalid transportConnector URI '${uri}': expected scheme://host:port[?options]`);
  }
  const scheme = schemeMatch[1]!.toLowerCase();
  const info = schemeInfo(scheme);
  if (!info) {
    // Text modelled on TransportFactory.findTransportFactory.
    throw configError(
      `Transport scheme NOT recognized: [${scheme}] in '${uri}'; supported: ${connectorSchemes.join(', ')}`,
    );
  }

  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw configError(`Invalid transportConnector URI '${uri}': host or port is malformed`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw configError(`Invalid transportConnector URI '${uri}': user information is not allowed`);
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw configError(`Invalid transportConnector URI '${uri}': unexpected path '${parsed.pathname}'`);
  }
  if (parsed.hash !== '') {
    throw configError(`Invalid transportConnector URI '${uri}': unexpected fragment '${parsed.hash}'`);
  }
  let host = parsed.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '') {
    throw configError(`Invalid transportConnector URI '${uri}': a host is required (0.0.0.0 binds every interface)`);
  }
  if (parsed.port === '') {
    const hint = info.websocket ? defaultPorts.ws : defaultPorts[info.protocol];
    // ActiveMQ would try to bind port -1 and fail; say what is missing instead.
    throw configError(`Invalid transportConnector URI '${uri}': a port is required (ActiveMQ's usual is ${hint})`);
  }
  const port = Number(parsed.port);

  const params = queryParameters(uri, parsed.search);
  const options = consumeOptions(params, info.protocol, info.tls, scheme);
  return {
    uri,
    scheme,
    protocol: info.protocol,
    tls: info.tls,
    websocket: info.websocket,
    nio: info.nio,
    host,
    port,
    options,
  };
}

function queryParameters(uri: string, search: string): Map<string, string> {
  const params = new Map<string, string>();
  // URLSearchParams decodes %xx and '+' like Java's URLDecoder, which ActiveMQ's URISupport uses.
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === '') continue;
    if (params.has(key)) {
      // Java's HashMap would keep the last one silently; a repeated option is almost always a mistake.
      throw configError(`URI option '${key}' is given more than once in '${uri}'`);
    }
    params.set(key, value);
  }
  return params;
}

/** Takes the named option out of the map and parses it, or returns undefined when absent. */
function take(params: Map<string, string>, key: string, spec: OptionSpec): OptionValue | undefined {
  const raw = params.get(key);
  if (raw === undefined) return undefined;
  params.delete(key);
  return parseOptionValue(key, raw, spec);
}

/** Fills `target` from `prefix + name` for each name in `specs`. */
function consumeGroup<T extends object>(
  params: Map<string, string>,
  prefix: string,
  specs: { readonly [K in keyof T]-?: OptionSpec },
  target: T,
): void {
  for (const name of Object.keys(specs) as Array<keyof T & string>) {
    const value = take(params, prefix + name, specs[name]);
    if (value !== undefined) (target as Record<string, unknown>)[name] = value;
  }
}

function consumeOptions(
  params: Map<string, string>,
  protocol: ConnectorProtocol,
  tls: boolean,
  scheme: string,
): ConnectorOptions {
  const server = serverDefaults(protocol);
  consumeGroup(params, '', serverSpecs, server);

  const connector = connectorDefaults();
  consumeGroup(params, '', connectorSpecs, connector);

  // Per-connection options: `transport.X` wins over the unprefixed server-level form, as in
  // TcpTransportServer.doHandleSocket, which puts the server's values first and then putAll(transportOptions).
  const transport = connectionDefaults();
  for (const name of Object.keys(connectionSpecs) as Array<keyof ConnectionOptions>) {
    const spec = connectionSpecs[name];
    const onlyFor = connectionOptionProtocols[name];
    if (onlyFor && !onlyFor.includes(protocol)) continue; // left over, so reported below
    const plain = serverLevelConnectionOptions.has(name) ? take(params, name, spec) : undefined;
    const prefixed = take(params, `transport.${name}`, spec);
    const value = prefixed ?? plain;
    if (value !== undefined) (transport as unknown as Record<string, unknown>)[name] = value;
  }

  let tlsOptions: TlsUriOptions | undefined;
  if (tls) {
    tlsOptions = tlsDefaults();
    consumeGroup(params, 'transport.', tlsSpecs, tlsOptions);
  }

  let auto: AutoOptions | undefined;
  if (protocol === 'auto') {
    auto = autoDefaults();
    const list = params.get('auto.protocols');
    if (list !== undefined) {
      params.delete('auto.protocols');
      auto.protocols = parseAutoProtocols(list);
    }
    const timeout = take(params, 'protocolDetectionTimeOut', { kind: 'int', min: 0 });
    if (timeout !== undefined) auto.protocolDetectionTimeOut = timeout as number;
  }

  const socket = consumeSocketOptions(params, tls);
  const wireFormats = consumeWireFormats(params, protocol, auto?.protocols);

  if (params.size > 0) {
    const listed = [...params].map(([k, v]) => `${k}=${v}`).join(', ');
    throw configError(`Invalid connect parameters: {${listed}}${leftoverHint(params, tls, protocol, scheme)}`);
  }
  return { server, connector, transport, tls: tlsOptions, auto, socket, wireFormats };
}

function parseAutoProtocols(list: string): AutoProtocol[] {
  // AutoTransportUtils.parseProtocols: comma-separated wire format names; empty means all.
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) return autoDefaults().protocols;
  const out: AutoProtocol[] = [];
  for (const name of names) {
    const p = autoProtocolNames[name.toLowerCase()];
    if (!p) {
      throw configError(
        `Invalid value for URI option 'auto.protocols': unknown protocol '${name}' ` +
          `(expected a comma-separated list of ${Object.keys(autoProtocolNames).join(', ')}; OpenWire is 'default')`,
      );
    }
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

function consumeSocketOptions(params: Map<string, string>, tls: boolean): Record<string, OptionValue> {
  // ActiveMQ applies `transport.socket.X` to each accepted java.net.Socket (TcpTransport.initialiseSocket) and
  // refuses unknown names with "Invalid socket parameters: {…}". Plain `socket.X` is the client-side spelling
  // the SSL docs show; we take it on the server too rather than ignore it as ActiveMQ's broker does.
  const socket: Record<string, OptionValue> = {};
  const unknown: string[] = [];
  for (const [key, raw] of [...params]) {
    const prefix = key.startsWith('transport.socket.')
      ? 'transport.socket.'
      : key.startsWith('socket.')
        ? 'socket.'
        : '';
    if (prefix === '') continue;
    const name = key.slice(prefix.length);
    const spec = socketSpecs[name] ?? (tls ? sslSocketSpecs[name] : undefined);
    params.delete(key);
    if (!spec) {
      unknown.push(`${name}=${raw}`);
      continue;
    }
    if (name in socket)
      throw configError(`Socket option '${name}' is given both as socket.${name} and transport.socket.${name}`);
    socket[name] = parseOptionValue(key, raw, spec);
  }
  if (unknown.length > 0) throw configError(`Invalid socket parameters: {${unknown.join(', ')}}`);
  return socket;
}

function consumeWireFormats(
  params: Map<string, string>,
  protocol: ConnectorProtocol,
  autoProtocols: readonly AutoProtocol[] | undefined,
): WireFormats {
  const out: WireFormats = {};
  if (protocol !== 'auto') {
    const prefix = 'wireFormat.';
    if (protocol === 'openwire') {
      const wf = openWireDefaults();
      // TcpTransportServer also takes the inactivity settings unprefixed; `wireFormat.` wins.
      for (const name of ['maxInactivityDuration', 'maxInactivityDurationInitalDelay'] as const) {
        const plain = take(params, name, openWireSpecs[name]);
        if (plain !== undefined) wf[name] = plain as number;
      }
      consumeGroup(params, prefix, openWireSpecs, wf);
      out.openwire = wf;
    } else if (protocol === 'stomp') {
      out.stomp = stompDefaults();
      consumeGroup(params, prefix, stompSpecs, out.stomp);
    } else if (protocol === 'mqtt') {
      out.mqtt = mqttDefaults();
      consumeGroup(params, prefix, mqttSpecs, out.mqtt);
    } else {
      out.amqp = amqpDefaults();
      consumeGroup(params, prefix, amqpSpecs, out.amqp);
    }
    return out;
  }

  // auto: `wireFormat.X` goes to every sniffed wire format that has X, then `wireFormat.<name>.X` to one
  // (AutoTransportUtils.extractWireFormatOptions + AutoTcpTransportServer.findWireFormatFactory).
  const enabled = autoProtocols ?? autoDefaults().protocols;
  const families: Array<[AutoProtocol, string, Record<string, OptionSpec>, Record<string, unknown>]> = [
    ['openwire', 'default', openWireSpecs, openWireDefaults() as unknown as Record<string, unknown>],
    ['stomp', 'stomp', stompSpecs, stompDefaults() as unknown as Record<string, unknown>],
    ['amqp', 'amqp', amqpSpecs, amqpDefaults() as unknown as Record<string, unknown>],
    ['mqtt', 'mqtt', mqttSpecs, mqttDefaults() as unknown as Record<string, unknown>],
  ];
  const shared = new Map<string, string>();
  for (const [key, raw] of [...params]) {
    if (!key.startsWith('wireFormat.')) continue;
    const name = key.slice('wireFormat.'.length);
    if (name.includes('.')) continue; // per-protocol form, handled below
    if (families.some(([p, , specs]) => enabled.includes(p) && name in specs)) {
      shared.set(name, raw);
      params.delete(key);
    }
  }
  for (const [p, wfName, specs, values] of families) {
    if (!enabled.includes(p)) continue;
    for (const [name, raw] of shared) {
      const spec = specs[name];
      if (spec) values[name] = parseOptionValue(`wireFormat.${name}`, raw, spec);
    }
    for (const name of Object.keys(specs)) {
      const v = take(params, `wireFormat.${wfName}.${name}`, specs[name]!);
      if (v !== undefined) values[name] = v;
    }
    (out as Record<string, unknown>)[p] = values;
  }
  return out;
}

function leftoverHint(params: Map<string, string>, tls: boolean, protocol: ConnectorProtocol, scheme: string): string {
  const keys = [...params.keys()];
  const tlsNames = Object.keys(tlsSpecs).map((n) => `transport.${n}`);
  if (!tls && keys.some((k) => tlsNames.includes(k))) {
    return ` (TLS options need a TLS scheme such as ssl://, not ${scheme}://)`;
  }
  if (keys.some((k) => Object.keys(tlsSpecs).includes(k))) {
    return ' (TLS server options take the transport. prefix, e.g. transport.needClientAuth)';
  }
  if (keys.some((k) => k.endsWith('hbGracePeriodMultiplier'))) {
    return ` (hbGracePeriodMultiplier applies to STOMP connectors only, not ${protocol})`;
  }
  if (protocol !== 'auto' && keys.some((k) => k === 'auto.protocols' || k === 'protocolDetectionTimeOut')) {
    return ' (auto.protocols and protocolDetectionTimeOut apply to auto:// connectors only)';
  }
  if (keys.some((k) => k.startsWith('jms.'))) {
    return ' (jms.* options belong on a client connection URI, not on a transportConnector)';
  }
  return '';
}
