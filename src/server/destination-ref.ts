import type { DestinationRef } from '../config/broker-config.js';
import { Destination, type DestinationType } from '../model/destination.js';

/** activemq.xml's destination kinds (`tempQueue`) → the model's (`temp-queue`). */
export function refType(t: DestinationRef['type']): DestinationType {
  return t === 'tempQueue' ? 'temp-queue' : t === 'tempTopic' ? 'temp-topic' : t;
}

export function destinationOf(ref: DestinationRef): Destination {
  return Destination.of(refType(ref.type), ref.name);
}
