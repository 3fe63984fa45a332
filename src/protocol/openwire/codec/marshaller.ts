import { needsModifiedUtf8, writeJavaUtf8 } from '../../../model/primitive-map.js';
import { BooleanStreamWriter } from './boolean-stream.js';
import { CodecError } from './errors.js';
import { PreEncoded } from './pre-encoded.js';
import { K, specOf, type FieldSpec, type TypeSpec } from './schema.js';
import { T } from './types.js';

/**
 * The encoding half of the codec: walks a command through the field table of the negotiated version.
 *
 * Like ActiveMQ's marshallers it makes two passes. Pass 1 computes the exact frame size and, in tight encoding,
 * fills the BooleanStream; pass 2 writes straight into the output, so no frame is assembled and then copied.
 * What pass 1 decided and pass 2 must repeat (each string's encoded length and form, each cache decision) is
 * recorded on a "tape" of int32s read back in the same order, so nothing is computed twice.
 */

type Obj = Record<string, unknown> & { type: number };

/** Java's DataOutput.writeUTF limit (loose strings) and the tight-encoding limit (utflen >= Short.MAX_VALUE). */
const MAX_LOOSE_UTF = 65535;
const MAX_TIGHT_UTF = 32766;
/** Deepest nesting written: a guard against cyclic objects, far above anything ActiveMQ produces. */
const MAX_ENCODE_DEPTH = 64;
/** Longest cause chain written. */
const MAX_THROWABLE_DEPTH = 64;
/** v1 and v10 cut exception messages longer than this (BaseDataStreamMarshaller.cutMessageIfNeeded). */
const MAX_EXCEPTION_MESSAGE_SIZE = 1024;
/** OpenWireFormat.MARSHAL_CACHE_FREE_SPACE: the sweep keeps this many slots free before each frame. */
const MARSHAL_CACHE_FREE_SPACE = 100;

const EMPTY = Buffer.alloc(0);

/** The message header a dispatch stamps (RegionBroker.preProcessDispatch): see PreEncoded.stamp. */
const OUT_TIME = 'brokerOutTime';

/** HashMap's null key: a null cached field takes a cache slot in ActiveMQ too, and later nulls hit it. */
const NULL_KEY = '\u0000null';

/** String forms on the tape: 0 = ASCII (1..0x7f), 1 = UTF-8 is modified UTF-8, 2 = needs the Java encoder. */
const STR_ASCII = 0;
const STR_UTF8 = 1;
const STR_JAVA = 2;

/**
 * Keys already built, by object. Ids and destinations are values that are never modified once made, and the
 * same objects come back frame after frame (the decoder's cache hands out one object per cached id, the
 * converters one per destination), so each key string is built and hashed once rather than once per frame.
 */
const keyMemo = new WeakMap<Obj, string>();

/** The key ActiveMQ's marshal cache would find the object under (its equals/hashCode), or the object itself. */
function cacheKey(o: Obj | null | undefined): unknown {
  if (o === null || o === undefined) return NULL_KEY;
  const known = keyMemo.get(o);
  if (known !== undefined) return known;
  const key = valueKey(o);
  if (typeof key === 'string') keyMemo.set(o, key);
  return key;
}

function valueKey(o: Obj): unknown {
  switch (o.type) {
    case T.CONNECTION_ID:
    case T.BROKER_ID:
      return `${o.type}|${o.value as string}`;
    case T.SESSION_ID:
      return `${o.type}|${o.connectionId as string}|${o.value as number}`;
    case T.CONSUMER_ID:
    case T.PRODUCER_ID:
      return `${o.type}|${o.connectionId as string}|${o.sessionId as number}|${o.value as number}`;
    case T.ACTIVEMQ_QUEUE:
    case T.ACTIVEMQ_TOPIC:
    case T.ACTIVEMQ_TEMP_QUEUE:
    case T.ACTIVEMQ_TEMP_TOPIC:
      return `${o.type}|${o.physicalName as string}`;
    case T.ACTIVEMQ_LOCAL_TRANSACTION_ID: {
      const c = o.connectionId as Obj | null;
      return `${o.type}|${c === null ? '' : (c.value as string)}|${o.value as number}`;
    }
    case T.ACTIVEMQ_XA_TRANSACTION_ID:
      return `${o.type}|${o.formatId as number}|${hex(o.globalTransactionId)}|${hex(o.branchQualifier)}`;
    case T.MESSAGE_ID: {
      const p = o.producerId as Obj | null;
      return `${o.type}|${cacheKey(p) as string}|${o.producerSequenceId as number}`;
    }
    default:
      // No value equality in ActiveMQ either (identity).
      return o;
  }
}

function hex(b: unknown): string {
  return b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : '-';
}

