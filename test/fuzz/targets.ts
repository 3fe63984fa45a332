/**
 * The fuzz targets: one fast-check property per codec, shared by the short run inside `npm test`
 * (test/fuzz/codecs.test.ts) and the long run (`npm run fuzz -- --runs 1000000`, scripts/fuzz.mjs).
 *
 * Each property feeds generated input (random bytes, and valid encodings with bytes flipped, cut or spliced) to
 * one codec and checks what every codec owes a hostile peer:
 * - it fails only with its own coded error, never a TypeError, RangeError or stack overflow;
 * - it finishes each input within a time bound (no hang, no quadratic blow-up);
 * - it never hands out more than its limits allow;
 * - the same bytes give the same result however they are split into chunks;
 * - what decodes re-encodes to something that decodes to the same value (round trip).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { StompFrameError, StompParser, encodeFrame, type StompFrame } from '../../src/protocol/stomp/codec/index.js';
import type { StompLimits } from '../../src/protocol/stomp/codec/limits.js';
import { OpenWireFormat } from '../../src/protocol/openwire/codec/wire-format.js';
import { CodecError } from '../../src/protocol/openwire/codec/errors.js';
import { prng, randomStructure, typesAt } from '../support/protocol/openwire/codec/testkit.js';
import type { Command, Message as OwMessage } from '../../src/protocol/openwire/codec/commands.js';
import { checkOpenWireMessage, fromOpenWireMessage } from '../../src/protocol/openwire/message-convert.js';
import {
  PrimitiveMapError,
  checkPrimitiveMap,
  decodePrimitiveMap,
  encodePrimitiveMap,
} from '../../src/model/primitive-map.js';
import { PropertyType, type Properties, type TypedValue } from '../../src/model/properties.js';
import { CompressedBodyError, declaredInflatedSize, inflateBody } from '../../src/model/compressed-body.js';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { BrokerError } from '../../src/util/errors.js';

export interface FuzzTarget {
  readonly name: string;
  /** The property; `budgetMs` bounds the time of one input. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each target has its own input tuple
  property(budgetMs: number): fc.IProperty<any>;
}

/** Runs `body` and fails if it took longer than `budgetMs`: a hang or a blow-up shows as a finding. */
function timed<T>(budgetMs: number, what: string, body: () => T): T {
  const start = performance.now();
  const out = body();
  const took = performance.now() - start;
  if (took > budgetMs) throw new Error(`${what} took ${took.toFixed(1)} ms, over the ${budgetMs} ms bound`);
  return out;
}

/** Bytes derived from a valid encoding: flipped, cut, extended or spliced, so the input is near-valid. */
function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      valid,
      fc.array(
        fc.record({
          kind: fc.constantFrom('flip', 'set', 'cut', 'insert', 'dup'),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
          len: fc.integer({ min: 1, max: 16 }),
        }),
        { maxLength: 4 },
      ),
    )
    .map(([bytes, edits]) => {
      let b = Buffer.from(bytes);
      for (const e of edits) {
        if (b.length === 0) break;
        const at = e.at % b.length;
        switch (e.kind) {
          case 'flip':
            b[at] = b[at]! ^ (1 << (e.value % 8));
            break;
          case 'set':
            b[at] = e.value;
            break;
          case 'cut':
            b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + e.len))]);
            break;
          case 'insert':
            b = Buffer.concat([b.subarray(0, at), Buffer.alloc(e.len, e.value), b.subarray(at)]);
            break;
          case 'dup':
            b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at)]);
            break;
        }
      }
      return new Uint8Array(b);
    });
}

/** Cut points for feeding the same bytes in chunks. */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

// ---------------------------------------------------------------------------------------------------- STOMP

/** Small limits, so that the limit paths are reached by short inputs. */
const STOMP_LIMITS: StompLimits = {
  maxFrameSize: 2048,
  maxDataLength: 1024,
  maxHeaderLength: 256,
  maxHeaders: 16,
  maxCommandLength: 32,
};

