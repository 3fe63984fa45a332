import type { Message } from '../../model/message.js';
import { PropertyType } from '../../model/properties.js';
import type { Val } from './values.js';

/** Reads one value for the evaluator; `deliveryCount` is the delivery being decided (1 for the first). */
export type ValueFn = (message: Message, deliveryCount: number) => Val | null;

/**
 * The header names a selector can use, with the Java types ActiveMQ gives them
 * (PropertyExpression.JMS_PROPERTY_EXPRESSIONS). Names are case-sensitive there, so `jmspriority` is an
 * ordinary (and normally missing) property. Each accessor owns its result object and rewrites it on
 * every call, so reading a header allocates nothing (a Long header converts to bigint only when the
 * value changed since the last message).
 */
const HEADERS: ReadonlyMap<string, () => ValueFn> = new Map<string, () => ValueFn>([
  // ActiveMQ reports the original destination when a virtual or composite destination forwarded it.
  ['JMSDestination', stringHeader((m) => (m.originalDestination ?? m.destination)?.toString() ?? null)],
  ['JMSReplyTo', stringHeader((m) => m.replyTo?.toString() ?? null)],
  ['JMSType', stringHeader((m) => m.type)],
  ['JMSDeliveryMode', stringHeader((m) => (m.persistent ? 'PERSISTENT' : 'NON_PERSISTENT'))],
  ['JMSPriority', intHeader((m) => m.priority)],
  ['JMSMessageID', stringHeader((m) => (m.messageId === '' ? null : m.messageId))],
  ['JMSTimestamp', longHeader((m) => m.timestamp)],
  ['JMSCorrelationID', stringHeader((m) => m.correlationId)],
  ['JMSExpiration', longHeader((m) => m.expiration)],
  // ActiveMQ: isRedelivered() is redeliveryCounter > 0 and JMSXDeliveryCount is redeliveryCounter + 1.
  ['JMSRedelivered', booleanHeader((_m, deliveryCount) => deliveryCount > 1)],
  ['JMSXDeliveryCount', intHeader((_m, deliveryCount) => deliveryCount)],
  ['JMSXGroupID', stringHeader((m) => m.groupId)],
  ['JMSXGroupSeq', intHeader((m) => m.groupSequence)],
  ['JMSXUserID', userIdHeader],
  // The model keeps no producer transaction id on the message, so this header is always unknown.
  ['JMSXProducerTXID', () => () => null],
  ['JMSActiveMQBrokerInTime', longHeader((m) => m.brokerInTime)],
  ['JMSActiveMQBrokerOutTime', longHeader((m) => m.brokerOutTime)],
  ['JMSActiveMQBrokerPath', brokerPathHeader],
  // Set by ActiveMQ's message-group dispatch on the copy it sends; the core model has no such flag.
  ['JMSXGroupFirstForConsumer', booleanHeader(() => false)],
]);

/** The accessor for a JMS header identifier, or undefined for an ordinary property name. */
export function headerAccessor(name: string): ValueFn | undefined {
  return HEADERS.get(name)?.();
}

export const HEADER_NAMES: readonly string[] = [...HEADERS.keys()];

function stringHeader(get: (m: Message) => string | null): () => ValueFn {
  return () => {
    const out: Val = { type: PropertyType.String, value: '' };
    return (m) => {
      const v = get(m);
      if (v === null) return null;
      out.value = v;
      return out;
    };
  };
}

function intHeader(get: (m: Message, deliveryCount: number) => number): () => ValueFn {
  return () => {
    const out: Val = { type: PropertyType.Int, value: 0 };
    return (m, dc) => {
      out.value = get(m, dc) | 0;
      return out;
    };
  };
}

function longHeader(get: (m: Message) => number): () => ValueFn {
  return () => {
    const out: Val = { type: PropertyType.Long, value: 0n };
    let last = 0;
    return (m) => {
      const v = get(m);
      if (v !== last) {
        last = v;
        out.value = BigInt(Math.trunc(v));
      }
      return out;
    };
  };
}

function booleanHeader(get: (m: Message, deliveryCount: number) => boolean): () => ValueFn {
  return () => {
    const out: Val = { type: PropertyType.Boolean, value: false };
    return (m, dc) => {
      out.value = get(m, dc);
      return out;
    };
  };
}

/** ActiveMQ reads the userID field, and falls back to a JMSXUserID property when it is not set. */
function userIdHeader(): ValueFn {
  const out: Val = { type: PropertyType.String, value: '' };
  return (m) => {
    if (m.userId !== null) {
      out.value = m.userId;
      return out;
    }
    const p = m.hasProperties ? m.properties.get('JMSXUserID') : undefined;
    return p === undefined || p.type === PropertyType.Null ? null : p;
  };
}

/** Arrays.toString(brokerPath): "null" when there is none, else "[a, b]". */
function brokerPathHeader(): ValueFn {
  const out: Val = { type: PropertyType.String, value: 'null' };
  let last: string[] | null = null;
  return (m) => {
    if (m.brokerPath !== last) {
      last = m.brokerPath;
      out.value = last === null ? 'null' : `[${last.join(', ')}]`;
    }
    return out;
  };
}
