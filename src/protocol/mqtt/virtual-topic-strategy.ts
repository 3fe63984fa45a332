import type { QoS } from 'mqtt-packet';
import { Destination, isWildcardName } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { activeMQToMqtt, mqttToActiveMQ } from './topics.js';

/**
 * ActiveMQ's `transport.subscriptionStrategy=mqtt-virtual-topic-subscriptions`
 * (MQTTVirtualTopicSubscriptionStrategy): MQTT topics live under `VirtualTopic.`, and a QoS 1/2 subscription of
 * a persistent session is a consumer of its own queue `Consumer.<clientId>:<QoS>.VirtualTopic.<topic>`, fed by
 * the broker's virtual topics (virtualDestinationInterceptor, on by default for `VirtualTopic.>`), instead of a
 * durable topic subscription. Everything else is as with `mqtt-default-subscriptions`.
 */
export const VIRTUAL_TOPIC_STRATEGY = 'mqtt-virtual-topic-subscriptions';
export const DEFAULT_STRATEGY = 'mqtt-default-subscriptions';

const VIRTUALTOPIC_PREFIX = 'VirtualTopic.';
const CONSUMER_PREFIX = 'Consumer.';
const QOS_NAMES = ['AT_MOST_ONCE', 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const;

/** MQTTVirtualTopicSubscriptionStrategy.prefix: the topic a PUBLISH goes to. */
export function virtualPublishTopic(activeMQName: string): string {
  return activeMQName.startsWith(VIRTUALTOPIC_PREFIX) ? activeMQName : VIRTUALTOPIC_PREFIX + activeMQName;
}

/** Where one subscription's messages come from (MQTTVirtualTopicSubscriptionStrategy.onSubscribe). */
export interface VirtualSubscriptionTarget {
  readonly destination: Destination;
  /** A durable topic subscription's name, for a filter already under `VirtualTopic.`; else null. */
  readonly durableName: string | null;
}

/**
 * A persistent session's QoS 1/2 subscription is its consumer queue (or, for a filter already naming a virtual
 * topic, a durable subscription `<QoS>:<filter>` as the default strategy makes); anything else subscribes to the
 * virtual topic itself.
 */
export function virtualSubscription(
  filter: string,
  qos: QoS,
  durable: boolean,
  clientId: string,
): VirtualSubscriptionTarget {
  const converted = mqttToActiveMQ(filter);
  if (durable && qos > 0) {
    if (converted.startsWith(VIRTUALTOPIC_PREFIX)) {
      return { destination: Destination.topic(converted), durableName: `${QOS_NAMES[qos]}:${filter}` };
    }
    if (isWildcardName(converted)) {
      // ActiveMQ makes a consumer queue named with the wildcard, which no virtual topic ever feeds (a wildcard
      // queue consumer only reads existing queues): the subscription would get nothing. TideMQ keeps such a
      // subscription as a durable subscription on the virtual topics instead (docs/mqtt.md).
      return {
        destination: Destination.topic(VIRTUALTOPIC_PREFIX + converted),
        durableName: `${QOS_NAMES[qos]}:${filter}`,
      };
    }
    return { destination: Destination.queue(consumerQueueName(clientId, qos, converted)), durableName: null };
  }
  return { destination: Destination.topic(virtualPublishTopic(converted)), durableName: null };
}

/** `Consumer.<clientId, mapped as a topic name>:<QoS name>.VirtualTopic.<topic>`, ActiveMQ's spelling. */
export function consumerQueueName(clientId: string, qos: QoS, activeMQTopic: string): string {
  return `${CONSUMER_PREFIX}${mqttToActiveMQ(clientId)}:${QOS_NAMES[qos]}.${VIRTUALTOPIC_PREFIX}${activeMQTopic}`;
}

/** MQTTVirtualTopicSubscriptionStrategy.lookupQueues: the consumer queues of a client id. */
export function clientQueues(destinations: readonly Destination[], clientId: string): Destination[] {
  const prefix = `${CONSUMER_PREFIX}${clientId}:`;
  return destinations.filter((d) => d.type === 'queue' && d.name.startsWith(prefix));
}

/** restoreDurableQueue: the filter and QoS a consumer queue was made for, or null for a name it cannot read. */
export function parseConsumerQueue(queue: Destination, clientId: string): { filter: string; qos: QoS } | null {
  const rest = queue.name.slice(`${CONSUMER_PREFIX}${mqttToActiveMQ(clientId)}:`.length);
  const dot = rest.indexOf('.');
  if (dot < 0) return null;
  const qos = QOS_NAMES.indexOf(rest.slice(0, dot) as (typeof QOS_NAMES)[number]);
  const topic = rest.slice(dot + 1);
  if (qos <= 0 || !topic.startsWith(VIRTUALTOPIC_PREFIX)) return null;
  return { filter: activeMQToMqtt(topic.slice(VIRTUALTOPIC_PREFIX.length)), qos: qos as QoS };
}

/**
 * MQTTVirtualTopicSubscriptionStrategy.onSend(destination): the MQTT topic of a delivered message is its
 * destination's name from after `VirtualTopic.` (a consumer queue's name carries it too).
 */
export function virtualTopicOf(m: Message): string {
  const original = m.originalDestination;
  const d = m.destination.isQueue && original !== null && original.isTopic ? original : m.destination;
  let name = d.name;
  const at = name.indexOf(VIRTUALTOPIC_PREFIX);
  if (at >= 0) name = name.slice(at + VIRTUALTOPIC_PREFIX.length);
  return activeMQToMqtt(name);
}
