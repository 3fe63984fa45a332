import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Command, DataStructure } from './commands.js';
import { CodecError } from './errors.js';
import { connectionId, consumerId, producerId } from './ids.js';
import { prng, randomStructure, typesAt } from '../../../../test/support/protocol/openwire/codec/testkit.js';
import { T } from './types.js';
import { OpenWireFormat, type WireFormatOptions } from './wire-format.js';

/**
 * The frame layer under hostile input: any split of a stream decodes the same; truncated, oversized, lying and
 * random frames fail with a CodecError (never another exception) and never make the decoder allocate what a
 * length field claims.
 */

const FIXTURES = join(process.cwd(), 'test/fixtures/openwire');

function format(opts: Partial<WireFormatOptions>): OpenWireFormat {
  const f = new OpenWireFormat(opts);
  f.negotiate({ ...f.preferred });
  return f;
}

interface GoldenMode {
  name: string;
  opts: Partial<WireFormatOptions>;
}

const SPLIT_MODES: GoldenMode[] = [
  { name: 'v12-tight-cache', opts: { version: 12, cacheSize: 1024 } },
  { name: 'v12-loose-nocache', opts: { version: 12, tightEncodingEnabled: false, cacheEnabled: false } },
  { name: 'v1-tight-cache', opts: { version: 1, cacheSize: 1024 } },
];

function stream(name: string): Buffer {
  return readFileSync(join(FIXTURES, `${name}.bin`));
}

/** Decodes chunks through a fresh format and re-encodes every command, for a cheap exact comparison. */
function decodeReencode(opts: Partial<WireFormatOptions>, chunks: Uint8Array[]): Buffer {
  const dec = format(opts);
  const enc = format(opts);
  const out: Buffer[] = [];
  for (const c of chunks) dec.feed(c, (cmd) => out.push(enc.encode(cmd)));
  assert.equal(dec.pendingBytes, 0);
  return Buffer.concat(out);
}

/** The golden stream minus its final NULL frame (which decodes to nothing, so cannot be re-encoded). */
function expected(s: Buffer): Buffer {
  return s.subarray(0, s.length - 5);
}

for (const m of SPLIT_MODES) {
  test(`${m.name}: the stream split at every byte boundary decodes the same`, () => {
    const s = stream(m.name);
    const want = expected(s);
    assert.deepEqual(decodeReencode(m.opts, [s]), want);
    for (let i = 1; i < s.length; i++) {
      const got = decodeReencode(m.opts, [s.subarray(0, i), s.subarray(i)]);
      if (!got.equals(want)) assert.fail(`split at ${i} decodes differently`);
    }
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < s.length; i++) bytes.push(s.subarray(i, i + 1));
    assert.deepEqual(decodeReencode(m.opts, bytes), want, 'one byte at a time');
  });
}

test('property: any chunking of a stream decodes the same (fast-check)', () => {
  const s = stream('v12-tight-cache');
  const want = expected(s);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: s.length - 1 }), { maxLength: 30 }), (cuts) => {
      cuts.sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let prev = 0;
      for (const c of [...cuts, s.length]) {
        chunks.push(s.subarray(prev, c));
        prev = c;
      }
      assert.deepEqual(decodeReencode({ version: 12, cacheSize: 1024 }, chunks), want);
    }),
    { numRuns: 300 },
  );
});

test('a decoder can be renegotiated between two frames of one chunk', () => {
  const client = new OpenWireFormat({ version: 11 });
  const broker = new OpenWireFormat({ version: 12 });
  // The client sends its WireFormatInfo (loose, as every connection starts) and, after negotiating, a tight
  // cached ConnectionInfo, both in one TCP segment.
  const wfi = client.encode(client.preferredWireFormatInfo());
  client.negotiate(broker.preferredWireFormatInfo());
  const rnd = prng(1);
  const info = randomStructure(T.CONNECTION_INFO, 11, rnd);
  const both = Buffer.concat([wfi, client.encode(info)]);
  const got: Command[] = [];
  broker.feed(both, (c) => {
    got.push(c);
    if (c.type === T.WIREFORMAT_INFO) broker.negotiate(c);
  });
  assert.equal(broker.version, 11);
  assert.equal(broker.tightEncodingEnabled, true);
  assert.equal(got.length, 2);
  assert.equal(got[1]!.type, T.CONNECTION_INFO);
});

// ------------------------------------------------------------------------------------------ hostile input

/** Runs `fn`, which must either succeed or throw a CodecError that is not an internal failure. */
function onlyCodecErrors(fn: () => void): CodecError | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    assert.ok(!e.message.startsWith('malformed frame:'), `an internal error escaped: ${e.message}`);
    return e;
  }
}

function drain(f: OpenWireFormat, bytes: Uint8Array): void {
  f.push(bytes);
  while (f.next() !== undefined);
}

