import type { OptionSpec } from './option-values.js';
import { LONG_MAX_SAFE } from './option-values.js';
import type { ConnectorProtocol } from './schemes.js';

/**
 * Every option a transportConnector URI may carry, by family, with ActiveMQ's defaults. The names and defaults
 * come from the setters and fields ActiveMQ's IntrospectionSupport reaches on the broker side:
 * TcpTransportServer / TransportServerThreadSupport (unprefixed), TcpTransport / SslTransport /
 * InactivityMonitor (via `transport.`), the WireFormatFactory of the protocol (via `wireFormat.`),
 * SSLServerSocket (via `transport.`, SslTransportServer), java.net.Socket (via `transport.socket.`), the
 * auto transport (`auto.`), and TransportConnector attributes.
 */
type Specs<T> = { readonly [K in keyof T]-?: OptionSpec };

const nonNegativeInt: OptionSpec = { kind: 'int', min: 0 };
const positiveInt: OptionSpec = { kind: 'int', min: 1 };
const nonNegativeLong: OptionSpec = { kind: 'long', min: 0 };
const bool: OptionSpec = { kind: 'boolean' };
const text: OptionSpec = { kind: 'string' };

// ---- server socket (unprefixed; TcpTransportServer, TransportServerThreadSupport) ----
export interface ServerOptions {
  backlog: number;
  useQueueForAccept: boolean;
  maximumConnections: number;
  daemon: boolean;
  joinOnStop: boolean;
  /**
   * Whether a second connection with the same client id takes over the first. ActiveMQ's default is false,
   * except MQTT connectors (and MQTT detected on auto connectors) which default to true.
   */
  allowLinkStealing: boolean;
}
export const serverSpecs: Specs<ServerOptions> = {
  backlog: nonNegativeInt,
  useQueueForAccept: bool,
  maximumConnections: positiveInt,
  daemon: bool,
  joinOnStop: bool,
  allowLinkStealing: bool,
};
export function serverDefaults(protocol: ConnectorProtocol): ServerOptions {
  return {
    backlog: 5000,
    useQueueForAccept: true,
    maximumConnections: 2147483647, // Integer.MAX_VALUE
    daemon: true,
    joinOnStop: true,
    allowLinkStealing: protocol === 'mqtt',
  };
}

// ---- TransportConnector attributes ActiveMQ users also write on the URI ----
export interface ConnectorAttributes {
  updateClusterClients: boolean;
  rebalanceClusterClients: boolean;
  updateClusterClientsOnRemove: boolean;
  updateClusterFilter: string | undefined;
}
export const connectorSpecs: Specs<ConnectorAttributes> = {
  updateClusterClients: bool,
  rebalanceClusterClients: bool,
  updateClusterClientsOnRemove: bool,
  updateClusterFilter: text,
};
export const connectorDefaults = (): ConnectorAttributes => ({
  updateClusterClients: false,
  rebalanceClusterClients: false,
  updateClusterClientsOnRemove: false,
  updateClusterFilter: undefined,
});

