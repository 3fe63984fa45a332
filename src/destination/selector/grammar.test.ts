import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typed } from '../../model/properties.js';
import { isBrokerError } from '../../util/errors.js';
import { SELECTOR_MAX_DEPTH, SELECTOR_MAX_LENGTH } from './parser.js';
import { isBlankSelector, parseOptionalSelector, parseSelector } from './selector.js';
import { evaluate, message } from '../../../test/support/destination/selector/test-fixtures.js';

const m = message({
  a: typed.int(1),
  b: typed.int(2),
  c: typed.int(3),
  s: typed.string('x'),
  t: typed.boolean(true),
  f: typed.boolean(false),
  $d: typed.int(4),
  _u: typed.int(5),
  A: typed.int(10),
});
const ev = (text: string): boolean | null => evaluate(text, m);

/** Asserts the selector is refused and returns the error message. */
function refuse(text: string): string {
  try {
    parseSelector(text);
  } catch (e) {
    assert.ok(isBrokerError(e), `${text}: ${String(e)}`);
    assert.equal(e.code, 'ERR_SELECTOR_INVALID');
    assert.equal(e.javaClassName, 'javax.jms.InvalidSelectorException');
    return e.message;
  }
  assert.fail(`should be invalid: ${text}`);
}

test('every construct parses and evaluates', () => {
  const cases: [string, boolean | null][] = [
    ['a = 1', true],
    ['a <> 1', false],
    ['a < 2 AND a <= 1 AND b > 1 AND b >= 2', true],
    ['a BETWEEN 1 AND 2', true],
    ['a NOT BETWEEN 1 AND 2', false],
    ['a BETWEEN b - 1 AND b * 2', true],
    ["s IN ('x', 'y')", true],
    ["s NOT IN ('x', 'y')", false],
    ["s LIKE 'x'", true],
    ["s NOT LIKE '_'", false],
    ["s LIKE 'x!%' ESCAPE '!'", false],
    ['s IS NULL', false],
    ['s IS NOT NULL', true],
    ['a + b * c = 7', true],
    ['(a + b) * c = 9', true],
    ['c - b - a = 0', true],
    ['c / b / 2 = 0.75', true],
    ['c % b = 1', true],
    ['-a = -1', true],
    ['+a = 1', true],
    ['TRUE', true],
    ['FALSE', false],
    ['NULL', null],
    ['t', true],
    ['NOT t', false],
    ['NOT NOT t', true],
    ['$d = 4 AND _u = 5', true],
    ["'it''s' = 'it''s'", true],
    ["s = 'multi\nline'", false],
  ];
  for (const [text, expected] of cases) assert.equal(ev(text), expected, text);
});

test('precedence: OR < AND < = <> IS < comparisons < + - < * / % < unary (NOT included, as in ActiveMQ)', () => {
  assert.equal(ev('t OR f AND f'), true, 'AND binds tighter than OR');
  assert.equal(ev('(t OR f) AND f'), false);
  assert.equal(ev('a + b * c = 7'), true, '* before +');
  assert.equal(ev('a = 1 = t'), true, '= chains left to right on Boolean results');
  assert.equal(ev('NOT a = 1'), false, 'NOT a is FALSE (a is not a boolean) and FALSE = 1 is FALSE');
  assert.equal(ev('NOT t = FALSE'), true, '(NOT t) = FALSE');
  assert.equal(ev('NOT (a = 2)'), true);
  assert.equal(ev('a < b = TRUE'), true, 'comparison before equality');
  assert.equal(ev('- a + b = 1'), true, 'unary minus before +');
  assert.equal(ev('a - -b = 3'), true);
});

test('keywords are case-insensitive, identifiers are case-sensitive', () => {
  assert.equal(ev("a between 0 and 1 aNd s iN ('x') Or s lIkE 'y' escape '!'"), true);
  assert.equal(ev('s is not null and true and not false'), true);
  assert.equal(ev('A = 10'), true);
  assert.equal(ev('a = 10'), false);
  assert.equal(ev('note IS NULL'), true, 'a keyword prefix is still an identifier');
  assert.match(refuse('select = 1 AND not = 2'), /column 20: encountered '='/);
});

