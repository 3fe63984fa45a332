import { ClientError } from './errors.js';

/**
 * Client URIs as ActiveMQConnectionFactory reads them: `tcp://host:port?opts`, `ssl://…` (and the `nio`/`nio+ssl`
 * aliases), `failover:(uri1,uri2)?opts`. Options are consumed by prefix as the Java client does — `wireFormat.*`
 * (OpenWireFormatFactory), `socket.*` (the socket), `jms.*` (the connection), plain names for the transport — and
 * anything left over is refused with ActiveMQ's own text (`Invalid connect parameters: {x=1}`), so a typo fails
 * at connect instead of being silently ignored.
 */

export interface BrokerUri {
  /** `tcp` or `ssl` (the nio aliases are the same transport for a client). */
  readonly scheme: 'tcp' | 'ssl';
  readonly host: string;
  readonly port: number;
  /** The URI as written (the key failover uses to tell brokers apart). */
  readonly text: string;
  readonly transport: TransportUriOptions;
}

export interface TransportUriOptions {
  /** `connectionTimeout` (TcpTransport, ms, default 30000; 0 waits for ever). */
  connectionTimeout: number;
  /** `wireFormat.*`, values still as text; the wire format validates them. */
  wireFormat: Map<string, string>;
  /** `socket.*` and the TcpTransport names for them (`tcpNoDelay`, `keepAlive`, `verifyHostName`, …). */
  socket: {
    tcpNoDelay: boolean;
    keepAlive: boolean;
    sendBufferSize?: number;
    receiveBufferSize?: number;
    verifyHostName: boolean;
  };
}

export interface FailoverOptions {
  randomize: boolean;
  initialReconnectDelay: number;
  maxReconnectDelay: number;
  useExponentialBackOff: boolean;
  backOffMultiplier: number;
  /** -1: for ever. */
  maxReconnectAttempts: number;
  /** Attempts before the first connection; -1: as maxReconnectAttempts. */
  startupMaxReconnectAttempts: number;
  /** How long a send waits for a connection before failing; -1: for ever. */
  timeout: number;
  backup: boolean;
  priorityBackup: boolean;
  priorityURIs: string[];
  updateURIsSupported: boolean;
  reconnectSupported: boolean;
  rebalanceUpdateURIs: boolean;
  warnAfterReconnectAttempts: number;
}

/** FailoverTransport's defaults (activemq-client 5.17). */
export function failoverDefaults(): FailoverOptions {
  return {
    randomize: true,
    initialReconnectDelay: 10,
    maxReconnectDelay: 30_000,
    useExponentialBackOff: true,
    backOffMultiplier: 2,
    maxReconnectAttempts: -1,
    startupMaxReconnectAttempts: -1,
    timeout: -1,
    backup: false,
    priorityBackup: false,
    priorityURIs: [],
    updateURIsSupported: true,
    reconnectSupported: true,
    rebalanceUpdateURIs: true,
    warnAfterReconnectAttempts: 10,
  };
}

/** The `jms.*` options of ActiveMQConnectionFactory this client honours. */
export interface JmsUriOptions {
  clientID?: string;
  userName?: string;
  password?: string;
  useAsyncSend: boolean;
  alwaysSyncSend: boolean;
  /** ms a sync request waits for its response (jms.sendTimeout for sends; 0 waits for ever). */
  sendTimeout: number;
  /** ms close() waits for the broker (jms.closeTimeout, default 15000). */
  closeTimeout: number;
  prefetch: PrefetchPolicy;
  /** RedeliveryPolicy.maximumRedeliveries (-1: for ever): past it a rolled-back message is poison-acked. */
  maximumRedeliveries: number;
  /** ActiveMQMessageAudit: depth per producer and the number of producers followed. */
  auditDepth: number;
  auditMaximumProducerNumber: number;
  checkForDuplicates: boolean;
}

/** ActiveMQPrefetchPolicy's defaults. */
export interface PrefetchPolicy {
  queuePrefetch: number;
  topicPrefetch: number;
  durableTopicPrefetch: number;
  queueBrowserPrefetch: number;
}

export function jmsDefaults(): JmsUriOptions {
  return {
    useAsyncSend: false,
    alwaysSyncSend: false,
    sendTimeout: 0,
    closeTimeout: 15_000,
    prefetch: { queuePrefetch: 1000, topicPrefetch: 32766, durableTopicPrefetch: 100, queueBrowserPrefetch: 500 },
    maximumRedeliveries: 6,
    auditDepth: 2048,
    auditMaximumProducerNumber: 64,
    checkForDuplicates: true,
  };
}