// ---- per-connection transport options (`transport.X`; a few also unprefixed on the server) ----
export interface ConnectionOptions {
  trace: boolean;
  soTimeout: number;
  soWriteTimeout: number;
  connectionTimeout: number;
  socketBufferSize: number;
  ioBufferSize: number;
  /** Unset means "leave the OS default", as TcpTransport does with its nullable Boolean. */
  tcpNoDelay: boolean | undefined;
  keepAlive: boolean | undefined;
  soLinger: number | undefined;
  closeAsync: boolean;
  useInactivityMonitor: boolean;
  useKeepAlive: boolean;
  minmumWireFormatVersion: number;
  /** STOMP only (ProtocolConverter, 5.9+): how much longer than the negotiated read heart-beat to wait. */
  hbGracePeriodMultiplier: number;
  /**
   * AbstractInactivityMonitor / StompTransportFilter / MQTT / AMQP `connectAttemptTimeout`: time from accept
   * until the protocol's handshake; 0 = none.
   */
  connectAttemptTimeout: number;
  /** TideMQ: time a frame may stay half-received before the connection is closed; 0 = none. */
  frameTimeout: number;
  /** TideMQ: after the broker closes a connection, time the peer gets to close its side before the cut. */
  closeGracePeriod: number;
  /** TideMQ: unread outbound bytes above which the connection is cut; 0 = none. */
  maxPendingWriteBytes: number;
  /** MQTT (MQTTTransportFilter): keep-alive in ms applied to a client that asks for 0; 0 = none. */
  defaultKeepAlive: number;
  /** MQTT: `mqtt-default-subscriptions` or `mqtt-virtual-topic-subscriptions`. */
  subscriptionStrategy: string;
  /** MQTT: deliver PUBLISHes to `$` topics instead of dropping them. */
  publishDollarTopics: boolean;
  /** MQTT: prefetch of the broker consumer behind each subscription; -1 = ActiveMQ's defaults. */
  activeMQSubscriptionPrefetch: number;
  /** TideMQ, MQTT: QoS 2 PUBLISHes a client may leave awaiting PUBREL (MQTT 5 Receive Maximum announced). */
  receiveMaximum: number;
  /** TideMQ, MQTT: topic filters one connection may hold. */
  maxSubscriptions: number;
  /** TideMQ, MQTT 5: topic aliases a client may set (Topic Alias Maximum announced). */
  topicAliasMaximum: number;
  diffServ: string | undefined;
  typeOfService: number | undefined;
  logWriterName: string;
  dynamicManagement: boolean;
  startLogging: boolean;
  jmxPort: number;
  useLocalHost: boolean;
}
export const connectionSpecs: Specs<ConnectionOptions> = {
  trace: bool,
  soTimeout: nonNegativeInt,
  soWriteTimeout: nonNegativeLong,
  connectionTimeout: { kind: 'int' },
  socketBufferSize: { kind: 'int' },
  ioBufferSize: positiveInt,
  tcpNoDelay: bool,
  keepAlive: bool,
  soLinger: { kind: 'int' },
  closeAsync: bool,
  useInactivityMonitor: bool,
  useKeepAlive: bool,
  minmumWireFormatVersion: nonNegativeInt,
  hbGracePeriodMultiplier: { kind: 'float', min: 1 },
  connectAttemptTimeout: nonNegativeLong,
  frameTimeout: nonNegativeLong,
  closeGracePeriod: nonNegativeLong,
  maxPendingWriteBytes: nonNegativeLong,
  defaultKeepAlive: nonNegativeLong,
  subscriptionStrategy: text,
  publishDollarTopics: bool,
  activeMQSubscriptionPrefetch: { kind: 'int', min: -1 },
  receiveMaximum: { kind: 'int', min: 1, max: 65535 },
  maxSubscriptions: positiveInt,
  topicAliasMaximum: { kind: 'int', min: 0, max: 65535 },
  diffServ: text,
  typeOfService: { kind: 'int', min: 0, max: 255 },
  logWriterName: text,
  dynamicManagement: bool,
  startLogging: bool,
  jmxPort: { kind: 'int', min: 0, max: 65535 },
  useLocalHost: bool,
};
export const connectionDefaults = (): ConnectionOptions => ({
  trace: false,
  soTimeout: 0,
  // ActiveMQ's default is 0 (no write timeout); TideMQ cuts a client that reads nothing for a minute while
  // output waits for it (transport.soWriteTimeout=0 restores ActiveMQ's behaviour).
  soWriteTimeout: 60_000,
  connectionTimeout: 30000,
  socketBufferSize: 64 * 1024,
  ioBufferSize: 8 * 1024,
  tcpNoDelay: undefined,
  keepAlive: undefined,
  soLinger: undefined,
  closeAsync: true,
  useInactivityMonitor: true,
  useKeepAlive: true,
  minmumWireFormatVersion: 0,
  // ActiveMQ's ProtocolConverter default is 1.0, but its read check passes whenever any byte arrived during
  // the last whole check period, so a client beating exactly on time is allowed up to two periods of
  // silence. TideMQ checks the actual silence against the interval times this multiplier, and 1.5 is the
  // margin the STOMP 1.2 spec asks receivers to allow for timing inaccuracies.
  hbGracePeriodMultiplier: 1.5,
  connectAttemptTimeout: 30_000,
  frameTimeout: 60_000,
  closeGracePeriod: 5_000,
  maxPendingWriteBytes: 64 * 1024 * 1024,
  defaultKeepAlive: 0,
  subscriptionStrategy: 'mqtt-default-subscriptions',
  publishDollarTopics: false,
  activeMQSubscriptionPrefetch: -1,
  receiveMaximum: 1000,
  maxSubscriptions: 1000,
  topicAliasMaximum: 64,
  diffServ: undefined,
  typeOfService: undefined,
  logWriterName: 'default',
  dynamicManagement: false,
  startLogging: true,
  jmxPort: 1099,
  useLocalHost: false,
});
/** Options TcpTransportServer has its own setter for, so ActiveMQ also takes them without `transport.`. */
export const serverLevelConnectionOptions: ReadonlySet<keyof ConnectionOptions> = new Set([
  'trace',
  'soTimeout',
  'connectionTimeout',
  'socketBufferSize',
  'minmumWireFormatVersion',
  'logWriterName',
  'dynamicManagement',
  'startLogging',
  'jmxPort',
  // Not server setters in ActiveMQ (it silently ignores them unprefixed); accepted here because users
  // write them so and the intent is unambiguous. The `transport.` form wins when both are given.
  'soWriteTimeout',
  'tcpNoDelay',
  'keepAlive',
]);
/** Connection options that only mean something to some protocols. */
export const connectionOptionProtocols: Partial<Record<keyof ConnectionOptions, readonly ConnectorProtocol[]>> = {
  hbGracePeriodMultiplier: ['stomp', 'auto'],
  defaultKeepAlive: ['mqtt', 'auto'],
  subscriptionStrategy: ['mqtt', 'auto'],
  publishDollarTopics: ['mqtt', 'auto'],
  activeMQSubscriptionPrefetch: ['mqtt', 'auto'],
  receiveMaximum: ['mqtt', 'auto'],
  maxSubscriptions: ['mqtt', 'auto'],
  topicAliasMaximum: ['mqtt', 'auto'],
};
/** The MQTT options above, which the MQTT module reads by their `transport.` names. */
export const mqttConnectionOptions = [
  'defaultKeepAlive',
  'subscriptionStrategy',
  'publishDollarTopics',
  'activeMQSubscriptionPrefetch',
  'receiveMaximum',
  'maxSubscriptions',
  'topicAliasMaximum',
] as const;

