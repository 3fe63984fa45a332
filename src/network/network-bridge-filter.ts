import type { ConditionalNetworkBridgeFilter } from '../broker/policy/policy-entry.js';
import type { Message } from '../model/message.js';
import type { Clock } from '../util/clock.js';

/**
 * policyEntry's `<networkBridgeFilterFactory><conditionalNetworkBridgeFilterFactory …/>`: lets queue messages that
 * came from a broker flow back to it when this broker has no consumer of its own for them (ActiveMQ's "stuck
 * messages" answer), throttled by `rateLimit` per `rateDuration` ms, and not before they have been here
 * `replayDelay` ms.
 */
export type ConditionalFilterConfig = ConditionalNetworkBridgeFilter;

export interface NetworkBridgeFilterOptions {
  /** The broker the demand leads to: messages that came from it do not go back. */
  readonly networkBrokerId: string;
  /** Brokers a message may have crossed before this hop (messageTTL). */
  readonly messageTTL: number;
  /** Brokers a forwarded consumer advisory may have crossed (consumerTTL). */
  readonly consumerTTL: number;
  readonly conditional: ConditionalFilterConfig | null;
  readonly clock: Clock;
}

/**
 * The predicate a network bridge puts on its local demand consumers, on top of their selectors (ActiveMQ's
 * NetworkBridgeFilter, installed as ConsumerInfo.additionalPredicate): a message is forwarded unless it already
 * crossed the broker it would go to, or crossed `messageTTL` brokers. Without it two bridges between the same
 * brokers would pass a message back and forth for ever.
 */
export function networkBridgeFilter(
  o: NetworkBridgeFilterOptions,
): (message: Message, localConsumers: () => boolean) => boolean {
  const { networkBrokerId, messageTTL, consumerTTL, conditional, clock } = o;
  let windowEnd = 0;
  let matched = 0;
  const rateLimited = (): boolean => {
    if (conditional === null || conditional.rateLimit <= 0) return false;
    const now = clock.now();
    if (windowEnd < now) {
      windowEnd = now + conditional.rateDuration;
      matched = 0;
    }
    return ++matched > conditional.rateLimit;
  };
  return (message, localConsumers) => {
    const path = message.brokerPath;
    let match: boolean;
    if (conditional !== null && message.destination.isQueue && path !== null && path.includes(networkBrokerId)) {
      // A replay back to where the message came from: only when nobody here would take it, and not at once.
      match =
        conditional.replayWhenNoConsumers &&
        !localConsumers() &&
        (conditional.replayDelay === 0 || message.brokerInTime + conditional.replayDelay < clock.now());
    } else {
      match = forwardable(message, networkBrokerId, messageTTL, consumerTTL);
    }
    return match && !rateLimited();
  };
}

function forwardable(message: Message, networkBrokerId: string, messageTTL: number, consumerTTL: number): boolean {
  const path = message.brokerPath;
  if (path !== null) {
    if (path.includes(networkBrokerId)) return false;
    if (messageTTL > -1 && path.length >= messageTTL) return false;
  }
  // A consumer advisory bridged on a duplex connection carries its own hop count (consumerTTL).
  const advisory = message.advisory;
  if (advisory !== null && advisory.kind === 'consumer') {
    const hops = advisory.info.brokerPath ?? null;
    if (hops !== null) {
      if (consumerTTL > -1 && hops.length >= consumerTTL) return false;
      if (hops.includes(networkBrokerId)) return false;
    }
  }
  return true;
}
