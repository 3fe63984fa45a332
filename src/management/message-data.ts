import type { Message } from '../model/message.js';
import { PropertyType, typedToString } from '../model/properties.js';

/** Longest body text a browse returns per message; the rest is cut, and `BodyLength` says how long it was. */
export const BROWSE_TEXT_LIMIT = 64 * 1024;

/**
 * A message as QueueViewMBean.browse() returns it: ActiveMQ's OpenTypeSupport CompositeData, with the same
 * keys (JMSMessageID, JMSDestination, JMSDeliveryMode "PERSISTENT"/"NON-PERSISTENT", …, Text for a text
 * message, BodyLength for bytes) and the properties split by type as StringProperties, IntProperties, ….
 */
export function messageData(message: Message, redelivered = false): Record<string, unknown> {
  const props: Record<string, Record<string, unknown>> = {
    StringProperties: {},
    BooleanProperties: {},
    ByteProperties: {},
    ShortProperties: {},
    IntProperties: {},
    LongProperties: {},
    FloatProperties: {},
    DoubleProperties: {},
  };
  const text: string[] = [];
  for (const [name, v] of message.properties) {
    const group = propertyGroup(v.type);
    if (group !== null) props[group]![name] = v.type === PropertyType.Long ? Number(v.value) : v.value;
    text.push(`${name}=${typedToString(v)}`);
  }
  const data: Record<string, unknown> = {
    JMSMessageID: message.messageId,
    JMSDestination: message.destination.key,
    JMSCorrelationID: message.correlationId ?? '',
    JMSReplyTo: message.replyTo?.key ?? null,
    JMSType: message.type ?? '',
    JMSDeliveryMode: message.persistent ? 'PERSISTENT' : 'NON-PERSISTENT',
    JMSExpiration: message.expiration,
    JMSPriority: message.priority,
    JMSRedelivered: redelivered,
    JMSTimestamp: message.timestamp,
    JMSXGroupID: message.groupId,
    JMSXGroupSeq: message.groupSequence,
    JMSXUserID: message.userId,
    BrokerPath: message.brokerPath?.join(',') ?? null,
    OriginalDestination: message.originalDestination?.key ?? null,
    PropertiesText: `{${text.join(', ')}}`,
    ...props,
    BodyType: message.bodyType,
    BodyLength: message.body?.length ?? 0,
  };
  if (message.bodyType === 'text' && message.body !== null && !message.compressed) {
    const body = message.body.length > BROWSE_TEXT_LIMIT ? message.body.subarray(0, BROWSE_TEXT_LIMIT) : message.body;
    data['Text'] = Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  }
  return data;
}

function propertyGroup(t: PropertyType): string | null {
  switch (t) {
    case PropertyType.String:
    case PropertyType.Char:
      return 'StringProperties';
    case PropertyType.Boolean:
      return 'BooleanProperties';
    case PropertyType.Byte:
      return 'ByteProperties';
    case PropertyType.Short:
      return 'ShortProperties';
    case PropertyType.Int:
      return 'IntProperties';
    case PropertyType.Long:
      return 'LongProperties';
    case PropertyType.Float:
      return 'FloatProperties';
    case PropertyType.Double:
      return 'DoubleProperties';
    default:
      return null;
  }
}
