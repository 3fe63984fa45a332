import type { IPublishPacket, QoS, UserProperties } from 'mqtt-packet';
import { Destination } from '../../model/destination.js';
import { Message, ownedBytes } from '../../model/message.js';
import { PropertyType, typed, typedToString } from '../../model/properties.js';
import { stompBody } from '../stomp/body.js';
import { activeMQToMqtt, mqttToActiveMQ } from './topics.js';

/** ActiveMQ's MQTTProtocolConverter.QOS_PROPERTY_NAME: the QoS a message was published with. */
export const QOS_PROPERTY = 'ActiveMQ.MQTT.QoS';
/** RetainedMessageSubscriptionRecoveryPolicy.RETAIN_PROPERTY: set on a PUBLISH with the retain flag. */
export const RETAIN_PROPERTY = 'ActiveMQ.Retain';
/** RetainedMessageSubscriptionRecoveryPolicy.RETAINED_PROPERTY: marks the retained copy a new subscriber gets. */
export const RETAINED_PROPERTY = 'ActiveMQ.Retained';

export interface PublishContext {
  readonly producerId: string;
  readonly messageId: string;
  readonly connectionId: string;
  readonly now: number;
  /** MQTT 5 carries properties; 3.1.1 does not. */
  readonly v5: boolean;
}

/**
 * PUBLISH → message, as MQTTProtocolConverter.convertMessage builds it: a BytesMessage on the topic (names
 * mapped), persistent unless QoS 0, priority 4, the QoS in ActiveMQ.MQTT.QoS and the retain flag in
 * ActiveMQ.Retain. MQTT 5 additions (ActiveMQ 5.17 has no MQTT 5): user properties become string properties,
 * the message expiry interval the JMS expiration, the response topic the JMSReplyTo and the correlation data
 * the JMSCorrelationID (as UTF-8 text).
 */
export function publishToMessage(p: IPublishPacket, topic: string, ctx: PublishContext): Message {
  const m = new Message();
  m.messageId = ctx.messageId;
  m.producerId = ctx.producerId;
  m.producerConnectionId = ctx.connectionId;
  m.destination = Destination.topic(mqttToActiveMQ(topic));
  m.timestamp = ctx.now;
  m.priority = 4;
  m.persistent = p.qos !== 0;
  m.bodyType = 'bytes';
  const payload = typeof p.payload === 'string' ? Buffer.from(p.payload, 'utf8') : p.payload;
  m.body = ownedBytes(payload);
  const props = new Map([[QOS_PROPERTY, typed.int(p.qos)]]);
  if (p.retain) props.set(RETAIN_PROPERTY, typed.boolean(true));
  const v5 = ctx.v5 ? p.properties : undefined;
  if (v5 !== undefined) {
    if (v5.userProperties !== undefined) {
      for (const [k, v] of Object.entries(v5.userProperties)) {
        // A name may repeat in MQTT 5; a JMS property holds one value, so repeats keep the last.
        const value = Array.isArray(v) ? v[v.length - 1] : v;
        if (value !== undefined && !props.has(k)) props.set(k, typed.string(String(value)));
      }
    }
    if (v5.messageExpiryInterval !== undefined) m.expiration = ctx.now + v5.messageExpiryInterval * 1000;
    if (v5.responseTopic !== undefined) m.replyTo = Destination.topic(mqttToActiveMQ(v5.responseTopic));
    if (v5.correlationData !== undefined) m.correlationId = v5.correlationData.toString('utf8');
    if (v5.contentType !== undefined) m.type = v5.contentType;
  }
  m.properties = props;
  return m;
}

/** The QoS a message is sent at before the subscription's cap: its ActiveMQ.MQTT.QoS, else by persistence. */
export function messageQos(m: Message): QoS {
  const q = m.properties.get(QOS_PROPERTY);
  if (
    q !== undefined &&
    (q.type === PropertyType.Int || q.type === PropertyType.Byte || q.type === PropertyType.Short)
  ) {
    const n = q.value;
    if (n === 0 || n === 1 || n === 2) return n;
  }
  // ActiveMQ's convertMessage has this the wrong way round (persistent → QoS 0); TideMQ sends a persistent
  // JMS message at least once, which is what its producer asked for (docs/mqtt.md).
  return m.persistent ? 1 : 0;
}

/** The MQTT topic name a message goes out on: its destination's, or where it was first sent for a wildcard. */
export function mqttTopicOf(m: Message): string {
  const original = m.originalDestination;
  // A message copied from a topic into a queue (a shared subscription's, a virtual topic's consumer queue) goes
  // out under the topic it was published to.
  const fromTopic = m.destination.isQueue && original !== null && original.isTopic;
  const d = (m.destination.isWildcard || fromTopic) && original !== null ? original : m.destination;
  return activeMQToMqtt(d.name);
}

/** PUBLISH payload: text as UTF-8, bytes as they are, other body kinds empty (ActiveMQ sends map.toString()). */
export function messagePayload(m: Message, maxBytes: number): Buffer {
  const body = stompBody(m, maxBytes);
  if (body === null) return Buffer.alloc(0);
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Properties that are the broker's own bookkeeping, not user properties of an MQTT 5 PUBLISH. */
function isInternal(name: string): boolean {
  return name.startsWith('ActiveMQ.') || name.startsWith('JMSX') || name.startsWith('JMS_');
}

/** MQTT 5 PUBLISH properties for a message (the reverse of publishToMessage). */
export function publishProperties(m: Message, now: number): IPublishPacket['properties'] {
  const out: NonNullable<IPublishPacket['properties']> = {};
  if (m.hasProperties) {
    const user: UserProperties = {};
    let any = false;
    for (const [k, v] of m.properties) {
      if (isInternal(k)) continue;
      user[k] = typedToString(v);
      any = true;
    }
    if (any) out.userProperties = user;
  }
  if (m.expiration > 0) out.messageExpiryInterval = Math.max(0, Math.ceil((m.expiration - now) / 1000));
  if (m.replyTo !== null && m.replyTo.isTopic) out.responseTopic = activeMQToMqtt(m.replyTo.name);
  if (m.correlationId !== null) out.correlationData = Buffer.from(m.correlationId, 'utf8');
  if (m.type !== null) out.contentType = m.type;
  return out;
}
