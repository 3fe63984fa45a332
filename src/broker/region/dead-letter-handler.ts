import { Advisory } from '../../model/advisory.js';
import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerEventListener } from '../broker-events.js';
import { deadLetterDestinationFor, isSentToDeadLetterQueue } from '../policy/dead-letter-strategy.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import { redeliveryDelayFor, type RedeliveryPolicyMap } from '../policy/redelivery-policy.js';
import type { MessageScheduler } from '../scheduler/message-scheduler.js';
import { ScheduledMessage } from '../scheduler/scheduled-message.js';
import { UNAWAITED_REMOVAL, type MessageReference, type StoreRemoval } from './message-reference.js';

/** What the dead-letter handler needs from the region. */
export interface DeadLetterHost {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly listeners: readonly BrokerEventListener[];
  /** Broker-side redelivery (redeliveryPlugin), or null. */
  readonly redelivery: RedeliveryPolicyMap | null;
  policyFor(destination: Destination): ResolvedPolicy;
  scheduler(): MessageScheduler;
  /** Sends a message the broker made (a DLQ copy) through the region, stored if persistent. */
  route(message: Message): Promise<void>;
}

/**
 * Where messages go that cannot be delivered: poisoned ones (a Poison ack, a STOMP NACK) come back after the
 * broker-side redelivery policy's delay or go to the dead-letter queue; expired ones raise the Expired advisory
 * and go to the DLQ when the strategy processes expired messages (ActiveMQ's RegionBroker.sendToDeadLetterQueue
 * and RedeliveryPlugin).
 */
export class DeadLetterHandler {
  constructor(private readonly host: DeadLetterHost) {}

  /**
   * A consumer gave up on a message. With a broker-side redelivery policy for its destination it comes back after
   * the policy's delay until maximumRedeliveries is reached (RedeliveryPlugin.sendToDeadLetterQueue); otherwise,
   * or after that, the dead-letter strategy decides. `durable` is the durable subscription's key, if any.
   */
  poisoned(
    ref: MessageReference,
    cause: string | null,
    durable: string | null,
    removal: StoreRemoval = UNAWAITED_REMOVAL,
  ): void {
    const host = this.host;
    const message = ref.message;
    const dest = message.destination;
    ref.owner.consumed(ref, removal);
    const redelivery = host.redelivery;
    if (redelivery !== null && dest.isQueue && !message.isExpired(host.clock.now())) {
      const policy = redelivery.entryFor(dest);
      if (policy !== null) {
        // ActiveMQ's redeliveryCounter: deliveries before the one that failed.
        const count = Math.max(0, ref.deliveryCount - 1);
        if (policy.maximumRedeliveries === -1 || count < policy.maximumRedeliveries) {
          this.scheduleRedelivery(message, redeliveryDelayFor(policy, count), count + 1);
          return;
        }
        if (!redelivery.sendToDlqIfMaxRetriesExceeded) return;
      } else if (!redelivery.fallbackToDeadLetter) return;
    }
    this.send(dest, message, ref.deliveryCount, cause, false, durable);
  }

  /** A message's time to live ran out where it waited (it was already taken from there). */
  expiredRef(ref: MessageReference, durable: string | null, removal: StoreRemoval = UNAWAITED_REMOVAL): void {
    ref.owner.consumed(ref, removal);
    this.expired(ref.message.destination, ref.message, ref.deliveryCount, durable);
  }

  /** RegionBroker.messageExpired: the Expired advisory, then the DLQ if the strategy processes expired messages. */
  expired(dest: Destination, message: Message, deliveryCount: number, durable: string | null): void {
    if (Advisory.isAdvisory(dest)) return;
    for (const l of this.host.listeners) l.messageExpired?.(dest, message);
    this.send(
      dest,
      message,
      deliveryCount,
      `java.lang.Throwable: Message Expired. Expiration:${message.expiration}`,
      true,
      durable,
    );
  }

  /** RedeliveryPlugin.scheduleRedelivery: a copy with the next redelivery count, sent after `delay` ms. */
  private scheduleRedelivery(message: Message, delay: number, redeliveryCount: number): void {
    const copy = message.copy();
    copy.redeliveryCounter = redeliveryCount;
    const props = copy.properties;
    props.delete(ScheduledMessage.id);
    props.set('redeliveryDelay', typed.long(BigInt(delay)));
    props.set(ScheduledMessage.delay, typed.long(BigInt(delay)));
    this.host
      .scheduler()
      .schedule(copy, { delay, period: 0, repeat: 0, cron: null })
      .catch((e: unknown) =>
        this.host.logger.error(`Failed to schedule redelivery for: ${message.messageId}`, { error: e }),
      );
  }

  /**
   * RegionBroker.sendToDeadLetterQueue: a copy goes to the strategy's DLQ, persistent (a non-persistent
   * original is marked originalDeliveryMode=NON_PERSISTENT), never expiring unless the strategy gives an
   * expiration (the old one is kept as originalExpiration), with dlqDeliveryFailureCause when known.
   */
  private send(
    from: Destination,
    message: Message,
    deliveryCount: number,
    cause: string | null,
    expired: boolean,
    durable: string | null,
  ): void {
    const host = this.host;
    if (Advisory.isAdvisory(from)) return;
    const strategy = host.policyFor(from).deadLetterStrategy;
    if (!isSentToDeadLetterQueue(strategy, message, expired)) return;
    const dlq = deadLetterDestinationFor(strategy, from, durable);
    // Never loop: a message already in its DLQ stays where it is.
    if (dlq === null || dlq === message.destination || dlq === from) return;
    const copy = message.copy();
    copy.originalDestination = message.destination;
    copy.destination = dlq;
    copy.redeliveryCounter = deliveryCount;
    const props = copy.properties;
    if (strategy.expiration > 0) copy.expiration = host.clock.now() + strategy.expiration;
    else {
      if (!props.has('originalExpiration')) props.set('originalExpiration', typed.long(BigInt(message.expiration)));
      copy.expiration = 0;
    }
    if (!copy.persistent) {
      copy.persistent = true;
      props.set('originalDeliveryMode', typed.string('NON_PERSISTENT'));
    }
    if (cause !== null) props.set('dlqDeliveryFailureCause', typed.string(cause));
    // The original was consumed from the store already: its copy is synced before anyone relies on it.
    copy.responseRequired = true;
    host.route(copy).then(
      () => {
        for (const l of host.listeners) l.messageDeadLettered?.(from, message, dlq);
      },
      (e: unknown) =>
        host.logger.error('Failed to move a message to the dead letter queue', {
          messageId: message.messageId,
          error: e,
        }),
    );
  }
}