function toLong(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

/** Tight long size class: 0 = zero, 1 = 2 bytes, 2 = 4 bytes, 3 = 8 bytes (tightMarshalLong1). */
function longClass(v: number): number {
  if (v === 0) return 0;
  if (v > 0 && v < 0x10000) return 1;
  if (v > 0 && v < 0x100000000) return 2;
  return 3;
}

const LONG_BYTES = [0, 2, 4, 8];

function cutMessage(m: string | null): string | null {
  return m !== null && m.length > MAX_EXCEPTION_MESSAGE_SIZE
    ? m.substring(0, MAX_EXCEPTION_MESSAGE_SIZE - 3) + '...'
    : m;
}

function typeName(type: unknown): string {
  const s = typeof type === 'number' ? specOf(type) : undefined;
  return s ? s.name : `type ${String(type)}`;
}

export class Marshaller {
  version = 12;
  tight = false;
  cacheEnabled = false;
  stackTraceEnabled = false;

  private readonly bs = new BooleanStreamWriter();
  // Grows by doubling (tapePush); a message dispatch needs a few dozen entries, an idle connection fewer.
  private tape = new Int32Array(64);
  private tapeLen = 0;
  private tapePos = 0;

  // The marshal cache (OpenWireFormat.marshallCache*): key → index, slot → key, a ring of `cacheSize`.
  private cacheMap = new Map<unknown, number>();
  private cacheSlots: unknown[] = [];
  private cacheSize = 0;
  private nextIndex = 0;
  private nextEvictionIndex = 0;
  /** What the frame being prepared added to the cache, for rollback. */
  private frameAdded: unknown[] = [];
  private frameStartIndex = 0;

  private buf: Buffer = EMPTY;
  private pos = 0;

  /**
   * Byte arrays (message bodies, marshalled properties) at least this long are not copied into the frame: pass 1
   * counts them in `externalBytes`, pass 2 leaves them out of the buffer and lists them in `externals` with the
   * position they belong at, so the caller can hand them to the socket as they are (writev). 0 = always copy.
   */
  externalMin = 0;
  /** Bytes of the frame prepared last that pass 2 leaves to `externals`. */
  externalBytes = 0;
  /** What the frame written last left out of the buffer: `data` belongs before the byte at `at`. */
  readonly externals: { at: number; data: Uint8Array }[] = [];
  /** @internal Where the last brokerOutTime written began (see preEncode). */
  outTimeAt = -1;

  /** Resets the cache to `size` entries (0 = off), as renegotiateWireFormat does. */
  resetCache(size: number): void {
    this.cacheSize = size;
    this.cacheMap = new Map();
    // Grown as entries are added (see Unmarshaller.resetCache): an idle connection keeps only what it cached.
    this.cacheSlots = [];
    this.nextIndex = 0;
    this.nextEvictionIndex = 0;
  }

  /**
   * Pass 1 for a whole frame: returns the frame size (type byte + body, without the size prefix). If it throws,
   * the marshal cache is as it was; a caller that gives up on the frame after this returns calls `rollback`.
   */
  prepare(cmd: Obj): number {
    const spec = this.specFor(cmd, null);
    if (this.cacheEnabled) this.evictionSweep();
    this.tapeLen = 0;
    this.tapePos = 0;
    this.frameStartIndex = this.nextIndex;
    this.frameAdded.length = 0;
    this.externalBytes = 0;
    try {
      if (this.tight) {
        this.bs.reset();
        const data = this.tightSize(cmd, spec, 0);
        return 1 + this.bs.marshalledSize() + data;
      }
      return 1 + this.looseSize(cmd, spec, 0);
    } catch (e) {
      this.rollback();
      throw e;
    }
  }

  /**
   * Forgets the cache entries the last `prepare` added, for a frame that will not be sent: the peer never sees
   * them, so later frames must not refer to them.
   */
  rollback(): void {
    for (const key of this.frameAdded) {
      const i = this.cacheMap.get(key);
      if (i !== undefined) {
        this.cacheMap.delete(key);
        this.cacheSlots[i] = undefined;
      }
    }
    this.frameAdded.length = 0;
    this.nextIndex = this.frameStartIndex;
  }

  /** Pass 2: writes the frame prepared by `prepare` (without the size prefix) at `pos`; returns the end. */
  write(cmd: Obj, buf: Buffer, pos: number): number {
    this.buf = buf;
    this.pos = pos;
    this.externals.length = 0;
    buf[this.pos++] = cmd.type;
    const spec = specOf(cmd.type)!;
    if (this.tight) {
      this.pos = this.bs.marshal(buf, this.pos);
      this.tightWrite(cmd, spec);
    } else {
      this.looseWrite(cmd, spec);
    }
    const end = this.pos;
    this.buf = EMPTY;
    return end;
  }

  // ------------------------------------------------------------------------------------------- pre-encoding

  /**
   * Marshals `o`, a structure for field `f` of some command, on its own, for PreEncoded (see there): the caller
   * keeps one Marshaller per wire format for this, never the one of a connection (no cache is involved, but
   * the tape and BooleanStream must not be shared with a frame in progress).
   */
  preEncode(o: Obj, f: FieldSpec): PreEncoded {
    if (this.cacheEnabled)
      throw new CodecError('internal: a structure cannot be pre-encoded with the marshal cache on');
    this.tapeLen = 0;
    this.tapePos = 0;
    this.externalBytes = 0;
    this.frameAdded.length = 0;
    let size: number;
    if (this.tight) {
      this.bs.reset();
      size = this.tightNestedSize(o, f, 0);
    } else {
      size = this.looseNestedSize(o, f, 0);
    }
    const externalBytes = this.externalBytes;
    const data = Buffer.allocUnsafe(size - externalBytes);
    this.buf = data;
    this.pos = 0;
    this.externals.length = 0;
    this.outTimeAt = -1;
    if (this.tight) this.tightNestedWrite(o);
    else this.looseNestedWrite(o);
    // The message's own brokerOutTime is the last one written (a nested dataStructure's comes before it). It can
    // be rewritten in place when it takes 8 bytes: always in loose encoding; in tight, for values of 2^32 and more
    // (any clock after February 1970), whose size class does not change.
    const outTimeAt =
      this.outTimeAt >= 0 && (!this.tight || longClass(toLong(o[OUT_TIME])) === 3) ? this.outTimeAt : -1;
    if (this.pos !== data.length) {
      throw new CodecError(`internal: pre-encoded ${data.length} bytes but wrote ${this.pos}`);
    }
    this.buf = EMPTY;
    const { bits, count } = this.tight ? this.bs.snapshot() : { bits: new Uint8Array(0), count: 0 };
    const externals = this.externals.splice(0);
    return new PreEncoded(
      o.type,
      this.version,
      this.tight,
      bits,
      count,
      data,
      externals,
      externalBytes,
      outTimeAt,
      toLong(o[OUT_TIME]),
    );
  }

  /** Pass 1 of a PreEncoded structure: its bits join this frame's BooleanStream; its size, nothing to compute. */
  private preEncodedSize(p: PreEncoded, f: FieldSpec): number {
    if (p.version !== this.version || p.tight !== this.tight || this.cacheEnabled) {
      throw new CodecError('internal: a structure pre-encoded for another wire format');
    }
    if (f.refs !== null && f.refs[p.type] !== 1) {
      throw new CodecError(`field ${f.name} holds a ${f.refName}; cannot encode a ${typeName(p.type)} there`);
    }
    if (this.tight) this.bs.append(p.bits, p.bitCount);
    if (this.externalMin > 0) this.externalBytes += p.externalBytes;
    // The tight null flag is one of the bits; the loose one is the first byte of `data`.
    return p.size;
  }

  /** Pass 2: the bytes, with the large arrays referenced (or copied when this frame copies everything). */
  private preEncodedWrite(p: PreEncoded): void {
    const start = this.pos;
    // Bytes of external arrays copied in before the brokerOutTime, which move it along in this frame.
    let shift = 0;
    let from = 0;
    for (const e of p.externals) {
      this.buf.set(p.data.subarray(from, e.at), this.pos);
      this.pos += e.at - from;
      from = e.at;
      if (this.externalMin > 0) {
        this.externals.push({ at: this.pos, data: e.data });
      } else {
        this.buf.set(e.data, this.pos);
        this.pos += e.data.length;
        if (e.at <= p.outTimeAt) shift += e.data.length;
      }
    }
    this.buf.set(p.data.subarray(from), this.pos);
    this.pos += p.data.length - from;
    if (p.outTimeAt >= 0 && p.outTime !== p.encodedOutTime) {
      // This dispatch's brokerOutTime over the copy's (the frame's own bytes, never the shared ones).
      const end = this.pos;
      this.pos = start + p.outTimeAt + shift;
      this.i64(p.outTime);
      this.pos = end;
    }
  }

  // ------------------------------------------------------------------------------------------- helpers

  private specFor(o: Obj, f: FieldSpec | null): TypeSpec {
    const type = o.type;
    const spec = typeof type === 'number' ? specOf(type) : undefined;
    if (spec === undefined || spec.byVersion[this.version] === null) {
      throw new CodecError(`cannot encode ${typeName(type)} at OpenWire version ${this.version}`);
    }
    if (f !== null && f.refs !== null && f.refs[spec.type] !== 1) {
      throw new CodecError(`field ${f.name} holds a ${f.refName}; cannot encode a ${spec.name} there`);
    }
    return spec;
  }

  private tapePush(v: number): void {
    if (this.tapeLen === this.tape.length) {
      const next = new Int32Array(this.tape.length * 2);
      next.set(this.tape);
      this.tape = next;
    }
    this.tape[this.tapeLen++] = v;
  }

  private tapeReserve(): number {
    this.tapePush(0);
    return this.tapeLen - 1;
  }

  private evictionSweep(): void {
    const limit = Math.max(0, this.cacheSize - MARSHAL_CACHE_FREE_SPACE);
    while (this.cacheMap.size > limit) {
      const key = this.cacheSlots[this.nextEvictionIndex];
      if (key !== undefined) this.cacheMap.delete(key);
      this.cacheSlots[this.nextEvictionIndex] = undefined;
      if (++this.nextEvictionIndex >= this.cacheSize) this.nextEvictionIndex = 0;
    }
  }

  /** addToMarshallCache: the next ring index; -1 (sent, but not cached) when the cache is full. */
  private addToCache(key: unknown): number {
    const i = this.nextIndex++;
    if (this.nextIndex >= this.cacheSize) this.nextIndex = 0;
    if (this.cacheMap.size < this.cacheSize) {
      this.cacheSlots[i] = key;
      this.cacheMap.set(key, i);
      this.frameAdded.push(key);
      return i;
    }
    return -1;
  }

  private stringInfo(s: string, max: number): number {
    let utf = 0;
    let form = STR_ASCII;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x01 && c <= 0x7f) {
        utf += 1;
      } else {
        utf += c <= 0x7ff ? 2 : 3;
        form = STR_UTF8;
      }
    }
    if (utf > max) throw new CodecError(`a string of ${utf} bytes in UTF-8 is too long to encode (max ${max})`);
    if (form === STR_UTF8 && needsModifiedUtf8(s)) form = STR_JAVA;
    return utf * 4 + form;
  }

  private writeString(s: string): void {
    const info = this.tape[this.tapePos++]!;
    const utf = info >> 2;
    const form = info & 3;
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = utf >> 8;
    buf[p++] = utf;
    if (form === STR_ASCII) {
      if (utf < 48) {
        for (let i = 0; i < utf; i++) buf[p + i] = s.charCodeAt(i);
      } else {
        buf.write(s, p, utf, 'latin1');
      }
      p += utf;
    } else if (form === STR_UTF8) {
      p += buf.write(s, p, utf, 'utf8');
    } else {
      p = writeJavaUtf8(buf, p, s);
    }
    this.pos = p;
  }

  private u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  private i16(v: number): void {
    const b = this.buf;
    b[this.pos++] = v >> 8;
    b[this.pos++] = v;
  }

  private i32(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  private i64(v: number): void {
    let hi: number;
    let lo: number;
    if (v >= 9223372036854775807) {
      hi = 0x7fffffff;
      lo = 0xffffffff;
    } else if (v <= -9223372036854775808) {
      hi = -0x80000000;
      lo = 0;
    } else {
      hi = Math.floor(v / 4294967296);
      lo = v - hi * 4294967296;
    }
    this.i32(hi);
    this.i32(lo);
  }

  private bytes(b: Uint8Array, n: number): void {
    this.buf.set(n === b.length ? b : b.subarray(0, n), this.pos);
    this.pos += n;
  }

  /** Pass 1 of a variable byte array: its length, counted as external when pass 2 will leave it out. */
  private sized(b: Uint8Array): number {
    if (this.externalMin > 0 && b.length >= this.externalMin) this.externalBytes += b.length;
    return b.length;
  }

  /** Pass 2 of a variable byte array: copied, or (the same rule as `sized`) listed as external. */
  private varBytes(b: Uint8Array): void {
    if (this.externalMin > 0 && b.length >= this.externalMin) {
      this.externals.push({ at: this.pos, data: b });
      return;
    }
    this.bytes(b, b.length);
  }

  private checkBytes(v: unknown, f: FieldSpec): Uint8Array | null {
    if (v === null || v === undefined) return null;
    if (!(v instanceof Uint8Array)) throw new CodecError(`field ${f.name} must be a Uint8Array`);
    return v;
  }

  private checkArray(v: unknown, f: FieldSpec): unknown[] | null {
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) throw new CodecError(`field ${f.name} must be an array`);
    if (v.length > 0x7fff) throw new CodecError(`field ${f.name} has ${v.length} entries, more than 32767`);
    return v as unknown[];
  }

  private checkDepth(depth: number): void {
    if (depth > MAX_ENCODE_DEPTH) throw new CodecError(`structures nested deeper than ${MAX_ENCODE_DEPTH}`);
  }

  // ------------------------------------------------------------------------------------------- tight

  /** Pass 1 of one structure's fields in tight encoding, through the compiled walker of its type. */
  private tightSize(o: Obj, spec: TypeSpec, depth: number): number {
    return compiled(spec, this.version).size(this, o, depth);
  }

  /** Pass 2 of one structure's fields in tight encoding, through the compiled walker of its type. */
  private tightWrite(o: Obj, spec: TypeSpec): void {
    compiled(spec, this.version).write(this, o);
  }

  /** The table-walking form of tightSize: what the compiled walkers do, kept as their reference in tests. */
  genericTightSize(o: Obj, spec: TypeSpec, depth: number): number {
    this.checkDepth(depth);
    const fields = spec.byVersion[this.version]!;
    const bs = this.bs;
    let rc = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = o[f.name];
      switch (f.kind) {
        case K.BYTE:
          rc += 1;
          break;
        case K.BOOL:
          bs.write(v === true);
          break;
        case K.SHORT:
          rc += 2;
          break;
        case K.INT:
          rc += 4;
          break;
        case K.LONG: {
          const c = longClass(toLong(v));
          bs.write(c >= 2);
          bs.write((c & 1) === 1);
          rc += LONG_BYTES[c]!;
          break;
        }
        case K.STRING:
          rc += this.tightStringSize(v);
          break;
        case K.BYTES:
        case K.BYTE_SEQ: {
          const b = this.checkBytes(v, f);
          bs.write(b !== null);
          if (b !== null) rc += 4 + this.sized(b);
          break;
        }
        case K.CONST_BYTES:
          this.checkConst(v, f);
          rc += f.constSize;
          break;
        case K.NESTED:
          rc += this.tightNestedSize(v as Obj | null, f, depth);
          break;
        case K.CACHED:
          rc += this.tightCachedSize(v as Obj | null, f, depth);
          break;
        case K.ARRAY: {
          const a = this.checkArray(v, f);
          bs.write(a !== null);
          if (a !== null) {
            rc += 2;
            for (let j = 0; j < a.length; j++) rc += this.tightNestedSize(a[j] as Obj | null, f, depth);
          }
          break;
        }
        case K.THROWABLE:
          rc += this.tightThrowableSize(v as ThrowableLike | null, 0);
          break;
      }
    }
    return rc;
  }

  // Per-kind steps of the compiled walkers (see compileWalker); each is what one case of the generic walk does.

  /** @internal */
  tightLongSize(v: unknown): number {
    const c = longClass(toLong(v));
    this.bs.write(c >= 2);
    this.bs.write((c & 1) === 1);
    return LONG_BYTES[c]!;
  }

  /** @internal */
  tightBytesSize(v: unknown, f: FieldSpec): number {
    const b = this.checkBytes(v, f);
    this.bs.write(b !== null);
    return b === null ? 0 : 4 + this.sized(b);
  }

  /** @internal */
  tightArraySize(v: unknown, f: FieldSpec, depth: number): number {
    const a = this.checkArray(v, f);
    this.bs.write(a !== null);
    if (a === null) return 0;
    let rc = 2;
    for (let j = 0; j < a.length; j++) rc += this.tightNestedSize(a[j] as Obj | null, f, depth);
    return rc;
  }

  /** @internal */
  tightLongWrite(v: unknown): void {
    const n = toLong(v);
    const c = longClass(n);
    if (c === 1) this.i16(n);
    else if (c === 2) this.i32(n);
    else if (c === 3) this.i64(n);
  }

  /** @internal */
  tightBytesWrite(v: unknown): void {
    if (v === null || v === undefined) return;
    const b = v as Uint8Array;
    this.i32(b.length);
    this.varBytes(b);
  }

  /** @internal */
  tightCachedWrite(v: unknown): void {
    if (this.cacheEnabled) {
      const d = this.tape[this.tapePos++]!;
      this.i16(d >> 1);
      if ((d & 1) === 1) this.tightNestedWrite(v as Obj | null);
    } else {
      this.tightNestedWrite(v as Obj | null);
    }
  }

  /** @internal */
  tightArrayWrite(v: unknown): void {
    if (v === null || v === undefined) return;
    const a = v as (Obj | null)[];
    this.i16(a.length);
    for (let j = 0; j < a.length; j++) this.tightNestedWrite(a[j]);
  }

  private checkConst(v: unknown, f: FieldSpec): void {
    if (!(v instanceof Uint8Array) || v.length < f.constSize) {
      throw new CodecError(`field ${f.name} must be ${f.constSize} bytes`);
    }
  }

  private tightStringSize(v: unknown): number {
    if (v === null || v === undefined) {
      this.bs.write(false);
      return 0;
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a STRING field holds a string; String() only coerces a caller's number
    const info = this.stringInfo(String(v), MAX_TIGHT_UTF);
    this.bs.write(true);
    this.bs.write((info & 3) === STR_ASCII);
    this.tapePush(info);
    return (info >> 2) + 2;
  }

  private tightNestedSize(o: Obj | null, f: FieldSpec, depth: number): number {
    if (o === null || o === undefined) {
      this.bs.write(false);
      return 0;
    }
    if (o instanceof PreEncoded) return this.preEncodedSize(o, f);
    this.bs.write(true);
    const spec = this.specFor(o, f);
    // tightMarshalNestedObject1: a MarshallAware object says it has no cached marshalled form.
    if (spec.marshalAware) this.bs.write(false);
    return 1 + this.tightSize(o, spec, depth + 1);
  }

  private tightCachedSize(o: Obj | null, f: FieldSpec, depth: number): number {
    if (!this.cacheEnabled) return this.tightNestedSize(o, f, depth);
    const key = cacheKey(o);
    const index = this.cacheMap.get(key);
    if (index === undefined) {
      this.bs.write(true);
      // Tight encoding sizes the object (adding what it caches) before caching it, unlike loose.
      const slot = this.tapeReserve();
      const rc = this.tightNestedSize(o, f, depth);
      this.tape[slot] = this.addToCache(key) * 2 + 1;
      return 2 + rc;
    }
    this.bs.write(false);
    this.tapePush(index * 2);
    return 2;
  }

  private tightThrowableSize(t: ThrowableLike | null | undefined, depth: number): number {
    if (t === null || t === undefined) {
      this.bs.write(false);
      return 0;
    }
    this.bs.write(true);
    let rc = this.tightStringSize(t.className) + this.tightStringSize(this.exceptionMessage(t));
    if (this.stackTraceEnabled) {
      rc += 2;
      const st = t.stackTrace ?? [];
      const n = Math.min(st.length, 0x7fff);
      for (let i = 0; i < n; i++) {
        const e = st[i]!;
        rc += this.tightStringSize(e.className) + this.tightStringSize(e.methodName);
        rc += this.tightStringSize(e.fileName) + 4;
      }
      rc += this.tightThrowableSize(depth < MAX_THROWABLE_DEPTH ? t.cause : null, depth + 1);
    }
    return rc;
  }

  private exceptionMessage(t: ThrowableLike): string | null {
    const m = t.message ?? null;
    return this.version === 1 || this.version === 10 ? cutMessage(m) : m;
  }

  /** The table-walking form of tightWrite. */
  genericTightWrite(o: Obj, spec: TypeSpec): void {
    const fields = spec.byVersion[this.version]!;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = o[f.name];
      switch (f.kind) {
        case K.BYTE:
          this.u8(v as number);
          break;
        case K.BOOL:
          break;
        case K.SHORT:
          this.i16(v as number);
          break;
        case K.INT:
          this.i32(v as number);
          break;
        case K.LONG: {
          const n = toLong(v);
          const c = longClass(n);
          if (c === 1) this.i16(n);
          else if (c === 2) this.i32(n);
          else if (c === 3) this.i64(n);
          break;
        }
        case K.STRING:
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a STRING field holds a string; String() only coerces a caller's number
          if (v !== null && v !== undefined) this.writeString(String(v));
          break;
        case K.BYTES:
        case K.BYTE_SEQ:
          if (v !== null && v !== undefined) {
            const b = v as Uint8Array;
            this.i32(b.length);
            this.varBytes(b);
          }
          break;
        case K.CONST_BYTES:
          this.bytes(v as Uint8Array, f.constSize);
          break;
        case K.NESTED:
          this.tightNestedWrite(v as Obj | null);
          break;
        case K.CACHED:
          if (this.cacheEnabled) {
            const d = this.tape[this.tapePos++]!;
            this.i16(d >> 1);
            if ((d & 1) === 1) this.tightNestedWrite(v as Obj | null);
          } else {
            this.tightNestedWrite(v as Obj | null);
          }
          break;
        case K.ARRAY:
          if (v !== null && v !== undefined) {
            const a = v as (Obj | null)[];
            this.i16(a.length);
            for (let j = 0; j < a.length; j++) this.tightNestedWrite(a[j]);
          }
          break;
        case K.THROWABLE:
          this.tightThrowableWrite(v as ThrowableLike | null, 0);
          break;
      }
    }
  }

  private tightNestedWrite(o: Obj | null | undefined): void {
    if (o === null || o === undefined) return;
    if (o instanceof PreEncoded) return this.preEncodedWrite(o);
    this.u8(o.type);
    this.tightWrite(o, specOf(o.type)!);
  }

  private tightThrowableWrite(t: ThrowableLike | null | undefined, depth: number): void {
    if (t === null || t === undefined) return;
    this.optString(t.className);
    this.optString(this.exceptionMessage(t));
    if (this.stackTraceEnabled) {
      const st = t.stackTrace ?? [];
      const n = Math.min(st.length, 0x7fff);
      this.i16(n);
      for (let i = 0; i < n; i++) {
        const e = st[i]!;
        this.optString(e.className);
        this.optString(e.methodName);
        this.optString(e.fileName);
        this.i32(e.lineNumber | 0);
      }
      this.tightThrowableWrite(depth < MAX_THROWABLE_DEPTH ? t.cause : null, depth + 1);
    }
  }

  private optString(s: string | null | undefined): void {
    if (s !== null && s !== undefined) this.writeString(String(s));
  }

  // ------------------------------------------------------------------------------------------- loose

  private looseSize(o: Obj, spec: TypeSpec, depth: number): number {
    this.checkDepth(depth);
    const fields = spec.byVersion[this.version]!;
    let rc = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = o[f.name];
      switch (f.kind) {
        case K.BYTE:
        case K.BOOL:
          rc += 1;
          break;
        case K.SHORT:
          rc += 2;
          break;
        case K.INT:
          rc += 4;
          break;
        case K.LONG:
          rc += 8;
          break;
        case K.STRING:
          rc += this.looseStringSize(v);
          break;
        case K.BYTES:
        case K.BYTE_SEQ: {
          const b = this.checkBytes(v, f);
          rc += b === null ? 1 : 5 + this.sized(b);
          break;
        }
        case K.CONST_BYTES:
          this.checkConst(v, f);
          rc += f.constSize;
          break;
        case K.NESTED:
          rc += this.looseNestedSize(v as Obj | null, f, depth);
          break;
        case K.CACHED:
          rc += this.looseCachedSize(v as Obj | null, f, depth);
          break;
        case K.ARRAY: {
          const a = this.checkArray(v, f);
          rc += 1;
          if (a !== null) {
            rc += 2;
            for (let j = 0; j < a.length; j++) rc += this.looseNestedSize(a[j] as Obj | null, f, depth);
          }
          break;
        }
        case K.THROWABLE:
          rc += this.looseThrowableSize(v as ThrowableLike | null, 0);
          break;
      }
    }
    return rc;
  }

  private looseStringSize(v: unknown): number {
    if (v === null || v === undefined) return 1;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a STRING field holds a string; String() only coerces a caller's number
    const info = this.stringInfo(String(v), MAX_LOOSE_UTF);
    this.tapePush(info);
    return 3 + (info >> 2);
  }

  private looseNestedSize(o: Obj | null | undefined, f: FieldSpec, depth: number): number {
    if (o === null || o === undefined) return 1;
    if (o instanceof PreEncoded) return this.preEncodedSize(o, f);
    return 2 + this.looseSize(o, this.specFor(o, f), depth + 1);
  }

  private looseCachedSize(o: Obj | null, f: FieldSpec, depth: number): number {
    if (!this.cacheEnabled) return this.looseNestedSize(o, f, depth);
    const key = cacheKey(o);
    const index = this.cacheMap.get(key);
    if (index === undefined) {
      // Loose encoding caches the object before writing it (looseMarshalCachedObject).
      this.tapePush(this.addToCache(key) * 2 + 1);
      return 3 + this.looseNestedSize(o, f, depth);
    }
    this.tapePush(index * 2);
    return 3;
  }

  private looseThrowableSize(t: ThrowableLike | null | undefined, depth: number): number {
    if (t === null || t === undefined) return 1;
    let rc = 1 + this.looseStringSize(t.className) + this.looseStringSize(this.exceptionMessage(t));
    if (this.stackTraceEnabled) {
      rc += 2;
      const st = t.stackTrace ?? [];
      const n = Math.min(st.length, 0x7fff);
      for (let i = 0; i < n; i++) {
        const e = st[i]!;
        rc += this.looseStringSize(e.className) + this.looseStringSize(e.methodName);
        rc += this.looseStringSize(e.fileName) + 4;
      }
      rc += this.looseThrowableSize(depth < MAX_THROWABLE_DEPTH ? t.cause : null, depth + 1);
    }
    return rc;
  }

  private looseWrite(o: Obj, spec: TypeSpec): void {
    const fields = spec.byVersion[this.version]!;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = o[f.name];
      switch (f.kind) {
        case K.BYTE:
          this.u8(v as number);
          break;
        case K.BOOL:
          this.u8(v === true ? 1 : 0);
          break;
        case K.SHORT:
          this.i16(v as number);
          break;
        case K.INT:
          this.i32(v as number);
          break;
        case K.LONG:
          if (f.name === OUT_TIME) this.outTimeAt = this.pos;
          this.i64(toLong(v));
          break;
        case K.STRING:
          this.looseString(v as string | null);
          break;
        case K.BYTES:
        case K.BYTE_SEQ:
          if (v === null || v === undefined) {
            this.u8(0);
          } else {
            const b = v as Uint8Array;
            this.u8(1);
            this.i32(b.length);
            this.varBytes(b);
          }
          break;
        case K.CONST_BYTES:
          this.bytes(v as Uint8Array, f.constSize);
          break;
        case K.NESTED:
          this.looseNestedWrite(v as Obj | null);
          break;
        case K.CACHED:
          if (this.cacheEnabled) {
            const d = this.tape[this.tapePos++]!;
            const isNew = (d & 1) === 1;
            this.u8(isNew ? 1 : 0);
            this.i16(d >> 1);
            if (isNew) this.looseNestedWrite(v as Obj | null);
          } else {
            this.looseNestedWrite(v as Obj | null);
          }
          break;
        case K.ARRAY:
          if (v === null || v === undefined) {
            this.u8(0);
          } else {
            const a = v as (Obj | null)[];
            this.u8(1);
            this.i16(a.length);
            for (let j = 0; j < a.length; j++) this.looseNestedWrite(a[j]);
          }
          break;
        case K.THROWABLE:
          this.looseThrowableWrite(v as ThrowableLike | null, 0);
          break;
      }
    }
  }

  private looseString(s: string | null | undefined): void {
    if (s === null || s === undefined) {
      this.u8(0);
    } else {
      this.u8(1);
      this.writeString(String(s));
    }
  }

  private looseNestedWrite(o: Obj | null | undefined): void {
    if (o === null || o === undefined) {
      this.u8(0);
      return;
    }
    if (o instanceof PreEncoded) return this.preEncodedWrite(o);
    this.u8(1);
    this.u8(o.type);
    this.looseWrite(o, specOf(o.type)!);
  }

  private looseThrowableWrite(t: ThrowableLike | null | undefined, depth: number): void {
    if (t === null || t === undefined) {
      this.u8(0);
      return;
    }
    this.u8(1);
    this.looseString(t.className);
    this.looseString(this.exceptionMessage(t));
    if (this.stackTraceEnabled) {
      const st = t.stackTrace ?? [];
      const n = Math.min(st.length, 0x7fff);
      this.i16(n);
      for (let i = 0; i < n; i++) {
        const e = st[i]!;
        this.looseString(e.className);
        this.looseString(e.methodName);
        this.looseString(e.fileName);
        this.i32(e.lineNumber | 0);
      }
      this.looseThrowableWrite(depth < MAX_THROWABLE_DEPTH ? t.cause : null, depth + 1);
    }
  }
}

