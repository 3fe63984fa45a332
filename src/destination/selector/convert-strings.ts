import { PropertyType } from '../../model/properties.js';
import type { Val } from './values.js';

/**
 * ActiveMQ's `convert_string_expressions:` selector prefix, which its STOMP converter puts in front of every
 * STOMP subscription selector: STOMP headers are text, so `count > 5` must compare the header "7" as a
 * number. With it, a comparison between a String and a Boolean or number first converts the String to the
 * other side's type (ComparisonExpression with convertStringExpressions); text that does not parse makes the
 * comparison FALSE, as Java's NumberFormatException does there.
 */
export const CONVERT_STRING_EXPRESSIONS_PREFIX = 'convert_string_expressions:';

/** A marker for "the string did not convert": the comparison is FALSE. */
export const NOT_CONVERTIBLE: Val = { type: -1, value: null };

/** Converts `s` (a String value) to the type of `other`, or returns it unchanged when no conversion applies. */
export function convertStringTo(s: Val, other: Val): Val {
  if (s.type !== PropertyType.String || other.type === PropertyType.String) return s;
  const text = s.value as string;
  switch (other.type) {
    case PropertyType.Boolean:
      // Boolean.valueOf: "true" in any case is true, anything else false.
      return { type: PropertyType.Boolean, value: text.toLowerCase() === 'true' };
    case PropertyType.Byte:
    case PropertyType.Short:
    case PropertyType.Int: {
      const limit = other.type === PropertyType.Byte ? 0x80 : other.type === PropertyType.Short ? 0x8000 : 0x80000000;
      if (!/^[-+]?\d+$/.test(text)) return NOT_CONVERTIBLE;
      const n = Number(text);
      return n >= -limit && n < limit ? { type: other.type, value: n } : NOT_CONVERTIBLE;
    }
    case PropertyType.Long: {
      if (!/^[-+]?\d+$/.test(text)) return NOT_CONVERTIBLE;
      const n = BigInt(text);
      return n >= -(2n ** 63n) && n < 2n ** 63n ? { type: PropertyType.Long, value: n } : NOT_CONVERTIBLE;
    }
    case PropertyType.Float:
    case PropertyType.Double: {
      // Float/Double.valueOf accept decimal and exponent forms (and a trailing f/d), not hex here.
      if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fFdD]?\s*$/.test(text) && !/^[-+]?(NaN|Infinity)$/.test(text)) {
        return NOT_CONVERTIBLE;
      }
      const n = Number(text.replace(/[fFdD]\s*$/, ''));
      return { type: other.type, value: other.type === PropertyType.Float ? Math.fround(n) : n };
    }
    default:
      return s;
  }
}