export interface ClientUri {
  /** One broker (no reconnect) or a failover list. */
  readonly failover: FailoverOptions | null;
  readonly brokers: BrokerUri[];
  readonly jms: JmsUriOptions;
}

const uriError = (message: string): ClientError => new ClientError('ERR_CONFIG', message);

function bool(name: string, v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw uriError(`option ${name}: '${v}' is not true or false`);
}

function num(name: string, v: string, min = -Infinity): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min) throw uriError(`option ${name}: '${v}' is not a valid number`);
  return n;
}

/** `a=1&b=2` → ordered map, values URL-decoded (URISupport.parseQuery). */
export function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.substring(0, eq));
    out.set(k, decodeURIComponent(eq < 0 ? '' : part.substring(eq + 1)));
  }
  return out;
}

function refuseLeftovers(options: Map<string, string>, uri: string): void {
  if (options.size === 0) return;
  const list = [...options].map(([k, v]) => `${k}=${v}`).join(', ');
  // ActiveMQ: TransportFactory "Invalid connect parameters: {…}" / IntrospectionSupport for jms.*.
  throw uriError(`Invalid connect parameters: {${list}} in ${uri}`);
}

/** Takes every option starting with `prefix` out of `options`, prefix removed. */
function takePrefixed(options: Map<string, string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of [...options]) {
    if (k.startsWith(prefix)) {
      out.set(k.substring(prefix.length), v);
      options.delete(k);
    }
  }
  return out;
}

function applyJms(jms: JmsUriOptions, options: Map<string, string>): void {
  const o = takePrefixed(options, 'jms.');
  const left = new Map<string, string>();
  for (const [k, v] of o) {
    const name = `jms.${k}`;
    switch (k) {
      case 'clientID':
        jms.clientID = v;
        break;
      case 'userName':
        jms.userName = v;
        break;
      case 'password':
        jms.password = v;
        break;
      case 'useAsyncSend':
        jms.useAsyncSend = bool(name, v);
        break;
      case 'alwaysSyncSend':
        jms.alwaysSyncSend = bool(name, v);
        break;
      case 'sendTimeout':
        jms.sendTimeout = num(name, v, 0);
        break;
      case 'closeTimeout':
        jms.closeTimeout = num(name, v, 0);
        break;
      case 'checkForDuplicates':
        jms.checkForDuplicates = bool(name, v);
        break;
      case 'auditDepth':
        jms.auditDepth = num(name, v, 1);
        break;
      case 'auditMaximumProducerNumber':
        jms.auditMaximumProducerNumber = num(name, v, 1);
        break;
      case 'redeliveryPolicy.maximumRedeliveries':
        jms.maximumRedeliveries = num(name, v, -1);
        break;
      case 'prefetchPolicy.all': {
        const n = num(name, v, 0);
        jms.prefetch = { queuePrefetch: n, topicPrefetch: n, durableTopicPrefetch: n, queueBrowserPrefetch: n };
        break;
      }
      case 'prefetchPolicy.queuePrefetch':
      case 'prefetchPolicy.topicPrefetch':
      case 'prefetchPolicy.durableTopicPrefetch':
      case 'prefetchPolicy.queueBrowserPrefetch':
        jms.prefetch[k.substring('prefetchPolicy.'.length) as keyof PrefetchPolicy] = num(name, v, 0);
        break;
      default:
        left.set(name, v);
    }
  }
  for (const [k, v] of left) options.set(k, v);
}

const NESTED = /^(tcp|ssl|nio|nio\+ssl):\/\/(\[[^\]]+\]|[^:/?]+)(?::(\d+))?\/?(?:\?(.*))?$/i;