interface ThrowableLike {
  className?: string | null;
  message?: string | null;
  stackTrace?: readonly StackElementLike[] | null;
  cause?: ThrowableLike | null;
}

interface StackElementLike {
  className?: string | null;
  methodName?: string | null;
  fileName?: string | null;
  lineNumber: number;
}

// ----------------------------------------------------------------------------------------------- compiled walkers

/** One type's fields at one version, as straight-line code. */
interface Walker {
  size(m: Marshaller, o: Obj, depth: number): number;
  write(m: Marshaller, o: Obj): void;
}

const walkers: (Walker | undefined)[] = [];

/** The walker for `spec` at `version` (already checked to exist by specFor), compiled on first use. */
function compiled(spec: TypeSpec, version: number): Walker {
  const i = spec.type * 16 + version;
  let w = walkers[i];
  if (w === undefined) {
    w = compileWalker(spec.byVersion[version]!);
    walkers[i] = w;
  }
  return w;
}

/**
 * Compiles a field table into the two tight passes for it, the same steps as genericTightSize/genericTightWrite
 * unrolled. The table walk reads every field through a computed name (`o[f.name]`) and switches on its kind;
 * here each field is a fixed property read V8 can cache per type, and the switch is gone: encoding a
 * MessageDispatch costs about half as much. Generated from the tables only: JSON-quoted field names, field
 * indexes and sizes, nothing from the wire or the objects being encoded.
 */
