import type { ConnectionInfo, ConsumerInfo, ProducerInfo } from './commands.js';
import type { Destination } from './destination.js';

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
  | { readonly kind: 'consumer'; readonly connectionId: string; readonly info: ConsumerInfo }
  | { readonly kind: 'producer'; readonly connectionId: string; readonly info: ProducerInfo }
  | { readonly kind: 'remove'; readonly what: 'connection' | 'consumer' | 'producer'; readonly id: string };

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
  dlq: (d: Destination): string => `ActiveMQ.Advisory.MessageDLQd.${d.isQueue ? 'Queue' : 'Topic'}.${d.name}`,
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
