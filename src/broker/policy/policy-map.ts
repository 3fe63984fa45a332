import type { Destination } from '../../model/destination.js';
import { DestinationMap } from '../../destination/destination-map.js';
import { DEFAULT_POLICY, resolvePolicy, type PolicyEntry, type ResolvedPolicy } from './policy-entry.js';

/**
 * `<destinationPolicy><policyMap>`: policy entries keyed by destination pattern. Like ActiveMQ's PolicyMap a
 * destination gets exactly one entry — the most specific pattern that matches it, else the default entry —
 * and entries are never merged.
 */
export class PolicyMap {
  private readonly map = new DestinationMap<ResolvedPolicy>();
  private defaultPolicy: ResolvedPolicy = DEFAULT_POLICY;
  /** Lookups are per destination creation, not per message, but a cache keeps them O(1) anyway. */
  private readonly cache = new Map<string, ResolvedPolicy>();

  put(pattern: Destination, entry: PolicyEntry): this {
    this.map.put(pattern, resolvePolicy(entry));
    this.cache.clear();
    return this;
  }

  setDefaultEntry(entry: PolicyEntry): this {
    this.defaultPolicy = resolvePolicy(entry);
    this.cache.clear();
    return this;
  }

  get size(): number {
    return this.map.size;
  }

  /** The policy for a concrete destination. */
  entryFor(destination: Destination): ResolvedPolicy {
    let p = this.cache.get(destination.key);
    if (p === undefined) {
      p = this.map.choose(destination) ?? this.defaultPolicy;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(destination.key, p);
    }
    return p;
  }
}