test('fuzz: mutated golden frames fail only with CodecError', () => {
  const modes: GoldenMode[] = [
    ...SPLIT_MODES,
    { name: 'v12-loose-cache', opts: { version: 12, tightEncodingEnabled: false, cacheSize: 1024 } },
    { name: 'v10-tight-cache', opts: { version: 10, cacheSize: 1024 } },
  ];
  for (const m of modes) {
    const s = stream(m.name);
    const index = JSON.parse(readFileSync(join(FIXTURES, `${m.name}.json`), 'utf8')) as {
      offset: number;
      length: number;
    }[];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: index.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (frameNo, edits, keepSize) => {
          const fr = index[frameNo]!;
          // Decode the frames before it, so the cache holds what it would, then a damaged copy of this one.
          const f = format(m.opts);
          drain(f, s.subarray(0, fr.offset));
          const bad = Buffer.from(s.subarray(fr.offset, fr.offset + fr.length));
          for (const [pos, val] of edits) bad[(keepSize ? 4 : 0) + (pos % (bad.length - (keepSize ? 4 : 0)))] = val;
          onlyCodecErrors(() => drain(f, bad));
        },
      ),
      { numRuns: 1500 },
    );
  }
});

test('fuzz: truncated and extended frames fail only with CodecError', () => {
  const s = stream('v12-tight-cache');
  const index = JSON.parse(readFileSync(join(FIXTURES, 'v12-tight-cache.json'), 'utf8')) as {
    offset: number;
    length: number;
  }[];
  for (const fr of index) {
    for (let cut = 5; cut < fr.length; cut += Math.max(1, fr.length >> 4)) {
      // The size prefix says the frame is shorter than its fields need.
      const f = format({ cacheSize: 1024 });
      drain(f, s.subarray(0, fr.offset));
      const frame = Buffer.from(s.subarray(fr.offset, fr.offset + cut));
      frame.writeInt32BE(cut - 4, 0);
      const e = onlyCodecErrors(() => drain(f, frame));
      assert.ok(e, `frame cut to ${cut} of ${fr.length} was accepted`);
    }
    // Extra bytes inside the frame.
    const f = format({ cacheSize: 1024 });
    drain(f, s.subarray(0, fr.offset));
    const longer = Buffer.concat([s.subarray(fr.offset, fr.offset + fr.length), Buffer.from([0, 0, 0])]);
    longer.writeInt32BE(fr.length - 4 + 3, 0);
    assert.ok(
      onlyCodecErrors(() => drain(f, longer)),
      'trailing bytes were accepted',
    );
  }
});

test('fuzz: random bytes fail only with CodecError, in every encoding', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      (bytes, tight, cache, prefix) => {
        const f = format({ tightEncodingEnabled: tight, cacheEnabled: cache, sizePrefixDisabled: !prefix });
        onlyCodecErrors(() => drain(f, bytes));
      },
    ),
    { numRuns: 3000 },
  );
});

test('a frame larger than maxFrameSize is refused from its size prefix alone', () => {
  const f = format({ maxFrameSize: 1000 });
  f.push(Buffer.from([0, 0, 0x03, 0xe9])); // 1001
  assert.throws(
    () => f.next(),
    (e: unknown) => e instanceof CodecError && e.code === 'ERR_FRAME_TOO_LARGE',
  );
  // The decoder stays failed.
  assert.throws(() => f.push(Buffer.from([1])), CodecError);
  for (const size of [0, -1, -0x80000000]) {
    const g = format({});
    const b = Buffer.alloc(4);
    b.writeInt32BE(size, 0);
    g.push(b);
    assert.throws(() => g.next(), CodecError, `size ${size}`);
  }
});

test('a huge size prefix does not make the decoder allocate it', () => {
  const f = format({ maxFrameSizeEnabled: false });
  const before = process.memoryUsage().arrayBuffers;
  f.push(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
  assert.equal(f.next(), undefined);
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < 16; i++) {
    f.push(chunk);
    assert.equal(f.next(), undefined);
  }
  assert.equal(f.pendingBytes, 16 * 64 * 1024);
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 16 * 1024 * 1024, `grew by ${grown} bytes`);
});

