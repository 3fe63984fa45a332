import type { ConsumerInfo, ProducerInfo } from '../model/commands.js';
import type { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';

/**
 * What the core reports to filters that publish it (the advisory filter turns these into ActiveMQ's
 * Expired, MessageDLQd, NoConsumer, MessageDiscarded, FULL, MessageDelivered, MessageConsumed, SlowConsumer and
 * FastProducer advisories). ActiveMQ calls these Broker
 * methods (messageExpired, sendToDeadLetterQueue, messageDiscarded, isFull, messageNoConsumers); here they
 * are a listener on the RegionBroker so the Broker interface every protocol uses stays as it is. The region
 * raises an event only where the destination's policy enables it, so listeners need no policy of their own.
 */
export interface BrokerEventListener {
  /** `destination` is where the message sat; `message` the expired one. Always raised (ActiveMQ fires it always). */
  messageExpired?(destination: Destination, message: Message): void;
  /** The message was moved to `deadLetterQueue` (always raised). */
  messageDeadLettered?(destination: Destination, message: Message, deadLetterQueue: Destination): void;
  /** A pending-message limit dropped it for one subscriber (advisoryForDiscardingMessages). */
  messageDiscarded?(destination: Destination, message: Message, consumerId: string, discardedCount: number): void;
  /** A NON_PERSISTENT message found no consumer (sendAdvisoryIfNoConsumers). */
  noConsumer?(destination: Destination, message: Message): void;
  /** A destination reached its memory limit (advisoryWhenFull). */
  full?(destination: Destination, usageName: string, usage: number): void;
  /** The message arrived at the destination (advisoryForDelivery; BaseDestination.messageDelivered). */
  messageDelivered?(destination: Destination, message: Message): void;
  /**
   * A consumer acknowledged the message (advisoryForConsumed; BaseDestination.messageConsumed): queue and
   * durable subscriptions only, at ack time (also inside a transaction and for poison acks), as ActiveMQ.
   */
  messageConsumed?(destination: Destination, message: Message): void;
  /** A subscription on `destination` became slow (advisoryForSlowConsumers; once per slow episode). */
  slowConsumer?(destination: Destination, connectionId: string, consumer: ConsumerInfo): void;
  /** A producer sent to `destination` while it was full (advisoryForFastProducers; Queue/Topic.send). */
  fastProducer?(destination: Destination, connectionId: string, producer: ProducerInfo): void;
}

/** Where listeners register (the RegionBroker). */
export interface BrokerEventSource {
  addEventListener(listener: BrokerEventListener): void;
  /** The destination's includeBodyForAdvisory policy (message advisories carry the body only when true). */
  includeBodyForAdvisory?(destination: Destination): boolean;
}
