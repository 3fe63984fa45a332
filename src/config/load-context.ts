import { ConfigError, type ConfigWarning, type SourceLocation } from './config-error.js';
import { resolvePlaceholders, type PropertyLookup } from './placeholders.js';
import type { XmlElement } from './xml/xml-tree.js';

/** A Spring <bean> outside the broker, kept so ActiveMQ elements can refer to it (`dataSource="#ds"`). */
export interface SpringBean {
  readonly id: string | null;
  readonly className: string | null;
  /** Simple `<property name= value=>` / `<property name=><value>…</value></property>` values, as written. */
  readonly properties: readonly { name: string; value: string; location: SourceLocation }[];
  readonly element: XmlElement;
  /** Set when an ActiveMQ element uses the bean, which then needs no "ignored" warning. */
  referenced: boolean;
}

export const NS = {
  activemq: 'http://activemq.apache.org/schema/core',
  beans: 'http://www.springframework.org/schema/beans',
  context: 'http://www.springframework.org/schema/context',
  xmlns: 'http://www.w3.org/2000/xmlns/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

/**
 * What every part of one load shares: the placeholder sources, the warnings collected so far, strict mode,
 * the Spring beans found, and the directory relative paths are resolved against.
 */
export class LoadContext {
  readonly warnings: ConfigWarning[] = [];
  readonly beans = new Map<string, SpringBean>();
  /** Beans without an id, or not yet known to be used; warned about at the end unless referenced. */
  readonly allBeans: SpringBean[] = [];
  ignoreUnresolvable = false;

  constructor(
    readonly strict: boolean,
    /** explicit properties, then properties files, then the environment (the loader fills the middle one). */
    readonly lookup: PropertyLookup,
    /** Directory relative data directories resolve against (the process's working directory, as in Java). */
    readonly cwd: string,
  ) {}

  /** Records something TideMQ accepts but ignores; the loader turns these into an error in strict mode. */
  warn(at: SourceLocation, message: string): void {
    this.warnings.push({ location: at, message });
  }

  resolve(value: string, at: SourceLocation): string {
    try {
      return resolvePlaceholders(value, this.lookup, at, { ignoreUnresolvable: this.ignoreUnresolvable });
    } catch (e) {
      if (e instanceof EncryptedValueError) {
        throw new ConfigError(
          at,
          e.reason !== null
            ? `property ${e.property} is Jasypt-encrypted (ENC(…)) and cannot be decrypted: ${e.reason}`
            : `property ${e.property} is Jasypt-encrypted (ENC(…)) and no master password is set: set the ` +
                `environment variable ${e.envName} (as for ActiveMQ), or give the plain value in the properties ` +
                `file, with -D${e.property}=…, or in the environment`,
        );
      }
      throw e;
    }
  }
}

/** Thrown by a property lookup that found an `ENC(…)` value (Jasypt's EncryptablePropertyPlaceholderConfigurer). */
export class EncryptedValueError extends Error {
  constructor(
    readonly property: string,
    /** The environment variable the master password is read from. */
    readonly envName: string,
    /** Why decryption failed; null when there is no master password. */
    readonly reason: string | null,
  ) {
    super(`property ${property} is encrypted`);
  }
}

/** `<name>` as users wrote it, for messages. */
export function tag(el: XmlElement): string {
  return `<${el.name}>`;
}

/** True for an element of ActiveMQ's XBean namespace (or of no namespace, as in a bare <broker> file). */
export function isActiveMQ(el: XmlElement): boolean {
  return el.uri === NS.activemq || el.uri === '';
}
