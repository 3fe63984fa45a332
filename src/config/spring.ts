import path from 'node:path';
import { ConfigError, type SourceLocation } from './config-error.js';
import { isActiveMQ, NS, tag, type LoadContext, type SpringBean } from './load-context.js';
import { resolvePlaceholders, type PropertyLookup } from './placeholders.js';
import type { XmlElement } from './xml/xml-tree.js';

/** A properties file a placeholder configurer loads. */
export interface PropertiesLocation {
  /** The location as written, placeholders resolved (`file:/etc/activemq/credentials.properties`). */
  readonly spec: string;
  readonly path: string;
  /** Spring's ignoreResourceNotFound: a missing file is skipped instead of failing the load. */
  readonly ignoreIfMissing: boolean;
  readonly location: SourceLocation;
}

/** What the Spring <beans> layer yields: the broker element and what surrounds it. */
export interface SpringDocument {
  broker: XmlElement | null;
  readonly propertiesLocations: PropertiesLocation[];
  /** Inline `<prop key=…>` values of placeholder configurers, lowest precedence among the configurer's. */
  readonly inlineProperties: Map<string, string>;
  /** Every file read, main file first. */
  readonly files: string[];
}

/** Reads and parses one file; the loader supplies it (and its limits). */
export type FileParser = (file: string, from: SourceLocation | null) => XmlElement;

const PLACEHOLDER_CONFIGURERS = new Set([
  'org.springframework.beans.factory.config.PropertyPlaceholderConfigurer',
  'org.springframework.context.support.PropertySourcesPlaceholderConfigurer',
  // Jasypt's variants (upstream's credentials-enc.properties example); ENC(…) values are decrypted on use.
  'org.jasypt.spring31.properties.EncryptablePropertyPlaceholderConfigurer',
  'org.jasypt.spring4.properties.EncryptablePropertyPlaceholderConfigurer',
  'org.jasypt.spring.properties.EncryptablePropertyPlaceholderConfigurer',
]);

/** Spring refuses deeper import chains only by running out of stack; 16 is far beyond real configurations. */
const MAX_IMPORT_DEPTH = 16;

/**
 * Walks a Spring <beans> document (and the files it imports) the way ActiveMQ's Spring context would, keeping
 * only what TideMQ needs: the <broker>, the placeholder configurers' properties files, and beans ActiveMQ
 * elements may refer to. A file whose root is <broker> itself (no Spring wrapper) is accepted too.
 */
export class SpringReader {
  readonly doc: SpringDocument = {
    broker: null,
    propertiesLocations: [],
    inlineProperties: new Map(),
    files: [],
  };

  constructor(
    private readonly ctx: LoadContext,
    private readonly parse: FileParser,
    /** Spring resolves import and location paths against system properties and the environment only. */
    private readonly environment: PropertyLookup,
    /** ActiveMQ puts its conf directory on the classpath; `classpath:` resources are looked up there. */
    private readonly confDir: string,
  ) {}

  readMain(file: string): SpringDocument {
    const root = this.parse(file, null);
    this.doc.files.push(file);
    if (root.local === 'broker' && isActiveMQ(root)) {
      this.doc.broker = root;
    } else if (root.local === 'beans' && root.uri === NS.beans) {
      this.readBeans(root, file, [file]);
    } else {
      throw new ConfigError(
        root.location,
        `the root element is ${tag(root)}; expected Spring's <beans xmlns="${NS.beans}"> or <broker xmlns="${NS.activemq}">`,
      );
    }
    if (!this.doc.broker) {
      throw new ConfigError(
        root.location,
        `no <broker xmlns="${NS.activemq}"> element in ${file} or the files it imports`,
      );
    }
    return this.doc;
  }

  private readBeans(beans: XmlElement, file: string, chain: string[]): void {
    for (const el of beans.children) {
      if (el.uri === NS.beans) this.readSpringElement(el, file, chain);
      else if (el.uri === NS.context && el.local === 'property-placeholder') this.readContextPlaceholder(el, file);
      else if (el.uri === NS.activemq && el.local === 'broker') {
        if (this.doc.broker) {
          throw new ConfigError(
            el.location,
            `a second <broker> element; TideMQ runs one broker per configuration (the first is at ` +
              `${this.doc.broker.location.file}:${this.doc.broker.location.line}:${this.doc.broker.location.column})`,
          );
        }
        this.doc.broker = el;
      } else if (el.uri === NS.activemq) {
        this.ctx.warn(el.location, `${tag(el)} outside <broker> (a client-side Spring bean) is ignored by TideMQ`);
      } else {
        this.ctx.warn(el.location, `${tag(el)} (namespace ${el.uri || 'none'}) is not read by TideMQ and is ignored`);
      }
    }
  }

