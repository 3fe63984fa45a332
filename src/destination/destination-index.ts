import type { Destination, DestinationType } from '../model/destination.js';

/**
 * A tree of values keyed by destination names, one node per `.`-separated element, for lookups that do not
 * scan every entry: ActiveMQ's DestinationMap / DestinationMapNode, which its AbstractRegion uses to find the
 * destinations a wildcard consumer covers and TopicRegion the wildcard subscriptions a new topic joins.
 *
 * Keys may hold wildcards on either side: `get` returns every value whose key can name the same destination as
 * the lookup key (`A.>` finds `A`, `A.B` and `A.B.C`; `A.B` finds `A.B`, `A.*` and `>`), under the rules of
 * destination-filter.ts. A `>` that is not last ends the key there (`PRICE.>.IBM` is `PRICE.>`), as there.
 * Types never mix: a queue key finds only queue values.
 */
export class DestinationIndex<T> {
  private readonly roots = new Map<DestinationType, IndexNode<T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `value` under `key` (a value is held once per key). */
  add(key: Destination, value: T): void {
    let node = this.roots.get(key.type);
    if (node === undefined) {
      node = new IndexNode<T>(null, '');
      this.roots.set(key.type, node);
    }
    for (const segment of segmentsOf(key)) node = node.child(segment);
    if (!node.values.has(value)) {
      node.values.add(value);
      this.count++;
    }
  }

  /** Removes `value` from under `key`; nodes left empty are pruned so the tree does not grow with churn. */
  remove(key: Destination, value: T): void {
    let node: IndexNode<T> | undefined = this.roots.get(key.type);
    for (const segment of segmentsOf(key)) {
      if (node === undefined) return;
      node = node.children.get(segment);
    }
    if (node === undefined || !node.values.delete(value)) return;
    this.count--;
    while (node.parent !== null && node.values.size === 0 && node.children.size === 0) {
      node.parent.children.delete(node.segment);
      node = node.parent;
    }
  }

  /** Every value whose key overlaps `key` (see the class comment), each once. Composites are not expanded here. */
  get(key: Destination): Set<T> {
    const out = new Set<T>();
    const root = this.roots.get(key.type);
    if (root !== undefined) collect(root, segmentsOf(key), 0, out);
    return out;
  }
}

class IndexNode<T> {
  readonly children = new Map<string, IndexNode<T>>();
  readonly values = new Set<T>();

  constructor(
    readonly parent: IndexNode<T> | null,
    readonly segment: string,
  ) {}

  child(segment: string): IndexNode<T> {
    let c = this.children.get(segment);
    if (c === undefined) {
      c = new IndexNode<T>(this, segment);
      this.children.set(segment, c);
    }
    return c;
  }
}

/** The key's elements, cut after a `>` (which matches everything below, so nothing after it can narrow it). */
function segmentsOf(key: Destination): string[] {
  const parts = key.name.split('.');
  const gt = parts.indexOf('>');
  return gt < 0 ? parts : parts.slice(0, gt + 1);
}

function collect<T>(node: IndexNode<T>, key: readonly string[], i: number, out: Set<T>): void {
  // A stored `>` below this point covers whatever the key continues with, including nothing (`A.>` matches `A`).
  const open = node.children.get('>');
  if (open !== undefined) addAll(open.values, out);
  if (i === key.length) {
    addAll(node.values, out);
    return;
  }
  const segment = key[i]!;
  if (segment === '>') {
    // The lookup key's `>` covers this node and everything below it.
    addSubtree(node, out);
    return;
  }
  if (segment === '*') {
    for (const [name, c] of node.children) if (name !== '>') collect(c, key, i + 1, out);
    return;
  }
  const exact = node.children.get(segment);
  if (exact !== undefined) collect(exact, key, i + 1, out);
  const star = node.children.get('*');
  if (star !== undefined) collect(star, key, i + 1, out);
}

function addSubtree<T>(node: IndexNode<T>, out: Set<T>): void {
  addAll(node.values, out);
  for (const c of node.children.values()) addSubtree(c, out);
}

function addAll<T>(values: ReadonlySet<T>, out: Set<T>): void {
  for (const v of values) out.add(v);
}