const headerText = fc.string({
  unit: fc.constantFrom('a', 'b', ':', '\n', '\r', '\\', 'é', '☃', '\u0000', ' ', '😀'),
  maxLength: 12,
});

const stompFrame = fc.record({
  command: fc.constantFrom('SEND', 'SUBSCRIBE', 'ACK', 'MESSAGE', 'ERROR', 'DISCONNECT', 'BEGIN'),
  headers: fc.uniqueArray(
    fc.tuple(
      headerText.filter((s) => s.length > 0),
      headerText,
    ),
    {
      maxLength: 6,
      selector: ([k]) => k,
    },
  ),
  body: fc.uint8Array({ maxLength: 200 }),
});

function encodeStomp(f: { command: string; headers: [string, string][]; body: Uint8Array }): Buffer {
  // A body with a NUL needs content-length; giving one to every frame with a body keeps the round trip exact.
  const headers: [string, string][] = f.headers.filter(([k]) => k !== 'content-length');
  if (f.body.length > 0) headers.push(['content-length', String(f.body.length)]);
  return encodeFrame(f.command, headers, f.body, '1.2');
}

type StompOutcome = { frames: StompFrame[]; error: string | null };

function parseStomp(parts: Uint8Array[]): StompOutcome {
  const parser = new StompParser(STOMP_LIMITS);
  parser.version = '1.2';
  const frames: StompFrame[] = [];
  try {
    for (const p of parts) parser.push(p, (f) => frames.push(f));
  } catch (e) {
    if (!(e instanceof StompFrameError)) throw e;
    return { frames, error: `${e.code}: ${e.message}` };
  }
  return { frames, error: null };
}

function checkStompLimits(frames: StompFrame[]): void {
  for (const f of frames) {
    assert.ok(f.body.length <= STOMP_LIMITS.maxDataLength, 'body within maxDataLength');
    assert.ok(f.headers.size <= STOMP_LIMITS.maxHeaders, 'headers within maxHeaders');
    assert.ok(f.command.length <= STOMP_LIMITS.maxCommandLength, 'command within maxCommandLength');
  }
}

const stompInput = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  mutated(fc.array(stompFrame, { minLength: 1, maxLength: 3 }).map((fs) => Buffer.concat(fs.map(encodeStomp)))),
);

const stompParser: FuzzTarget = {
  name: 'stomp-parser',
  property: (budgetMs) =>
    fc.property(stompInput, fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
      const whole = timed(budgetMs, 'STOMP parse', () => parseStomp([bytes]));
      checkStompLimits(whole.frames);
      const split = parseStomp(chunks(bytes, cuts));
      assert.deepEqual(split, whole, 'the same frames and error however the bytes are split');
      if (bytes.length <= 64) {
        const single = parseStomp(
          chunks(
            bytes,
            Array.from({ length: bytes.length }, (_, i) => i),
          ),
        );
        assert.deepEqual(single, whole, 'byte by byte');
      }
    }),
};

const stompRoundTrip: FuzzTarget = {
  name: 'stomp-roundtrip',
  property: (budgetMs) =>
    fc.property(stompFrame, (f) => {
      const bytes = encodeStomp(f);
      const out = timed(budgetMs, 'STOMP parse', () => parseStomp([bytes]));
      if (bytes.length > STOMP_LIMITS.maxFrameSize || f.body.length > STOMP_LIMITS.maxDataLength) return;
      if (out.error !== null) {
        // Only a limit or the UTF-8 rule may refuse a frame the encoder wrote.
        assert.match(out.error, /TOO_LONG|TOO_MANY|TOO_LARGE|INVALID_UTF8/);
        return;
      }
      assert.equal(out.frames.length, 1);
      const got = out.frames[0]!;
      assert.equal(got.command, f.command);
      assert.deepEqual(Buffer.from(got.body), Buffer.from(f.body));
      for (const [k, v] of f.headers) if (k !== 'content-length') assert.equal(got.headers.get(k), v);
    }),
};

