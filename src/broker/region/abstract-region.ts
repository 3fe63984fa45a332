import { Destination } from '../../model/destination.js';
import type { ConsumerInfo } from '../../model/commands.js';
import { DestinationIndex } from '../../destination/destination-index.js';
import { BrokerError } from '../../util/errors.js';
import type { ConnectionContext } from '../broker.js';
import type { MemoryUsage } from './memory-usage.js';

/** What a region keeps of each of its destinations (a Queue or a Topic). */
export interface RegionDestination {
  readonly destination: Destination;
  /** The connection that owns a temporary destination. */
  owner: string | null;
  usage: MemoryUsage | null;
}

/** What a region needs of a subscription to index it. */
export interface RegionSubscription {
  readonly info: ConsumerInfo;
}

/**
 * The part ActiveMQ's QueueRegion and TopicRegion share (AbstractRegion): the destinations of one kind, created
 * on first use, and a DestinationMap index of them and of the wildcard (and composite) subscriptions, so a
 * wildcard consumer finds the destinations it covers, and a new destination the wildcard subscriptions it joins,
 * without scanning every destination or every subscription.
 *
 * Destinations are held by name, as the region always has (a temporary queue and a queue of the same name are
 * one entry); results come back in the order their destinations (or subscriptions) were created, as the scans
 * they replace gave them, so attach order, round-robin and browse order do not change.
 */
export abstract class AbstractRegion<D extends RegionDestination, S extends RegionSubscription> {
  private readonly destinations = new Map<string, D>();
  private readonly created = new Map<D, number>();
  private readonly index = new DestinationIndex<D>();
  /** Subscriptions whose destination is a wildcard or composite: the members they were indexed under. */
  private readonly wildcards = new Map<S, { order: number; members: Destination[] }>();
  private readonly wildcardIndex = new DestinationIndex<S>();
  private sequence = 0;

  /** Makes a destination (configured by its policy); the region records and indexes it. */
  protected abstract create(physical: Destination): D;
  /** Attaches a wildcard subscription to a destination it covers, created after it subscribed. */
  protected abstract join(sub: S, destination: D): void;
  /** The ids of the consumers that keep a destination from being removed (a durable subscription offline does not). */
  protected abstract activeConsumers(destination: D): string[];
  /** Deletes a destination and what it holds. */
  abstract remove(destination: Destination): void;

  /** The destination with this name, if it exists. */
  lookup(name: string): D | undefined {
    return this.destinations.get(name);
  }

  values(): IterableIterator<D> {
    return this.destinations.values();
  }

  /** The destination, created (and joined by the wildcard subscriptions that cover it) when it does not exist. */
  ensure(destination: Destination): D {
    let d = this.destinations.get(destination.name);
    if (d !== undefined) return d;
    const physical = Destination.of(destination.type, destination.name);
    d = this.create(physical);
    this.destinations.set(destination.name, d);
    this.created.set(d, ++this.sequence);
    this.index.add(physical, d);
    const subs = this.wildcardIndex.get(physical);
    for (const sub of this.inOrder(subs, (s) => this.wildcards.get(s)!.order)) {
      if (allowed(sub.info, physical)) this.join(sub, d);
    }
    return d;
  }

  /** The existing destinations a consumer's destination (plain, wildcard or composite) covers. */
  matching(filter: Destination): D[] {
    if (filter.isComposite) return [...new Set(filter.members().flatMap((m) => this.matching(m)))];
    if (!filter.isWildcard) {
      const d = this.destinations.get(filter.name);
      return d === undefined || d.destination.type !== filter.type ? [] : [d];
    }
    return this.inOrder(this.index.get(filter), (d) => this.created.get(d)!);
  }

  /** DestinationInfo add of a temporary destination: created, owned by the connection; another's is refused. */
  addTemporary(destination: Destination, connectionId: string): void {
    const existing = this.destinations.get(destination.name);
    if (existing !== undefined && existing.owner !== connectionId) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Temporary destination already exists: ${destination.key}`);
    }
    this.ensure(destination).owner = connectionId;
  }

  /**
   * DestinationInfo remove: deletes the destination unless a consumer is active on it (AbstractRegion's
   * "still has an active subscription") or it is another connection's temporary one. False when it did not exist.
   */
  removeIfUnused(destination: Destination, connectionId: string): boolean {
    const d = this.destinations.get(destination.name);
    if (d === undefined) return false;
    if (destination.isTemporary && d.owner !== null && d.owner !== connectionId) {
      throw new BrokerError(
        'ERR_SECURITY_NOT_AUTHORIZED',
        `Cannot remove a temporary destination of another connection: ${destination.key}`,
      );
    }
    const active = this.activeConsumers(d);
    if (active.length > 0) {
      throw new BrokerError(
        'ERR_ILLEGAL_STATE',
        `Destination: ${destination.key} still has an active subscription: ${active[0]!}`,
      );
    }
    this.remove(destination);
    return true;
  }

  /** A send or a producer to a temporary destination: it must still exist. */
  requireExisting(destination: Destination): void {
    if (this.destinations.get(destination.name) === undefined) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot publish to a deleted Destination: ${destination.key}`);
    }
  }

  /** Only the connection that created a temporary destination may consume from it. */
  requireOwner(context: ConnectionContext, destination: Destination): void {
    const d = this.destinations.get(destination.name);
    if (d === undefined) {
      throw new BrokerError('ERR_DESTINATION_INVALID', `Cannot consume from a deleted Destination: ${destination.key}`);
    }
    if (d.owner !== null && d.owner !== context.info.connectionId) {
      throw new BrokerError(
        'ERR_SECURITY_NOT_AUTHORIZED',
        `Cannot consume from a temporary destination of another connection: ${destination.key}`,
      );
    }
  }

  /** Forgets a destination (its owner tears down what it held). */
  protected forget(d: D): void {
    const name = d.destination.name;
    if (this.destinations.get(name) !== d) return;
    this.destinations.delete(name);
    this.created.delete(d);
    this.index.remove(d.destination, d);
  }

  /**
   * Indexes a subscription on a wildcard or composite destination, so destinations created later join it
   * (ActiveMQ's AbstractRegion keeps its subscriptions for the same reason).
   */
  addWildcard(sub: S): void {
    if (this.wildcards.has(sub)) return;
    const members = sub.info.destination.members();
    this.wildcards.set(sub, { order: ++this.sequence, members });
    for (const m of members) this.wildcardIndex.add(m, sub);
  }

  removeWildcard(sub: S): void {
    const entry = this.wildcards.get(sub);
    if (entry === undefined) return;
    this.wildcards.delete(sub);
    for (const m of entry.members) this.wildcardIndex.remove(m, sub);
  }

  private inOrder<T>(values: Set<T>, order: (v: T) => number): T[] {
    return [...values].sort((a, b) => order(a) - order(b));
  }
}

/** True when a subscription's destination is a wildcard or spans several destinations (a composite). */
export function isMultiDestination(destination: Destination): boolean {
  const members = destination.members();
  return members.some((m) => m.isWildcard) || members.length > 1;
}

/** The authorization filter's verdict on attaching a consumer to a concrete destination (ConsumerInfo.accepts). */
export function allowed(info: ConsumerInfo, destination: Destination): boolean {
  return info.accepts === undefined || info.accepts(destination);
}
