import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Marshaller } from './marshaller.js';
import { prng, randomStructure, typesAt } from '../../../../test/support/protocol/openwire/codec/testkit.js';
import { T } from './types.js';

type Obj = Record<string, unknown> & { type: number };

/** A marshaller that walks the field tables instead of the compiled walkers (the reference). */
function tableWalking(): Marshaller {
  const m = new Marshaller();
  const raw = m as unknown as Record<string, unknown>;
  raw.tightSize = m.genericTightSize.bind(m);
  raw.tightWrite = m.genericTightWrite.bind(m);
  return m;
}

function setUp(m: Marshaller, version: number, cache: boolean, stack: boolean): Marshaller {
  m.version = version;
  m.tight = true;
  m.cacheEnabled = cache;
  m.stackTraceEnabled = stack;
  m.resetCache(cache ? 64 : 0);
  return m;
}

function frame(m: Marshaller, cmd: Obj): Buffer {
  const size = m.prepare(cmd);
  const buf = Buffer.alloc(size);
  assert.equal(m.write(cmd, buf, 0), size);
  return buf;
}

test('the compiled tight walkers write the same bytes as the table walk, every type and version', () => {
  for (let version = 1; version <= 12; version++) {
    for (const cache of [true, false]) {
      const rnd = prng(version * 7 + (cache ? 1 : 0));
      const compiled = setUp(new Marshaller(), version, cache, version % 2 === 0);
      const reference = setUp(tableWalking(), version, cache, version % 2 === 0);
      for (const type of typesAt(version)) {
        // Three of each, so the cache sees hits after the first.
        for (let k = 0; k < 3; k++) {
          const cmd = randomStructure(type, version, rnd) as unknown as Obj;
          assert.deepEqual(frame(compiled, cmd), frame(reference, cmd), `type ${type} at v${version}`);
        }
      }
    }
  }
});

test('the compiled walkers refuse what the table walk refuses', () => {
  const compiled = setUp(new Marshaller(), 12, true, true);
  const reference = setUp(tableWalking(), 12, true, true);
  const good = randomStructure(T.ACTIVEMQ_BYTES_MESSAGE, 12, prng(1)) as unknown as Obj;
  const bad = { ...good, content: 'not bytes' };
  const messageOf = (m: Marshaller): string => {
    try {
      m.prepare(bad);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.match(messageOf(compiled), /must be a Uint8Array/);
  assert.equal(messageOf(compiled), messageOf(reference));
});