// ---- TLS (SSLServerSocket / SslTransportServer / SslTransport via `transport.`) ----
export interface TlsUriOptions {
  /** Java/IANA or OpenSSL names, as written; resolved against OpenSSL by tls/ciphers.ts. */
  enabledCipherSuites: string[] | undefined;
  /** Java protocol names (TLSv1.2, TLSv1.3), as written; resolved by tls/protocols.ts. */
  enabledProtocols: string[] | undefined;
  needClientAuth: boolean;
  wantClientAuth: boolean;
  /** Server-side default false (TcpTransportServer.verifyHostName, 5.15.6+). */
  verifyHostName: boolean;
  /**
   * TideMQ's counterpart of the JVM's -Djavax.net.debug=ssl for this connector: one log line per handshake,
   * and the reason in plain words when one fails (also on for every TLS connector with TIDEMQ_TLS_DEBUG=1).
   */
  tlsDebug: boolean;
}
export const tlsSpecs: Specs<TlsUriOptions> = {
  enabledCipherSuites: { kind: 'list' },
  enabledProtocols: { kind: 'list' },
  needClientAuth: bool,
  wantClientAuth: bool,
  verifyHostName: bool,
  tlsDebug: bool,
};
export const tlsDefaults = (): TlsUriOptions => ({
  enabledCipherSuites: undefined,
  enabledProtocols: undefined,
  needClientAuth: false,
  wantClientAuth: false,
  verifyHostName: false,
  tlsDebug: false,
});

// ---- auto:// (AutoTcpTransportFactory / AutoTcpTransportServer) ----
export type AutoProtocol = 'openwire' | 'stomp' | 'amqp' | 'mqtt';
export interface AutoOptions {
  /** The protocols the port sniffs for; ActiveMQ's empty/absent `auto.protocols` means all four. */
  protocols: AutoProtocol[];
  protocolDetectionTimeOut: number;
}
/** `auto.protocols` uses ActiveMQ's wire format names, where OpenWire is called `default`. */
export const autoProtocolNames: Readonly<Record<string, AutoProtocol>> = {
  default: 'openwire',
  stomp: 'stomp',
  amqp: 'amqp',
  mqtt: 'mqtt',
};
export const autoDefaults = (): AutoOptions => ({
  protocols: ['openwire', 'stomp', 'amqp', 'mqtt'],
  protocolDetectionTimeOut: 30000,
});

// ---- java.net.Socket / SSLSocket properties (`transport.socket.X`, applied to each accepted socket) ----
export const socketSpecs: Readonly<Record<string, OptionSpec>> = {
  tcpNoDelay: bool,
  keepAlive: bool,
  soLinger: { kind: 'int' },
  soTimeout: nonNegativeInt,
  receiveBufferSize: positiveInt,
  sendBufferSize: positiveInt,
  trafficClass: { kind: 'int', min: 0, max: 255 },
  reuseAddress: bool,
  oOBInline: bool,
};
export const sslSocketSpecs: Readonly<Record<string, OptionSpec>> = {
  enabledCipherSuites: { kind: 'list' },
  enabledProtocols: { kind: 'list' },
  needClientAuth: bool,
  wantClientAuth: bool,
  enableSessionCreation: bool,
};

