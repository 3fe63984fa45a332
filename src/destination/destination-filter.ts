import type { Destination } from '../model/destination.js';

/**
 * ActiveMQ's wildcard rules (DestinationFilter): names are `.`-separated paths; `*` matches exactly one
 * element; `>` matches any number of trailing elements, including none (so `A.>` matches `A`). A `>` that
 * is not the last element acts as if the path ended there (`PRICE.>.IBM` behaves like `PRICE.>`), as the
 * broker's DestinationMap treats it. Matching never crosses types: a queue filter never matches a topic.
 */
export type NameMatcher = (name: string) => boolean;

const cache = new Map<string, NameMatcher>();

export function compileNameFilter(pattern: string): NameMatcher {
  let m = cache.get(pattern);
  if (m !== undefined) return m;
  m = build(pattern);
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, m);
  return m;
}

function build(pattern: string): NameMatcher {
  const parts = pattern.split('.');
  const gt = parts.indexOf('>');
  const hasStar = parts.includes('*');
  if (gt < 0 && !hasStar) return (name) => name === pattern;
  const fixed = gt < 0 ? parts : parts.slice(0, gt);
  const open = gt >= 0;
  return (name) => {
    const path = name.split('.');
    if (open) {
      // `A.B.>` matches `A.B` itself and anything below it.
      if (path.length < fixed.length) return false;
    } else if (path.length !== fixed.length) {
      return false;
    }
    for (let i = 0; i < fixed.length; i++) {
      const p = fixed[i]!;
      if (p !== '*' && p !== path[i]) return false;
    }
    return true;
  };
}

/** True when `filter` (possibly a wildcard) covers `destination` of the same kind. */
export function destinationMatches(filter: Destination, destination: Destination): boolean {
  if (filter.type !== destination.type) return false;
  if (filter === destination) return true;
  return compileNameFilter(filter.name)(destination.name);
}
