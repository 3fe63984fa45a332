import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './config-error.js';
import { resolvePlaceholders } from './placeholders.js';

const at = { file: 'f.xml', line: 3, column: 7 };
const props: Record<string, string> = { a: 'A', b: '${a}${a}', env: 'prod', 'name.prod': 'P', 'x:y': 'literal key' };
const lookup = (n: string): string | undefined => (Object.hasOwn(props, n) ? props[n] : undefined);

test("Spring's placeholder rules: nesting, recursion, defaults", () => {
  assert.equal(resolvePlaceholders('no placeholders', lookup, at), 'no placeholders');
  assert.equal(resolvePlaceholders('${a}-${b}', lookup, at), 'A-AA');
  assert.equal(resolvePlaceholders('${name.${env}}', lookup, at), 'P');
  assert.equal(resolvePlaceholders('${missing:fallback}', lookup, at), 'fallback');
  assert.equal(resolvePlaceholders('${missing:}', lookup, at), '');
  assert.equal(resolvePlaceholders('${a:unused}', lookup, at), 'A');
  assert.equal(resolvePlaceholders('${missing:${a}}', lookup, at), 'A');
  // The whole text before a default is looked up first (Spring does the same).
  assert.equal(resolvePlaceholders('${x:y}', lookup, at), 'literal key');
  // An unterminated placeholder is left as text, as Spring leaves it.
  assert.equal(resolvePlaceholders('tcp://${a', lookup, at), 'tcp://${a');
});

test('unresolved and circular placeholders are errors at the given place', () => {
  assert.throws(
    () => resolvePlaceholders('x ${nope} y', lookup, at),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(
        e.message,
        'f.xml:3:7: unresolved placeholder ${nope} in "x ${nope} y": define it with -Dnope=…, in a properties file the placeholder configurer loads, or as an environment variable',
      );
      return true;
    },
  );
  assert.equal(resolvePlaceholders('${nope}', lookup, at, { ignoreUnresolvable: true }), '${nope}');
  const loop = (n: string): string | undefined => ({ p: '${q}', q: 'x${p}' })[n];
  assert.throws(() => resolvePlaceholders('${p}', loop, at), /circular placeholder reference \$\{p\} in "\$\{p\}"/);
});
