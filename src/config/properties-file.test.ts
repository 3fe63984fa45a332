import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './config-error.js';
import { parseProperties } from './properties-file.js';

test('java.util.Properties syntax: separators, comments, continuations, escapes', () => {
  const text = [
    '# comment',
    '! also a comment',
    'a=1',
    'b : 2',
    'c 3',
    '  d=  spaced value  ',
    'long = one, \\',
    '       two',
    'key\\ with\\ spaces=x',
    'unicode=caf\\u00e9',
    'tab=a\\tb',
    'empty=',
    'a=later wins',
    'backslash=C:\\\\temp\\\\',
  ].join('\r\n');
  assert.deepEqual(
    [...parseProperties(text, 'x.properties')],
    [
      ['a', 'later wins'],
      ['b', '2'],
      ['c', '3'],
      ['d', 'spaced value  '],
      ['long', 'one, two'],
      ['key with spaces', 'x'],
      ['unicode', 'café'],
      ['tab', 'a\tb'],
      ['empty', ''],
      ['backslash', 'C:\\temp\\'],
    ],
  );
});

test('a malformed \\u escape is an error with the file and line', () => {
  assert.throws(
    () => parseProperties('ok=1\nbad=\\u12g4\n', '/c/credentials.properties'),
    new ConfigError(
      { file: '/c/credentials.properties', line: 2, column: 1 },
      'malformed \\uXXXX escape "\\u12g4" in a properties file',
    ),
  );
});
