import fs from 'node:fs';
import path from 'node:path';
import type { BrokerConfig } from './broker-config.js';
import { ConfigError, type ConfigWarning, type SourceLocation } from './config-error.js';
import { EncryptedValueError, LoadContext, tag } from './load-context.js';
import type { PropertyLookup } from './placeholders.js';
import { parseProperties } from './properties-file.js';
import { readBroker } from './sections/broker.js';
import { SpringReader } from './spring.js';
import { decryptValue, isEncryptedValue, JasyptError, MASTER_PASSWORD_ENV } from '../util/jasypt.js';
import { parseXml, XML_LIMITS, type XmlElement } from './xml/xml-tree.js';

export interface LoadOptions {
  /**
   * Explicit properties, as the CLI's `-Dname=value` pairs; they win over properties files and the
   * environment. activemq.base, activemq.conf, activemq.data and activemq.home default from ACTIVEMQ_BASE, …
   * in the environment, then from the file's place (see {@link defaultActiveMQProperties}).
   */
  readonly properties?: Readonly<Record<string, string>>;
  /** The environment placeholders fall back to; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Refuse anything TideMQ would ignore (each warning becomes an error). */
  readonly strict?: boolean;
  /** Directory relative data directories resolve against; process.cwd() by default, as Java's File does. */
  readonly cwd?: string;
}

export interface LoadResult {
  readonly config: BrokerConfig;
  /** What TideMQ accepted but ignores, in file order; empty in strict mode (those are errors there). */
  readonly warnings: ConfigWarning[];
  /** Every file read: the configuration, its imports, and the properties files. */
  readonly files: string[];
}

/**
 * The activemq.* properties ActiveMQ's launcher (bin/activemq) passes as system properties, with its rules:
 * each comes from its environment variable when set (ACTIVEMQ_HOME, ACTIVEMQ_BASE, ACTIVEMQ_CONF, ACTIVEMQ_DATA);
 * otherwise activemq.home is the folder above the configuration's when that folder is named "conf" (the layout
 * of ActiveMQ's distribution), else the working directory (the launcher's home is its install folder, which a
 * file in /etc is not); activemq.base defaults to activemq.home, as in the launcher; activemq.conf to the
 * configuration's folder (where classpath: resources are found); activemq.data to `<base>/data`.
 * So Debian's /etc/activemq/instances-available/main/activemq.xml, whose dataDirectory is
 * `${activemq.base}/data`, writes under ACTIVEMQ_BASE or the working directory, never under /etc.
 */
export function defaultActiveMQProperties(
  configFile: string,
  env: Readonly<Record<string, string | undefined>> = {},
  cwd: string = process.cwd(),
): Record<string, string> {
  const fromEnv = (name: string): string | undefined => {
    const v = env[name];
    return v !== undefined && v !== '' ? path.resolve(cwd, v) : undefined;
  };
  const folder = path.dirname(path.resolve(cwd, configFile));
  const home = fromEnv('ACTIVEMQ_HOME') ?? (path.basename(folder) === 'conf' ? path.dirname(folder) : cwd);
  const base = fromEnv('ACTIVEMQ_BASE') ?? home;
  return {
    'activemq.conf': fromEnv('ACTIVEMQ_CONF') ?? folder,
    'activemq.base': base,
    'activemq.home': home,
    'activemq.data': fromEnv('ACTIVEMQ_DATA') ?? path.join(base, 'data'),
  };
}

/**
 * Loads an ActiveMQ activemq.xml (Spring <beans> wrapper or a bare <broker>) with its imports and properties
 * files into a BrokerConfig. All or nothing: any problem throws a ConfigError whose message starts with
 * file:line:col, and no partial configuration is returned.
 */
export function loadBrokerConfig(file: string, options: LoadOptions = {}): LoadResult {
  const main = path.resolve(options.cwd ?? process.cwd(), file);
  return load(main, null, options);
}

/**
 * Loads a configuration given as text (tests, embedded brokers); `fileName` names it in messages and
 * anchors relative imports and the activemq.* defaults.
 */
export function loadBrokerConfigText(text: string, fileName: string, options: LoadOptions = {}): LoadResult {
  const main = path.resolve(options.cwd ?? process.cwd(), fileName);
  return load(main, text, options);
}

/** ActiveMQ's defaults, as for `<broker/>` with nothing in it. */
export function defaultBrokerConfig(cwd: string = process.cwd()): BrokerConfig {
  const text = '<broker xmlns="http://activemq.apache.org/schema/core"/>';
  const config = loadBrokerConfigText(text, path.join(cwd, 'default.xml'), { cwd, env: {} }).config;
  return { ...config, source: null };
}

