import type { Destination } from '../model/destination.js';

/**
 * Values keyed by destination patterns (`queue://ORDERS.>`), looked up by destination — the structure
 * ActiveMQ's DestinationMap provides to authorization entries, policy entries and redelivery policies.
 *
 * A lookup returns every value whose pattern can name the same destination as the key: for a plain key,
 * the patterns that match it; for a wildcard key (a consumer on `ORDERS.>`), also the patterns it covers,
 * as ActiveMQ's wildcard lookup does.
 */
export class DestinationMap<T> {
  private readonly entries: { pattern: Destination; segments: string[]; value: T }[] = [];

  put(pattern: Destination, value: T): void {
    this.entries.push({ pattern, segments: pattern.name.split('.'), value });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Every value whose pattern overlaps `key`, in insertion order. Composite keys are not expanded here. */
  get(key: Destination): T[] {
    const out: T[] = [];
    const keySegments = key.name.split('.');
    for (const e of this.entries) {
      if (!sameKind(e.pattern, key)) continue;
      if (overlaps(e.segments, keySegments)) out.push(e.value);
    }
    return out;
  }

  /**
   * The single best value for a destination: of the patterns matching it, the most specific one
   * (most literal segments, then longest), as ActiveMQ's PolicyMap picks one policy entry.
   */
  choose(key: Destination): T | undefined {
    const keySegments = key.name.split('.');
    let best: { score: number; value: T } | undefined;
    for (const e of this.entries) {
      if (!sameKind(e.pattern, key)) continue;
      if (!overlaps(e.segments, keySegments)) continue;
      const score = specificity(e.segments);
      if (best === undefined || score > best.score) best = { score, value: e.value };
    }
    return best?.value;
  }
}

/** Entries for `queue` patterns also cover temporary queues only when written as temp entries. */
function sameKind(pattern: Destination, key: Destination): boolean {
  return pattern.type === key.type;
}

function specificity(segments: string[]): number {
  let literal = 0;
  for (const s of segments) if (s !== '*' && s !== '>') literal++;
  return literal * 1000 + segments.length;
}

/** True when some destination name matches both segment patterns. */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === '>' || y === '>') return true;
    if (x === undefined || y === undefined) {
      // One pattern ended: the other must end here too, unless it continues with `>` (which matches nothing more).
      const rest = x === undefined ? b[i] : a[i];
      return rest === '>';
    }
    if (x === '*' || y === '*') continue;
    if (x !== y) return false;
  }
  return true;
}
