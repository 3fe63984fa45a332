import { Destination } from '../../model/destination.js';
import { AmqpLinkError } from './errors.js';

// ActiveMQ's AmqpSupport capability symbols.
export const QUEUE_CAPABILITY = 'queue';
export const TOPIC_CAPABILITY = 'topic';
export const TEMP_QUEUE_CAPABILITY = 'temporary-queue';
export const TEMP_TOPIC_CAPABILITY = 'temporary-topic';

export function capabilityList(c: string | string[] | undefined | null): string[] {
  if (c === undefined || c === null) return [];
  return Array.isArray(c) ? c : [c];
}

/**
 * A link address as ActiveMQ's AmqpSupport.createDestination reads it: `queue://`, `topic://`, `temp-queue://`
 * and `temp-topic://` prefixes name the type, a bare name is a queue. One addition: a bare name whose terminus
 * capabilities say `topic` (or `temporary-topic`) is a topic, as clients that follow the AMQP JMS mapping
 * draft (and Artemis) expect; ActiveMQ 5.17 ignores the capability and makes a queue.
 */
export function addressToDestination(
  address: string | undefined,
  capabilities: string[],
  what: 'source' | 'target',
): Destination {
  if (address === undefined || address.length === 0) {
    throw new AmqpLinkError('amqp:invalid-field', `${what} address not set`);
  }
  if (/^(queue|topic|temp-queue|temp-topic):\/\//.test(address)) return Destination.parse(address);
  if (capabilities.includes(TOPIC_CAPABILITY)) return Destination.topic(address);
  if (capabilities.includes(TEMP_TOPIC_CAPABILITY)) return Destination.of('temp-topic', address);
  if (capabilities.includes(TEMP_QUEUE_CAPABILITY)) return Destination.of('temp-queue', address);
  return Destination.queue(address);
}

/** The address a client sees: ActiveMQ's qualified name (getQualifiedName), e.g. `queue://orders`. */
export function destinationAddress(d: Destination): string {
  return d.key;
}

/** AmqpSupport.getDestinationTypeSymbol. */
export function destinationCapability(d: Destination): string {
  switch (d.type) {
    case 'queue':
      return QUEUE_CAPABILITY;
    case 'topic':
      return TOPIC_CAPABILITY;
    case 'temp-queue':
      return TEMP_QUEUE_CAPABILITY;
    case 'temp-topic':
      return TEMP_TOPIC_CAPABILITY;
  }
}

/**
 * The JMS destination type byte of the `x-opt-jms-dest` / `x-opt-jms-reply-type` message annotations
 * (AmqpDestinationHelper: 0 queue, 1 topic, 2 temporary queue, 3 temporary topic).
 */
export function destinationTypeByte(d: Destination): number {
  switch (d.type) {
    case 'queue':
      return 0;
    case 'topic':
      return 1;
    case 'temp-queue':
      return 2;
    case 'temp-topic':
      return 3;
  }
}

/** An address with an annotation type byte (JMSMappingInboundTransformer for `to` and `reply-to`). */
export function annotatedAddress(address: string, typeByte: number | undefined): Destination {
  if (/^(queue|topic|temp-queue|temp-topic):\/\//.test(address)) return Destination.parse(address);
  switch (typeByte) {
    case 1:
      return Destination.topic(address);
    case 2:
      return Destination.of('temp-queue', address);
    case 3:
      return Destination.of('temp-topic', address);
    default:
      return Destination.queue(address);
  }
}
