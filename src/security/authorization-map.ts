import { DestinationMap } from '../destination/destination-map.js';
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
 */
export class AuthorizationMap {
  private readonly map = new DestinationMap<AuthorizationEntry>();

  constructor(
    entries: readonly AuthorizationEntry[],
    private readonly tempEntry: TempDestinationAuthorizationEntry | null = null,
    private readonly defaultEntry: Omit<AuthorizationEntry, 'destination'> | null = null,
  ) {
    for (const e of entries) this.map.put(e.destination, e);
  }

  /** Groups allowed to do `op` on a single (non-composite) destination; null means no restriction. */
  allowedGroups(destination: Destination, op: Operation): ReadonlySet<string> | null {
    if (destination.isTemporary) {
      return this.tempEntry === null ? null : this.tempEntry[op];
    }
    const out = new Set<string>();
    for (const e of this.map.get(destination)) for (const g of e[op]) out.add(g);
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

/** Parses ActiveMQ's comma-separated group list (`"admins,users"`). */
export function groupSet(text: string | undefined | null): Set<string> {
  const out = new Set<string>();
  for (const g of (text ?? '').split(',')) {
    const t = g.trim();
    if (t.length > 0) out.add(t);
  }
  return out;
}
