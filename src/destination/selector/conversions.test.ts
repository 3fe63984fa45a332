/**
 * Type rules, as ActiveMQ 5.17's ComparisonExpression, ArithmeticExpression, UnaryExpression and
 * ConstantExpression apply them (each expectation was checked against the real activemq-client jar).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typed } from '../../model/properties.js';
import { parseSelector, type CompiledSelector } from './selector.js';
import { SelectorEvaluationError } from './values.js';
import { evaluate, message } from '../../../test/support/destination/selector/test-fixtures.js';

const m = message({
  byteProp: typed.byte(123),
  shortProp: typed.short(123),
  intProp: typed.int(123),
  longProp: typed.long(123n),
  floatProp: typed.float(123),
  doubleProp: typed.double(123),
  floatHalf: typed.float(1.5),
  doubleHalf: typed.double(1.5),
  name: typed.string('James'),
  charProp: typed.char('J'),
  trueProp: typed.boolean(true),
  falseProp: typed.boolean(false),
  maxInt: typed.int(2147483647),
  maxLong: typed.long(9223372036854775807n),
  nan: typed.double(NaN),
  zero: typed.double(0),
  negZero: typed.double(-0),
  bytesProp: typed.bytes(new Uint8Array([1])),
  s1: typed.string('1'),
});

const ev = (text: string): boolean | null => evaluate(text, m);

function evalError(text: string, pattern: RegExp): void {
  const sel = parseSelector(text) as CompiledSelector;
  assert.throws(
    () => sel.evaluate(m),
    (e: unknown) => e instanceof SelectorEvaluationError && pattern.test(e.message),
    text,
  );
  assert.equal(sel.matches(m), false, `${text} must not select when evaluation fails`);
}

test('numeric promotion follows the asymmetric table of ComparisonExpression.compare', () => {
  const order = ['byteProp', 'shortProp', 'intProp', 'longProp', 'floatProp', 'doubleProp'];
  // Row promotes to column only for: Byte->wider, Short->Integer and wider, Integer/Long/Float/Double
  // among themselves; a narrower right side (Byte, Short) is never promoted, so the answer is FALSE.
  const promotes = (l: number, r: number): boolean => l === r || l < r || (l >= 2 && r >= 2);
  for (let l = 0; l < order.length; l++) {
    for (let r = 0; r < order.length; r++) {
      const text = `${order[l]} = ${order[r]}`;
      if (order[l] === 'doubleProp' && order[r] === 'floatProp') {
        evalError(text, /Float cannot be cast to class java.lang.Double/);
        continue;
      }
      assert.equal(ev(text), promotes(l, r), text);
    }
  }
});

test('literals: an integer literal is an Integer, so it does not promote to a Byte or Short property', () => {
  assert.equal(ev('byteProp = 123'), true);
  assert.equal(ev('123 = byteProp'), false);
  assert.equal(ev('123.0 = shortProp'), false);
  assert.equal(ev('shortProp = 123.0'), true);
  assert.equal(ev('123 = intProp'), true);
  assert.equal(ev('123.0 = intProp'), true);
  assert.equal(ev('123 = longProp'), true);
  assert.equal(ev('longProp = 123.0'), true);
  assert.equal(ev('floatProp = 123L'), true);
  assert.equal(ev('floatHalf = 1.5'), true);
  evalError('1.5 = floatHalf', /cannot be cast/);
  evalError('doubleHalf = floatHalf', /cannot be cast/);
  assert.equal(ev('floatHalf = doubleHalf'), true);
  assert.equal(ev('byteProp < 124'), true);
  assert.equal(ev('shortProp > 122.5'), true);
  assert.equal(ev('1 = 1.0'), true);
});

test('different kinds compare FALSE, not unknown', () => {
  assert.equal(ev('name = 1'), false);
  assert.equal(ev('1 = name'), false);
  assert.equal(ev('NOT (name = 1)'), true);
  assert.equal(ev('s1 = 1'), false);
  assert.equal(ev('trueProp = 1'), false);
  assert.equal(ev('1 = TRUE'), false);
  assert.equal(ev("charProp = 'J'"), false, 'a Character is not a String');
  assert.equal(ev('name > charProp'), false);
  assert.equal(ev('intProp > name'), false);
  assert.equal(ev('NOT (intProp > name)'), true);
  assert.equal(ev('bytesProp = 1'), false);
  assert.equal(ev('bytesProp = bytesProp'), true, 'the same byte[] object');
  evalError('bytesProp > 1', /byte\[\] cannot be cast to class java.lang.Comparable/);
});

test('same-type ordering: strings by UTF-16 unit, booleans false < true, doubles as Double.compare', () => {
  const m2 = message({
    a: typed.string('abc'),
    b: typed.string('abd'),
    e: typed.string('\u{1F600}'),
    f: typed.string('\uFFFF'),
  });
  assert.equal(evaluate('a < b', m2), true);
  assert.equal(evaluate('b <= a', m2), false);
  assert.equal(evaluate('e < f', m2), true, 'a surrogate pair sorts below U+FFFF, as in Java');
  assert.equal(ev('trueProp > falseProp'), true);
  assert.equal(ev('nan = nan'), true);
  assert.equal(ev('nan > 1'), true);
  assert.equal(ev('negZero = zero'), false);
  assert.equal(ev('negZero < zero'), true);
});

test('equality with unknown sides follows EqualsExpression, including its asymmetry', () => {
  assert.equal(ev('missing1 = missing2'), true);
  assert.equal(ev('missing1 <> missing2'), false);
  assert.equal(ev("missing = 'x'"), null);
  assert.equal(ev("'x' = missing"), false);
  assert.equal(ev("'x' <> missing"), true);
  assert.equal(ev("missing <> 'x'"), null);
  assert.equal(ev('missing > 1'), null);
  assert.equal(ev('1 > missing'), null);
});

test('integer literals: int when they fit, long otherwise, BigDecimal past a long', () => {
  assert.equal(ev('0x1F = 31'), true);
  assert.equal(ev('0X1f = 31'), true);
  assert.equal(ev('0xFFFFFFFF = 4294967295'), true, 'hex is never negative: it is read as a long');
  assert.equal(ev('010 = 8'), true);
  assert.equal(ev('0 = 0'), true);
  assert.equal(ev('1L = 1'), true);
  assert.equal(ev('123l = intProp'), true);
  assert.equal(ev('019.5 = 19.5'), true, 'a leading zero before a point is a float, not octal');
  assert.equal(ev('9223372036854775807 = maxLong'), true);
  assert.equal(ev('-9223372036854775808 < 0'), true);
  assert.equal(ev('-9223372036854775808 = -9223372036854775807 - 1'), true);
  assert.equal(ev('9223372036854775808 > 1'), false, 'a BigDecimal compares with nothing but a BigDecimal');
  assert.equal(ev('99999999999999999999 = 99999999999999999999'), true);
  assert.equal(ev('99999999999999999999 + 0 = 1661992959'), true, 'BigDecimal arithmetic uses intValue()');
});

test('arithmetic: int and long wrap, / and % are double, + concatenates onto a string', () => {
  assert.equal(ev('maxInt + 1 = -2147483648'), true);
  assert.equal(ev('maxInt * 2 = -2'), true);
  assert.equal(ev('maxLong + 1 < 0'), true);
  assert.equal(ev('intProp / 2 = 61.5'), true);
  assert.equal(ev('intProp % 10 = 3'), true);
  assert.equal(ev('intProp / 0 > 1'), true, 'division by zero is Infinity');
  assert.equal(ev('0 / 0 = 0 / 0'), true, 'NaN equals NaN as a Double');
  assert.equal(ev('intProp % 0 = 0'), false);
  assert.equal(ev('byteProp + byteProp = 246'), true, 'Byte + Byte is an Integer');
  assert.equal(ev('byteProp * 1.5 = 184.5'), true);
  assert.equal(ev('floatHalf + 1 = 2.5'), true, 'Float arithmetic gives a Double');
  assert.equal(ev('longProp + 1 = 124'), true);
  assert.equal(ev('intProp - 0.5 = 122.5'), true);
  assert.equal(ev("name + 1 = 'James1'"), true);
  assert.equal(ev("name + TRUE = 'Jamestrue'"), true);
  assert.equal(ev("name + 1.5 = 'James1.5'"), true);
  assert.equal(ev("name + 1e10 = 'James1.0E10'"), true);
  assert.equal(ev("name + floatHalf = 'James1.5'"), true);
  assert.equal(ev("name + 0.0001 = 'James1.0E-4'"), true);
  assert.equal(ev("name + 12345678.9 = 'James1.23456789E7'"), true);
  assert.equal(ev("name + longProp = 'James123'"), true);
  assert.equal(ev("name + missing = 'James'"), null);
  evalError('1 + name = 2', /Cannot convert value: James into a number/);
  evalError('trueProp + 1 = 2', /Cannot call plus operation on: true and: 1/);
  evalError('name - 1 = 2', /Cannot call minus operation/);
});

test('unary minus: Integer, Long, Float, Double negate; Byte and Short throw; non-numbers are unknown', () => {
  assert.equal(ev('-intProp = -123'), true);
  assert.equal(ev('-(-intProp) = 123'), true);
  assert.equal(ev('- -1 = 1'), true);
  assert.equal(ev('-longProp = -123'), true);
  assert.equal(ev('-floatHalf = -1.5'), true);
  assert.equal(ev('-maxLong - 1 = -9223372036854775808'), true);
  assert.equal(ev('-name = 1'), null);
  assert.equal(ev('-trueProp = 1'), null);
  evalError('-byteProp = 1', /Don't know how to negate: 123/);
  evalError('-shortProp = 1', /Don't know how to negate/);
  assert.equal(ev("+name = 'James'"), true, 'unary plus changes nothing, not even a string');
});

test('a property used as a condition is a boolean cast: non-booleans are FALSE, missing is unknown', () => {
  assert.equal(ev('trueProp'), true);
  assert.equal(ev('falseProp'), false);
  assert.equal(ev('name'), false);
  assert.equal(ev('intProp'), false);
  assert.equal(ev('NOT intProp'), true);
  assert.equal(ev('missing'), null);
  assert.equal(ev('NOT missing'), null);
});

test('LIKE of a non-string is FALSE; IN of a non-string is unknown', () => {
  assert.equal(ev("intProp LIKE '1%'"), false);
  assert.equal(ev("intProp NOT LIKE '1%'"), true);
  assert.equal(ev("charProp LIKE 'J'"), false);
  assert.equal(ev("intProp IN ('123')"), null);
  assert.equal(ev("intProp NOT IN ('123')"), null);
  assert.equal(ev("s1 IN ('1', '2')"), true);
});

test('comparison results can themselves be compared with = (Boolean against Boolean)', () => {
  assert.equal(ev('(intProp = 123) = TRUE'), true);
  assert.equal(ev('intProp = 123 = TRUE'), true);
  assert.equal(ev('missing = 1 = TRUE'), null);
  assert.equal(ev('TRUE = FALSE'), false);
  assert.equal(ev("name LIKE 'J%' LIKE 'x'"), false, 'a Boolean is not a String');
});