test('comments and whitespace', () => {
  assert.equal(ev('a = 1 /* block */ AND b = 2'), true);
  assert.equal(ev('a = 1 -- line comment\nAND b = 2'), true);
  assert.equal(ev('a = 1 -- line comment\r\n'), true);
  assert.equal(ev('\t\r\n\fa\t=\f1'), true);
  // ActiveMQ's line comment needs a line break: at the very end `--x` is minus minus x.
  assert.equal(ev('a = 1 --x'), false);
  assert.equal(ev("s='x'--missing"), false);
  assert.match(refuse('a = 1 /* unterminated'), /'\*'/);
});

test('numbers are tokenized by longest match, as JavaCC does', () => {
  assert.equal(ev('1. = 1.0 AND .5 = 0.5 AND 5E1 = 50 AND 5e-1 = .5 AND 1.E1 = 10'), true);
  assert.match(refuse('09 = 9'), /at line 1, column 2: encountered number 9/);
  assert.match(refuse('0L = 0'), /column 2: encountered identifier L/);
  assert.match(refuse('123abc = 1'), /identifier abc/);
  assert.match(refuse('1e = 1'), /identifier e/);
  assert.match(refuse('0xFFFFFFFFFFFFFFFF = 1'), /the number 0xFFFFFFFFFFFFFFFF does not fit in a long/);
  assert.match(refuse('01777777777777777777777 = 1'), /does not fit in a long/);
});

