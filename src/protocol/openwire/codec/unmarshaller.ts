import { readJavaUtf8 } from '../../../model/primitive-map.js';
import { CodecError } from './errors.js';
import { fieldDefault, K, specOf, type FieldSpec, type TypeSpec } from './schema.js';
import { T } from './types.js';

/**
 * The decoding half of the codec: reads one frame body through the field table of the negotiated version.
 *
 * Every read is bounds-checked against the end of the frame, and every count and length is checked against
 * what remains before anything is allocated: a string or byte array cannot be longer than the rest of the frame,
 * an array or stack trace cannot have more entries than the remaining bytes (or BooleanStream bits) could
 * encode, and nesting is limited. Nothing is ever created from a class name: Throwables stay strings.
 */

type Obj = Record<string, unknown> & { type: number };

/**
 * Thrown when a frame without size prefix needs more bytes. One Error made once: its stack is captured here,
 * not on each throw, and callers recognise it by identity.
 */
export const NEED_MORE = new Error('openwire frame needs more bytes');

/** Deepest nesting of data structures accepted (a MessageDispatch is 4 deep; peers nest BrokerInfos a little). */
export const MAX_DECODE_DEPTH = 32;
/** Longest Throwable cause chain accepted. */
export const MAX_THROWABLE_DEPTH = 64;

const MAGIC = [0x41, 0x63, 0x74, 0x69, 0x76, 0x65, 0x4d, 0x51]; // "ActiveMQ"

export class Unmarshaller {
  version = 12;
  tight = false;
  cacheEnabled = false;
  stackTraceEnabled = false;

  private cache: unknown[] = [];
  private cacheSize = 0;

  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private end = 0;
  /** Whether running out of bytes means "wait for more" (no size prefix) rather than a lying frame. */
  private partial = false;

  private bsStart = 0;
  private bsBits = 0;
  private bsPos = 0;

  resetCache(size: number): void {
    this.cacheSize = size;
    // Filled as the peer adds entries (in index order, from 0) rather than allocated whole: a connection that
    // caches a handful of ids should not carry cacheSize slots (8 KiB at 1,024) from its first frame.
    this.cache = [];
  }

