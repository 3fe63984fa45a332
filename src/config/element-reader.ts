import { ConfigError } from './config-error.js';
import { isActiveMQ, NS, tag, type LoadContext } from './load-context.js';
import { elementSchema, type ElementSchema } from './schema/schema.js';
import type { AttributeType } from './schema/xsd-types.js';
import { convertValue, ValueFormatError, type TypedValue } from './values.js';
import type { XmlAttribute, XmlElement } from './xml/xml-tree.js';

interface ReadAttribute {
  readonly attr: XmlAttribute;
  readonly type: AttributeType;
  readonly value: TypedValue;
}

/**
 * Reads one ActiveMQ (XBean) element against activemq.xsd. On construction it checks everything the schema
 * can check: every attribute exists on the element and its value (placeholders resolved) has the schema's
 * type; every child is one of the element's property elements. Section readers then take the attributes
 * and properties TideMQ implements; `finish()` warns about every one they left, so nothing is silently
 * dropped.
 */
export class ElementReader {
  readonly schema: ElementSchema;
  private readonly attrs = new Map<string, ReadAttribute>();
  private readonly used = new Set<string>();
  private readonly props = new Map<string, XmlElement[]>();
  private readonly usedProps = new Set<string>();

  constructor(
    readonly ctx: LoadContext,
    readonly el: XmlElement,
  ) {
    const schema = isActiveMQ(el) ? elementSchema(el.local) : undefined;
    if (!schema) throw new ConfigError(el.location, `unknown element ${tag(el)}: activemq.xsd has no such element`);
    this.schema = schema;
    for (const attr of el.attributes) this.readAttribute(attr);
    if (el.text.trim().length > 0) {
      throw new ConfigError(el.location, `${tag(el)} takes attributes and nested elements, not text`);
    }
    for (const child of el.children) {
      if (!isActiveMQ(child)) {
        ctx.warn(
          child.location,
          `${tag(child)} (namespace ${child.uri}) inside ${tag(el)} is not read by TideMQ and is ignored`,
        );
        continue;
      }
      if (!schema.properties.has(child.local)) {
        throw new ConfigError(
          child.location,
          `unknown element ${tag(child)} inside ${tag(el)}; expected ${expectedList([...schema.properties.keys()], child.local)}`,
        );
      }
      const list = this.props.get(child.local) ?? [];
      list.push(child);
      this.props.set(child.local, list);
    }
  }

  private readAttribute(attr: XmlAttribute): void {
    const el = this.el;
    if (attr.uri === NS.xmlns || attr.name === 'xmlns' || attr.uri === NS.xsi) return;
    if (attr.uri !== '') {
      this.ctx.warn(attr.location, `attribute ${attr.name} of ${tag(el)} (namespace ${attr.uri}) is ignored`);
      return;
    }
    const type = this.schema.attributes.get(attr.local);
    if (!type) {
      throw new ConfigError(
        attr.location,
        `unknown attribute ${attr.local} on ${tag(el)}; expected ${expectedList([...this.schema.attributes.keys()], attr.local)}`,
      );
    }
    const text = this.ctx.resolve(attr.value, attr.location);
    let value: TypedValue;
    try {
      value = convertValue(type, text);
    } catch (e) {
      if (!(e instanceof ValueFormatError)) throw e;
      const shown = text === attr.value ? `"${text}"` : `"${attr.value}" (= "${text}")`;
      throw new ConfigError(attr.location, `${tag(el)} attribute ${attr.local}=${shown} ${e.message}`);
    }
    this.attrs.set(attr.local, { attr, type, value });
  }

