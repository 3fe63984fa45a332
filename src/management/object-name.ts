/**
 * JMX ObjectNames as ActiveMQ registers its MBeans (`org.apache.activemq:type=Broker,brokerName=localhost,…`),
 * and the pattern matching Jolokia's read/search apply to them (`*` and `?` in values, a trailing `,*` for
 * "any further keys"). Canonical form sorts keys, as ObjectName.getCanonicalName does and Jolokia answers.
 */
export class ObjectName {
  private constructor(
    readonly domain: string,
    readonly keys: ReadonlyMap<string, string>,
    /** A property-list pattern (`…,*`): further keys may be present. */
    readonly propertyPattern: boolean,
  ) {}

  static of(domain: string, keys: Record<string, string>): ObjectName {
    return new ObjectName(domain, new Map(Object.entries(keys)), false);
  }

  /** Parses `domain:k=v,k2=v2[,*]`; values may be quoted ("…" with \" escapes). Throws on a malformed name. */
  static parse(text: string): ObjectName {
    const colon = text.indexOf(':');
    if (colon <= 0) throw new Error(`Invalid ObjectName ${text}: domain part must be specified`);
    const domain = text.slice(0, colon);
    const keys = new Map<string, string>();
    let pattern = false;
    let i = colon + 1;
    while (i < text.length) {
      if (text.startsWith('*', i) && (i + 1 === text.length || text[i + 1] === ',')) {
        pattern = true;
        i += 2;
        continue;
      }
      const eq = text.indexOf('=', i);
      if (eq < 0) throw new Error(`Invalid ObjectName ${text}: key without value`);
      const key = text.slice(i, eq);
      let value: string;
      let j = eq + 1;
      if (text[j] === '"') {
        let v = '';
        j++;
        while (j < text.length && text[j] !== '"') {
          if (text[j] === '\\' && j + 1 < text.length) j++;
          v += text[j];
          j++;
        }
        if (j >= text.length) throw new Error(`Invalid ObjectName ${text}: unterminated quote`);
        value = v;
        j++;
      } else {
        const comma = text.indexOf(',', j);
        value = text.slice(j, comma < 0 ? text.length : comma);
        j = comma < 0 ? text.length : comma;
      }
      if (key === '' || keys.has(key)) throw new Error(`Invalid ObjectName ${text}: bad or repeated key '${key}'`);
      keys.set(key, value);
      i = j + 1;
    }
    if (keys.size === 0 && !pattern) throw new Error(`Invalid ObjectName ${text}: key properties cannot be empty`);
    return new ObjectName(domain, keys, pattern);
  }

  get isPattern(): boolean {
    if (this.propertyPattern || /[*?]/.test(this.domain)) return true;
    for (const v of this.keys.values()) if (/[*?]/.test(v)) return true;
    return false;
  }

  get(key: string): string | undefined {
    return this.keys.get(key);
  }

  /** Keys sorted, as ObjectName.getCanonicalName. */
  get canonical(): string {
    const parts = [...this.keys.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${quoteIfNeeded(v)}`);
    if (this.propertyPattern) parts.push('*');
    return `${this.domain}:${parts.join(',')}`;
  }

  toString(): string {
    return this.canonical;
  }

  /** ObjectName.apply: does a concrete name match this (possibly pattern) name? */
  matches(name: ObjectName): boolean {
    if (!glob(this.domain, name.domain)) return false;
    for (const [k, v] of this.keys) {
      const other = name.keys.get(k);
      if (other === undefined || !glob(v, other)) return false;
    }
    return this.propertyPattern || name.keys.size === this.keys.size;
  }
}

/**
 * ActiveMQ's JMXSupport.encodeObjectNamePart: characters ObjectName reserves in an unquoted value are replaced
 * so a destination or client id is always a valid key value (`ID:host-1` becomes `ID_host-1`).
 */
export function encodeObjectNamePart(part: string): string {
  return part.replace(/[:,=*?"\n\\]/g, '_');
}

function quoteIfNeeded(v: string): string {
  return /[,=:"*?\n]/.test(v) ? `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"` : v;
}

/** Compiled value patterns, bounded: a query tests one pattern against every registered name. */
const globs = new Map<string, RegExp>();

function glob(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (!/[*?]/.test(pattern)) return pattern === value;
  let re = globs.get(pattern);
  if (re === undefined) {
    if (globs.size >= 1000) globs.clear();
    re = compileGlob(pattern);
    globs.set(pattern, re);
  }
  return re.test(value);
}

function compileGlob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
}
