import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLike } from './like.js';

/**
 * A reference built the way ActiveMQ's LikeExpression builds its java.util.regex: `%` is `.*?`, `_` is
 * `.`, the escape only escapes `_`, `%` or itself, everything else literal; the `u` and `s` flags give
 * Java's code-point `.` with DOTALL. Only safe on the short inputs the property test feeds it.
 */
function reference(pattern: string, escape: string | null): RegExp {
  let re = '^';
  const chars = Array.from(pattern); // by code point, so a surrogate pair stays one literal
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    if (c === escape && next !== undefined && (next === '_' || next === '%' || next === c)) {
      re += `\\u{${next.codePointAt(0)!.toString(16)}}`;
      i++;
    } else if (c === '%') re += '.*?';
    else if (c === '_') re += '.';
    else re += `\\u{${c.codePointAt(0)!.toString(16)}}`;
  }
  return new RegExp(`${re}$`, 'su');
}

test('simple patterns', () => {
  const cases: [string, string | null, string, boolean][] = [
    ['abc', null, 'abc', true],
    ['abc', null, 'abcd', false],
    ['', null, '', true],
    ['', null, 'a', false],
    ['%', null, '', true],
    ['%', null, 'anything', true],
    ['a%', null, 'abc', true],
    ['%c', null, 'abc', true],
    ['%b%', null, 'abc', true],
    ['%x%', null, 'abc', false],
    ['a_c', null, 'abc', true],
    ['a_c', null, 'ac', false],
    ['___', null, 'abc', true],
    ['%a%a%', null, 'aa', true],
    ['%a%a%', null, 'a', false],
    ['%ab%ba%', null, 'aba', false],
    ['%ab%ba%', null, 'abba', true],
    ['a%b_', null, 'aXbY', true],
    ['a%b_', null, 'abYb', false],
    ['a%b_', null, 'abbY', true],
    ['_', null, '\u{1F600}', true],
    ['__', null, '\u{1F600}', false],
    ['%\u{1F600}', null, 'x\u{1F600}', true],
    ['x_y', null, 'x\ny', true],
    ['100!%', '!', '100%', true],
    ['100!%', '!', '1000', false],
    ['a!!b', '!', 'a!b', true],
    ['a!b', '!', 'a!b', true],
    ['a!', '!', 'a!', true],
    ['%_%', '%', '_foo', true],
    ['%_%', '%', 'foo', false],
  ];
  for (const [pattern, escape, value, expected] of cases) {
    assert.equal(compileLike(pattern, escape)(value), expected, `'${value}' LIKE '${pattern}' ESCAPE ${escape}`);
    assert.equal(reference(pattern, escape).test(value), expected, `reference for '${pattern}'`);
  }
});

test('agrees with an ActiveMQ-style regex on random patterns and values', () => {
  const alphabet = fc.constantFrom('a', 'b', '%', '_', '!', '\u{1F600}', '\n');
  const text = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(''));
  fc.assert(
    fc.property(text, text, fc.constantFrom(null, '!', '%', '_', 'a'), (pattern, value, escape) => {
      const plainValue = value.replace(/[%_]/g, 'a');
      for (const v of [value, plainValue]) {
        assert.equal(
          compileLike(pattern, escape)(v),
          reference(pattern, escape).test(v),
          `'${v}' LIKE '${pattern}' ESCAPE ${escape}`,
        );
      }
    }),
    { numRuns: 3000 },
  );
});

test('pathological patterns stay polynomial (no regex backtracking)', () => {
  // The classic exponential case for backtracking matchers: many %a segments against a long miss.
  const pattern = `${'%a'.repeat(200)}%b`;
  const value = 'a'.repeat(20_000);
  assert.equal(compileLike(pattern, null)(value), false);
  assert.equal(compileLike(`${'_%'.repeat(300)}x`, null)('y'.repeat(20_000)), false);
  assert.equal(compileLike(`%${'a_'.repeat(100)}b%`, null)('a'.repeat(20_000)), false);
});
