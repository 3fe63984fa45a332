import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { ConfigError, type SourceLocation } from '../config-error.js';

/** One attribute as written, with the place its name starts. */
export interface XmlAttribute {
  /** Qualified name as written (`xsi:schemaLocation`). */
  readonly name: string;
  readonly local: string;
  readonly prefix: string;
  /** Namespace URI; '' for an unprefixed attribute (XML Namespaces §6.2: no default namespace for attributes). */
  readonly uri: string;
  /** The value with entities and character references already replaced. */
  readonly value: string;
  readonly location: SourceLocation;
}

export interface XmlElement {
  readonly name: string;
  readonly local: string;
  readonly prefix: string;
  /** Namespace URI ('' when the element is in no namespace). */
  readonly uri: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: XmlElement[];
  /** Concatenated character data directly inside this element (CDATA included), untrimmed. */
  text: string;
  /** Where the element's `<` is. */
  readonly location: SourceLocation;
}

/**
 * Bounds that keep a hostile or broken file from exhausting memory or the stack: ActiveMQ configurations
 * are a few hundred lines and rarely nest deeper than ten levels.
 */
export const XML_LIMITS = { maxChars: 16 * 1024 * 1024, maxDepth: 64 } as const;

/** Maps string offsets to 1-based line/column, counting \n, \r\n and \r as one line end each (XML 1.0 §2.11). */
class LineTable {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.starts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        this.starts.push(i + 1);
      }
    }
  }

  at(file: string, offset: number): SourceLocation {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** The offset where an attribute's name starts, found backwards from just after its closing quote. */
function attributeStart(text: string, end: number, name: string): number {
  const quote = text[end - 1];
  let i = quote === '"' || quote === "'" ? text.lastIndexOf(quote, end - 2) - 1 : end - 1;
  while (i > 0 && /[\s=]/.test(text[i]!)) i--;
  return i + 1 - name.length;
}

/**
 * Parses one XML document into a tree whose every element and attribute knows its file:line:col. Malformed
 * XML (saxes checks well-formedness and namespace bindings) becomes a ConfigError at the place saxes stopped.
 * DTDs are not read, so no external entity is ever fetched.
 */
export function parseXml(text: string, file: string): XmlElement {
  if (text.length > XML_LIMITS.maxChars) {
    throw new ConfigError(
      { file, line: 1, column: 1 },
      `the file is ${text.length} characters long; the limit is ${XML_LIMITS.maxChars}`,
    );
  }
  const lines = new LineTable(text);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let pendingStart: SourceLocation | null = null;
  let pendingAttrs: Map<string, SourceLocation> = new Map();
  // Widened by `as`: TypeScript cannot see the handlers below assign it, and would narrow it to null.
  let failure = null as ConfigError | null;

  const fail = (error: ConfigError): void => {
    if (!failure) failure = error;
  };

  let inTag = false;
  let unclosed: XmlElement | null = null;
  parser.on('error', (e) => {
    // saxes prefixes its message with its own 0-based position; report ours (1-based) and its text. A
    // problem found while reading a start tag (an unbound prefix) is reported at the tag's `<`.
    let detail = e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '').replace(/\.$/, '');
    const at = inTag && pendingStart ? pendingStart : { file, line: parser.line, column: parser.column + 1 };
    // saxes names neither tag of a mismatch (and closes the open ones itself before reporting it); the tag left
    // open is what the user has to find.
    const open = unclosed ?? stack.at(-1);
    const opened = (el: XmlElement): string => `<${el.name}> opened at ${el.location.line}:${el.location.column}`;
    if (open !== undefined && detail === 'unexpected close tag') {
      const name = closeTagBefore(text, parser.position);
      detail = `unexpected close tag${name !== null ? ` </${name}>` : ''}: ${opened(open)} is not closed`;
    } else if (open !== undefined && detail.startsWith('unclosed tag')) {
      detail = `${detail} (${opened(open)})`;
    }
    fail(new ConfigError(at, `malformed XML: ${detail}`));
  });
  parser.on('opentagstart', (tag) => {
    inTag = true;
    // saxes reports this event after the name and the character that ended it.
    pendingStart = lines.at(file, parser.position - tag.name.length - 2);
    pendingAttrs = new Map();
    if (stack.length >= XML_LIMITS.maxDepth) {
      fail(new ConfigError(pendingStart, `elements are nested more than ${XML_LIMITS.maxDepth} deep`));
    }
  });
  parser.on('attribute', (attr) => {
    const at = lines.at(file, attributeStart(text, parser.position, attr.name));
    // saxes notices duplicates only at the tag's end; name the second occurrence instead.
    if (pendingAttrs.has(attr.name)) fail(new ConfigError(at, `malformed XML: duplicate attribute: ${attr.name}`));
    pendingAttrs.set(attr.name, at);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    inTag = false;
    const attributes: XmlAttribute[] = [];
    for (const a of Object.values<SaxesAttributeNS>(tag.attributes)) {
      attributes.push({
        name: a.name,
        local: a.local,
        prefix: a.prefix,
        uri: a.uri,
        value: a.value,
        location: pendingAttrs.get(a.name) ?? pendingStart!,
      });
    }
    const element: XmlElement = {
      name: tag.name,
      local: tag.local,
      prefix: tag.prefix,
      uri: tag.uri,
      attributes,
      children: [],
      text: '',
      location: pendingStart!,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag) => {
    if (tag.isSelfClosing) return;
    const element = stack.pop();
    // A close tag naming another element: saxes closes this one implicitly, then reports the mismatch.
    if (element !== undefined && unclosed === null && closeTagBefore(text, parser.position) !== tag.name) {
      unclosed = element;
    }
  });
  parser.on('text', (t) => {
    const current = stack.at(-1);
    if (current) current.text += t;
  });
  parser.on('cdata', (t) => {
    const current = stack.at(-1);
    if (current) current.text += t;
  });

  // saxes keeps parsing after an error handler returns; the first error is the one worth reporting.
  parser.write(text);
  if (!failure) parser.close();
  if (failure) throw failure;
  if (!root) throw new ConfigError({ file, line: 1, column: 1 }, 'malformed XML: the document has no root element');
  return root;
}

/** The name in the close tag `</name>` that ends just before `position`, or null. */
function closeTagBefore(text: string, position: number): string | null {
  const start = text.lastIndexOf('</', position - 1);
  if (start < 0) return null;
  const m = /^<\/\s*([^\s>]+)\s*>?$/.exec(text.slice(start, position));
  return m?.[1] ?? null;
}