test('invalid selectors name the fault, the token and the position', () => {
  const cases: [string, RegExp][] = [
    [
      "prop1 = prop2 foo AND string = 'Test'",
      /^Invalid selector "prop1 = prop2 foo AND string = 'Test'" at line 1, column 15: encountered identifier foo/,
    ],
    ['a = 1 AMD  b = 2', /at line 1, column 7: encountered identifier AMD/],
    ['3+5', /at line 1, column 1: expression 3\+5 will not result in a boolean value/],
    ['True AND 3+5', /column 10: expression 3\+5 will not result in a boolean value/],
    ["=TEST 'test'", /column 1: encountered '=' where a value, a property name or \( was expected/],
    ['', /column 1: encountered the end of the selector/],
    ['   ', /column 4: encountered the end of the selector/],
    ["'abc'", /expression 'abc' will not result/],
    ['-a AND t', /expression -a will not result in a boolean value/],
    ['NOT 1', /expression 1 will not result/],
    ['a = ', /column 5: encountered the end of the selector/],
    ['(a = 1', /encountered the end of the selector where '\)' was expected/],
    ['a = 1)', /column 6: encountered '\)'/],
    ['a = NULL', /column 5: NULL cannot be compared with = or <>/],
    ['NULL <> a', /column 1: NULL cannot be compared/],
    ['TRUE = 1', /column 1: TRUE cannot be compared with 1/],
    ["a > 'x'", /column 5: value 'x' cannot be compared with <, <=, >, >= or BETWEEN/],
    ['a < TRUE', /value TRUE cannot be compared/],
    ['a BETWEEN NULL AND 1', /value NULL cannot be compared/],
    ["a BETWEEN 'a' AND 'z'", /value 'a' cannot be compared/],
    ['(a > 1) > 0', /the condition a > 1 cannot be compared/],
    ['a BETWEEN 1 OR 2', /encountered keyword OR where AND was expected/],
    ["NOT a IN ('x')", /column 1: IN needs a property on its left, not NOT a/],
    ["a + 1 IN ('x')", /IN needs a property on its left, not a \+ 1/],
    ['a IN (1)', /column 7: encountered number 1 where a quoted string/],
    ['a IN ()', /encountered '\)' where a quoted string/],
    ["a IN ('x',)", /encountered '\)' where a quoted string/],
    ["a IN 'x'", /where '\(' to open the IN list was expected/],
    ['a LIKE b', /where a quoted LIKE pattern was expected/],
    ["a LIKE 'x' ESCAPE 'ab'", /column 19: the ESCAPE string must be exactly one character, not 'ab'/],
    ["a LIKE 'x' ESCAPE ''", /must be exactly one character/],
    ['a IS 1', /encountered number 1 where NULL or NOT NULL was expected/],
    ['a IS NOT 1', /where NULL was expected/],
    ['a = "x"', /lexical error: unexpected character '"' \(U\+0022\) at|column 5: lexical error/],
    ["a = 'x", /column 5: lexical error: unterminated string literal/],
    ['a.b = 1', /column 2: lexical error: unexpected character '\.'/],
    ['é = 1', /lexical error: unexpected character 'é' \(U\+00E9\)/],
    ['a != 1', /unexpected character '!'/],
    ['a || b', /unexpected character '\|'/],
    ["XPATH '//a'", /XPATH selectors are an ActiveMQ extension that TideMQ does not support/],
    ["xquery 'a'", /XQUERY selectors are an ActiveMQ extension/],
    ["regex('a.*', s)", /the ActiveMQ selector function REGEX\(\) is an extension that TideMQ does not support/],
    ['DoesNotExist(a)', /unknown function DoesNotExist\(\)/],
    ['a = 1\nAND b = = 2', /at line 2, column 9: encountered '='/],
  ];
  for (const [text, pattern] of cases) assert.match(refuse(text), pattern, text);
});

test('the message quotes a long selector as an excerpt around the fault', () => {
  const text = `${'a = 1 AND '.repeat(100)}a = = 1`;
  const msg = refuse(text);
  assert.match(msg, /^Invalid selector …".*a = = 1" at line 1, column 1005:/);
  assert.ok(msg.length < 400, msg);
});

test('blank selectors mean no selector only through parseOptionalSelector', () => {
  assert.equal(parseOptionalSelector(null), null);
  assert.equal(parseOptionalSelector(undefined), null);
  assert.equal(parseOptionalSelector(''), null);
  assert.equal(parseOptionalSelector(' \t\r\n\u0000'), null);
  assert.equal(isBlankSelector('\u00a0'), false, 'Java trim() stops at U+0020');
  assert.equal(parseOptionalSelector(' a = 1 ')?.matches(m), true);
  assert.equal(parseOptionalSelector(' a = 1 ')?.text, ' a = 1 ');
  refuse(' ');
});

test('length limit', () => {
  const ok = `s IN (${Array.from({ length: 5000 }, (_v, i) => `'v${i}'`).join(',')})`;
  assert.ok(ok.length < SELECTOR_MAX_LENGTH);
  assert.equal(parseSelector(ok).matches(m), false);
  const tooLong = `${'a'.repeat(SELECTOR_MAX_LENGTH)} = 1`;
  assert.match(
    refuse(tooLong),
    new RegExp(`${SELECTOR_MAX_LENGTH + 4} characters long, more than the limit of ${SELECTOR_MAX_LENGTH}`),
  );
});

test('depth limit: deep parentheses, prefix operators and long operator chains fail cleanly', () => {
  const within = SELECTOR_MAX_DEPTH - 8;
  assert.equal(ev(`${'('.repeat(within)}a = 1${')'.repeat(within)}`), true);
  assert.equal(ev(`${'NOT '.repeat(within)}t`), true);
  for (const text of [
    `${'('.repeat(30_000)}a = 1${')'.repeat(30_000)}`,
    `${'('.repeat(SELECTOR_MAX_DEPTH + 1)}a = 1${')'.repeat(SELECTOR_MAX_DEPTH + 1)}`,
    `${'NOT '.repeat(10_000)}t`,
    `${'-'.repeat(10_000)}a = 1`,
    `${'- '.repeat(10_000)}a = 1`,
    `${Array.from({ length: 5000 }, () => 'a').join(' + ')} = 1`,
    `${Array.from({ length: 5000 }, () => 'a').join(' = ')}`,
  ]) {
    assert.match(
      refuse(text),
      new RegExp(`nests deeper than the limit of ${SELECTOR_MAX_DEPTH} levels`),
      text.slice(0, 40),
    );
  }
  // AND/OR chains are flat (ActiveMQ's LogicExpression), so they are not limited by depth.
  const wide = Array.from({ length: 3000 }, (_v, i) => `a = ${i}`).join(' OR ');
  assert.equal(parseSelector(wide).matches(m), true);
});
