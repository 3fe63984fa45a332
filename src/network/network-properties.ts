import type { DestinationRef, NetworkConnectorConfig } from '../config/broker-config.js';

/**
 * BrokerInfo.networkProperties: the initiating bridge's settings as java.util.Properties text, so the responder
 * end of a duplex bridge runs with the same ones (ActiveMQ's startRemoteBridge sends them without networkTTL,
 * whose parts messageTTL and consumerTTL travel instead; TransportConnection.getNetworkConfiguration reads them).
 */
const KEYS = [
  'name',
  'duplex',
  'messageTTL',
  'consumerTTL',
  'conduitSubscriptions',
  'dynamicOnly',
  'decreaseNetworkConsumerPriority',
  'consumerPriorityBase',
  'bridgeTempDestinations',
  'prefetchSize',
  'advisoryPrefetchSize',
  'alwaysSyncSend',
  'suppressDuplicateQueueSubscriptions',
  'suppressDuplicateTopicSubscriptions',
  'syncDurableSubs',
  'staticBridge',
  'conduitNetworkQueueSubscriptions',
  'clientIdToken',
  'dispatchAsync',
] as const satisfies readonly (keyof NetworkConnectorConfig)[];

type Key = (typeof KEYS)[number];

/**
 * The destination lists, as IntrospectionSupport writes a List<ActiveMQDestination> (`[queue://a, topic://b.>]`,
 * left out when empty): the responder of a duplex bridge filters with the initiator's lists, and the passive end
 * of a one-way bridge picks the durable subscriptions of its durable sync by the dynamically included ones.
 */
const LIST_KEYS = [
  'excludedDestinations',
  'dynamicallyIncludedDestinations',
  'staticallyIncludedDestinations',
] as const;

const PREFIXES: readonly [string, DestinationRef['type']][] = [
  ['queue://', 'queue'],
  ['topic://', 'topic'],
  ['temp-queue://', 'tempQueue'],
  ['temp-topic://', 'tempTopic'],
];

export function networkProperties(c: NetworkConnectorConfig): string {
  const lines = KEYS.map((k) => `${k}=${escape(String(c[k]))}`);
  for (const k of LIST_KEYS) {
    if (c[k].length === 0) continue;
    const items = c[k].map((r) => `${PREFIXES.find(([, t]) => t === r.type)![0]}${r.name}`);
    lines.push(`${k}=${escape(`[${items.join(', ')}]`)}`);
  }
  return lines.join('\n') + '\n';
}

/** StringToListOfActiveMQDestinationConverter: `[a, topic://b]` (no prefix is a queue); null when malformed. */
function destinationList(text: string): DestinationRef[] | null {
  if (!text.startsWith('[') || !text.endsWith(']')) return null;
  const body = text.slice(1, -1).trim();
  if (body.length === 0) return [];
  const items = body.split(',');
  if (items.length > 1000) return null;
  return items.map((raw) => {
    const item = raw.trim();
    const prefix = PREFIXES.find(([p]) => item.startsWith(p));
    return prefix === undefined
      ? { type: 'queue', name: item }
      : { type: prefix[1], name: item.slice(prefix[0].length) };
  });
}

/**
 * The responder's configuration: ActiveMQ's defaults overridden by what the initiator sent. Unknown keys and
 * values of the wrong type are ignored (a peer cannot make this broker fail by sending odd settings).
 */
export function fromNetworkProperties(text: string | null, defaults: NetworkConnectorConfig): NetworkConnectorConfig {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of parseProperties(text ?? '')) {
    if ((LIST_KEYS as readonly string[]).includes(k)) {
      const list = destinationList(v);
      if (list !== null) out[k] = list;
      continue;
    }
    if (!(KEYS as readonly string[]).includes(k)) continue;
    const current = defaults[k as Key];
    if (typeof current === 'boolean') {
      if (v === 'true' || v === 'false') out[k] = v === 'true';
    } else if (typeof current === 'number') {
      const n = Number(v);
      if (Number.isInteger(n)) out[k] = n;
    } else if (v.length <= 200) {
      out[k] = v;
    }
  }
  const config = out as unknown as NetworkConnectorConfig;
  if (config.prefetchSize < 1) return { ...config, prefetchSize: defaults.prefetchSize };
  return config;
}

function escape(v: string): string {
  return v.replace(/[\\:=#!\s]/g, (ch) => (ch === '\n' ? '\\n' : `\\${ch}`));
}

/** java.util.Properties.load, for the simple key=value lines a broker writes (comments and escapes included). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line.length === 0 || line.startsWith('#') || line.startsWith('!')) continue;
    let key = '';
    let i = 0;
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\' && i + 1 < line.length) {
        key += line[++i];
        continue;
      }
      if (ch === '=' || ch === ':' || ch === ' ') break;
      key += ch;
    }
    const value = line
      .slice(i + 1)
      .trimStart()
      .replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
    out.set(key, value);
  }
  return out;
}
