import { PropertyType, type TypedValue } from '../../model/properties.js';

/**
 * Values as the selector evaluator sees them: a message property exactly as stored (a TypedValue), a
 * constant from the selector text, or a value the evaluator computed into a node's own scratch object
 * (so evaluation allocates nothing). The tags are the model's PropertyType codes, because the rules
 * below are ActiveMQ's rules for Java's boxed types (Byte, Short, Integer, Long, Float, Double, String,
 * Character, Boolean) and the model keeps exactly that type information.
 *
 * JS `null` is the SQL "unknown" (a missing property, a property set to null, NULL).
 */
export interface Val {
  type: ValType;
  value: unknown;
}

/**
 * A decimal literal too large for a Java long. ActiveMQ keeps it as a java.math.BigDecimal
 * (ConstantExpression.createFromDecimal); it only ever holds an integer, so a bigint is enough.
 */
export const BIG_DECIMAL = 100;

/** A Val's tag: a PropertyType, BIG_DECIMAL, or -1 for convert-strings' NOT_CONVERTIBLE marker. */
export type ValType = PropertyType | typeof BIG_DECIMAL | -1;

/** Evaluation failed the way ActiveMQ's evaluator throws (a RuntimeException or ClassCastException). */
export class SelectorEvaluationError extends Error {
  override readonly name = 'SelectorEvaluationError';
}

export const TRUE_VAL: Val = Object.freeze({ type: PropertyType.Boolean, value: true });
export const FALSE_VAL: Val = Object.freeze({ type: PropertyType.Boolean, value: false });

/** compareValues' answer when ActiveMQ's ComparisonExpression.compare gives up and returns FALSE. */
export const INCOMPARABLE = 2;

const LONG_MIN = -(2n ** 63n);

export function isNumeric(t: ValType): boolean {
  return (
    t === PropertyType.Byte ||
    t === PropertyType.Short ||
    t === PropertyType.Int ||
    t === PropertyType.Long ||
    t === PropertyType.Float ||
    t === PropertyType.Double ||
    t === BIG_DECIMAL
  );
}

/** byte[], Map and List are not java.lang.Comparable; every other property type is. */
export function isComparable(t: ValType): boolean {
  return t !== PropertyType.Bytes && t !== PropertyType.Map && t !== PropertyType.List;
}

export function typeName(t: ValType): string {
  switch (t) {
    case PropertyType.Boolean:
      return 'Boolean';
    case PropertyType.Byte:
      return 'Byte';
    case PropertyType.Char:
      return 'Character';
    case PropertyType.Short:
      return 'Short';
    case PropertyType.Int:
      return 'Integer';
    case PropertyType.Long:
      return 'Long';
    case PropertyType.Double:
      return 'Double';
    case PropertyType.Float:
      return 'Float';
    case PropertyType.String:
      return 'String';
    case PropertyType.Bytes:
      return 'byte[]';
    case PropertyType.Map:
      return 'Map';
    case PropertyType.List:
      return 'List';
    case BIG_DECIMAL:
      return 'BigDecimal';
    default:
      return 'null';
  }
}

/** Double.compare / Float.compare: NaN is above everything and equal to itself, -0.0 is below 0.0. */
export function compareDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  if (a === 0 && b === 0) {
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  return 0;
}

