import type { ProtocolOptions } from '../protocol.js';

/** The MQTT connector's settings, from its URI (`transport.*`, `wireFormat.*`) as ActiveMQ's MQTT transport reads them. */
export interface MqttSettings {
  /** wireFormat.maxFrameSize: largest remaining length accepted (ActiveMQ: 256 MiB). */
  readonly maxFrameSize: number;
  /** transport.defaultKeepAlive (ms): used when a client asks for keep-alive 0 (ActiveMQ: 0, none). */
  readonly defaultKeepAliveMs: number;
  /** transport.subscriptionStrategy: `mqtt-default-subscriptions` or `mqtt-virtual-topic-subscriptions`. */
  readonly subscriptionStrategy: string;
  /** transport.publishDollarTopics: whether PUBLISH to a `$` topic is delivered (ActiveMQ: false, dropped). */
  readonly publishDollarTopics: boolean;
  /** transport.activeMQSubscriptionPrefetch: prefetch of the broker consumer behind a subscription; -1 = ActiveMQ's default. */
  readonly subscriptionPrefetch: number;
  /** allowLinkStealing: a CONNECT with a client id in use takes it over (ActiveMQ's default for MQTT: true). */
  readonly allowLinkStealing: boolean;
  /**
   * TideMQ transport.receiveMaximum: QoS 2 PUBLISHes a client may leave waiting for PUBREL; announced as MQTT 5's
   * Receive Maximum. A client beyond it is disconnected (ActiveMQ keeps up to 5000 and forgets older ones).
   */
  readonly receiveMaximum: number;
  /** TideMQ transport.maxSubscriptions: topic filters one connection may hold (ActiveMQ: unbounded). */
  readonly maxSubscriptions: number;
  /** TideMQ transport.topicAliasMaximum: MQTT 5 topic aliases a client may set, announced in CONNACK. */
  readonly topicAliasMaximum: number;
}

export const MQTT_DEFAULTS = {
  maxFrameSize: 256 * 1024 * 1024,
  receiveMaximum: 1000,
  maxSubscriptions: 1000,
  topicAliasMaximum: 64,
};

function int(extra: ReadonlyMap<string, string>, name: string, fallback: number): number {
  const v = extra.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

export function mqttSettings(options: ProtocolOptions): MqttSettings {
  const x = options.extra;
  return {
    maxFrameSize: Math.min(options.maxFrameSize, MQTT_DEFAULTS.maxFrameSize),
    defaultKeepAliveMs: int(x, 'transport.defaultKeepAlive', 0),
    subscriptionStrategy: x.get('transport.subscriptionStrategy') ?? 'mqtt-default-subscriptions',
    publishDollarTopics: x.get('transport.publishDollarTopics') === 'true',
    subscriptionPrefetch: int(x, 'transport.activeMQSubscriptionPrefetch', -1),
    allowLinkStealing: x.get('allowLinkStealing') !== 'false',
    receiveMaximum: Math.max(1, Math.min(65535, int(x, 'transport.receiveMaximum', MQTT_DEFAULTS.receiveMaximum))),
    maxSubscriptions: Math.max(1, int(x, 'transport.maxSubscriptions', MQTT_DEFAULTS.maxSubscriptions)),
    topicAliasMaximum: Math.max(
      0,
      Math.min(65535, int(x, 'transport.topicAliasMaximum', MQTT_DEFAULTS.topicAliasMaximum)),
    ),
  };
}
