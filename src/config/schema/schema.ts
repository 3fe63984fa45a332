import { ACTIVEMQ_XSD } from './activemq-schema.js';
import type { AttributeType } from './xsd-types.js';

/** One element of the ActiveMQ schema, with its attribute and property tables ready for look-ups. */
export interface ElementSchema {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, AttributeType>;
  /** Property element name -> the element names it accepts, or 'any'. */
  readonly properties: ReadonlyMap<string, readonly string[] | 'any'>;
}

const cache = new Map<string, ElementSchema>();

/** The schema of an ActiveMQ element (core namespace), or undefined when activemq.xsd has no such element. */
export function elementSchema(name: string): ElementSchema | undefined {
  const cached = cache.get(name);
  if (cached) return cached;
  if (!Object.hasOwn(ACTIVEMQ_XSD, name)) return undefined;
  const raw = ACTIVEMQ_XSD[name]!;
  const attributes = new Map<string, AttributeType>();
  for (const pair of raw.attrs.split(' ')) {
    if (pair.length === 0) continue;
    const colon = pair.lastIndexOf(':');
    attributes.set(pair.slice(0, colon), pair.slice(colon + 1) as AttributeType);
  }
  const properties = new Map<string, readonly string[] | 'any'>();
  for (const [prop, accepts] of Object.entries(raw.props)) {
    properties.set(prop, accepts === '*' ? 'any' : accepts.split(' ').filter((s) => s.length > 0));
  }
  const schema: ElementSchema = { name, attributes, properties };
  cache.set(name, schema);
  return schema;
}

/** True when activemq.xsd defines an element of this name. */
export function isSchemaElement(name: string): boolean {
  return Object.hasOwn(ACTIVEMQ_XSD, name);
}
