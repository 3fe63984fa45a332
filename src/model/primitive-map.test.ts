import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PropertyType, type Properties, type TypedValue } from './properties.js';
import {
  checkPrimitiveMap,
  decodePrimitiveList,
  decodePrimitiveMap,
  decodePrimitiveValues,
  encodePrimitiveList,
  encodePrimitiveMap,
  encodePrimitiveValues,
  javaUtf8Length,
  PrimitiveMapError,
  readJavaUtf8,
  writeJavaUtf8,
} from './primitive-map.js';

const v = {
  int: (value: number): TypedValue => ({ type: PropertyType.Int, value }),
  str: (value: string): TypedValue => ({ type: PropertyType.String, value }),
};

test('every value type round-trips with its Java type', () => {
  const props: Properties = new Map<string, TypedValue>([
    ['null', { type: PropertyType.Null, value: null }],
    ['bool', { type: PropertyType.Boolean, value: true }],
    ['byte', { type: PropertyType.Byte, value: -128 }],
    ['char', { type: PropertyType.Char, value: 'é' }],
    ['short', { type: PropertyType.Short, value: -32768 }],
    ['int', { type: PropertyType.Int, value: -2147483648 }],
    ['long', { type: PropertyType.Long, value: -9223372036854775808n }],
    ['double', { type: PropertyType.Double, value: Math.PI }],
    ['float', { type: PropertyType.Float, value: 1.5 }],
    ['string', v.str('wörld 😀 \u0000')],
    ['big', v.str('x'.repeat(10000))],
    ['bytes', { type: PropertyType.Bytes, value: new Uint8Array([0, 255]) }],
    ['map', { type: PropertyType.Map, value: new Map([['inner', v.int(1)]]) }],
    ['list', { type: PropertyType.List, value: [v.int(1), v.str('two')] }],
  ]);
  const bytes = encodePrimitiveMap(props);
  assert.deepEqual(decodePrimitiveMap(bytes), props);
  assert.deepEqual(decodePrimitiveList(encodePrimitiveList([v.int(3), v.str('x')])), [v.int(3), v.str('x')]);
  assert.deepEqual(decodePrimitiveValues(encodePrimitiveValues([v.int(3), v.str('x')])), [v.int(3), v.str('x')]);
});

test("the layout is MarshallingSupport's", () => {
  // {"a": int 1}: count, utf key, INTEGER tag, value.
  assert.deepEqual([...encodePrimitiveMap(new Map([['a', v.int(1)]]))], [0, 0, 0, 1, 0, 1, 0x61, 5, 0, 0, 0, 1]);
  // Strings of 8191+ characters become BIG_STRING (13) with an int length.
  const big = encodePrimitiveMap(new Map([['s', v.str('y'.repeat(8191))]]));
  assert.equal(big[7], 13);
  const small = encodePrimitiveMap(new Map([['s', v.str('y'.repeat(8190))]]));
  assert.equal(small[7], 9);
  // A null map (-1) reads as empty.
  assert.deepEqual(decodePrimitiveMap(Uint8Array.from([0xff, 0xff, 0xff, 0xff])), new Map());
});

test('property: random maps round-trip', () => {
  const leaf: fc.Arbitrary<TypedValue> = fc.oneof(
    fc.constant<TypedValue>({ type: PropertyType.Null, value: null }),
    fc.boolean().map((x): TypedValue => ({ type: PropertyType.Boolean, value: x })),
    fc.integer({ min: -128, max: 127 }).map((x): TypedValue => ({ type: PropertyType.Byte, value: x })),
    fc.integer({ min: -32768, max: 32767 }).map((x): TypedValue => ({ type: PropertyType.Short, value: x })),
    fc.integer().map((x): TypedValue => ({ type: PropertyType.Int, value: x })),
    fc
      .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      .map((x): TypedValue => ({ type: PropertyType.Long, value: x })),
    fc.double({ noNaN: true }).map((x): TypedValue => ({ type: PropertyType.Double, value: x })),
    fc.string({ unit: 'grapheme' }).map((x): TypedValue => ({ type: PropertyType.String, value: x })),
    fc
      .string({ unit: 'binary' })
      .map((x): TypedValue => ({ type: PropertyType.String, value: x.replace(/[\ud800-\udfff]/g, '') })),
    fc.uint8Array().map((x): TypedValue => ({ type: PropertyType.Bytes, value: x })),
  );
  const map = fc.dictionary(fc.string({ maxLength: 20 }), leaf).map((o) => new Map(Object.entries(o)));
  fc.assert(
    fc.property(map, (m) => {
      assert.deepEqual(decodePrimitiveMap(encodePrimitiveMap(m)), m);
    }),
    { numRuns: 500 },
  );
});

