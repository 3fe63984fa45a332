import type { Command, DataStructure } from './commands.js';
import { fieldDefault, specOf } from './schema.js';

/**
 * A command of `type` with every field at its Java default (as a fresh ActiveMQ object has), then `fields`.
 * The client, the network bridge and the advisory conversion build their commands this way, so a field added
 * to the codec's tables in a later version never goes out undefined, and each caller names only what it sets.
 */
export function command<C extends Command | DataStructure>(type: C['type'], fields: Partial<C>): C {
  const spec = specOf(type);
  const out: Record<string, unknown> = { type };
  if (spec !== undefined) for (const f of spec.fields) out[f.name] = fieldDefault(f);
  return Object.assign(out, fields) as C;
}