function compileWalker(fields: readonly FieldSpec[]): Walker {
  const size: string[] = ['m.checkDepth(depth);', 'let rc = 0;'];
  const write: string[] = [];
  fields.forEach((f, i) => {
    const v = `o[${JSON.stringify(f.name)}]`;
    const spec = `F[${i}]`;
    switch (f.kind) {
      case K.BYTE:
        size.push('rc += 1;');
        write.push(`m.u8(${v});`);
        break;
      case K.BOOL:
        size.push(`m.bs.write(${v} === true);`);
        break;
      case K.SHORT:
        size.push('rc += 2;');
        write.push(`m.i16(${v});`);
        break;
      case K.INT:
        size.push('rc += 4;');
        write.push(`m.i32(${v});`);
        break;
      case K.LONG:
        size.push(`rc += m.tightLongSize(${v});`);
        // Where a message's brokerOutTime lands, so a pre-encoded copy can be stamped per dispatch (PreEncoded).
        if (f.name === OUT_TIME) write.push('m.outTimeAt = m.pos;');
        write.push(`m.tightLongWrite(${v});`);
        break;
      case K.STRING:
        size.push(`rc += m.tightStringSize(${v});`);
        write.push(`m.optString(${v});`);
        break;
      case K.BYTES:
      case K.BYTE_SEQ:
        size.push(`rc += m.tightBytesSize(${v}, ${spec});`);
        write.push(`m.tightBytesWrite(${v});`);
        break;
      case K.CONST_BYTES:
        size.push(`m.checkConst(${v}, ${spec});`, `rc += ${f.constSize | 0};`);
        write.push(`m.bytes(${v}, ${f.constSize | 0});`);
        break;
      case K.NESTED:
        size.push(`rc += m.tightNestedSize(${v}, ${spec}, depth);`);
        write.push(`m.tightNestedWrite(${v});`);
        break;
      case K.CACHED:
        size.push(`rc += m.tightCachedSize(${v}, ${spec}, depth);`);
        write.push(`m.tightCachedWrite(${v});`);
        break;
      case K.ARRAY:
        size.push(`rc += m.tightArraySize(${v}, ${spec}, depth);`);
        write.push(`m.tightArrayWrite(${v});`);
        break;
      case K.THROWABLE:
        size.push(`rc += m.tightThrowableSize(${v}, 0);`);
        write.push(`m.tightThrowableWrite(${v}, 0);`);
        break;
    }
  });
  size.push('return rc;');
  const source = `return {
    size(m, o, depth) { ${size.join(' ')} },
    write(m, o) { ${write.join(' ')} },
  };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- deliberate: source built from the field tables only
  return (new Function('F', source) as (f: readonly FieldSpec[]) => Walker)(fields);
}