function cmp(a: number | bigint | string, b: number | bigint | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const n = (v: Val): number => v.value as number;
const big = (v: Val): bigint => v.value as bigint;

function classCast(from: Val, to: string): SelectorEvaluationError {
  return new SelectorEvaluationError(`class ${typeName(from.type)} cannot be cast to class ${to}`);
}

/** compareTo between two values of the same Java class. */
function compareSame(l: Val, r: Val): number {
  switch (l.type) {
    case PropertyType.Boolean:
      return l.value === r.value ? 0 : l.value === true ? 1 : -1;
    case PropertyType.Byte:
    case PropertyType.Short:
    case PropertyType.Int:
      return cmp(n(l), n(r));
    case PropertyType.Long:
    case BIG_DECIMAL:
      return cmp(big(l), big(r));
    case PropertyType.Float:
    case PropertyType.Double:
      return compareDouble(n(l), n(r));
    case PropertyType.String:
    case PropertyType.Char:
      // String.compareTo and Character.compareTo order by UTF-16 code unit, as JS `<` does.
      return cmp(l.value as string, r.value as string);
    default:
      throw classCast(l, 'java.lang.Comparable');
  }
}

/**
 * ActiveMQ's ComparisonExpression.compare: values of different classes are promoted only along the
 * pairs it lists (note the asymmetry: a Byte property compared with an Integer literal is promoted, an
 * Integer compared with a Byte is not); any other mix answers INCOMPARABLE, which the caller turns into
 * FALSE (not unknown). Double against Float ends in a ClassCastException in ActiveMQ 5.17 (it narrows
 * the Float side and then calls Double.compareTo); that becomes an evaluation error here.
 */
export function compareValues(l: Val, r: Val): number {
  const lt = l.type;
  const rt = r.type;
  if (lt === rt) return compareSame(l, r);
  switch (lt) {
    case PropertyType.Byte:
    case PropertyType.Short:
      if (lt === PropertyType.Byte && rt === PropertyType.Short) return cmp(n(l), n(r));
      if (rt === PropertyType.Int) return cmp(n(l), n(r));
      if (rt === PropertyType.Long) return cmp(BigInt(n(l)), big(r));
      if (rt === PropertyType.Float || rt === PropertyType.Double) return compareDouble(n(l), n(r));
      return INCOMPARABLE;
    case PropertyType.Int:
      if (rt === PropertyType.Long) return cmp(BigInt(n(l)), big(r));
      if (rt === PropertyType.Float) return compareDouble(Math.fround(n(l)), n(r));
      if (rt === PropertyType.Double) return compareDouble(n(l), n(r));
      return INCOMPARABLE;
    case PropertyType.Long:
      if (rt === PropertyType.Int) return cmp(big(l), BigInt(n(r)));
      if (rt === PropertyType.Float) return compareDouble(Math.fround(Number(big(l))), n(r));
      if (rt === PropertyType.Double) return compareDouble(Number(big(l)), n(r));
      return INCOMPARABLE;
    case PropertyType.Float:
      if (rt === PropertyType.Int) return compareDouble(n(l), Math.fround(n(r)));
      if (rt === PropertyType.Long) return compareDouble(n(l), Math.fround(Number(big(r))));
      if (rt === PropertyType.Double) return compareDouble(n(l), n(r));
      return INCOMPARABLE;
    case PropertyType.Double:
      if (rt === PropertyType.Int) return compareDouble(n(l), n(r));
      if (rt === PropertyType.Long) return compareDouble(n(l), Number(big(r)));
      if (rt === PropertyType.Float) throw classCast(r, 'java.lang.Double');
      return INCOMPARABLE;
    default:
      return INCOMPARABLE;
  }
}

/** Object.equals between two values of the same class. */
function equalsSame(l: Val, r: Val): boolean {
  switch (l.type) {
    case PropertyType.Float:
    case PropertyType.Double:
      // Double.equals compares bit patterns: NaN equals NaN, 0.0 does not equal -0.0.
      return compareDouble(n(l), n(r)) === 0;
    case PropertyType.Map:
    case PropertyType.List:
      return deepEquals(l as TypedValue, r as TypedValue);
    default:
      // byte[] equality is identity in Java, which `===` on the Uint8Array also is.
      return l.value === r.value;
  }
}

function deepEquals(a: TypedValue, b: TypedValue): boolean {
  if (a.type !== b.type) return false;
  if (a.type === PropertyType.Map && b.type === PropertyType.Map) {
    if (a.value.size !== b.value.size) return false;
    for (const [k, v] of a.value) {
      const w = b.value.get(k);
      if (w === undefined || !deepEquals(v, w)) return false;
    }
    return true;
  }
  if (a.type === PropertyType.List && b.type === PropertyType.List) {
    if (a.value.length !== b.value.length) return false;
    return a.value.every((v, i) => deepEquals(v, b.value[i]!));
  }
  if (a.type === PropertyType.Null) return true;
  return equalsSame(a, b);
}

/**
 * ActiveMQ's EqualsExpression: both sides unknown is TRUE, only the left unknown is unknown, only the
 * right unknown is FALSE (so `'x' <> missing` is TRUE while `missing <> 'x'` is unknown). Otherwise
 * equal objects are TRUE and comparable ones are compared with the promotion rules above.
 */
export function equalsValues(l: Val | null, r: Val | null): boolean | null {
  if (l === null) return r === null ? true : null;
  if (r === null) return false;
  if (l === r) return true;
  if (l.type === r.type) return equalsSame(l, r);
  if (!isComparable(l.type) || !isComparable(r.type)) return false;
  return compareValues(l, r) === 0;
}

// --- arithmetic (ArithmeticExpression) ---------------------------------------------------------------

const enum Kind {
  Int,
  Long,
  Double,
}

/** ArithmeticExpression.numberType: Float or Double wins, then Long, else int (Byte, Short, BigDecimal). */
function kindOf(l: Val, r: Val): Kind {
  const lt = l.type;
  const rt = r.type;
  if (
    lt === PropertyType.Float ||
    lt === PropertyType.Double ||
    rt === PropertyType.Float ||
    rt === PropertyType.Double
  ) {
    return Kind.Double;
  }
  if (lt === PropertyType.Long || rt === PropertyType.Long) return Kind.Long;
  return Kind.Int;
}

/** Number.intValue(): a BigDecimal keeps its low 32 bits, as BigInteger.intValue does. */
function intValue(v: Val): number {
  return v.type === BIG_DECIMAL || v.type === PropertyType.Long ? Number(BigInt.asIntN(32, big(v))) : n(v);
}

function longValue(v: Val): bigint {
  return v.type === BIG_DECIMAL || v.type === PropertyType.Long ? BigInt.asIntN(64, big(v)) : BigInt(n(v));
}

function doubleValue(v: Val): number {
  return v.type === BIG_DECIMAL || v.type === PropertyType.Long ? Number(big(v)) : n(v);
}

export type ArithOp = '+' | '-' | '*' | '/' | '%';

function opName(op: ArithOp): string {
  return { '+': 'plus', '-': 'minus', '*': 'multiply', '/': 'divide', '%': 'mod' }[op];
}

/**
 * One arithmetic step with Java's rules, written into `out`: int and long wrap on overflow, division and
 * modulo are always done in double (ActiveMQ's divide/mod use doubleValue()), and `+` with a String on
 * the left concatenates the right side's Java toString. Non-numeric operands throw, as ActiveMQ does.
 */
export function arithmetic(op: ArithOp, l: Val, r: Val, out: Val): Val {
  if (op === '+' && l.type === PropertyType.String) {
    out.type = PropertyType.String;
    out.value = (l.value as string) + javaToString(r);
    return out;
  }
  if (!isNumeric(l.type)) {
    throw new SelectorEvaluationError(`Cannot call ${opName(op)} operation on: ${describe(l)} and: ${describe(r)}`);
  }
  if (!isNumeric(r.type)) throw new SelectorEvaluationError(`Cannot convert value: ${describe(r)} into a number`);
  if (op === '/' || op === '%') {
    out.type = PropertyType.Double;
    out.value = op === '/' ? doubleValue(l) / doubleValue(r) : doubleValue(l) % doubleValue(r);
    return out;
  }
  switch (kindOf(l, r)) {
    case Kind.Int: {
      const a = intValue(l);
      const b = intValue(r);
      out.type = PropertyType.Int;
      out.value = op === '+' ? (a + b) | 0 : op === '-' ? (a - b) | 0 : Math.imul(a, b);
      return out;
    }
    case Kind.Long: {
      const a = longValue(l);
      const b = longValue(r);
      out.type = PropertyType.Long;
      out.value = BigInt.asIntN(64, op === '+' ? a + b : op === '-' ? a - b : a * b);
      return out;
    }
    case Kind.Double: {
      const a = doubleValue(l);
      const b = doubleValue(r);
      out.type = PropertyType.Double;
      out.value = op === '+' ? a + b : op === '-' ? a - b : a * b;
      return out;
    }
  }
}

/**
 * UnaryExpression.createNegate: Integer, Long, Float and Double negate in their own type; a BigDecimal
 * literal that negates to Long.MIN_VALUE becomes a Long (that is how `-9223372036854775808` is read);
 * Byte and Short throw ("Don't know how to negate"); anything that is not a number is unknown.
 */
export function negate(v: Val, out: Val): Val | null {
  switch (v.type) {
    case PropertyType.Int:
      out.type = PropertyType.Int;
      out.value = -n(v) | 0;
      return out;
    case PropertyType.Long:
      out.type = PropertyType.Long;
      out.value = BigInt.asIntN(64, -big(v));
      return out;
    case PropertyType.Float:
    case PropertyType.Double:
      out.type = v.type;
      out.value = -n(v);
      return out;
    case BIG_DECIMAL: {
      const x = -big(v);
      out.type = x === LONG_MIN ? PropertyType.Long : BIG_DECIMAL;
      out.value = x;
      return out;
    }
    case PropertyType.Byte:
    case PropertyType.Short:
      throw new SelectorEvaluationError(`Don't know how to negate: ${describe(v)}`);
    default:
      return null;
  }
}

function describe(v: Val): string {
  switch (v.type) {
    case PropertyType.Bytes:
    case PropertyType.Map:
    case PropertyType.List:
      return typeName(v.type);
    default:
      return javaToString(v);
  }
}

/** String.valueOf(x) for the value types a selector can produce (used by `'text' + x`). */
export function javaToString(v: Val): string {
  switch (v.type) {
    case PropertyType.Double:
      return javaDoubleToString(n(v), false);
    case PropertyType.Float:
      return javaDoubleToString(n(v), true);
    case PropertyType.Long:
    case BIG_DECIMAL:
      return big(v).toString();
    case PropertyType.Bytes:
    case PropertyType.Map:
    case PropertyType.List:
      // Java would print an identity hash ("[B@1b6d3586") or the collection; neither is worth matching.
      throw new SelectorEvaluationError(`Cannot concatenate a ${typeName(v.type)} value to a string`);
    default:
      return String(v.value);
  }
}

/**
 * Double.toString / Float.toString: the shortest digits that read back to the same value, written
 * plainly with at least one fraction digit when 10^-3 <= |d| < 10^7, and as `d.dddE±n` otherwise.
 */
export function javaDoubleToString(d: number, isFloat: boolean): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const abs = Math.abs(d);
  let exp = abs.toExponential();
  if (isFloat) {
    for (let p = 1; p <= 9; p++) {
      const s = abs.toExponential(p - 1);
      if (Math.fround(Number(s)) === abs) {
        exp = s;
        break;
      }
    }
  }
  const [mantissa = '0', e = '0'] = exp.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const e10 = Number(e);
  if (abs >= 1e-3 && abs < 1e7) {
    if (e10 >= 0) {
      const intPart = digits.slice(0, e10 + 1).padEnd(e10 + 1, '0');
      const frac = digits.slice(e10 + 1) || '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-e10 - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${e10}`;
}
