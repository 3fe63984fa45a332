import type { Destination } from '../../model/destination.js';
import { DestinationMap } from '../../destination/destination-map.js';

/**
 * Broker-side redelivery (ActiveMQ's redeliveryPlugin with a redeliveryPolicyMap): instead of going to the
 * DLQ at once, a message a consumer gave up on (STOMP NACK, a poison ack) is sent again after a delay,
 * until `maximumRedeliveries` is reached. Attribute names and defaults are ActiveMQ's RedeliveryPolicy's.
 */
export interface RedeliveryPolicy {
  /** -1 = no maximum (ActiveMQ default 6). */
  readonly maximumRedeliveries: number;
  /** Delay before the first redelivery (ms, default 1000). */
  readonly initialRedeliveryDelay: number;
  /** Delay between later redeliveries when not backing off exponentially (ms, default 1000). */
  readonly redeliveryDelay: number;
  readonly useExponentialBackOff: boolean;
  /** Default 5. */
  readonly backOffMultiplier: number;
  /** Cap on the delay (ms); -1 = none. */
  readonly maximumRedeliveryDelay: number;
}

export const NO_MAXIMUM_REDELIVERIES = -1;

export function redeliveryPolicy(options: Partial<RedeliveryPolicy> = {}): RedeliveryPolicy {
  return {
    maximumRedeliveries: 6,
    initialRedeliveryDelay: 1000,
    redeliveryDelay: 1000,
    useExponentialBackOff: false,
    backOffMultiplier: 5,
    maximumRedeliveryDelay: -1,
    ...options,
  };
}

/** RedeliveryPolicy.getNextRedeliveryDelay: the delay after one that lasted `previous` ms. */
export function nextRedeliveryDelay(policy: RedeliveryPolicy, previous: number): number {
  let next = policy.redeliveryDelay;
  if (previous > 0 && policy.useExponentialBackOff && policy.backOffMultiplier > 1) {
    next = previous * policy.backOffMultiplier;
    if (policy.maximumRedeliveryDelay !== -1 && next > policy.maximumRedeliveryDelay) {
      // A maximum below redeliveryDelay would be a misconfiguration; ActiveMQ keeps the larger.
      next = Math.max(policy.maximumRedeliveryDelay, policy.redeliveryDelay);
    }
  }
  return next;
}

/** The delay before redelivery number `redeliveryCount + 1`, as RedeliveryPlugin computes it. */
export function redeliveryDelayFor(policy: RedeliveryPolicy, redeliveryCount: number): number {
  let delay = policy.initialRedeliveryDelay;
  for (let i = 0; i < redeliveryCount; i++) delay = nextRedeliveryDelay(policy, delay);
  return delay;
}

/**
 * Redelivery policies keyed by destination pattern, plus a default entry (redeliveryPolicyMap). With
 * `sendToDlqIfMaxRetriesExceeded` false a message past its maximum is dropped instead of dead-lettered;
 * with `fallbackToDeadLetter` false a destination without a policy drops rather than dead-letters.
 */
export class RedeliveryPolicyMap {
  private readonly map = new DestinationMap<RedeliveryPolicy>();
  defaultEntry: RedeliveryPolicy | null = null;
  sendToDlqIfMaxRetriesExceeded = true;
  fallbackToDeadLetter = true;

  put(pattern: Destination, policy: RedeliveryPolicy): this {
    this.map.put(pattern, policy);
    return this;
  }

  entryFor(destination: Destination): RedeliveryPolicy | null {
    return this.map.choose(destination) ?? this.defaultEntry;
  }
}