// ------------------------------------------------------------------------------------------------- OpenWire

/** Formats already negotiated, one per encoding that matters to the decoder. */
function negotiated(tight: boolean, cache: boolean): OpenWireFormat {
  const f = new OpenWireFormat({ tightEncodingEnabled: tight, cacheEnabled: cache, maxFrameSize: 64 * 1024 });
  f.negotiate({ ...f.preferred });
  return f;
}

const VERSION = 12;
const TYPES = typesAt(VERSION);

/** A valid frame of a random command type, with the same encoding as `tight`/`cache` name. */
const owFrame = fc
  .record({ seed: fc.integer(), tight: fc.boolean(), cache: fc.boolean() })
  .map(({ seed, tight, cache }) => {
    const rnd = prng(seed);
    const type = TYPES[Math.floor(rnd() * TYPES.length)]!;
    const cmd = randomStructure(type, VERSION, rnd);
    try {
      return { tight, cache, bytes: new Uint8Array(negotiated(tight, cache).encode(cmd)) };
    } catch {
      return { tight, cache, bytes: new Uint8Array(0) };
    }
  });

type OwOutcome = { commands: unknown[]; error: string | null };

function decodeOpenWire(tight: boolean, cache: boolean, parts: Uint8Array[]): OwOutcome {
  const f = negotiated(tight, cache);
  const commands: unknown[] = [];
  try {
    for (const p of parts) f.feed(p, (c: Command) => commands.push(c));
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return { commands, error: e.message };
  }
  return { commands, error: null };
}

const owInput = fc.oneof(
  fc.record({ tight: fc.boolean(), cache: fc.boolean(), bytes: fc.uint8Array({ maxLength: 400 }) }),
  fc
    .tuple(owFrame, fc.constant(null))
    .chain(([frame]) =>
      mutated(fc.constant(frame.bytes)).map((bytes) => ({ tight: frame.tight, cache: frame.cache, bytes })),
    ),
);

const openWireDecoder: FuzzTarget = {
  name: 'openwire-decoder',
  property: (budgetMs) =>
    fc.property(owInput, fc.array(fc.nat(), { maxLength: 3 }), ({ tight, cache, bytes }, cuts) => {
      const whole = timed(budgetMs, 'OpenWire decode', () => decodeOpenWire(tight, cache, [bytes]));
      const split = decodeOpenWire(tight, cache, chunks(bytes, cuts));
      assert.deepEqual(split, whole, 'the same commands and error however the bytes are split');
      // A decoded message goes on to the checks a send meets and to the core's form; neither may fail with
      // anything but a coded error.
      for (const c of whole.commands) {
        const m = c as OwMessage;
        if (typeof m.type === 'number' && 'marshalledProperties' in m && 'content' in m && 'compressed' in m) {
          timed(budgetMs, 'message checks', () => {
            try {
              checkOpenWireMessage(m, { maxFrameSize: 64 * 1024 });
              const core = fromOpenWireMessage(m, 'ID:fuzz');
              void core.properties.size;
            } catch (e) {
              if (!(e instanceof BrokerError)) throw e;
            }
          });
        }
      }
    }),
};

// ------------------------------------------------------------------------------------------- primitive maps

const leaf: fc.Arbitrary<TypedValue> = fc.oneof(
  fc.constant<TypedValue>({ type: PropertyType.Null, value: null }),
  fc.boolean().map((value): TypedValue => ({ type: PropertyType.Boolean, value })),
  fc.integer({ min: -128, max: 127 }).map((value): TypedValue => ({ type: PropertyType.Byte, value })),
  fc.integer({ min: -32768, max: 32767 }).map((value): TypedValue => ({ type: PropertyType.Short, value })),
  fc.integer().map((value): TypedValue => ({ type: PropertyType.Int, value })),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .map((value): TypedValue => ({ type: PropertyType.Long, value })),
  fc.double().map((value): TypedValue => ({ type: PropertyType.Double, value })),
  fc.float().map((value): TypedValue => ({ type: PropertyType.Float, value: Math.fround(value) })),
  fc.string({ unit: 'binary', maxLength: 40 }).map((value): TypedValue => ({ type: PropertyType.String, value })),
  fc
    .integer({ min: 0, max: 0xffff })
    .map((c): TypedValue => ({ type: PropertyType.Char, value: String.fromCharCode(c) })),
  fc.uint8Array({ maxLength: 40 }).map((value): TypedValue => ({ type: PropertyType.Bytes, value })),
);