test('a lying entry count is refused, not allocated', () => {
  // 2^31-1 entries claimed in 4 bytes.
  assert.throws(() => decodePrimitiveMap(Uint8Array.from([0x7f, 0xff, 0xff, 0xff])), PrimitiveMapError);
  assert.throws(() => decodePrimitiveList(Uint8Array.from([0x7f, 0xff, 0xff, 0xff])), /more than the limit/);
  assert.throws(() => decodePrimitiveList(Uint8Array.from([0, 0, 1, 0, 0])), /claims 256 entries/);
  assert.throws(() => decodePrimitiveList(Uint8Array.from([0xff, 0xff, 0xff, 0xfe])), /negative/);
  // A lying string / byte array length.
  assert.throws(() => decodePrimitiveMap(Uint8Array.from([0, 0, 0, 1, 0xff, 0xff, 0x61])), /truncated/);
  const bytes = Uint8Array.from([0, 0, 0, 1, 0, 1, 0x61, 10, 0x7f, 0xff, 0xff, 0xff]);
  assert.throws(() => decodePrimitiveMap(bytes), /truncated/);
  // Entry and value limits.
  const three = encodePrimitiveMap(
    new Map([
      ['a', v.int(1)],
      ['b', v.int(2)],
      ['c', v.int(3)],
    ]),
  );
  assert.throws(() => decodePrimitiveMap(three, { maxEntries: 2 }), /limit of 2/);
  assert.throws(
    () => decodePrimitiveMap(encodePrimitiveMap(new Map([['s', v.str('abcdef')]])), { maxValueLength: 4 }),
    /limit of 4/,
  );
  // Unknown tag, trailing bytes, malformed UTF-8.
  assert.throws(() => decodePrimitiveMap(Uint8Array.from([0, 0, 0, 1, 0, 1, 0x61, 99])), /unknown primitive type 99/);
  assert.throws(() => decodePrimitiveMap(Uint8Array.from([0, 0, 0, 0, 1])), /after/);
  assert.throws(() => decodePrimitiveMap(Uint8Array.from([0, 0, 0, 1, 0, 1, 0xc3, 0])), /malformed/);
});

test('a deeply nested map is refused at the depth limit', () => {
  // 10,000 nested maps written by hand: each level is count 1, key "k", MAP tag.
  const level = [0, 0, 0, 1, 0, 1, 0x6b, 11];
  const depth = 10_000;
  const bytes = new Uint8Array(level.length * depth + 4);
  for (let i = 0; i < depth; i++) bytes.set(level, i * level.length);
  assert.throws(() => decodePrimitiveMap(bytes), /deeper than the limit of 32/);
  assert.throws(() => decodePrimitiveMap(bytes.subarray(0, level.length * 3 + 4), { maxDepth: 1 }), /deeper/);
  // Within the limit it decodes.
  const ok = new Uint8Array(level.length * 3 + 4);
  for (let i = 0; i < 3; i++) ok.set(level, i * level.length);
  assert.equal(decodePrimitiveMap(ok).size, 1);
  // Encoding refuses what it could not decode back.
  let deep: Properties = new Map();
  for (let i = 0; i < 100; i++) deep = new Map([['k', { type: PropertyType.Map, value: deep }]]);
  assert.throws(() => encodePrimitiveMap(deep), PrimitiveMapError);
});

test('fuzz: random bytes only ever raise PrimitiveMapError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try {
        decodePrimitiveMap(b);
      } catch (e) {
        assert.ok(e instanceof PrimitiveMapError, String(e));
      }
    }),
    { numRuns: 3000 },
  );
});

test('Java modified UTF-8', () => {
  const s = 'a\u0000é€😀';
  const buf = new Uint8Array(javaUtf8Length(s));
  assert.equal(writeJavaUtf8(buf, 0, s), buf.length);
  assert.deepEqual([...buf], [0x61, 0xc0, 0x80, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
  assert.equal(readJavaUtf8(buf, 0, buf.length), s);
  // Standard 4-byte UTF-8 (non-Java peers) is accepted too.
  assert.equal(readJavaUtf8(Buffer.from('😀', 'utf8'), 0, 4), '😀');
  assert.equal(readJavaUtf8(Uint8Array.from([0xe2, 0x82]), 0, 2), null);
  assert.equal(readJavaUtf8(Uint8Array.from([0xef, 0xbf, 0xbd]), 0, 3), '\ufffd');
});

test('checkPrimitiveMap refuses what the decoder refuses without building anything (issue 18.2)', () => {
  const hostile: [string, Uint8Array][] = [
    ['a count of 2^31-1', Uint8Array.from([0x7f, 0xff, 0xff, 0xff, 0, 1, 0x61, 0])],
    [
      'nesting past the limit',
      Buffer.concat([
        ...Array.from({ length: 40 }, () => Buffer.from([0, 0, 0, 1, 0, 1, 0x61, 11])),
        Buffer.from([0, 0, 0, 0]),
      ]),
    ],
    ['malformed UTF-8 in a value', Uint8Array.from([0, 0, 0, 1, 0, 1, 0x61, 9, 0, 2, 0xc3, 0x28])],
    ['a truncated 4-byte sequence in a key', Uint8Array.from([0, 0, 0, 1, 0, 2, 0xf0, 0x9f, 0])],
    ['a byte array longer than the block', Uint8Array.from([0, 0, 0, 1, 0, 1, 0x61, 10, 0, 0, 0, 9, 1])],
  ];
  for (const [what, bytes] of hostile) {
    assert.throws(() => decodePrimitiveMap(bytes), PrimitiveMapError, what);
    assert.throws(() => checkPrimitiveMap(bytes), PrimitiveMapError, what);
  }
});

test('checkPrimitiveMap accepts every value type, byte arrays and modified UTF-8 included', () => {
  const props: Properties = new Map<string, TypedValue>([
    ['bytes', { type: PropertyType.Bytes, value: Uint8Array.from([1, 2, 3]) }],
    ['after', v.int(7)],
    ['nul\u0000 and 😀', v.str('x\u0000y😀')],
    ['nested', { type: PropertyType.List, value: [{ type: PropertyType.Map, value: new Map([['k', v.str('v')]]) }] }],
  ]);
  checkPrimitiveMap(encodePrimitiveMap(props));
});
