import type { Destination } from '../../model/destination.js';
import { DestinationMap } from '../../destination/destination-map.js';
import { BrokerError } from '../../util/errors.js';

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

  private readonly entries: { pattern: Destination; policy: RedeliveryPolicy }[] = [];

  put(pattern: Destination, policy: RedeliveryPolicy): this {
    this.map.put(pattern, policy);
    this.entries.push({ pattern, policy });
    return this;
  }

  /** Every entry and the default entry, for validation. */
  all(): { pattern: Destination | null; policy: RedeliveryPolicy }[] {
    const out: { pattern: Destination | null; policy: RedeliveryPolicy }[] = [...this.entries];
    if (this.defaultEntry !== null) out.push({ pattern: null, policy: this.defaultEntry });
    return out;
  }

  entryFor(destination: Destination): RedeliveryPolicy | null {
    return this.map.choose(destination) ?? this.defaultEntry;
  }
}

/** RedeliveryPlugin's smallest accepted delay (ms). */
export const MIN_BROKER_REDELIVERY_DELAY = 1000;

/**
 * What RedeliveryPlugin.installPlugin checks before the broker starts: it needs schedulerSupport (redeliveries
 * wait in the job scheduler), and every policy's initialRedeliveryDelay and redeliveryDelay must be at least
 * 1000 ms, since a poison ack is handled before the message is removed and an earlier resend could overtake it.
 * ActiveMQ refuses to start otherwise, with these texts.
 */
export function validateRedeliveryPolicies(map: RedeliveryPolicyMap, schedulerSupport: boolean): void {
  if (!schedulerSupport) {
    throw new BrokerError('ERR_CONFIG', 'RedeliveryPlugin requires schedulerSupport=true on the broker');
  }
  for (const { pattern, policy } of map.all()) {
    const which = pattern === null ? 'defaultEntry' : pattern.key;
    for (const [name, value] of [
      ['initialRedeliveryDelay', policy.initialRedeliveryDelay],
      ['redeliveryDelay', policy.redeliveryDelay],
    ] as const) {
      if (value < MIN_BROKER_REDELIVERY_DELAY) {
        throw new BrokerError(
          'ERR_CONFIG',
          `RedeliveryPolicy ${name} must exceed: ${MIN_BROKER_REDELIVERY_DELAY}. RedeliveryPolicy {destination = ${which}, ${name} = ${value}}`,
        );
      }
    }
  }
}