const { value: typedValue } = fc.letrec<{ value: TypedValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .array(fc.tuple(fc.string({ unit: 'binary', maxLength: 10 }), tie('value')), { maxLength: 4 })
      .map((entries): TypedValue => ({ type: PropertyType.Map, value: new Map(entries) })),
    fc.array(tie('value'), { maxLength: 4 }).map((value): TypedValue => ({ type: PropertyType.List, value })),
  ),
}));

const properties: fc.Arbitrary<Properties> = fc
  .array(fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), typedValue), { maxLength: 6 })
  .map((entries) => new Map(entries));

function decodeOutcome(bytes: Uint8Array): { map: Properties | null; error: string | null } {
  try {
    return { map: decodePrimitiveMap(bytes), error: null };
  } catch (e) {
    if (!(e instanceof PrimitiveMapError)) throw e;
    return { map: null, error: e.message };
  }
}

const primitiveMap: FuzzTarget = {
  name: 'primitive-map',
  property: (budgetMs) =>
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(properties.map(encodePrimitiveMap))), (bytes) => {
      const decoded = timed(budgetMs, 'primitive map decode', () => decodeOutcome(bytes));
      let checked: string | null = null;
      try {
        checkPrimitiveMap(bytes);
      } catch (e) {
        if (!(e instanceof PrimitiveMapError)) throw e;
        checked = e.message;
      }
      assert.equal(checked, decoded.error, 'checkPrimitiveMap refuses exactly what decodePrimitiveMap refuses');
      if (decoded.map !== null) {
        // Re-encoding may choose other forms (STRING for BIG_STRING, shortest UTF-8), but decodes the same.
        assert.deepEqual(decodePrimitiveMap(encodePrimitiveMap(decoded.map)), decoded.map);
      }
    }),
};

const primitiveMapRoundTrip: FuzzTarget = {
  name: 'primitive-map-roundtrip',
  property: (budgetMs) =>
    fc.property(properties, (props) => {
      const bytes = timed(budgetMs, 'primitive map encode', () => encodePrimitiveMap(props));
      checkPrimitiveMap(bytes);
      assert.deepEqual(decodePrimitiveMap(bytes), props);
    }),
};

// ----------------------------------------------------------------------------------------- compressed bodies

const INFLATE_LIMIT = 16 * 1024;

function bytesBody(plain: Uint8Array, declared: number): Uint8Array {
  const z = deflateSync(plain);
  const out = Buffer.alloc(4 + z.length);
  out.writeInt32BE(declared | 0, 0);
  z.copy(out, 4);
  return out;
}

function textBody(length: number, plain: Uint8Array): Uint8Array {
  const content = Buffer.alloc(4 + plain.length);
  content.writeInt32BE(length | 0, 0);
  content.set(plain, 4);
  return deflateSync(content);
}

/** Plain data that compresses well (a bomb) or not at all. */
const plainBody = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(fc.integer({ min: 0, max: 4 * INFLATE_LIMIT }), fc.integer({ min: 0, max: 255 }))
    .map(([n, v]) => new Uint8Array(n).fill(v)),
);

