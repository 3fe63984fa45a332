import { EventEmitter } from 'node:events';
import type { Destination } from '../model/destination.js';

/** A demand subscription as the broker's other bridges see it, for duplicate suppression. */
export interface NetworkDemand {
  /** The local consumer id of the demand subscription. */
  readonly consumerId: string;
  readonly destination: Destination;
  /**
   * The consumers this demand stands for (ActiveMQ's ConsumerInfo.networkConsumerIds): the remote consumer that
   * created it and every consumer its own demand stood for, hop by hop. Two demands that share one of these
   * carry the same consumer's messages by two paths.
   */
  readonly networkConsumerIds: readonly string[];
  readonly priority: number;
  /** A durable demand (NC-DS_ subscription): never removed for a better path, its subscription holds messages. */
  readonly durable: boolean;
  /** Ends the demand (its bridge closes the local subscription); what was in flight is answered first. */
  remove(): Promise<void>;
}

/**
 * Every demand subscription held by this broker's bridges, whichever network connector (or duplex responder) runs
 * them: what DemandForwardingBridgeSupport.duplicateSuppressionIsRequired looks up in the region's subscriptions.
 * Only bridges create network subscriptions in TideMQ (a peer's bridge subscribes here only to advisories; its
 * demand lives on its own broker), so this registry sees every subscription that has networkConsumerIds.
 *
 * Emits 'removed' (NetworkDemand) when a demand ends, so that bridges which suppressed a duplicate of it can
 * serve that consumer by their own path (ActiveMQ does not: the suppressed path stays unused until its bridge
 * restarts).
 */
export class NetworkSubscriptions extends EventEmitter {
  private readonly demands = new Map<string, NetworkDemand>();
  /** The demands that stand for each consumer id: a look-up per id, not a scan of every demand per advisory. */
  private readonly byConsumer = new Map<string, Set<NetworkDemand>>();
  /** Registration order, for ties between two demands that serve the same consumer. */
  private readonly order = new Map<NetworkDemand, number>();
  private registered = 0;

  constructor() {
    super();
    // One listener per bridge: a broker may run many.
    this.setMaxListeners(0);
  }

  add(demand: NetworkDemand): void {
    this.delete(demand.consumerId);
    this.demands.set(demand.consumerId, demand);
    this.order.set(demand, ++this.registered);
    for (const id of demand.networkConsumerIds) {
      let set = this.byConsumer.get(id);
      if (set === undefined) this.byConsumer.set(id, (set = new Set()));
      set.add(demand);
    }
  }

  delete(consumerId: string): void {
    const d = this.demands.get(consumerId);
    if (d === undefined) return;
    this.demands.delete(consumerId);
    this.order.delete(d);
    for (const id of d.networkConsumerIds) {
      const set = this.byConsumer.get(id);
      set?.delete(d);
      if (set?.size === 0) this.byConsumer.delete(id);
    }
    this.emit('removed', d);
  }

  /**
   * The demand, of the same region (queues or topics) as `destination`, that already serves one of `ids`
   * (matchFound over getRegionSubscriptions), or undefined.
   */
  serving(destination: Destination, ids: readonly string[]): NetworkDemand | undefined {
    let first: NetworkDemand | undefined;
    for (const id of ids) {
      for (const d of this.byConsumer.get(id) ?? []) {
        if (d.destination.isQueue !== destination.isQueue) continue;
        // The earliest registered wins, as a scan in registration order would find it.
        if (first === undefined || this.before(d, first)) first = d;
      }
    }
    return first;
  }

  private before(a: NetworkDemand, b: NetworkDemand): boolean {
    return (this.order.get(a) ?? 0) < (this.order.get(b) ?? 0);
  }

  get size(): number {
    return this.demands.size;
  }
}
