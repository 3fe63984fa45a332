import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DestinationIndex } from './destination-index.js';
import { destinationMatches } from './destination-filter.js';
import { Destination } from '../model/destination.js';

const q = Destination.queue;
const t = Destination.topic;
const sorted = (s: Set<string>): string[] => [...s].sort();

test('a wildcard key finds the concrete names it covers, and only those', () => {
  const index = new DestinationIndex<string>();
  for (const name of ['A', 'A.B', 'A.B.C', 'A.C', 'B.B', 'AB.B']) index.add(q(name), name);
  assert.deepEqual(sorted(index.get(q('A.>'))), ['A', 'A.B', 'A.B.C', 'A.C']);
  assert.deepEqual(sorted(index.get(q('A.*'))), ['A.B', 'A.C']);
  assert.deepEqual(sorted(index.get(q('*.B'))), ['A.B', 'AB.B', 'B.B']);
  assert.deepEqual(sorted(index.get(q('>'))), ['A', 'A.B', 'A.B.C', 'A.C', 'AB.B', 'B.B']);
  assert.deepEqual(sorted(index.get(q('A.>.C'))), ['A', 'A.B', 'A.B.C', 'A.C']); // `>` ends the key
  assert.deepEqual(sorted(index.get(q('A.B'))), ['A.B']);
  assert.deepEqual(sorted(index.get(q('A.B.C.D'))), []);
});

test('a concrete key finds the wildcard keys that cover it', () => {
  const index = new DestinationIndex<string>();
  for (const pattern of ['A.>', 'A.*', '*.B', '>', 'A.B', 'A.*.C', 'B.>']) index.add(t(pattern), pattern);
  assert.deepEqual(sorted(index.get(t('A'))), ['>', 'A.>']);
  assert.deepEqual(sorted(index.get(t('A.B'))), ['*.B', '>', 'A.*', 'A.>', 'A.B']);
  assert.deepEqual(sorted(index.get(t('A.X.C'))), ['>', 'A.*.C', 'A.>']);
  assert.deepEqual(sorted(index.get(t('C'))), ['>']);
});

test('types never mix', () => {
  const index = new DestinationIndex<string>();
  index.add(q('ORDERS.>'), 'queue');
  index.add(t('ORDERS.>'), 'topic');
  index.add(Destination.of('temp-queue', 'ORDERS.X'), 'temp');
  assert.deepEqual(sorted(index.get(q('ORDERS.X'))), ['queue']);
  assert.deepEqual(sorted(index.get(t('ORDERS.X'))), ['topic']);
  assert.deepEqual(sorted(index.get(Destination.of('temp-queue', 'ORDERS.>'))), ['temp']);
});

test('removal forgets the value, keeps the others under the same key, and prunes empty nodes', () => {
  const index = new DestinationIndex<string>();
  index.add(q('A.B.C'), 'one');
  index.add(q('A.B.C'), 'two');
  index.add(q('A.B.C'), 'two'); // held once
  assert.equal(index.size, 2);
  index.remove(q('A.B.C'), 'one');
  assert.deepEqual(sorted(index.get(q('A.>'))), ['two']);
  index.remove(q('A.B.C'), 'two');
  index.remove(q('A.B.C'), 'two'); // twice is harmless
  index.remove(q('X.Y'), 'two'); // never added
  assert.equal(index.size, 0);
  assert.deepEqual(sorted(index.get(q('>'))), []);
  // Pruned: the internal tree is empty again (a lookup that walks it finds no node to visit).
  assert.equal(
    (index as unknown as { roots: Map<string, { children: Map<string, unknown> }> }).roots.get('queue')?.children.size,
    0,
  );
});

test('agrees with destinationMatches on every pair of a small universe of names and patterns', () => {
  const names = ['A', 'B', 'A.B', 'A.C', 'B.C', 'A.B.C', 'A.B.D', 'A.C.C', 'X.Y.Z.W'];
  const patterns = ['>', '*', 'A', 'A.>', 'A.*', '*.C', 'A.*.C', 'A.B.>', '*.*.*', 'A.>.C', '*.>', 'X.*.Z.>'];
  const byName = new DestinationIndex<string>();
  for (const n of names) byName.add(q(n), n);
  const byPattern = new DestinationIndex<string>();
  for (const p of patterns) byPattern.add(q(p), p);
  for (const p of patterns) {
    const expected = names.filter((n) => destinationMatches(q(p), q(n))).sort();
    assert.deepEqual(sorted(byName.get(q(p))), expected, `destinations matching ${p}`);
  }
  for (const n of names) {
    const expected = patterns.filter((p) => destinationMatches(q(p), q(n))).sort();
    assert.deepEqual(sorted(byPattern.get(q(n))), expected, `patterns covering ${n}`);
  }
});