const compressedInput = fc.oneof(
  fc.record({ kind: fc.constantFrom<'text' | 'bytes'>('text', 'bytes'), body: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({
    kind: fc.constant<'bytes'>('bytes'),
    body: mutated(fc.tuple(plainBody, fc.integer()).map(([p, d]) => bytesBody(p, d % 2 === 0 ? p.length : d))),
  }),
  fc.record({
    kind: fc.constant<'text'>('text'),
    body: mutated(fc.tuple(plainBody, fc.integer()).map(([p, d]) => textBody(d % 2 === 0 ? p.length : d, p))),
  }),
);

const compressedBody: FuzzTarget = {
  name: 'compressed-body',
  property: (budgetMs) =>
    fc.property(compressedInput, ({ kind, body }) => {
      timed(budgetMs, 'inflate', () => {
        let declared: number | null = null;
        try {
          declared = declaredInflatedSize(kind, body);
        } catch (e) {
          if (!(e instanceof CompressedBodyError)) throw e;
        }
        try {
          const out = inflateBody(kind, body, INFLATE_LIMIT);
          assert.ok(out.length <= INFLATE_LIMIT + (kind === 'bytes' ? 0 : 4), 'never more than the limit');
          if (kind === 'bytes') assert.equal(out.length, declared ?? 0, 'a bytes body is exactly what it declares');
        } catch (e) {
          if (!(e instanceof CompressedBodyError)) throw e;
        }
      });
    }),
};

// ---------------------------------------------------------------------------------------------- activemq.xml

const CONFIG = `<beans xmlns="http://www.springframework.org/schema/beans">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="fuzz" persistent="false" schedulerSupport="true">
    <destinationPolicy><policyMap><policyEntries>
      <policyEntry queue=">" maxPageSize="200"><deadLetterStrategy><individualDeadLetterStrategy queuePrefix="DLQ."/></deadLetterStrategy></policyEntry>
      <policyEntry topic="a.*"><pendingMessageLimitStrategy><constantPendingMessageLimitStrategy limit="10"/></pendingMessageLimitStrategy></policyEntry>
    </policyEntries></policyMap></destinationPolicy>
    <plugins><simpleAuthenticationPlugin><users>
      <authenticationUser username="u" password="\${pw}" groups="g"/>
    </users></simpleAuthenticationPlugin></plugins>
    <systemUsage><systemUsage><memoryUsage><memoryUsage percentOfJvmHeap="70"/></memoryUsage></systemUsage></systemUsage>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:0?maximumConnections=10&amp;wireFormat.maxFrameSize=1000"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
    </transportConnectors>
  </broker>
</beans>`;

const xmlPieces = fc.constantFrom(
  '<',
  '>',
  '/>',
  '</broker>',
  '<broker>',
  '="',
  '"',
  '&amp;',
  '&#x0;',
  '${',
  '}',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?xml',
  'xmlns="x"',
  ' a="1"',
  '\u0000',
  '\uffff',
  '😀',
);

const configText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.oneof(xmlPieces, fc.string({ maxLength: 6 }))), {
        maxLength: 4,
      }),
    )
    .map(([edits]) => {
      let t = CONFIG;
      for (const [at, cut, insert] of edits) {
        const p = at % (t.length + 1);
        t = t.slice(0, p) + insert + t.slice(Math.min(t.length, p + cut));
      }
      return t;
    }),
);

let configDir: string | null = null;

const configReader: FuzzTarget = {
  name: 'activemq-xml',
  property: (budgetMs) =>
    fc.property(configText, (text) => {
      configDir ??= mkdtempSync(join(tmpdir(), 'tidemq-fuzz-'));
      timed(budgetMs, 'config load', () => {
        try {
          loadBrokerConfigText(text, join(configDir!, 'activemq.xml'), {
            cwd: configDir!,
            env: {},
            properties: { pw: 'secret' },
          });
        } catch (e) {
          if (!(e instanceof BrokerError)) throw e;
        }
      });
    }),
};

export const targets: readonly FuzzTarget[] = [
  stompParser,
  stompRoundTrip,
  openWireDecoder,
  primitiveMap,
  primitiveMapRoundTrip,
  compressedBody,
  configReader,
];
