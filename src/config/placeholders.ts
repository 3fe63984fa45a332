import { ConfigError, type SourceLocation } from './config-error.js';

/** Looks a placeholder name up; undefined when no source defines it. */
export type PropertyLookup = (name: string) => string | undefined;

export interface PlaceholderOptions {
  /** Spring's ignoreUnresolvablePlaceholders: leave `${x}` as written instead of failing. */
  readonly ignoreUnresolvable?: boolean;
}

/** Deeper nesting than this is a runaway definition, not a configuration. */
const MAX_DEPTH = 32;

/**
 * Replaces `${name}` placeholders as Spring's PropertyPlaceholderHelper does (the engine behind
 * PropertyPlaceholderConfigurer and <context:property-placeholder>):
 * - names may themselves contain placeholders (`${broker.${env}.name}`), resolved first;
 * - `${name:default}`: the whole text `name:default` is looked up first, then `name`, and `default` is used
 *   when neither exists (Spring's default value separator ":" since 3.0);
 * - a value found is itself resolved again, so properties can refer to other properties; a cycle is an error;
 * - an unresolved placeholder is an error naming it, unless `ignoreUnresolvable`.
 */
export function resolvePlaceholders(
  value: string,
  lookup: PropertyLookup,
  at: SourceLocation,
  options: PlaceholderOptions = {},
): string {
  if (!value.includes('${')) return value;
  return resolve(value, lookup, at, options, new Set(), value);
}

function resolve(
  value: string,
  lookup: PropertyLookup,
  at: SourceLocation,
  options: PlaceholderOptions,
  visiting: Set<string>,
  original: string,
): string {
  if (visiting.size > MAX_DEPTH) {
    throw new ConfigError(at, `placeholders in "${original}" nest more than ${MAX_DEPTH} deep`);
  }
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) break;
    const end = findEnd(value, start + 2);
    if (end < 0) break; // Spring leaves an unterminated "${" as literal text.
    out += value.slice(i, start);
    const inner = resolve(value.slice(start + 2, end), lookup, at, options, visiting, original);
    if (visiting.has(inner)) {
      throw new ConfigError(at, `circular placeholder reference \${${inner}} in "${original}"`);
    }
    let found = lookup(inner);
    if (found === undefined) {
      const sep = inner.indexOf(':');
      if (sep >= 0) found = lookup(inner.slice(0, sep)) ?? inner.slice(sep + 1);
    }
    if (found === undefined) {
      if (!options.ignoreUnresolvable) {
        throw new ConfigError(
          at,
          `unresolved placeholder \${${inner}} in "${original}": define it with -D${inner}=…, in a properties ` +
            `file the placeholder configurer loads, or as an environment variable`,
        );
      }
      out += value.slice(start, end + 1);
    } else {
      visiting.add(inner);
      out += resolve(found, lookup, at, options, visiting, original);
      visiting.delete(inner);
    }
    i = end + 1;
  }
  return out + value.slice(i);
}

/** Index of the `}` closing a placeholder whose name starts at `from`, honouring nested `${…}` and `{…}`. */
function findEnd(value: string, from: number): number {
  let depth = 0;
  for (let i = from; i < value.length; i++) {
    if (value.startsWith('${', i)) {
      depth++;
      i++;
    } else if (value[i] === '{') {
      depth++;
    } else if (value[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
