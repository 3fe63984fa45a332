import type { DataStructure, ThrowableInfo } from '../../../../../src/protocol/openwire/codec/commands.js';
import { fieldDefault, K, SPECS, specOf, type FieldSpec } from '../../../../../src/protocol/openwire/codec/schema.js';
import { T } from '../../../../../src/protocol/openwire/codec/types.js';

/**
 * Test support: random but valid commands of any type at any version, built from the same field tables the codec
 * uses, so every command and field kind is covered by the round-trip, split and fuzz tests without a hand-written
 * sample per type. Deterministic for a given random source.
 */

export type Rnd = () => number;

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<V>(rnd: Rnd, items: readonly V[]): V {
  return items[Math.floor(rnd() * items.length)]!;
}

const LONGS = [
  0,
  1,
  255,
  65535,
  65536,
  4294967295,
  4294967296,
  -1,
  -2,
  1700000000123,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];
const STRINGS = [
  '',
  'a',
  'ID:host-61616-1700000000000-1:1',
  'queue.name?consumer.prefetchSize=3000',
  'wörld €',
  'nul\u0000inside',
  'emoji 😀 here',
  '\u00ff\u0080 latin1 high',
  'x'.repeat(300),
];

/** Ids that recur, so the marshal cache sees hits as well as new entries. */
const CONNECTIONS = ['ID:host-1-1-1:1', 'ID:host-1-1-1:2'];

function allowedTypes(f: FieldSpec, version: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < 256; t++) {
    if (f.refs![t] !== 1) continue;
    const s = SPECS[t];
    if (s !== undefined && s.byVersion[version] !== null) out.push(t);
  }
  return out;
}

/** Types a DataStructure-typed field is filled with (anything would do; these keep objects small). */
const SMALL_TYPES = [T.CONNECTION_ID, T.SESSION_ID, T.CONSUMER_ID, T.PRODUCER_ID, T.ACTIVEMQ_TOPIC, T.BROKER_ID];

function randomThrowable(rnd: Rnd, depth: number): ThrowableInfo {
  const n = Math.floor(rnd() * 3);
  const stackTrace = [];
  for (let i = 0; i < n; i++) {
    stackTrace.push({
      className: pick(rnd, ['org.example.Foo', 'javax.jms.JMSException']),
      methodName: pick(rnd, ['run', 'öpen']),
      fileName: rnd() < 0.3 ? null : 'Foo.java',
      lineNumber: Math.floor(rnd() * 2000) - 2,
    });
  }
  return {
    className: pick(rnd, ['java.lang.SecurityException', 'java.io.IOException', 'java.lang.Runtime']),
    message: rnd() < 0.2 ? null : pick(rnd, STRINGS),
    stackTrace,
    cause: depth < 2 && rnd() < 0.4 ? randomThrowable(rnd, depth + 1) : null,
  };
}

/** A random command of `type` valid at `version` (fields absent at that version take their defaults). */
export function randomStructure(type: number, version: number, rnd: Rnd, depth = 0): DataStructure {
  const spec = specOf(type)!;
  const o: Record<string, unknown> = { type };
  for (const f of spec.fields) {
    if (!(f.since <= version && version < f.until)) {
      o[f.name] = fieldDefault(f);
      continue;
    }
    o[f.name] = randomField(f, version, rnd, depth, type);
  }
  return o as unknown as DataStructure;
}

function randomField(f: FieldSpec, version: number, rnd: Rnd, depth: number, type: number): unknown {
  const nullable = rnd() < 0.25;
  switch (f.kind) {
    case K.BYTE:
      return Math.floor(rnd() * 256) - 128;
    case K.BOOL:
      return rnd() < 0.5;
    case K.SHORT:
      return Math.floor(rnd() * 65536) - 32768;
    case K.INT:
      return rnd() < 0.5 ? Math.floor(rnd() * 1000) : Math.floor(rnd() * 4294967296) | 0;
    case K.LONG:
      // Id parts are what they are in ActiveMQ: never huge, so keep them in range too.
      return pick(rnd, LONGS);
    case K.STRING:
      if (f.name === 'connectionId' || (f.name === 'value' && (type === T.CONNECTION_ID || type === T.BROKER_ID))) {
        return pick(rnd, CONNECTIONS);
      }
      return nullable ? null : pick(rnd, STRINGS);
    case K.BYTES:
    case K.BYTE_SEQ: {
      if (nullable) return null;
      const n = Math.floor(rnd() * 40);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
      return b;
    }
    case K.CONST_BYTES:
      return Buffer.from('ActiveMQ', 'latin1');
    case K.NESTED:
    case K.CACHED: {
      if (nullable || depth >= 3) return null;
      let types = allowedTypes(f, version);
      if (types.length > 20) types = SMALL_TYPES;
      return randomStructure(pick(rnd, types), version, rnd, depth + 1);
    }
    case K.ARRAY: {
      if (nullable || depth >= 3) return null;
      let types = allowedTypes(f, version);
      if (types.length > 20) types = SMALL_TYPES;
      const n = Math.floor(rnd() * 3);
      const a = [];
      for (let i = 0; i < n; i++)
        a.push(rnd() < 0.2 ? null : randomStructure(pick(rnd, types), version, rnd, depth + 1));
      return a;
    }
    case K.THROWABLE:
      return nullable ? null : randomThrowable(rnd, 0);
  }
  return null;
}

/**
 * What a command decodes to after a round trip: Throwables lose stack trace and cause when stack traces are off
 * (and have `[]` rather than no stack trace when on), and v1/v10 cut exception messages past 1024 characters.
 */
export function expectedAfterRoundTrip(o: unknown, version: number, stackTraceEnabled: boolean): unknown {
  if (o === null || typeof o !== 'object' || o instanceof Uint8Array) return o;
  if (Array.isArray(o)) return o.map((e) => expectedAfterRoundTrip(e, version, stackTraceEnabled));
  const obj = o as Record<string, unknown>;
  const spec = typeof obj.type === 'number' ? specOf(obj.type) : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = spec?.fields.find((x) => x.name === k);
    out[k] =
      f?.kind === K.THROWABLE
        ? throwableAfter(v as ThrowableInfo | null, version, stackTraceEnabled)
        : expectedAfterRoundTrip(v, version, stackTraceEnabled);
  }
  return out;
}

function throwableAfter(t: ThrowableInfo | null, version: number, stack: boolean): ThrowableInfo | null {
  if (t === null) return null;
  let message = t.message;
  if ((version === 1 || version === 10) && message !== null && message.length > 1024) {
    message = message.substring(0, 1021) + '...';
  }
  return {
    className: t.className,
    message,
    stackTrace: stack ? (t.stackTrace ?? []).map((e) => ({ ...e })) : null,
    cause: stack ? throwableAfter(t.cause, version, stack) : null,
  };
}

/** Every type the tables define at `version`. */
export function typesAt(version: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < 256; t++) if (SPECS[t] !== undefined && SPECS[t]!.byVersion[version] !== null) out.push(t);
  return out;
}