test('without a size prefix, an endless frame is refused at maxFrameSize', () => {
  const f = format({ sizePrefixDisabled: true, maxFrameSize: 4096 });
  assert.equal(f.sizePrefixDisabled, true);
  // A ConnectionControl (loose? no: tight) whose byte array claims 1 GiB keeps asking for more.
  const enc = format({ sizePrefixDisabled: true });
  const bytes = enc.encode({
    type: T.CONNECTION_CONTROL,
    commandId: 1,
    responseRequired: false,
    close: false,
    exit: false,
    faultTolerant: false,
    resume: false,
    suspend: false,
    connectedBrokers: null,
    reconnectTo: null,
    rebalanceConnection: false,
    token: Buffer.from([1, 2, 3]),
  });
  const at = bytes.indexOf(Buffer.from([0, 0, 0, 3, 1, 2, 3]));
  bytes.writeInt32BE(0x40000000, at);
  f.push(bytes.subarray(0, at + 4));
  assert.equal(f.next(), undefined);
  assert.throws(
    () => {
      for (let i = 0; i < 10; i++) {
        f.push(Buffer.alloc(1024));
        f.next();
      }
    },
    (e: unknown) => e instanceof CodecError && e.code === 'ERR_FRAME_TOO_LARGE',
  );
});

// ------------------------------------------------------------------------------------------ lying fields

/** Encodes with a loose, cache-less v12 format and lets `patch` lie in the bytes. */
function lie(cmd: DataStructure, patch: (b: Buffer) => void, opts: Partial<WireFormatOptions> = {}): CodecError {
  const o = { tightEncodingEnabled: false, cacheEnabled: false, ...opts };
  const bytes = format(o).encode(cmd);
  patch(bytes);
  const f = format(o);
  const before = process.memoryUsage().arrayBuffers;
  const e = onlyCodecErrors(() => drain(f, bytes));
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024, 'no allocation from a lying length');
  assert.ok(e, 'the lie was accepted');
  return e;
}

function controlWithToken(token: Uint8Array | null, reconnectTo: string | null = null): DataStructure {
  return {
    type: T.CONNECTION_CONTROL,
    commandId: 1,
    responseRequired: false,
    close: false,
    exit: false,
    faultTolerant: false,
    resume: false,
    suspend: false,
    connectedBrokers: null,
    reconnectTo,
    rebalanceConnection: false,
    token,
  };
}

function patchAt(b: Buffer, marker: number[], write: (b: Buffer, at: number) => void): void {
  const at = b.indexOf(Buffer.from(marker));
  assert.ok(at >= 0, 'marker found');
  write(b, at);
}

test('lying lengths and counts are refused before anything is allocated', () => {
  // byte[] length
  let e = lie(controlWithToken(Buffer.from([9, 8, 7])), (b) =>
    patchAt(b, [0, 0, 0, 3, 9, 8, 7], (x, at) => x.writeInt32BE(0x7fffffff, at)),
  );
  assert.match(e.message, /truncated|remain/);
  lie(controlWithToken(Buffer.from([9, 8, 7])), (b) =>
    patchAt(b, [0, 0, 0, 3, 9, 8, 7], (x, at) => x.writeInt32BE(-5, at)),
  );
  // string length
  e = lie(controlWithToken(null, 'abc'), (b) => patchAt(b, [0, 3, 0x61], (x, at) => x.writeUInt16BE(0xffff, at)));
  assert.match(e.message, /truncated|remain/);
  // array count
  const dar: DataStructure = {
    type: T.DATA_ARRAY_RESPONSE,
    commandId: 1,
    responseRequired: false,
    correlationId: 0x01020304,
    data: [connectionId('c')],
  };
  e = lie(dar, (b) => patchAt(b, [1, 2, 3, 4, 1, 0, 1], (x, at) => x.writeInt16BE(0x7fff, at + 5)));
  assert.match(e.message, /claims 32767 entries/);
  lie(dar, (b) => patchAt(b, [1, 2, 3, 4, 1, 0, 1], (x, at) => x.writeInt16BE(-1, at + 5)));
  e = lie(dar, (b) => patchAt(b, [1, 2, 3, 4], (x, at) => x.writeInt16BE(0x7fff, at + 4)), {
    tightEncodingEnabled: true,
  });
  assert.match(e.message, /claims 32767 entries/);
  // stack trace element count
  const er: DataStructure = {
    type: T.EXCEPTION_RESPONSE,
    commandId: 1,
    responseRequired: false,
    correlationId: 1,
    exception: { className: 'X', message: 'Y', stackTrace: [], cause: null },
  };
  e = lie(er, (b) => patchAt(b, [0x58, 1, 0, 1, 0x59, 0, 0], (x, at) => x.writeInt16BE(0x7fff, at + 5)), {
    stackTraceEnabled: true,
  });
  assert.match(e.message, /stack trace claims/);
  // BooleanStream length
  e = lie(
    { type: T.KEEP_ALIVE_INFO, commandId: 0, responseRequired: false },
    (b) => {
      b[5] = 0x80;
      b.writeInt16BE(0x7fff, 6);
    },
    { tightEncodingEnabled: true },
  );
  assert.match(e.message, /truncated|remain/);
});

