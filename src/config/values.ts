import type { AttributeType } from './schema/xsd-types.js';

/** A converted attribute value: booleans, numbers or strings by the schema type. */
export type TypedValue = string | number | boolean;

/** Thrown by {@link convertValue}; the caller adds where and what. `expected` describes the valid form. */
export class ValueFormatError extends Error {
  constructor(
    readonly kind: string,
    readonly expected: string,
  ) {
    super(`is not ${kind}; expected ${expected}`);
  }
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// Numbers are JavaScript doubles: whole numbers are exact up to 2^53 - 1; larger Java longs are refused.
const LONG_MAX = Number.MAX_SAFE_INTEGER;

// ActiveMQ's XBeanByteConverterUtil: digits, optional blanks, an optional unit k, m or g with an optional b,
// case-insensitive; each unit multiplies by 1024 (so "1 kb" = 1024 and "64 mb" = 67108864).
const SIZE = /^\s*(\d+)\s*([kmg]?)(b?)\s*$/i;
const UNIT_POWER: Record<string, number> = { '': 0, k: 1, m: 2, g: 3 };

/** Spring's CustomBooleanEditor, which Spring uses for every `boolean` bean property. */
const SPRING_TRUE = new Set(['true', 'on', 'yes', '1']);
const SPRING_FALSE = new Set(['false', 'off', 'no', '0']);

function wholeNumber(raw: string, min: number, max: number, kind: string): number {
  const expected = `a whole number from ${min} to ${max}`;
  const text = raw.trim();
  // Spring's NumberUtils.parseNumber: decimal, or hexadecimal with 0x, 0X or # (optionally signed).
  const hex = /^([+-]?)(?:0[xX]|#)([0-9a-fA-F]+)$/.exec(text);
  let n: number;
  if (hex) n = (hex[1] === '-' ? -1 : 1) * parseInt(hex[2]!, 16);
  else if (/^[+-]?\d+$/.test(text)) n = Number(text);
  else throw new ValueFormatError(kind, expected);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ValueFormatError(`${kind} in range`, expected);
  return n;
}

/** Converts an attribute's text to the type activemq.xsd (and ActiveMQ's property editors) give it. */
export function convertValue(type: AttributeType, raw: string): TypedValue {
  switch (type) {
    case 's':
    case 'id':
      return raw;
    case 'B': {
      // ActiveMQ's BooleanEditor: exactly true or false, any case, no blanks.
      const lower = raw.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new ValueFormatError('a boolean', 'true or false');
    }
    case 'b': {
      const lower = raw.trim().toLowerCase();
      if (SPRING_TRUE.has(lower)) return true;
      if (SPRING_FALSE.has(lower)) return false;
      throw new ValueFormatError('a boolean', 'true or false');
    }
    case 'i':
      return wholeNumber(raw, INT_MIN, INT_MAX, 'an integer');
    case 'h':
      return wholeNumber(raw, -32768, 32767, 'a short integer');
    case 'l':
      return wholeNumber(raw, -LONG_MAX, LONG_MAX, 'an integer');
    case 'd':
    case 'f': {
      const text = raw.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
        throw new ValueFormatError('a number', 'a decimal number such as 1.5');
      }
      return Number(text);
    }
    case 'z':
    case 'Z': {
      const expected = 'a size in bytes with an optional unit kb, mb or gb, such as "64 mb"';
      const m = SIZE.exec(raw);
      if (!m) throw new ValueFormatError('a size', expected);
      const n = Number(m[1]!) * 1024 ** UNIT_POWER[m[2]!.toLowerCase()]!;
      const max = type === 'Z' ? INT_MAX : LONG_MAX;
      if (!Number.isSafeInteger(n) || n > max) throw new ValueFormatError(`a size up to ${max} bytes`, expected);
      return n;
    }
  }
}
