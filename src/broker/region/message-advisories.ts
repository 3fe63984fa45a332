import { Advisory } from '../../model/advisory.js';
import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { BrokerEventListener } from '../broker-events.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import type { MessageReference } from './message-reference.js';
import type { Subscription } from './subscription.js';
import { DurableTopicSubscription, TopicSubscription } from './topic.js';

/**
 * The per-message events a destination raises (BaseDestination.messageDelivered, messageConsumed,
 * onMessageWithNoConsumers), told to the broker's listeners, which turn them into advisories. Never about an
 * advisory destination itself.
 */
export class MessageAdvisories {
  constructor(
    private readonly listeners: readonly BrokerEventListener[],
    private readonly policyFor: (destination: Destination) => ResolvedPolicy,
  ) {}

  /** BaseDestination.messageDelivered (advisoryForDelivery, checked by the destination): it arrived at `dest`. */
  delivered(dest: Destination, message: Message): void {
    if (Advisory.isAdvisory(dest)) return;
    for (const l of this.listeners) l.messageDelivered?.(dest, message);
  }

  /**
   * Destination.acknowledge → BaseDestination.messageConsumed (advisoryForConsumed). A queue or a durable
   * subscription's topic reports it; a non-durable topic subscriber's ack never reaches the Topic in ActiveMQ.
   */
  acked(ref: MessageReference, subscription: Subscription): void {
    if (subscription instanceof TopicSubscription && !(subscription instanceof DurableTopicSubscription)) return;
    const dest = ref.message.destination;
    if (Advisory.isAdvisory(dest) || !this.policyFor(dest).advisoryForConsumed) return;
    for (const l of this.listeners) l.messageConsumed?.(dest, ref.message);
  }

  /** BaseDestination.onMessageWithNoConsumers: only a NON_PERSISTENT message is reported (ActiveMQ 5.17). */
  noConsumer(dest: Destination, message: Message): void {
    if (message.persistent || Advisory.isAdvisory(dest)) return;
    for (const l of this.listeners) l.noConsumer?.(dest, message);
  }
}
