import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml } from './xml-tree.js';

test('elements and attributes carry 1-based line and column; CRLF counts as one line end', () => {
  const text =
    '<?xml version="1.0"?>\r\n<a xmlns="urn:a" xmlns:b="urn:b">\r\n  <b:c  x = "1&amp;2"\n        y=\'3\'/>\r<d><![CDATA[<raw>]]> t </d>\n</a>';
  const root = parseXml(text, 'f.xml');
  assert.deepEqual(root.location, { file: 'f.xml', line: 2, column: 1 });
  assert.equal(root.uri, 'urn:a');
  const [c, d] = root.children;
  assert.equal(c!.local, 'c');
  assert.equal(c!.uri, 'urn:b');
  assert.deepEqual(c!.location, { file: 'f.xml', line: 3, column: 3 });
  assert.deepEqual(
    c!.attributes.map((a) => [a.name, a.value, a.location.line, a.location.column]),
    [
      ['x', '1&2', 3, 9],
      ['y', '3', 4, 9],
    ],
  );
  assert.deepEqual(d!.location, { file: 'f.xml', line: 5, column: 1 });
  assert.equal(d!.text, '<raw> t ');
});

test('DOCTYPE entities are not expanded (no external entity is fetched)', () => {
  const text = '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>';
  assert.throws(() => parseXml(text, 'f.xml'), { message: 'f.xml:1:61: malformed XML: undefined entity' });
});