test('nesting deeper than the limit is refused', () => {
  // DataResponse(DataResponse(…)) 40 deep, written by hand in loose encoding.
  const parts: number[] = [];
  const depth = 40;
  for (let i = 0; i < depth; i++) parts.push(...(i === 0 ? [] : [1]), T.DATA_RESPONSE, 0, 0, 0, 0, 0, 0, 0, 0, 1);
  parts.push(0);
  const body = Buffer.from(parts);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  const f = format({ tightEncodingEnabled: false, cacheEnabled: false });
  const e = onlyCodecErrors(() => drain(f, frame));
  assert.match(e?.message ?? '', /nested deeper/);

  // A cause chain 100 long.
  type Thr = { className: string; message: string | null; stackTrace: never[]; cause: Thr | null };
  let t: Thr | null = null;
  for (let i = 0; i < 100; i++) t = { className: 'E', message: null, stackTrace: [], cause: t };
  const enc = format({ tightEncodingEnabled: false, cacheEnabled: false });
  const bytes = enc.encode({
    type: T.EXCEPTION_RESPONSE,
    commandId: 0,
    responseRequired: false,
    correlationId: 0,
    exception: t,
  });
  const chain = format({ tightEncodingEnabled: false, cacheEnabled: false });
  chain.push(bytes);
  const got = chain.next() as unknown as { exception: Thr };
  let n = 0;
  for (let c: Thr | null = got.exception; c !== null; c = c.cause) n++;
  assert.equal(n, 65, 'the encoder writes at most 65 levels');
});

test('structural lies: unknown types, wrong nested types, bad cache references, bad magic', () => {
  const consumer = (id: DataStructure): DataStructure => ({
    type: T.REMOVE_INFO,
    commandId: 0,
    responseRequired: false,
    objectId: id,
    lastDeliveredSequenceId: 0,
  });
  // unknown type
  let e = lie(consumer(consumerId('c', 1, 2)), (b) => (b[4] = 200));
  assert.match(e.message, /unknown data structure type 200/);
  // a type that does not exist at the version
  const v11 = format({ version: 11, tightEncodingEnabled: false, cacheEnabled: false });
  const bsi = format({ version: 12, tightEncodingEnabled: false, cacheEnabled: false }).encode({
    type: T.BROKER_SUBSCRIPTION_INFO,
    commandId: 0,
    responseRequired: false,
    brokerId: null,
    brokerName: 'x',
    subscriptionInfos: null,
  });
  assert.throws(() => drain(v11, bsi), /unknown data structure type 92 at OpenWire version 11/);
  // a ProducerId where a ConsumerId belongs (ConsumerControl.consumerId)
  const cc = {
    type: T.CONSUMER_CONTROL,
    commandId: 0,
    responseRequired: false,
    destination: null,
    close: false,
    consumerId: consumerId('c', 1, 2),
    prefetch: 0,
    flush: false,
    start: false,
    stop: false,
  } as DataStructure;
  e = lie(cc, (b) => patchAt(b, [1, T.CONSUMER_ID], (x, at) => (x[at + 1] = T.PRODUCER_ID)));
  assert.match(e.message, /holds a ConsumerId/);
  // the encoder refuses the same
  assert.throws(
    () => format({}).encode({ ...cc, consumerId: producerId('c', 1, 2) } as unknown as DataStructure),
    /holds a ConsumerId/,
  );
  // cache references: out of range, and to a slot never sent
  const cached = { cacheEnabled: true, tightEncodingEnabled: false, cacheSize: 16 };
  e = lie(consumer(connectionId('c')), (b) => b.writeInt16BE(100, 4 + 1 + 4 + 1 + 1), cached);
  assert.match(e.message, /out of range/);
  e = lie(
    consumer(connectionId('c')),
    (b) => {
      b[4 + 1 + 4 + 1] = 0; // "not new": a reference
      b.writeInt16BE(3, 4 + 1 + 4 + 1 + 1);
    },
    cached,
  );
  assert.match(e.message, /refers to nothing/);
  // magic
  const wfi = format({}).preferredWireFormatInfo();
  e = lie(wfi, (b) => (b[5] = 0x61));
  assert.match(e.message, /magic/);
  assert.throws(() => format({}).negotiate({ ...wfi, magic: Buffer.from('NotAMQ!!') }), /magic/);
});

test('random commands of every type, encoded then damaged, fail only with CodecError', () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 255 }), (seed, pos, val) => {
      const rnd = prng(seed);
      const types = typesAt(12);
      const cmd = randomStructure(types[Math.floor(rnd() * types.length)]!, 12, rnd);
      const tight = rnd() < 0.5;
      const opts = { tightEncodingEnabled: tight, cacheEnabled: rnd() < 0.5 };
      const bytes = format(opts).encode(cmd);
      bytes[4 + (pos % (bytes.length - 4))] = val;
      onlyCodecErrors(() => drain(format(opts), bytes));
    }),
    { numRuns: 3000 },
  );
});
