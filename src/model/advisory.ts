import type { ConnectionInfo, ConsumerInfo, ProducerInfo } from './commands.js';
import type { Destination } from './destination.js';
import type { Message } from './message.js';

/**
 * What an advisory message reports, in protocol-neutral form. ActiveMQ carries these as the OpenWire command
 * objects themselves (ConnectionInfo, ConsumerInfo, DestinationInfo, RemoveInfo …) in the message's
 * dataStructure; the OpenWire converter turns each payload into that object, other protocols see the
 * message's properties only.
 */
export type AdvisoryPayload =
  | {
      readonly kind: 'destination';
      readonly operation: 'add' | 'remove';
      readonly destination: Destination;
      readonly connectionId: string | null;
    }
  | { readonly kind: 'connection'; readonly info: ConnectionInfo }
  | {
      readonly kind: 'consumer';
      readonly connectionId: string;
      readonly info: ConsumerInfo;
      /** The connection's client id: with the subscription name it names a durable subscription. */
      readonly clientId?: string | null;
    }
  /** A durable subscription deleted (JMS unsubscribe): ActiveMQ's RemoveSubscriptionInfo on the consumer topic. */
  | {
      readonly kind: 'removeSubscription';
      readonly connectionId: string;
      readonly clientId: string;
      readonly subscriptionName: string;
    }
  | { readonly kind: 'producer'; readonly connectionId: string; readonly info: ProducerInfo }
  | { readonly kind: 'remove'; readonly what: 'connection' | 'consumer' | 'producer'; readonly id: string }
  /**
   * A copy of the message an Expired, MessageDLQd, MessageDiscarded (or Consumed/Delivered) advisory is about,
   * as ActiveMQ's AdvisoryBroker puts it in the dataStructure: same id, destination, headers and properties;
   * the body is already cleared unless the destination's policy has includeBodyForAdvisory.
   */
  | { readonly kind: 'message'; readonly message: Message };

/** ActiveMQDestination.getDestinationTypeAsString. */
function typeString(d: Destination): string {
  switch (d.type) {
    case 'queue':
      return 'Queue';
    case 'topic':
      return 'Topic';
    case 'temp-queue':
      return 'TempQueue';
    case 'temp-topic':
      return 'TempTopic';
  }
}

/** ActiveMQ's advisory topic names (AdvisorySupport). */
export const Advisory = {
  prefix: 'ActiveMQ.Advisory.',
  connection: 'ActiveMQ.Advisory.Connection',
  queue: 'ActiveMQ.Advisory.Queue',
  topic: 'ActiveMQ.Advisory.Topic',
  tempQueue: 'ActiveMQ.Advisory.TempQueue',
  tempTopic: 'ActiveMQ.Advisory.TempTopic',
  consumer: (d: Destination): string => `ActiveMQ.Advisory.Consumer.${d.isQueue ? 'Queue' : 'Topic'}.${d.name}`,
  producer: (d: Destination): string => `ActiveMQ.Advisory.Producer.${d.isQueue ? 'Queue' : 'Topic'}.${d.name}`,
  expired: (d: Destination): string => `ActiveMQ.Advisory.Expired.${d.isQueue ? 'Queue' : 'Topic'}.${d.name}`,
  noConsumer: (d: Destination): string => `ActiveMQ.Advisory.NoConsumer.${d.isQueue ? 'Queue' : 'Topic'}.${d.name}`,
  // The ones below use ActiveMQDestination.getDestinationTypeAsString (Queue, Topic, TempQueue, TempTopic),
  // as AdvisorySupport does for them; Expired, NoConsumer, Consumer and Producer only tell queue from topic.
  dlq: (d: Destination): string => `ActiveMQ.Advisory.MessageDLQd.${typeString(d)}.${d.name}`,
  discarded: (d: Destination): string => `ActiveMQ.Advisory.MessageDiscarded.${typeString(d)}.${d.name}`,
  consumed: (d: Destination): string => `ActiveMQ.Advisory.MessageConsumed.${typeString(d)}.${d.name}`,
  delivered: (d: Destination): string => `ActiveMQ.Advisory.MessageDelivered.${typeString(d)}.${d.name}`,
  full: (d: Destination): string => `ActiveMQ.Advisory.FULL.${typeString(d)}.${d.name}`,
  slowConsumer: (d: Destination): string => `ActiveMQ.Advisory.SlowConsumer.${typeString(d)}.${d.name}`,
  fastProducer: (d: Destination): string => `ActiveMQ.Advisory.FastProducer.${typeString(d)}.${d.name}`,
  /** JMSType of every advisory message (AdvisorySupport.ADIVSORY_MESSAGE_TYPE). */
  messageType: 'Advisory',
  /** The advisory topic that reports creation and removal of destinations like `d`. */
  destinations: (d: Destination): string => {
    switch (d.type) {
      case 'queue':
        return 'ActiveMQ.Advisory.Queue';
      case 'topic':
        return 'ActiveMQ.Advisory.Topic';
      case 'temp-queue':
        return 'ActiveMQ.Advisory.TempQueue';
      case 'temp-topic':
        return 'ActiveMQ.Advisory.TempTopic';
    }
  },
  isAdvisory: (d: Destination): boolean => d.name.startsWith('ActiveMQ.Advisory.'),
};
