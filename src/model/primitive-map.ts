import { BrokerError } from '../util/errors.js';
import { PropertyType, type Properties, type TypedValue } from './properties.js';

/**
 * ActiveMQ's primitive map and list encoding (MarshallingSupport.marshalPrimitiveMap / unmarshalPrimitiveMap):
 * the format of message properties, of WireFormatInfo properties and of a MapMessage body.
 *
 *   map   := int32 count (-1 = null) { utf key, value }*
 *   list  := int32 count { value }*
 *   value := byte tag, then: NULL=0 -, BOOLEAN=1 byte, BYTE=2 byte, CHAR=3 uint16, SHORT=4 int16, INTEGER=5 int32,
 *            LONG=6 int64, DOUBLE=7 float64, FLOAT=8 float32, STRING=9 utf, BYTE_ARRAY=10 int32 length + bytes,
 *            MAP=11 map, LIST=12 list, BIG_STRING=13 int32 length + modified UTF-8
 *   utf   := uint16 length + Java modified UTF-8 (DataOutput.writeUTF)
 *
 * Everything is big-endian. Decoding never trusts a count or a length: each is checked against the bytes that
 * remain before anything is allocated, and maps/lists are limited in entries and nesting depth (the regression
 * class of CVE-2025-27533: a lying size must be refused, not allocated).
 */

/** The MarshallingSupport type tags; the model's PropertyType uses the same numbers for 0..12. */
export const PrimitiveTag = {
  NULL: 0,
  BOOLEAN: 1,
  BYTE: 2,
  CHAR: 3,
  SHORT: 4,
  INTEGER: 5,
  LONG: 6,
  DOUBLE: 7,
  FLOAT: 8,
  STRING: 9,
  BYTE_ARRAY: 10,
  MAP: 11,
  LIST: 12,
  BIG_STRING: 13,
} as const;

export interface PrimitiveMapLimits {
  /** Most entries in one map or list (ActiveMQ's maxPropertySize; WireFormatInfo uses 64). */
  readonly maxEntries: number;
  /** Deepest nesting of maps/lists; 0 allows no nested collection (as WireFormatInfo does). */
  readonly maxDepth: number;
  /** Longest single string or byte array in bytes (ActiveMQ's maxBufferSize; WireFormatInfo uses 512). */
  readonly maxValueLength: number;
}

export const DEFAULT_PRIMITIVE_MAP_LIMITS: PrimitiveMapLimits = {
  maxEntries: 65_536,
  maxDepth: 32,
  maxValueLength: 0x7fffffff,
};

/** A malformed or over-limit primitive map. The OpenWire codec rethrows it as its own CodecError. */
export class PrimitiveMapError extends BrokerError {
  constructor(message: string) {
    super('ERR_PROTOCOL', message);
    this.name = 'PrimitiveMapError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Java modified UTF-8 (DataOutput.writeUTF / DataInput.readUTF, MarshallingSupport.writeUTF8): U+0000 is written
// as C0 80 and characters outside the BMP as two 3-byte surrogate encodings (CESU-8). Shared with the OpenWire
// codec, which writes every string this way.
// ---------------------------------------------------------------------------------------------------------------

/** Encoded length of `s` in Java modified UTF-8. */
export function javaUtf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) n += 1;
    else if (c <= 0x7ff) n += 2;
    else n += 3;
  }
  return n;
}

/**
 * Whether `s` needs the hand-written encoder: it has U+0000 or a surrogate, the only places where modified
 * UTF-8 differs from standard UTF-8 (so Buffer's native UTF-8 writer can be used otherwise).
 */
export function needsModifiedUtf8(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** Writes `s` in modified UTF-8 at `pos`; returns the new position. The caller has ensured the room. */
export function writeJavaUtf8(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) {
      buf[pos++] = c;
    } else if (c <= 0x7ff) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

const NO_SPECIAL = -1;

/**
 * Decodes modified UTF-8 from `buf[start, end)`. Standard 4-byte UTF-8 sequences are accepted too (some non-Java
 * clients send them) and become surrogate pairs. Returns null when the bytes are malformed, so each caller can
 * raise its own error type.
 */
export function readJavaUtf8(buf: Uint8Array, start: number, end: number): string | null {
  // Fast path: plain ASCII, or UTF-8 without C0 80 / encoded surrogates (ED A0..BF) is standard UTF-8, which
  // Buffer decodes natively.
  let special = NO_SPECIAL;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80) {
      ascii = false;
      if (b === 0xc0 || b === 0xed || b >= 0xf0) {
        special = i;
        break;
      }
    }
  }
  if (special === NO_SPECIAL) {
    const b = Buffer.from(buf.buffer, buf.byteOffset + start, end - start);
    if (ascii) return b.toString('latin1');
    const s = b.toString('utf8');
    // The native decoder replaces malformed input with U+FFFD; Java would refuse it, so fall through to the
    // strict decoder in that (rare) case.
    if (!s.includes('\ufffd')) return s;
  }
  return decodeModifiedUtf8Strict(buf, start, end);
}

