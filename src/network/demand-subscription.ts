import { destinationMatches } from '../destination/destination-filter.js';
import type { ConsumerInfo } from '../model/commands.js';
import type { Destination } from '../model/destination.js';

/**
 * One local consumer a network bridge holds on behalf of remote consumers (ActiveMQ's DemandSubscription): the
 * local ConsumerInfo and the ids of the remote consumers whose demand it carries. It ends when the last of them
 * goes, unless it is statically included or durable.
 */
export class DemandSubscription {
  /** Remote consumer ids (`ID:…:1:1`) served by this subscription. */
  readonly remoteIds = new Set<string>();
  /** The remote durable subscriptions (`clientId` NUL `name`) it carries; it ends when the last is deleted. */
  readonly durableRemoteSubs = new Set<string>();
  /** Forwards sent and not yet acknowledged here (ActiveMQ's outstandingResponses). */
  readonly inFlight = new Set<Promise<void>>();

  /**
   * Settles once every forward in flight was answered and acknowledged here. The subscription must not be
   * removed before: its unacknowledged messages would go back to the queue although the remote broker has them,
   * and be delivered twice (DemandSubscription.waitForCompletion).
   */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  constructor(
    readonly localInfo: ConsumerInfo,
    readonly staticallyIncluded: boolean,
    /** Other remote consumers on a matching destination may share it (conduitSubscriptions). */
    readonly conduit: boolean,
    readonly durable: boolean,
  ) {}

  /** The local destination covers `d` (ConduitBridge matches by destination filter, wildcards included). */
  covers(d: Destination): boolean {
    return destinationMatches(this.localInfo.destination, d);
  }
}