function load(main: string, text: string | null, options: LoadOptions): LoadResult {
  const env = options.env ?? process.env;
  const launcher = defaultActiveMQProperties(main, env, options.cwd ?? process.cwd());
  const explicit = new Map(Object.entries({ ...launcher, ...options.properties }));
  const envLookup: PropertyLookup = (name) => lookupEnv(env, name);
  const environment: PropertyLookup = (name) => explicit.get(name) ?? envLookup(name);

  const fileProps = new Map<string, string>();
  const lookup: PropertyLookup = (name) => {
    const v = explicit.get(name) ?? fileProps.get(name);
    if (v !== undefined) {
      if (!explicit.has(name) && isEncryptedValue(v)) return decryptProperty(name, v);
      return v;
    }
    return envLookup(name);
  };
  // Jasypt's EncryptablePropertyPlaceholderConfigurer decrypts ENC(…) values from its properties files with the
  // master password its EnvironmentStringPBEConfig reads from the environment (ActiveMQ's example names
  // ACTIVEMQ_ENCRYPTION_PASSWORD). Only PBEWithMD5AndDES, Jasypt's and ActiveMQ's default, is implemented.
  const decryptProperty = (name: string, value: string): string => {
    let envName = MASTER_PASSWORD_ENV;
    for (const bean of ctx.allBeans) {
      if (bean.className !== 'org.jasypt.encryption.pbe.config.EnvironmentStringPBEConfig') continue;
      envName = bean.properties.find((p) => p.name === 'passwordEnvName')?.value ?? envName;
      const algorithm = bean.properties.find((p) => p.name === 'algorithm')?.value;
      if (algorithm !== undefined && algorithm !== 'PBEWithMD5AndDES') {
        throw new EncryptedValueError(name, envName, `algorithm ${algorithm} is not supported (only PBEWithMD5AndDES)`);
      }
    }
    const master = Object.hasOwn(env, envName) ? env[envName] : undefined;
    if (master === undefined || master === '') throw new EncryptedValueError(name, envName, null);
    try {
      return decryptValue(value, master);
    } catch (e) {
      if (e instanceof JasyptError) throw new EncryptedValueError(name, envName, e.message);
      throw e;
    }
  };
  const ctx = new LoadContext(options.strict ?? false, lookup, options.cwd ?? process.cwd());

  const parse = (file: string, from: SourceLocation | null): XmlElement =>
    parseXml(file === main && text !== null ? text : readText(file, from), file);
  const spring = new SpringReader(ctx, parse, environment, explicit.get('activemq.conf')!);
  const doc = spring.readMain(main);

  // Inline <props> first so that files override them (Spring's localOverride=false), later files win.
  for (const [k, v] of doc.inlineProperties) fileProps.set(k, v);
  const files = [...doc.files];
  for (const loc of doc.propertiesLocations) {
    let content: string;
    try {
      content = fs.readFileSync(loc.path, 'latin1');
    } catch (e) {
      if (loc.ignoreIfMissing && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ConfigError(
        loc.location,
        `cannot read properties file ${loc.path} (from "${loc.spec}"): ${errnoText(e)}`,
      );
    }
    files.push(loc.path);
    for (const [k, v] of parseProperties(content, loc.path)) fileProps.set(k, v);
  }

  const config = readBroker(ctx, doc.broker!, main);
  for (const bean of ctx.allBeans) {
    // The Jasypt encryptor and its configuration are what the decryption above stands for.
    if (bean.referenced || bean.className?.startsWith('org.jasypt.encryption.')) continue;
    const what = bean.className ? `class ${bean.className}` : 'without a class';
    ctx.warn(
      bean.element.location,
      `Spring ${tag(bean.element)} ${bean.id ? `"${bean.id}" ` : ''}(${what}) is ignored: TideMQ runs no Java beans`,
    );
  }
  const order = new Map(files.map((f, i) => [f, i]));
  const warnings = [...ctx.warnings].sort(
    (a, b) =>
      (order.get(a.location.file) ?? 0) - (order.get(b.location.file) ?? 0) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
  const first = warnings[0];
  if (ctx.strict && first) {
    // Reported once everything is read, so the error names the first ignored part in file order.
    const more = warnings.length > 1 ? `; ${warnings.length - 1} more` : '';
    throw new ConfigError(first.location, `${first.message} (strict mode refuses what TideMQ would ignore${more})`);
  }
  return { config, warnings, files };
}

/**
 * An environment variable for a placeholder: the exact name first, then the forms Spring's
 * SystemEnvironmentPropertySource also tries (dots and hyphens as underscores, then upper case), so
 * ${activemq.data} finds ACTIVEMQ_DATA.
 */
function lookupEnv(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const underscored = name.replace(/[.-]/g, '_');
  for (const candidate of [name, underscored, underscored.toUpperCase()]) {
    const v = Object.hasOwn(env, candidate) ? env[candidate] : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Reads a configuration file, bounded, decoded per its XML declaration (UTF-8 unless it says ISO-8859-1). */
function readText(file: string, from: SourceLocation | null): string {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > XML_LIMITS.maxChars * 4) {
      throw new ConfigError(
        from,
        `${file} is ${size} bytes; configuration files are limited to ${XML_LIMITS.maxChars} characters`,
      );
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(from, `cannot read ${file}: ${errnoText(e)}`);
  }
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === 'iso-8859-1' || declared === 'latin1' || declared === 'us-ascii') return bytes.toString('latin1');
  if (declared !== undefined && declared !== 'utf-8' && declared !== 'utf8') {
    throw new ConfigError(
      { file, line: 1, column: 1 },
      `encoding "${declared}" is not supported; save the file as UTF-8`,
    );
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'EISDIR') return 'it is a directory';
  return err.message ?? String(e);
}
