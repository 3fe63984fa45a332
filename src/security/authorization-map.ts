import type { Destination } from '../model/destination.js';

/** One `<authorizationEntry>`: groups allowed to read, write and administer matching destinations. */
export interface AuthorizationEntry {
  readonly destination: Destination;
  readonly read: ReadonlySet<string>;
  readonly write: ReadonlySet<string>;
  readonly admin: ReadonlySet<string>;
}

export interface TempDestinationAuthorizationEntry {
  readonly read: ReadonlySet<string>;
  readonly write: ReadonlySet<string>;
  readonly admin: ReadonlySet<string>;
}

export type Operation = 'read' | 'write' | 'admin';

/** Group name that stands for everybody, as in ActiveMQ's wildcard principal. */
export const ANY_GROUP = '*';

/**
 * ActiveMQ's DefaultAuthorizationMap: the allowed groups for a destination are the union of every entry
 * that covers it (plus the default entry). A destination no entry covers allows nobody; temporary
 * destinations use the tempDestinationAuthorizationEntry, and without one anybody may use them.
 *
 * Which entries cover a wildcard destination (a consumer on `topic://>`) is ActiveMQ's rule, not "every entry
 * it overlaps": DefaultAuthorizationMap.get looks the name up without expanding a `>` in it
 * (findWildcardMatches(key, false)), so only entries at least as broad as the wildcard count — `>` needs an
 * entry `>` (or `*`, …), `VirtualTopic.>` needs `VirtualTopic.>` or broader, and `A.B.>` granting read does not
 * open `A.>`. A `*` in the name still walks every entry at that level, so `*.*.*.*.*` collects the entries of
 * five-element names; such a consumer is then only attached to the destinations it may read (AuthorizationBroker).
 */
export class AuthorizationMap {
  private readonly entries: { segments: readonly string[]; entry: AuthorizationEntry }[] = [];

  constructor(
    entries: readonly AuthorizationEntry[],
    private readonly tempEntry: TempDestinationAuthorizationEntry | null = null,
    private readonly defaultEntry: Omit<AuthorizationEntry, 'destination'> | null = null,
  ) {
    for (const e of entries) {
      for (const member of e.destination.members()) {
        this.entries.push({ segments: member.name.split('.'), entry: { ...e, destination: member } });
      }
    }
  }

  /** Groups allowed to do `op` on a single (non-composite) destination; null means no restriction. */
  allowedGroups(destination: Destination, op: Operation): ReadonlySet<string> | null {
    if (destination.isTemporary) {
      return this.tempEntry === null ? null : this.tempEntry[op];
    }
    const out = new Set<string>();
    const key = destination.name.split('.');
    for (const { segments, entry } of this.entries) {
      if (entry.destination.type !== destination.type) continue;
      if (entryCovers(segments, key)) for (const g of entry[op]) out.add(g);
    }
    if (this.defaultEntry !== null) for (const g of this.defaultEntry[op]) out.add(g);
    return out;
  }

  /** True when some group in `groups` may do `op` on `destination` (each member of a composite). */
  isAllowed(destination: Destination, op: Operation, groups: ReadonlySet<string>): boolean {
    for (const member of destination.members()) {
      const allowed = this.allowedGroups(member, op);
      if (allowed === null || allowed.has(ANY_GROUP)) continue;
      let ok = false;
      for (const g of groups) {
        if (allowed.has(g)) {
          ok = true;
          break;
        }
      }
      if (!ok) return false;
    }
    return true;
  }
}

/**
 * Whether ActiveMQ's authorization lookup (DestinationMap's tree walk with `deep` off) returns the entry
 * `entry` for the name `key`, both split on `.`. For a plain name this is the ordinary wildcard match (the
 * entry's `*` and `>` cover it); for a wildcard name it is what that walk yields:
 * - an entry element `>` covers whatever follows;
 * - a key element `*` stands for any one entry element (the walk visits every child);
 * - a key element `>` is looked up literally (only an entry element `>` matches it), except below an entry's
 *   `*`, where the walk turns deep and `>` collects every entry at least that long;
 * - at the end of the key, an entry of the same length matches, or one with a single `>` more (`A` ~ `A.>`).
 */
export function entryCovers(entry: readonly string[], key: readonly string[], from = 0, deep = false): boolean {
  for (let i = from; i < key.length; i++) {
    const k = key[i]!;
    if (deep && k === '>') return entry.length >= i;
    if (entry.length <= i) return false;
    const e = entry[i]!;
    if (e === '>') return true;
    if (e === '*' && entryCovers(entry, key, i + 1, true)) return true;
    if (k !== '*' && k !== e) return false;
  }
  return entry.length === key.length || (entry.length === key.length + 1 && entry[key.length] === '>');
}

/** Parses ActiveMQ's comma-separated group list (`"admins,users"`). */
export function groupSet(text: string | undefined | null): Set<string> {
  const out = new Set<string>();
  for (const g of (text ?? '').split(',')) {
    const t = g.trim();
    if (t.length > 0) out.add(t);
  }
  return out;
}
