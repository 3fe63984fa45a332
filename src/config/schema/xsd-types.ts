/**
 * The shape of one element of ActiveMQ's XBean schema as generate-schema.mjs writes it: the attributes with a
 * one-letter type code each, and the nested property elements with the element names they accept.
 */
export interface XsdElement {
  /** Space-separated `name:type` pairs; see {@link AttributeType}. */
  readonly attrs: string;
  /** Property element name -> space-separated accepted element names, or '*' for any content. */
  readonly props: Readonly<Record<string, string>>;
}

/**
 * s string; b boolean as Spring converts it; B boolean through ActiveMQ's BooleanEditor (true/false only);
 * i int; l long; h short; d double; f float; z size in bytes as a long and Z as an int (ActiveMQ's
 * MemoryPropertyEditor / MemoryIntPropertyEditor); id a Spring bean id.
 */
export type AttributeType = 's' | 'b' | 'B' | 'i' | 'l' | 'h' | 'd' | 'f' | 'z' | 'Z' | 'id';