/**
 * Whether `buf[start, end)` is modified UTF-8 that readJavaUtf8 accepts, checked without building the string:
 * a property block can be validated on arrival while it stays encoded.
 */
export function isJavaUtf8(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const a = buf[i++]!;
    if (a < 0x80) continue;
    let more: number;
    if ((a & 0xe0) === 0xc0) more = 1;
    else if ((a & 0xf0) === 0xe0) more = 2;
    else if ((a & 0xf8) === 0xf0) more = 3;
    else return false;
    if (i + more > end) return false;
    for (let k = 0; k < more; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return false;
    if (more === 3) {
      const cp = ((a & 0x07) << 18) | ((buf[i]! & 0x3f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return false;
    }
    i += more;
  }
  return true;
}

function decodeModifiedUtf8Strict(buf: Uint8Array, start: number, end: number): string | null {
  const units: number[] = [];
  let out = '';
  let i = start;
  while (i < end) {
    const a = buf[i++]!;
    if (a < 0x80) {
      units.push(a);
    } else if ((a & 0xe0) === 0xc0) {
      if (i >= end) return null;
      const b = buf[i++]!;
      if ((b & 0xc0) !== 0x80) return null;
      units.push(((a & 0x1f) << 6) | (b & 0x3f));
    } else if ((a & 0xf0) === 0xe0) {
      if (i + 1 >= end) return null;
      const b = buf[i++]!;
      const c = buf[i++]!;
      if ((b & 0xc0) !== 0x80 || (c & 0xc0) !== 0x80) return null;
      units.push(((a & 0x0f) << 12) | ((b & 0x3f) << 6) | (c & 0x3f));
    } else if ((a & 0xf8) === 0xf0) {
      if (i + 2 >= end) return null;
      const b = buf[i++]!;
      const c = buf[i++]!;
      const d = buf[i++]!;
      if ((b & 0xc0) !== 0x80 || (c & 0xc0) !== 0x80 || (d & 0xc0) !== 0x80) return null;
      const cp = (((a & 0x07) << 18) | ((b & 0x3f) << 12) | ((c & 0x3f) << 6) | (d & 0x3f)) - 0x10000;
      if (cp < 0 || cp > 0xfffff) return null;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      return null;
    }
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------------

class MapReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    readonly end: number,
    readonly limits: PrimitiveMapLimits,
    start: number,
  ) {
    this.pos = start;
  }

  need(n: number): void {
    if (n > this.end - this.pos) {
      throw new PrimitiveMapError(`primitive map truncated: need ${n} bytes, ${this.end - this.pos} remain`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  view(): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  length(len: number, what: string): number {
    if (len < 0) throw new PrimitiveMapError(`negative ${what} length ${len}`);
    if (len > this.limits.maxValueLength) {
      throw new PrimitiveMapError(`${what} of ${len} bytes exceeds the limit of ${this.limits.maxValueLength}`);
    }
    this.need(len);
    return len;
  }

  utf(len: number, what: string): string {
    this.length(len, what);
    const s = readJavaUtf8(this.buf, this.pos, this.pos + len);
    if (s === null) throw new PrimitiveMapError(`malformed modified UTF-8 in ${what}`);
    this.pos += len;
    return s;
  }

  count(n: number, minEntryBytes: number, what: string): number {
    if (n > this.limits.maxEntries) {
      throw new PrimitiveMapError(`${what} has ${n} entries, more than the limit of ${this.limits.maxEntries}`);
    }
    // Each entry takes at least minEntryBytes, so a count the remaining bytes cannot hold is a lie.
    if (n * minEntryBytes > this.end - this.pos) {
      throw new PrimitiveMapError(`${what} claims ${n} entries but only ${this.end - this.pos} bytes remain`);
    }
    return n;
  }

  /** Walks over a string, checking it without decoding it. */
  skipUtf(len: number, what: string): void {
    this.length(len, what);
    if (!isJavaUtf8(this.buf, this.pos, this.pos + len)) {
      throw new PrimitiveMapError(`malformed modified UTF-8 in ${what}`);
    }
    this.pos += len;
  }

  /** The same checks as map(), nothing built: what a decode of these bytes would refuse, this refuses. */
  skipMap(depth: number): void {
    const n = this.i32();
    if (n < 0) return;
    this.count(n, 3, 'map');
    for (let i = 0; i < n; i++) {
      this.skipUtf(this.u16(), 'map key');
      this.skipValue(depth);
    }
  }

  skipValue(depth: number): void {
    const tag = this.u8();
    switch (tag) {
      case PrimitiveTag.NULL:
        return;
      case PrimitiveTag.BOOLEAN:
      case PrimitiveTag.BYTE:
        this.need(1);
        this.pos += 1;
        return;
      case PrimitiveTag.CHAR:
      case PrimitiveTag.SHORT:
        this.need(2);
        this.pos += 2;
        return;
      case PrimitiveTag.INTEGER:
      case PrimitiveTag.FLOAT:
        this.need(4);
        this.pos += 4;
        return;
      case PrimitiveTag.LONG:
      case PrimitiveTag.DOUBLE:
        this.need(8);
        this.pos += 8;
        return;
      case PrimitiveTag.STRING:
        this.skipUtf(this.u16(), 'string');
        return;
      case PrimitiveTag.BIG_STRING:
        this.skipUtf(this.i32(), 'string');
        return;
      case PrimitiveTag.BYTE_ARRAY: {
        const len = this.length(this.i32(), 'byte array');
        this.pos += len;
        return;
      }
      case PrimitiveTag.MAP:
        this.skipMap(this.nested(depth));
        return;
      case PrimitiveTag.LIST: {
        const d = this.nested(depth);
        const n = this.i32();
        if (n < 0) throw new PrimitiveMapError(`negative list size ${n}`);
        this.count(n, 1, 'list');
        for (let i = 0; i < n; i++) this.skipValue(d);
        return;
      }
      default:
        throw new PrimitiveMapError(`unknown primitive type ${tag}`);
    }
  }

  map(depth: number): Properties {
    const n = this.i32();
    const out: Properties = new Map();
    if (n < 0) return out;
    this.count(n, 3, 'map');
    for (let i = 0; i < n; i++) {
      const key = this.utf(this.u16(), 'map key');
      out.set(key, this.value(depth));
    }
    return out;
  }

  list(depth: number): TypedValue[] {
    const n = this.i32();
    if (n < 0) throw new PrimitiveMapError(`negative list size ${n}`);
    this.count(n, 1, 'list');
    const out: TypedValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth));
    return out;
  }

  nested(depth: number): number {
    const d = depth + 1;
    if (d > this.limits.maxDepth) {
      throw new PrimitiveMapError(`primitive map nested deeper than the limit of ${this.limits.maxDepth}`);
    }
    return d;
  }

  value(depth: number): TypedValue {
    const tag = this.u8();
    switch (tag) {
      case PrimitiveTag.NULL:
        return { type: PropertyType.Null, value: null };
      case PrimitiveTag.BOOLEAN:
        return { type: PropertyType.Boolean, value: this.u8() !== 0 };
      case PrimitiveTag.BYTE:
        return { type: PropertyType.Byte, value: (this.u8() << 24) >> 24 };
      case PrimitiveTag.CHAR:
        return { type: PropertyType.Char, value: String.fromCharCode(this.u16()) };
      case PrimitiveTag.SHORT:
        return { type: PropertyType.Short, value: (this.u16() << 16) >> 16 };
      case PrimitiveTag.INTEGER:
        return { type: PropertyType.Int, value: this.i32() };
      case PrimitiveTag.LONG: {
        this.need(8);
        const v = this.view().getBigInt64(this.pos);
        this.pos += 8;
        return { type: PropertyType.Long, value: v };
      }
      case PrimitiveTag.DOUBLE: {
        this.need(8);
        const v = this.view().getFloat64(this.pos);
        this.pos += 8;
        return { type: PropertyType.Double, value: v };
      }
      case PrimitiveTag.FLOAT: {
        this.need(4);
        const v = this.view().getFloat32(this.pos);
        this.pos += 4;
        return { type: PropertyType.Float, value: v };
      }
      case PrimitiveTag.STRING:
        return { type: PropertyType.String, value: this.utf(this.u16(), 'string') };
      case PrimitiveTag.BIG_STRING:
        return { type: PropertyType.String, value: this.utf(this.i32(), 'string') };
      case PrimitiveTag.BYTE_ARRAY: {
        const len = this.length(this.i32(), 'byte array');
        const v = new Uint8Array(this.buf.subarray(this.pos, this.pos + len));
        this.pos += len;
        return { type: PropertyType.Bytes, value: v };
      }
      case PrimitiveTag.MAP:
        return { type: PropertyType.Map, value: this.map(this.nested(depth)) };
      case PrimitiveTag.LIST:
        return { type: PropertyType.List, value: this.list(this.nested(depth)) };
      default:
        throw new PrimitiveMapError(`unknown primitive type ${tag}`);
    }
  }
}

function limitsOf(limits?: Partial<PrimitiveMapLimits>): PrimitiveMapLimits {
  return limits === undefined ? DEFAULT_PRIMITIVE_MAP_LIMITS : { ...DEFAULT_PRIMITIVE_MAP_LIMITS, ...limits };
}

/**
 * Decodes a marshalled primitive map (message properties, a MapMessage body, WireFormatInfo properties).
 * A null map (count -1) decodes as an empty map. Trailing bytes after the map are refused.
 */
export function decodePrimitiveMap(bytes: Uint8Array, limits?: Partial<PrimitiveMapLimits>): Properties {
  const r = new MapReader(bytes, bytes.length, limitsOf(limits), 0);
  const m = r.map(0);
  if (r.pos !== bytes.length) throw new PrimitiveMapError(`${bytes.length - r.pos} bytes after the primitive map`);
  return m;
}

/**
 * Checks a marshalled primitive map as decodePrimitiveMap would, without building it (no strings, no maps):
 * throws the same PrimitiveMapError for the same bytes. Lets a property block be refused on arrival and still
 * pass through the broker undecoded.
 */
export function checkPrimitiveMap(bytes: Uint8Array, limits?: Partial<PrimitiveMapLimits>): void {
  const r = new MapReader(bytes, bytes.length, limitsOf(limits), 0);
  r.skipMap(0);
  if (r.pos !== bytes.length) throw new PrimitiveMapError(`${bytes.length - r.pos} bytes after the primitive map`);
}

/** Decodes a marshalled primitive list (int32 count, then values). */
export function decodePrimitiveList(bytes: Uint8Array, limits?: Partial<PrimitiveMapLimits>): TypedValue[] {
  const r = new MapReader(bytes, bytes.length, limitsOf(limits), 0);
  const l = r.list(0);
  if (r.pos !== bytes.length) throw new PrimitiveMapError(`${bytes.length - r.pos} bytes after the primitive list`);
  return l;
}

/** Decodes a run of tagged values up to the end (the body of an ActiveMQStreamMessage). */
export function decodePrimitiveValues(bytes: Uint8Array, limits?: Partial<PrimitiveMapLimits>): TypedValue[] {
  const lim = limitsOf(limits);
  const r = new MapReader(bytes, bytes.length, lim, 0);
  const out: TypedValue[] = [];
  while (r.pos < bytes.length) {
    if (out.length >= lim.maxEntries) throw new PrimitiveMapError(`more than ${lim.maxEntries} values`);
    out.push(r.value(0));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding: a size pass, then one exact allocation and a write pass (no intermediate buffers).
// ---------------------------------------------------------------------------------------------------------------

/** MarshallingSupport.marshalString switches to BIG_STRING at this many characters (Short.MAX_VALUE / 4). */
const BIG_STRING_CHARS = 8191;
const MAX_UTF = 65535;
const MAX_ENCODE_DEPTH = 64;

function utfSize(s: string, what: string): number {
  const n = javaUtf8Length(s);
  if (n > MAX_UTF) throw new PrimitiveMapError(`${what} is ${n} bytes in UTF-8, more than 65535`);
  return n;
}

function valueSize(v: TypedValue, depth: number): number {
  switch (v.type) {
    case PropertyType.Null:
      return 1;
    case PropertyType.Boolean:
    case PropertyType.Byte:
      return 2;
    case PropertyType.Char:
    case PropertyType.Short:
      return 3;
    case PropertyType.Int:
    case PropertyType.Float:
      return 5;
    case PropertyType.Long:
    case PropertyType.Double:
      return 9;
    case PropertyType.String:
      return v.value.length < BIG_STRING_CHARS ? 3 + utfSize(v.value, 'string') : 5 + javaUtf8Length(v.value);
    case PropertyType.Bytes:
      return 5 + v.value.length;
    case PropertyType.Map:
      return 1 + mapSize(v.value, depth + 1);
    case PropertyType.List: {
      if (depth + 1 > MAX_ENCODE_DEPTH) throw new PrimitiveMapError('primitive list nested too deep to encode');
      let n = 5;
      for (const e of v.value) n += valueSize(e, depth + 1);
      return n;
    }
    default:
      throw new PrimitiveMapError(`cannot encode property type ${String((v as { type: unknown }).type)}`);
  }
}

function mapSize(m: Properties, depth: number): number {
  if (depth > MAX_ENCODE_DEPTH) throw new PrimitiveMapError('primitive map nested too deep to encode');
  let n = 4;
  for (const [k, v] of m) n += 2 + utfSize(k, 'map key') + valueSize(v, depth);
  return n;
}

class MapWriter {
  pos = 0;
  readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  i32(v: number): void {
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  utf(s: string): void {
    this.pos = writeJavaUtf8(this.buf, this.pos, s);
  }

  map(m: Properties): void {
    this.i32(m.size);
    for (const [k, v] of m) {
      this.u16(javaUtf8Length(k));
      this.utf(k);
      this.value(v);
    }
  }

  value(v: TypedValue): void {
    switch (v.type) {
      case PropertyType.Null:
        this.u8(PrimitiveTag.NULL);
        return;
      case PropertyType.Boolean:
        this.u8(PrimitiveTag.BOOLEAN);
        this.u8(v.value ? 1 : 0);
        return;
      case PropertyType.Byte:
        this.u8(PrimitiveTag.BYTE);
        this.u8(v.value & 0xff);
        return;
      case PropertyType.Char:
        this.u8(PrimitiveTag.CHAR);
        this.u16(v.value.length > 0 ? v.value.charCodeAt(0) : 0);
        return;
      case PropertyType.Short:
        this.u8(PrimitiveTag.SHORT);
        this.u16(v.value & 0xffff);
        return;
      case PropertyType.Int:
        this.u8(PrimitiveTag.INTEGER);
        this.i32(v.value | 0);
        return;
      case PropertyType.Long:
        this.u8(PrimitiveTag.LONG);
        this.view.setBigInt64(this.pos, BigInt.asIntN(64, v.value));
        this.pos += 8;
        return;
      case PropertyType.Double:
        this.u8(PrimitiveTag.DOUBLE);
        this.view.setFloat64(this.pos, v.value);
        this.pos += 8;
        return;
      case PropertyType.Float:
        this.u8(PrimitiveTag.FLOAT);
        this.view.setFloat32(this.pos, v.value);
        this.pos += 4;
        return;
      case PropertyType.String: {
        const len = javaUtf8Length(v.value);
        if (v.value.length < BIG_STRING_CHARS) {
          this.u8(PrimitiveTag.STRING);
          this.u16(len);
        } else {
          this.u8(PrimitiveTag.BIG_STRING);
          this.i32(len);
        }
        this.utf(v.value);
        return;
      }
      case PropertyType.Bytes:
        this.u8(PrimitiveTag.BYTE_ARRAY);
        this.i32(v.value.length);
        this.buf.set(v.value, this.pos);
        this.pos += v.value.length;
        return;
      case PropertyType.Map:
        this.u8(PrimitiveTag.MAP);
        this.map(v.value);
        return;
      case PropertyType.List:
        this.u8(PrimitiveTag.LIST);
        this.i32(v.value.length);
        for (const e of v.value) this.value(e);
        return;
    }
  }
}

/** Encodes properties as ActiveMQ's marshalled primitive map, in the map's iteration order. */
export function encodePrimitiveMap(props: Properties): Uint8Array {
  const out = Buffer.allocUnsafe(mapSize(props, 0));
  const w = new MapWriter(out);
  w.map(props);
  return out;
}

/** Encodes a list as int32 count + tagged values. */
export function encodePrimitiveList(values: readonly TypedValue[]): Uint8Array {
  const out = Buffer.allocUnsafe(valueSize({ type: PropertyType.List, value: values as TypedValue[] }, 0) - 1);
  const w = new MapWriter(out);
  w.i32(values.length);
  for (const v of values) w.value(v);
  return out;
}

/** Encodes tagged values back to back (an ActiveMQStreamMessage body). */
export function encodePrimitiveValues(values: readonly TypedValue[]): Uint8Array {
  let n = 0;
  for (const v of values) n += valueSize(v, 0);
  const out = Buffer.allocUnsafe(n);
  const w = new MapWriter(out);
  for (const v of values) w.value(v);
  return out;
}