  /**
   * Decodes one frame body (type byte onwards) from `buf[start, end)`. With `partial` the body may be
   * incomplete: NEED_MORE is thrown, and `consumed` tells how far a complete one reached. Returns null for a
   * NULL frame (type 0).
   */
  decode(buf: Buffer, start: number, end: number, partial: boolean): Obj | null {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.partial = partial;
    try {
      const type = this.u8();
      let o: Obj | null = null;
      if (type !== T.NULL) {
        const spec = this.spec(type, null);
        if (this.tight) this.readBooleanStream();
        o = this.readObject(spec, 0);
      }
      if (!partial && this.pos !== end) {
        throw new CodecError(`frame of type ${type} has ${end - this.pos} bytes after its last field`);
      }
      return o;
    } catch (e) {
      if (e === NEED_MORE || e instanceof CodecError) throw e;
      // Nothing else should escape; if it does, the frame is still what is wrong as far as the peer knows.
      throw new CodecError(`malformed frame: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.buf = EMPTY;
    }
  }

  /** Where the last decode stopped (for frames without size prefix). */
  get consumed(): number {
    return this.pos;
  }

  // ------------------------------------------------------------------------------------------- primitives

  private need(n: number): void {
    if (n > this.end - this.pos) {
      if (this.partial) throw NEED_MORE;
      throw new CodecError(`truncated frame: a field needs ${n} bytes but ${this.end - this.pos} remain`);
    }
  }

  private u8(): number {
    if (this.pos >= this.end) this.need(1);
    return this.buf[this.pos++]!;
  }

  private i8(): number {
    return (this.u8() << 24) >> 24;
  }

  private u16(): number {
    this.need(2);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  private i16(): number {
    return (this.u16() << 16) >> 16;
  }

  private i32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  private i64(): number {
    const hi = this.i32();
    const lo = this.i32() >>> 0;
    return hi * 4294967296 + lo;
  }

  private bool(): boolean {
    return this.u8() !== 0;
  }

  private readBooleanStream(): void {
    let n = this.u8();
    if (n === 0xc0) n = this.u8();
    else if (n === 0x80) n = this.i16();
    if (n < 0) throw new CodecError(`negative BooleanStream length ${n}`);
    this.need(n);
    this.bsStart = this.pos;
    this.bsBits = n * 8;
    this.bsPos = 0;
    this.pos += n;
  }

  private bit(): boolean {
    const i = this.bsPos;
    if (i >= this.bsBits) {
      // The whole BooleanStream was read up front, so running out is a malformed frame even without a prefix.
      throw new CodecError('BooleanStream exhausted: the frame has fewer flags than its fields need');
    }
    this.bsPos = i + 1;
    return ((this.buf[this.bsStart + (i >> 3)]! >> (i & 7)) & 1) === 1;
  }

  /** Reads a length and checks it against what remains, before anything of that size exists. */
  private length(n: number, what: string): number {
    if (n < 0) throw new CodecError(`negative ${what} length ${n}`);
    this.need(n);
    return n;
  }

  private utf(n: number, what: string): string {
    this.length(n, what);
    const s = readJavaUtf8(this.buf, this.pos, this.pos + n);
    if (s === null) throw new CodecError(`malformed modified UTF-8 in ${what}`);
    this.pos += n;
    return s;
  }

  private string(): string | null {
    if (this.tight) {
      if (!this.bit()) return null;
      if (this.bit()) {
        // The ASCII form is read as ISO-8859-1, as `new String(bytes, 0)` does.
        const n = this.length(this.i16(), 'string');
        const s = this.buf.toString('latin1', this.pos, this.pos + n);
        this.pos += n;
        return s;
      }
      return this.utf(this.u16(), 'string');
    }
    if (!this.bool()) return null;
    return this.utf(this.u16(), 'string');
  }

  /**
   * Checks an entry count against the rest of the frame: each entry takes at least one flag bit (tight) or one
   * byte (loose), so a count the frame cannot hold is a lie, refused before any array grows.
   */
  private count(n: number, what: string): number {
    if (n < 0) throw new CodecError(`negative ${what} count ${n}`);
    if (this.tight ? n > this.bsBits - this.bsPos : n > this.end - this.pos) {
      if (this.partial && !this.tight) throw NEED_MORE;
      throw new CodecError(`${what} claims ${n} entries, more than the frame can hold`);
    }
    return n;
  }

  // ------------------------------------------------------------------------------------------- structures

  private spec(type: number, f: FieldSpec | null): TypeSpec {
    const spec = specOf(type);
    if (spec === undefined || spec.byVersion[this.version] === null) {
      throw new CodecError(`unknown data structure type ${type} at OpenWire version ${this.version}`);
    }
    if (f !== null && f.refs !== null && f.refs[type] !== 1) {
      throw new CodecError(`field ${f.name} holds a ${f.refName}, not a ${spec.name}`);
    }
    return spec;
  }

  private readObject(spec: TypeSpec, depth: number): Obj {
    if (depth > MAX_DECODE_DEPTH) throw new CodecError(`structures nested deeper than ${MAX_DECODE_DEPTH}`);
    const fields = spec.byVersion[this.version]!;
    // A copy of the type's template already has every field (absent ones at their defaults) in one shape, so
    // the reads below overwrite properties rather than add them one by one.
    const o = blank(spec);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      o[f.name] = this.readField(f, depth);
    }
    if (spec.type === T.WIREFORMAT_INFO) checkMagic(o.magic as Uint8Array);
    return o;
  }

  private readField(f: FieldSpec, depth: number): unknown {
    switch (f.kind) {
      case K.BYTE:
        return this.i8();
      case K.BOOL:
        return this.tight ? this.bit() : this.bool();
      case K.SHORT:
        return this.i16();
      case K.INT:
        return this.i32();
      case K.LONG:
        return this.tight ? this.tightLong() : this.i64();
      case K.STRING:
        return this.string();
      case K.BYTES:
      case K.BYTE_SEQ: {
        if (!(this.tight ? this.bit() : this.bool())) return null;
        const n = this.length(this.i32(), f.name);
        const start = this.pos;
        this.pos += n;
        // Message content and properties stay views into the frame; small byte[] fields are copied (Buffer.from
        // copies; Buffer#slice would not).
        return f.kind === K.BYTE_SEQ
          ? this.buf.subarray(start, start + n)
          : Buffer.from(this.buf.subarray(start, start + n));
      }
      case K.CONST_BYTES: {
        this.need(f.constSize);
        const start = this.pos;
        this.pos += f.constSize;
        return Buffer.from(this.buf.subarray(start, start + f.constSize));
      }
      case K.NESTED:
        return this.nested(f, depth);
      case K.CACHED:
        return this.cached(f, depth);
      case K.ARRAY: {
        if (!(this.tight ? this.bit() : this.bool())) return null;
        const n = this.count(this.i16(), f.name);
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.nested(f, depth));
        return a;
      }
      case K.THROWABLE:
        return this.throwable(0);
    }
    throw new CodecError(`field ${f.name} has an unknown kind`);
  }

  private tightLong(): number {
    if (this.bit()) {
      if (this.bit()) return this.i64();
      return this.i32() >>> 0;
    }
    return this.bit() ? this.u16() : 0;
  }

  private nested(f: FieldSpec, depth: number): Obj | null {
    if (!(this.tight ? this.bit() : this.bool())) return null;
    const type = this.u8();
    const spec = this.spec(type, f);
    // A MarshallAware object could announce a cached marshalled form; ActiveMQ never writes one (its marshaller
    // throws "Corrupted stream"), so neither do we accept it.
    if (this.tight && spec.marshalAware && this.bit()) {
      throw new CodecError(`${spec.name} with a cached marshalled form is not supported`);
    }
    return this.readObject(spec, depth + 1);
  }

  private cached(f: FieldSpec, depth: number): Obj | null {
    if (!this.cacheEnabled) return this.nested(f, depth);
    const isNew = this.tight ? this.bit() : this.bool();
    const index = this.i16();
    if (isNew) {
      const o = this.nested(f, depth);
      // -1: the sender's cache was full; the object is sent but not cached.
      if (index !== -1) {
        if (index < 0 || index >= this.cacheSize) throw new CodecError(`marshal cache index ${index} out of range`);
        this.cache[index] = o;
      }
      return o;
    }
    if (index < 0 || index >= this.cacheSize) throw new CodecError(`marshal cache index ${index} out of range`);
    const o = this.cache[index];
    if (o === undefined) throw new CodecError(`marshal cache index ${index} refers to nothing sent`);
    // The sender caches nulls too (a null key in its HashMap), so a hit may legitimately be null.
    if (o !== null && f.refs !== null && f.refs[(o as Obj).type] !== 1) {
      throw new CodecError(`field ${f.name} holds a ${f.refName}; the cached entry ${index} is something else`);
    }
    return o as Obj | null;
  }

  private throwable(depth: number): unknown {
    if (!(this.tight ? this.bit() : this.bool())) return null;
    if (depth > MAX_THROWABLE_DEPTH) throw new CodecError(`exception cause chain longer than ${MAX_THROWABLE_DEPTH}`);
    const className = this.string();
    const message = this.string();
    let stackTrace: unknown[] | null = null;
    let cause: unknown = null;
    if (this.stackTraceEnabled) {
      const n = this.i16();
      if (n < 0) throw new CodecError(`negative stack trace length ${n}`);
      // Every element ends with an int line number.
      if (n * 4 > this.end - this.pos) {
        if (this.partial) throw NEED_MORE;
        throw new CodecError(`stack trace claims ${n} elements, more than the frame can hold`);
      }
      stackTrace = [];
      for (let i = 0; i < n; i++) {
        stackTrace.push({
          className: this.string(),
          methodName: this.string(),
          fileName: this.string(),
          lineNumber: this.i32(),
        });
      }
      cause = this.throwable(depth + 1);
    }
    return { className, message, stackTrace, cause };
  }
}

const EMPTY = Buffer.alloc(0);

const factories: ((() => Obj) | undefined)[] = new Array<(() => Obj) | undefined>(256).fill(undefined);

/**
 * A new object of the type with every field of every version at its Java default, in table order. Each type
 * gets a function returning one object literal, generated once from its table: V8 then builds every decoded
 * object of that type in a single allocation with one fixed shape, instead of growing it a property at a time.
 * The generated source holds only JSON-quoted names from the tables and the literals 0, false and null.
 */
function blank(spec: TypeSpec): Obj {
  let make = factories[spec.type];
  if (make === undefined) {
    const props = [`type: ${spec.type}`];
    for (const f of spec.fields) props.push(`${JSON.stringify(f.name)}: ${JSON.stringify(fieldDefault(f))}`);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- see above
    make = new Function(`return function () { return { ${props.join(', ')} }; };`)() as () => Obj;
    factories[spec.type] = make;
  }
  return make();
}

function checkMagic(magic: Uint8Array | null): void {
  let ok = magic !== null && magic.length === MAGIC.length;
  for (let i = 0; ok && i < MAGIC.length; i++) ok = magic![i] === MAGIC[i];
  if (!ok) throw new CodecError('WireFormatInfo magic is not "ActiveMQ": not an OpenWire peer');
}
