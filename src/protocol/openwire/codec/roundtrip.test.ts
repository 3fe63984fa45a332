import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpenWireFormat, type WireFormatOptions } from './wire-format.js';
import { ByteWriter } from './byte-writer.js';
import type { Command, DataStructure } from './commands.js';
import {
  expectedAfterRoundTrip,
  prng,
  randomStructure,
  typesAt,
} from '../../../../test/support/protocol/openwire/codec/testkit.js';
import { T } from './types.js';

/** A format already negotiated to `opts` (both sides want the same). */
function format(opts: Partial<WireFormatOptions>): OpenWireFormat {
  const f = new OpenWireFormat(opts);
  f.negotiate({ ...f.preferred });
  return f;
}

interface Mode {
  version: number;
  tightEncodingEnabled: boolean;
  cacheEnabled: boolean;
  stackTraceEnabled: boolean;
}

const VERSIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const MODES: Mode[] = [];
for (const version of VERSIONS) {
  for (const tightEncodingEnabled of [true, false]) {
    for (const cacheEnabled of [true, false]) {
      MODES.push({
        version,
        tightEncodingEnabled,
        cacheEnabled,
        stackTraceEnabled: (version + (cacheEnabled ? 1 : 0)) % 2 === 0,
      });
    }
  }
}

function label(m: Mode): string {
  return `v${m.version} ${m.tightEncodingEnabled ? 'tight' : 'loose'} cache=${m.cacheEnabled} stack=${m.stackTraceEnabled}`;
}

/** Encodes all commands through one format and decodes them through another, in order (caches carry over). */
function roundTrip(m: Mode, commands: DataStructure[]): (Command | undefined)[] {
  const enc = format({ ...m, cacheSize: 64 });
  const dec = format({ ...m, cacheSize: 64 });
  const out: (Command | undefined)[] = [];
  for (const c of commands) {
    dec.push(enc.encode(c));
    out.push(dec.next());
  }
  assert.equal(dec.pendingBytes, 0);
  return out;
}

for (const m of MODES) {
  test(`every command type round-trips: ${label(m)}`, () => {
    const rnd = prng(m.version * 31 + (m.tightEncodingEnabled ? 7 : 0) + (m.cacheEnabled ? 3 : 0));
    const commands: DataStructure[] = [];
    // Several of each type so that cached ids are seen again (hits) as well as new.
    for (let round = 0; round < 4; round++) {
      for (const t of typesAt(m.version)) commands.push(randomStructure(t, m.version, rnd));
    }
    const decoded = roundTrip(m, commands);
    for (let i = 0; i < commands.length; i++) {
      assert.deepStrictEqual(
        decoded[i],
        expectedAfterRoundTrip(commands[i], m.version, m.stackTraceEnabled),
        `type ${commands[i]!.type}`,
      );
    }
  });
}

test('property: random commands round-trip in every mode (fast-check)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...MODES), fc.integer(), fc.integer({ min: 1, max: 12 }), (m, seed, count) => {
      const rnd = prng(seed);
      const types = typesAt(m.version);
      const commands: DataStructure[] = [];
      for (let i = 0; i < count; i++)
        commands.push(randomStructure(types[Math.floor(rnd() * types.length)]!, m.version, rnd));
      const decoded = roundTrip(m, commands);
      for (let i = 0; i < commands.length; i++) {
        assert.deepStrictEqual(decoded[i], expectedAfterRoundTrip(commands[i], m.version, m.stackTraceEnabled));
      }
    }),
    { numRuns: 300 },
  );
});

test('re-encoding a decoded frame gives the same bytes (tight + cache, v12)', () => {
  const m: Mode = { version: 12, tightEncodingEnabled: true, cacheEnabled: true, stackTraceEnabled: true };
  const rnd = prng(99);
  const a = format(m);
  const b = format(m);
  const c = format(m);
  for (let i = 0; i < 200; i++) {
    const types = typesAt(12);
    const cmd = randomStructure(types[i % types.length]!, 12, rnd);
    const bytes = a.encode(cmd);
    b.push(bytes);
    const decoded = b.next()!;
    assert.deepStrictEqual(c.encode(decoded), bytes);
  }
});

test('frames appended to a ByteWriter decode as a batch', () => {
  const m = { version: 12, tightEncodingEnabled: true, cacheEnabled: true, stackTraceEnabled: true };
  const enc = format(m);
  const dec = format(m);
  const w = new ByteWriter(16);
  const rnd = prng(5);
  const cmds = typesAt(12).map((t) => randomStructure(t, 12, rnd));
  for (const c of cmds) enc.encodeTo(c, w);
  const out: Command[] = [];
  dec.feed(w.take(), (c) => out.push(c));
  assert.equal(out.length, cmds.length);
  for (let i = 0; i < cmds.length; i++) assert.deepStrictEqual(out[i], expectedAfterRoundTrip(cmds[i], 12, true));
  assert.equal(w.length, 0);
});

test('a size-prefix-disabled stream decodes when split anywhere', () => {
  const m = {
    version: 12,
    tightEncodingEnabled: true,
    cacheEnabled: true,
    stackTraceEnabled: true,
    sizePrefixDisabled: true,
  };
  const enc = format(m);
  assert.equal(enc.sizePrefixDisabled, true);
  const rnd = prng(11);
  const cmds = typesAt(12).map((t) => randomStructure(t, 12, rnd));
  const stream = Buffer.concat(cmds.map((c) => enc.encode(c)));
  for (const step of [1, 3, 17, 64, stream.length]) {
    const dec = format(m);
    const out: Command[] = [];
    for (let i = 0; i < stream.length; i += step) dec.feed(stream.subarray(i, i + step), (c) => out.push(c));
    assert.equal(out.length, cmds.length, `step ${step}`);
    for (let i = 0; i < cmds.length; i++) assert.deepStrictEqual(out[i], expectedAfterRoundTrip(cmds[i], 12, true));
  }
});

test('longs: every tight size class and the Long.MAX_VALUE sentinel', () => {
  for (const tight of [true, false]) {
    const f = format({ tightEncodingEnabled: tight, cacheEnabled: false });
    const g = format({ tightEncodingEnabled: tight, cacheEnabled: false });
    for (const v of [0, 1, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      g.push(f.encode({ type: T.KEEP_ALIVE_INFO, commandId: 0, responseRequired: false }));
      g.next();
      g.push(
        f.encode({
          type: T.DESTINATION_INFO,
          commandId: 1,
          responseRequired: false,
          connectionId: null,
          destination: null,
          operationType: 0,
          timeout: v,
          brokerPath: null,
        }),
      );
      assert.equal((g.next() as { timeout: number }).timeout, v);
    }
    // 2^63 - 1 is not a double; it decodes to 2^63 and encodes back as Long.MAX_VALUE.
    const bytes = f.encode({
      type: T.DESTINATION_INFO,
      commandId: 1,
      responseRequired: false,
      connectionId: null,
      destination: null,
      operationType: 0,
      timeout: 2 ** 63,
      brokerPath: null,
    });
    assert.ok(bytes.includes(Buffer.from('7fffffffffffffff', 'hex')));
  }
});