  private readSpringElement(el: XmlElement, file: string, chain: string[]): void {
    switch (el.local) {
      case 'import':
        this.readImport(el, file, chain);
        return;
      case 'bean':
        this.readBean(el, file);
        return;
      case 'description':
        return;
      case 'beans':
        if (attr(el, 'profile') !== undefined) {
          this.ctx.warn(el.location, '<beans profile=…> is ignored: TideMQ does not activate Spring profiles');
        } else {
          this.readBeans(el, file, chain);
        }
        return;
      case 'broker':
        throw new ConfigError(el.location, `<broker> is in Spring's namespace; write <broker xmlns="${NS.activemq}">`);
      default:
        this.ctx.warn(el.location, `Spring element ${tag(el)} is ignored by TideMQ`);
    }
  }

  private readImport(el: XmlElement, file: string, chain: string[]): void {
    const raw = attr(el, 'resource');
    if (raw === undefined) throw new ConfigError(el.location, '<import> needs a resource attribute');
    const at = attrLocation(el, 'resource');
    const spec = resolvePlaceholders(raw, this.environment, at);
    if (/^jetty[^/\\]*\.xml$/i.test(path.basename(stripScheme(spec)))) {
      this.ctx.warn(
        el.location,
        `<import resource="${raw}"> is ignored: it configures ActiveMQ's Jetty web console, which TideMQ does not have yet`,
      );
      return;
    }
    const target = this.resolveResource(spec, path.dirname(file), at, 'import');
    if (chain.includes(target)) {
      throw new ConfigError(at, `import cycle: ${[...chain, target].join(' -> ')}`);
    }
    if (chain.length >= MAX_IMPORT_DEPTH) {
      throw new ConfigError(at, `imports nest more than ${MAX_IMPORT_DEPTH} deep`);
    }
    const root = this.parse(target, at);
    this.doc.files.push(target);
    if (root.local !== 'beans' || root.uri !== NS.beans) {
      throw new ConfigError(
        root.location,
        `an imported file must have Spring's <beans> as its root; found ${tag(root)}`,
      );
    }
    this.readBeans(root, target, [...chain, target]);
  }

  private readBean(el: XmlElement, file: string): void {
    const className = attr(el, 'class') ?? null;
    if (className !== null && PLACEHOLDER_CONFIGURERS.has(className)) {
      this.readPlaceholderConfigurer(el, file);
      return;
    }
    const properties: SpringBean['properties'][number][] = [];
    for (const p of el.children) {
      if (p.uri !== NS.beans || p.local !== 'property') continue;
      const name = attr(p, 'name');
      const value = attr(p, 'value') ?? p.children.find((c) => c.local === 'value')?.text;
      if (name !== undefined && value !== undefined) {
        properties.push({ name, value, location: attrLocation(p, 'value') });
      }
    }
    const id = attr(el, 'id') ?? attr(el, 'name') ?? null;
    const bean: SpringBean = { id, className, properties, element: el, referenced: false };
    this.ctx.allBeans.push(bean);
    if (id !== null) this.ctx.beans.set(id, bean);
  }

  private readPlaceholderConfigurer(el: XmlElement, file: string): void {
    let ignoreIfMissing = false;
    const locations: { value: string; at: SourceLocation }[] = [];
    for (const p of el.children) {
      if (p.uri !== NS.beans || p.local !== 'property') {
        this.ctx.warn(p.location, `${tag(p)} inside a placeholder configurer is ignored`);
        continue;
      }
      const name = attr(p, 'name') ?? '';
      const values = propertyValues(p);
      switch (name) {
        case 'location':
        case 'locations':
          locations.push(...values);
          break;
        case 'ignoreResourceNotFound':
          ignoreIfMissing = values[0]?.value.trim() === 'true';
          break;
        case 'ignoreUnresolvablePlaceholders':
          this.ctx.ignoreUnresolvable ||= values[0]?.value.trim() === 'true';
          break;
        case 'properties':
          for (const prop of p.children.flatMap((c) => (c.local === 'props' ? c.children : []))) {
            const key = attr(prop, 'key');
            if (key !== undefined) this.doc.inlineProperties.set(key, prop.text.trim());
          }
          break;
        default:
          this.ctx.warn(
            p.location,
            `placeholder configurer property "${name}" is not supported by TideMQ and is ignored`,
          );
      }
    }
    for (const l of locations) this.addLocation(l.value, l.at, file, ignoreIfMissing);
  }