// ---- wire formats (`wireFormat.X`; on auto also `wireFormat.<default|stomp|amqp|mqtt>.X`) ----
export interface OpenWireFormatOptions {
  version: number;
  maxFrameSize: number;
  maxFrameSizeEnabled: boolean;
  maxInactivityDuration: number;
  maxInactivityDurationInitalDelay: number; // sic: ActiveMQ's spelling, which users must write
  tightEncodingEnabled: boolean;
  cacheEnabled: boolean;
  cacheSize: number;
  sizePrefixDisabled: boolean;
  stackTraceEnabled: boolean;
  tcpNoDelayEnabled: boolean;
  includePlatformDetails: boolean;
}
export const openWireSpecs: Specs<OpenWireFormatOptions> = {
  version: { kind: 'int', min: 1, max: 12 },
  maxFrameSize: { kind: 'long', min: 1 },
  maxFrameSizeEnabled: bool,
  maxInactivityDuration: nonNegativeLong,
  maxInactivityDurationInitalDelay: nonNegativeLong,
  tightEncodingEnabled: bool,
  cacheEnabled: bool,
  cacheSize: { kind: 'int', min: 0, max: 32767 },
  sizePrefixDisabled: bool,
  stackTraceEnabled: bool,
  tcpNoDelayEnabled: bool,
  includePlatformDetails: bool,
};
export const openWireDefaults = (): OpenWireFormatOptions => ({
  version: 12, // CommandTypes.PROTOCOL_VERSION
  maxFrameSize: LONG_MAX_SAFE, // OpenWireFormat.DEFAULT_MAX_FRAME_SIZE = Long.MAX_VALUE
  maxFrameSizeEnabled: true,
  maxInactivityDuration: 30000,
  maxInactivityDurationInitalDelay: 10000,
  tightEncodingEnabled: true,
  cacheEnabled: true,
  cacheSize: 1024,
  sizePrefixDisabled: false,
  stackTraceEnabled: true,
  tcpNoDelayEnabled: true,
  includePlatformDetails: false,
});

export interface StompFormatOptions {
  maxDataLength: number;
  maxFrameSize: number;
}
export const stompSpecs: Specs<StompFormatOptions> = {
  maxDataLength: positiveInt,
  maxFrameSize: { kind: 'long', min: 1 },
};
export const stompDefaults = (): StompFormatOptions => ({
  maxDataLength: 100 * 1024 * 1024, // StompWireFormat.MAX_DATA_LENGTH
  maxFrameSize: LONG_MAX_SAFE, // StompWireFormat.DEFAULT_MAX_FRAME_SIZE = Long.MAX_VALUE
});

export interface MqttFormatOptions {
  maxFrameSize: number;
}
export const mqttSpecs: Specs<MqttFormatOptions> = { maxFrameSize: positiveInt };
export const mqttDefaults = (): MqttFormatOptions => ({ maxFrameSize: 256 * 1024 * 1024 }); // MAX_MESSAGE_LENGTH

export interface AmqpFormatOptions {
  maxFrameSize: number;
  maxAmqpFrameSize: number;
  /** Sic: AmqpWireFormatFactory's setter is setIdelTimeout, so the URI option is `wireFormat.idelTimeout`. */
  idelTimeout: number;
  producerCredit: number;
  transformer: string;
  allowNonSaslConnections: boolean;
}
export const amqpSpecs: Specs<AmqpFormatOptions> = {
  maxFrameSize: { kind: 'long', min: 1 },
  maxAmqpFrameSize: { kind: 'int', min: 512 },
  idelTimeout: nonNegativeInt,
  producerCredit: nonNegativeInt,
  transformer: text,
  allowNonSaslConnections: bool,
};
export const amqpDefaults = (): AmqpFormatOptions => ({
  maxFrameSize: LONG_MAX_SAFE, // AmqpWireFormat.DEFAULT_MAX_FRAME_SIZE = Long.MAX_VALUE
  maxAmqpFrameSize: 128 * 1024,
  idelTimeout: 30000,
  producerCredit: 1000,
  transformer: 'native', // AmqpWireFormatFactory uses InboundTransformer.TRANSFORMER_NATIVE
  allowNonSaslConnections: false,
});

export interface WireFormats {
  openwire?: OpenWireFormatOptions;
  stomp?: StompFormatOptions;
  amqp?: AmqpFormatOptions;
  mqtt?: MqttFormatOptions;
}