  get name(): string {
    return this.el.local;
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  /** The attribute as written (for locations in later checks). */
  attribute(name: string): XmlAttribute | undefined {
    return this.attrs.get(name)?.attr;
  }

  private take(name: string, want: string): TypedValue | undefined {
    const a = this.attrs.get(name);
    this.used.add(name);
    if (!a) return undefined;
    if (typeof a.value !== want) {
      // A section reader asked for the wrong type: a TideMQ bug, not a configuration error.
      throw new Error(`internal: ${this.name}.${name} is ${typeof a.value}, read as ${want}`);
    }
    return a.value;
  }

  string(name: string): string | undefined {
    return this.take(name, 'string') as string | undefined;
  }
  bool(name: string): boolean | undefined {
    return this.take(name, 'boolean') as boolean | undefined;
  }
  number(name: string): number | undefined {
    return this.take(name, 'number') as number | undefined;
  }

  /** A string attribute restricted to some values (compared case-insensitively, as Java's enum valueOf after toUpperCase). */
  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const hit = allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase());
    if (!hit) {
      throw new ConfigError(
        this.attribute(name)!.location,
        `${tag(this.el)} attribute ${name}="${v}" is not valid; expected one of ${allowed.join(', ')}`,
      );
    }
    return hit;
  }

  /** Marks attributes as deliberately accepted without effect and without a warning (such as Spring ids). */
  accept(...names: string[]): void {
    for (const n of names) this.used.add(n);
  }

  /** The property elements of this name (most properties occur once; a few, like destinations, repeat). */
  properties(name: string): XmlElement[] {
    this.usedProps.add(name);
    return this.props.get(name) ?? [];
  }

  /**
   * The ActiveMQ elements nested in a property element, each checked against the names the schema allows
   * there. Spring <bean>/<ref> elements in it are warned about and skipped: TideMQ runs no Java classes.
   */
  items(name: string): ElementReader[] {
    const out: ElementReader[] = [];
    const allowed = this.schema.properties.get(name);
    for (const prop of this.properties(name)) {
      if (prop.text.trim().length > 0) {
        throw new ConfigError(prop.location, `${tag(prop)} inside ${tag(this.el)} takes nested elements, not text`);
      }
      for (const attr of prop.attributes) {
        if (attr.uri === NS.xmlns || attr.name === 'xmlns') continue;
        throw new ConfigError(attr.location, `${tag(prop)} takes no attributes; found ${attr.name}`);
      }
      for (const child of prop.children) {
        if (!isActiveMQ(child)) {
          this.ctx.warn(
            child.location,
            `${tag(child)} (namespace ${child.uri}) inside ${tag(prop)} is a Spring bean TideMQ cannot run; ignored`,
          );
          continue;
        }
        if (allowed && allowed !== 'any' && !allowed.includes(child.local)) {
          throw new ConfigError(
            child.location,
            `${tag(child)} is not allowed inside ${tag(prop)}; expected ${expectedList([...allowed], child.local)}`,
          );
        }
        out.push(new ElementReader(this.ctx, child));
      }
    }
    return out;
  }

  /** The one element of a single-valued property, or undefined when absent. */
  single(name: string): ElementReader | undefined {
    const items = this.items(name);
    if (items.length > 1) {
      throw new ConfigError(items[1]!.el.location, `${tag(this.el)} takes one <${name}> value; found ${items.length}`);
    }
    return items[0];
  }

  /** Marks a property element as handled without effect, with one warning saying why. */
  ignoreProperty(name: string, reason: string): void {
    for (const prop of this.properties(name)) this.ctx.warn(prop.location, `${tag(prop)} is ignored: ${reason}`);
  }

  /** Warns about every attribute and property element no section reader took. */
  finish(): void {
    for (const [name, a] of this.attrs) {
      if (this.used.has(name) || a.type === 'id') continue;
      this.ctx.warn(a.attr.location, `attribute ${name} of ${tag(this.el)} is not supported by TideMQ and is ignored`);
    }
    for (const [name, list] of this.props) {
      if (this.usedProps.has(name)) continue;
      for (const prop of list) {
        this.ctx.warn(prop.location, `${tag(prop)} inside ${tag(this.el)} is not supported by TideMQ and is ignored`);
      }
    }
  }
}

/** "one of a, b, c" with a "did you mean" first when a name is one or two edits away. */
export function expectedList(names: readonly string[], given: string): string {
  const sorted = [...names].sort();
  const near = sorted.filter((n) => distance(n.toLowerCase(), given.toLowerCase()) <= 2);
  const hint = near.length > 0 ? `${near.join(' or ')} (did you mean that?); the full list: ` : '';
  return `${hint}${sorted.length === 1 ? '' : 'one of '}${sorted.join(', ')}`;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
