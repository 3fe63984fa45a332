import { BrokerError } from '../../util/errors.js';

/**
 * `multicast://<address>[:<port>][?options]` as ActiveMQ's MulticastDiscoveryAgentFactory reads it: the host
 * `default` is the group address 239.255.2.3 (ActiveMQ's activemq.partition.discovery system property, here the
 * ACTIVEMQ_PARTITION_DISCOVERY environment variable), a missing port is 6155, and the query sets the agent's
 * properties by name.
 */
export interface MulticastDiscoveryOptions {
  /** The multicast group address the agent joins and sends to. */
  readonly address: string;
  readonly port: number;
  /** Datagrams of other groups on the same address are ignored (`group=`, default `default`). */
  readonly group: string;
  /** How often this agent announces itself and checks for silent services, ms (default 500). */
  readonly keepAliveInterval: number;
  /** After a bridge to a service failed, how long its announcements are ignored, ms (default 5000). */
  readonly initialReconnectDelay: number;
  readonly maxReconnectDelay: number;
  readonly useExponentialBackOff: boolean;
  readonly backOffMultiplier: number;
  /** 0: retry a failed service forever; n: give up after n failures until it goes silent or says dead. */
  readonly maxReconnectAttempts: number;
  /** IP_MULTICAST_TTL (default 1: the local network only). */
  readonly timeToLive: number;
  /**
   * Java's MulticastSocket.setLoopbackMode(disable): true DISABLES the loopback of our own datagrams to this
   * host. ActiveMQ's default false keeps it on, which is what lets two brokers on one host hear each other.
   */
  readonly loopBackMode: boolean;
  /** `interface=`: the local address datagrams are sent from. */
  readonly interface: string | null;
  /** `networkInterface=`: the NIC (by name) datagrams are sent from. */
  readonly networkInterface: string | null;
  /** `joinNetworkInterface=`: the NIC (by name) the group is joined on. */
  readonly joinNetworkInterface: string | null;
}

export const DEFAULT_MULTICAST_PORT = 6155;
export const DEFAULT_MULTICAST_HOST = 'default';
/** MulticastDiscoveryAgent.HEARTBEAT_MISS_BEFORE_DEATH: a service silent for 10 keep-alive intervals is gone. */
export const HEARTBEAT_MISS_BEFORE_DEATH = 10;

export function defaultGroupAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env['ACTIVEMQ_PARTITION_DISCOVERY'] ?? '239.255.2.3';
}

type Setter = (o: Mutable, value: string, name: string) => void;
type Mutable = { -readonly [K in keyof MulticastDiscoveryOptions]: MulticastDiscoveryOptions[K] };

const integer =
  (key: 'keepAliveInterval' | 'initialReconnectDelay' | 'maxReconnectDelay' | 'maxReconnectAttempts' | 'timeToLive') =>
  (o: Mutable, value: string, name: string): void => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new BrokerError('ERR_CONFIG', `multicast discovery option ${name}=${value} is not a whole number`);
    }
    o[key] = n;
  };

const bool = (key: 'useExponentialBackOff' | 'loopBackMode') => (o: Mutable, value: string) => {
  // IntrospectionSupport converts with Boolean.valueOf: only "true" (any case) is true.
  o[key] = value.trim().toLowerCase() === 'true';
};

const text = (key: 'group' | 'interface' | 'networkInterface' | 'joinNetworkInterface') => (o: Mutable, v: string) => {
  o[key] = v;
};

/** The agent's bean properties that ActiveMQ users set on the URI; anything else is refused. */
const SETTERS: Readonly<Record<string, Setter>> = {
  group: text('group'),
  keepAliveInterval: integer('keepAliveInterval'),
  initialReconnectDelay: integer('initialReconnectDelay'),
  maxReconnectDelay: integer('maxReconnectDelay'),
  useExponentialBackOff: bool('useExponentialBackOff'),
  backOffMultiplier: (o, v, name) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 1) {
      throw new BrokerError('ERR_CONFIG', `multicast discovery option ${name}=${v} must be a number of at least 1`);
    }
    o.backOffMultiplier = n;
  },
  maxReconnectAttempts: integer('maxReconnectAttempts'),
  timeToLive: integer('timeToLive'),
  loopBackMode: bool('loopBackMode'),
  interface: text('interface'),
  networkInterface: text('networkInterface'),
  joinNetworkInterface: text('joinNetworkInterface'),
};

export function isMulticastDiscoveryUri(uri: string): boolean {
  return /^multicast:\/\//i.test(uri.trim());
}

/** Parses a discovery URI; a bad address, port or option is an ERR_CONFIG naming it. */
export function parseMulticastDiscoveryUri(
  uri: string,
  env: NodeJS.ProcessEnv = process.env,
): MulticastDiscoveryOptions {
  const trimmed = uri.trim();
  if (!isMulticastDiscoveryUri(trimmed)) {
    throw new BrokerError('ERR_CONFIG', `${uri} is not a multicast:// discovery URI`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new BrokerError('ERR_CONFIG', `Could not create discovery agent: ${uri}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const o: Mutable = {
    address: host === '' || host.toLowerCase() === DEFAULT_MULTICAST_HOST ? defaultGroupAddress(env) : host,
    port: url.port === '' ? DEFAULT_MULTICAST_PORT : Number(url.port),
    group: 'default',
    keepAliveInterval: 500,
    initialReconnectDelay: 5000,
    maxReconnectDelay: 30000,
    useExponentialBackOff: false,
    backOffMultiplier: 2,
    maxReconnectAttempts: 0,
    timeToLive: 1,
    loopBackMode: false,
    interface: null,
    networkInterface: null,
    joinNetworkInterface: null,
  };
  if (!isMulticastAddress(o.address)) {
    throw new BrokerError(
      'ERR_CONFIG',
      `Could not create discovery agent: ${uri}: ${o.address} is not a multicast address`,
    );
  }
  for (const [name, value] of url.searchParams) {
    const set = SETTERS[name];
    if (set === undefined) {
      throw new BrokerError(
        'ERR_CONFIG',
        `Could not create discovery agent: ${uri}: unknown option ${name} (known: ${Object.keys(SETTERS).join(', ')})`,
      );
    }
    set(o, value, name);
  }
  if (o.group.length === 0) throw new BrokerError('ERR_CONFIG', 'You must specify a group to discover');
  if (o.keepAliveInterval <= 0) {
    throw new BrokerError('ERR_CONFIG', `multicast discovery option keepAliveInterval must be positive`);
  }
  if (o.timeToLive < 0 || o.timeToLive > 255) {
    throw new BrokerError('ERR_CONFIG', `multicast discovery option timeToLive must be between 0 and 255`);
  }
  return o;
}

/** IPv4 224.0.0.0/4 (what the group addresses in use are); names are not resolved here. */
function isMulticastAddress(address: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (m === null) return false;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) && parts[0]! >= 224 && parts[0]! <= 239;
}
