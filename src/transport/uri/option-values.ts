import { BrokerError } from '../../util/errors.js';

/**
 * Typed parsing of one URI option value. ActiveMQ converts option strings with Java's parsers
 * (Integer.parseInt, Long.parseLong, Float.parseFloat, Boolean.parseBoolean) through IntrospectionSupport;
 * we accept the same spellings but are stricter where Java is silently lax: Boolean.parseBoolean turns any
 * typo into `false`, which hides mistakes such as `needClientAuth=ture`, so only true/false are accepted.
 */
export type OptionKind = 'boolean' | 'int' | 'long' | 'float' | 'string' | 'list';

export interface OptionSpec {
  readonly kind: OptionKind;
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
}

export type OptionValue = boolean | number | string | string[];

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
// Java's Long.MAX_VALUE is ActiveMQ's "unlimited" (e.g. OpenWire maxFrameSize); JavaScript numbers are exact
// only up to 2^53-1, which is already far beyond any frame or timeout we can honour, so larger longs clamp.
export const LONG_MAX_SAFE = Number.MAX_SAFE_INTEGER;

const integerText = /^[+-]?\d+$/;
// Float.parseFloat also accepts "1.5f", "1e3" and the like; plain decimal and exponent forms cover real configs.
const floatText = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/;

function invalid(name: string, raw: string, expected: string): BrokerError {
  return new BrokerError('ERR_CONFIG', `Invalid value for URI option '${name}': '${raw}' is not ${expected}`);
}

export function parseOptionValue(name: string, raw: string, spec: OptionSpec): OptionValue {
  switch (spec.kind) {
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw invalid(name, raw, 'a boolean (true or false)');
    }
    case 'int':
    case 'long': {
      const v = raw.trim();
      if (!integerText.test(v)) throw invalid(name, raw, spec.kind === 'int' ? 'an integer' : 'a whole number');
      let n = Number(v);
      if (spec.kind === 'int' && (n > INT_MAX || n < INT_MIN)) {
        throw invalid(name, raw, `an integer in Java's int range (${INT_MIN}..${INT_MAX})`);
      }
      if (spec.kind === 'long') {
        if (BigInt(v) > 9223372036854775807n || BigInt(v) < -9223372036854775808n) {
          throw invalid(name, raw, "a whole number in Java's long range");
        }
        if (n > LONG_MAX_SAFE) n = LONG_MAX_SAFE;
        if (n < -LONG_MAX_SAFE) n = -LONG_MAX_SAFE;
      }
      checkBounds(name, raw, n, spec);
      return n;
    }
    case 'float': {
      const v = raw.trim();
      if (!floatText.test(v)) throw invalid(name, raw, 'a number');
      const n = Number.parseFloat(v);
      if (!Number.isFinite(n)) throw invalid(name, raw, 'a finite number');
      checkBounds(name, raw, n, spec);
      return n;
    }
    case 'string':
      return raw;
    case 'list': {
      // ActiveMQ's StringArrayConverter splits on commas; blanks around names are dropped.
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (items.length === 0) throw invalid(name, raw, 'a non-empty comma-separated list');
      return items;
    }
  }
}

function checkBounds(name: string, raw: string, n: number, spec: OptionSpec): void {
  if (spec.min !== undefined && n < spec.min) throw invalid(name, raw, `at least ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw invalid(name, raw, `at most ${spec.max}`);
}