function parseBrokerUri(text: string, extra: Map<string, string>, jms: JmsUriOptions): BrokerUri {
  const m = NESTED.exec(text.trim());
  if (m === null) throw uriError(`not a tcp:// or ssl:// broker URI: '${text}'`);
  const scheme = m[1]!.toLowerCase().endsWith('ssl') ? 'ssl' : 'tcp';
  const port = m[3] === undefined ? 61616 : Number(m[3]);
  if (!(port > 0 && port < 65536)) throw uriError(`bad port in '${text}'`);
  const options = new Map([...extra, ...parseQuery(m[4] ?? '')]);
  applyJms(jms, options);
  const wireFormat = takePrefixed(options, 'wireFormat.');
  const socketOpts = takePrefixed(options, 'socket.');
  // TcpTransport's own setters, which the Java client also accepts without the socket. prefix.
  for (const k of ['tcpNoDelay', 'keepAlive', 'sendBufferSize', 'receiveBufferSize', 'verifyHostName', 'trace']) {
    const v = options.get(k);
    if (v !== undefined) {
      socketOpts.set(k, v);
      options.delete(k);
    }
  }
  const transport: TransportUriOptions = {
    connectionTimeout: 30_000,
    wireFormat,
    socket: { tcpNoDelay: true, keepAlive: false, verifyHostName: true },
  };
  const ct = options.get('connectionTimeout');
  if (ct !== undefined) {
    transport.connectionTimeout = num('connectionTimeout', ct, 0);
    options.delete('connectionTimeout');
  }
  for (const [k, v] of socketOpts) {
    switch (k) {
      case 'tcpNoDelay':
      case 'keepAlive':
      case 'verifyHostName':
        transport.socket[k] = bool(`socket.${k}`, v);
        break;
      case 'sendBufferSize':
      case 'receiveBufferSize':
        transport.socket[k] = num(`socket.${k}`, v, 1);
        break;
      case 'trace':
        break; // TcpTransport's frame log: TIDEMQ_DEBUG=client does that here.
      default:
        options.set(`socket.${k}`, v);
    }
  }
  refuseLeftovers(options, text);
  return { scheme, host: m[2]!.replace(/^\[|\]$/g, ''), port, text: text.trim(), transport };
}

/** Splits `a,b(c,d),e` at the commas outside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.substring(start, i));
      start = i + 1;
    }
  }
  out.push(s.substring(start));
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

function applyFailover(f: FailoverOptions, options: Map<string, string>): void {
  for (const [k, v] of [...options]) {
    let used = true;
    switch (k) {
      case 'randomize':
      case 'useExponentialBackOff':
      case 'backup':
      case 'priorityBackup':
      case 'updateURIsSupported':
      case 'reconnectSupported':
      case 'rebalanceUpdateURIs':
        f[k] = bool(k, v);
        break;
      case 'initialReconnectDelay':
      case 'maxReconnectDelay':
        f[k] = num(k, v, 0);
        break;
      case 'backOffMultiplier':
        f[k] = num(k, v, 1);
        break;
      case 'maxReconnectAttempts':
      case 'startupMaxReconnectAttempts':
      case 'timeout':
      case 'warnAfterReconnectAttempts':
        f[k] = num(k, v, -1);
        break;
      case 'priorityURIs':
        f.priorityURIs = v
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0);
        break;
      // Accepted for compatibility, no effect here (documented in docs/client.md).
      case 'backupPoolSize':
      case 'trackMessages':
      case 'maxCacheSize':
      case 'trackTransactionProducers':
      case 'updateURIsURL':
        break;
      default:
        used = false;
    }
    if (used) options.delete(k);
  }
}

/** Parses a client URL: `tcp://h:p?…`, `ssl://h:p?…` or `failover:(…)?…` / `failover://(…)` / `failover:a,b`. */
export function parseClientUri(url: string): ClientUri {
  const text = url.trim();
  const jms = jmsDefaults();
  const fm = /^failover:(?:\/\/)?(.*)$/i.exec(text);
  if (fm === null) {
    return { failover: null, brokers: [parseBrokerUri(text, new Map(), jms)], jms };
  }
  let body = fm[1]!;
  let query = '';
  if (body.startsWith('(')) {
    let depth = 0;
    let end = -1;
    for (let i = 0; i < body.length && end < 0; i++) {
      if (body[i] === '(') depth++;
      else if (body[i] === ')' && --depth === 0) end = i;
    }
    if (end < 0) throw uriError(`unbalanced parentheses in '${text}'`);
    const rest = body.substring(end + 1);
    if (rest !== '' && !rest.startsWith('?')) throw uriError(`unexpected '${rest}' after ')' in '${text}'`);
    query = rest.substring(1);
    body = body.substring(1, end);
  } else {
    // failover:tcp://a:1,tcp://b:2 — the query belongs to the last nested URI in Java; we read it as failover's.
    const q = body.lastIndexOf('?');
    if (q >= 0) {
      query = body.substring(q + 1);
      body = body.substring(0, q);
    }
  }
  const options = parseQuery(query);
  const failover = failoverDefaults();
  applyFailover(failover, options);
  applyJms(jms, options);
  const nested = takePrefixed(options, 'nested.');
  refuseLeftovers(options, text);
  const brokers = splitTopLevel(body).map((b) => parseBrokerUri(b, nested, jms));
  if (brokers.length === 0) throw uriError(`no broker URI in '${text}'`);
  return { failover, brokers, jms };
}

/** Parses one nested broker URI the way failover does (for URIs learnt from ConnectionControl). */
export function parseNestedUri(text: string): BrokerUri {
  return parseBrokerUri(text, new Map(), jmsDefaults());
}