  /** <context:property-placeholder location="a.properties,b.properties" ignore-resource-not-found=…/>. */
  private readContextPlaceholder(el: XmlElement, file: string): void {
    const ignoreIfMissing = attr(el, 'ignore-resource-not-found') === 'true';
    if (attr(el, 'ignore-unresolvable') === 'true') this.ctx.ignoreUnresolvable = true;
    for (const a of el.attributes) {
      if (
        ['location', 'ignore-resource-not-found', 'ignore-unresolvable'].includes(a.local) ||
        a.name.startsWith('xmlns')
      ) {
        continue;
      }
      this.ctx.warn(
        a.location,
        `attribute ${a.name} of <context:property-placeholder> is not supported by TideMQ and is ignored`,
      );
    }
    const location = attr(el, 'location');
    if (location === undefined) return;
    const at = attrLocation(el, 'location');
    // Spring splits this attribute on commas (StringUtils.commaDelimitedListToStringArray).
    for (const part of location.split(',')) {
      if (part.trim().length > 0) this.addLocation(part.trim(), at, file, ignoreIfMissing);
    }
  }

  private addLocation(raw: string, at: SourceLocation, file: string, ignoreIfMissing: boolean): void {
    const spec = resolvePlaceholders(raw.trim(), this.environment, at);
    // A relative location without a prefix is a classpath resource in ActiveMQ's Spring context (the conf
    // directory); an absolute path is taken as the file it names.
    const hasScheme = /^[a-z][a-z0-9+.*-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec);
    const resolved = hasScheme || path.isAbsolute(spec) ? spec : `classpath:${spec}`;
    this.doc.propertiesLocations.push({
      spec,
      path: this.resolveResource(resolved, path.dirname(file), at, 'properties file'),
      ignoreIfMissing,
      location: at,
    });
  }

  /**
   * A Spring resource location as a local path: `classpath:x` in the conf directory (ActiveMQ's launcher puts
   * it on the classpath); `file:/abs`, `file:///abs`, or a relative `file:x` (against the referring file's
   * folder); a plain path relative to the referring file (Spring's relative imports). Remote URLs are refused:
   * loading configuration over the network is how CVE-2026-34197-style attacks work.
   */
  private resolveResource(spec: string, baseDir: string, at: SourceLocation, what: string): string {
    const m = /^([a-z][a-z0-9+.*-]*):(.*)$/i.exec(spec);
    if (!m || /^[a-z]$/i.test(m[1]!)) return path.resolve(baseDir, spec); // no scheme, or a Windows drive letter
    const scheme = m[1]!.toLowerCase();
    const rest = m[2]!;
    if (scheme === 'classpath' || scheme === 'classpath*') {
      return path.resolve(this.confDir, rest.replace(/^\/+/, ''));
    }
    if (scheme === 'file') {
      const p = rest.startsWith('//') ? rest.replace(/^\/\/[^/]*/, '') : rest;
      return path.resolve(baseDir, decodeURIComponent(p));
    }
    throw new ConfigError(
      at,
      `${what} "${spec}": only file: and classpath: locations are supported; TideMQ never loads configuration from ${scheme}: URLs`,
    );
  }
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attributes.find((a) => a.uri === '' && a.local === name)?.value;
}

function attrLocation(el: XmlElement, name: string): SourceLocation {
  return el.attributes.find((a) => a.uri === '' && a.local === name)?.location ?? el.location;
}

function stripScheme(spec: string): string {
  return spec.replace(/^[a-z][a-z0-9+.*-]*:/i, '');
}

/** `<property value="…"/>`, `<property><value>…</value></property>` or `<property><list><value>…</value>…</list>`. */
function propertyValues(p: XmlElement): { value: string; at: SourceLocation }[] {
  const direct = attr(p, 'value');
  if (direct !== undefined) return [{ value: direct, at: attrLocation(p, 'value') }];
  const out: { value: string; at: SourceLocation }[] = [];
  for (const c of p.children) {
    if (c.local === 'value') out.push({ value: c.text.trim(), at: c.location });
    else if (c.local === 'list' || c.local === 'array' || c.local === 'set') {
      for (const v of c.children) if (v.local === 'value') out.push({ value: v.text.trim(), at: v.location });
    }
  }
  return out;
}
