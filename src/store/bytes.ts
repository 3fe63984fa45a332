import { StoreCorruptError } from './store-errors.js';

/**
 * A growable little-endian byte writer. One writer is reused for every record the store encodes, so
 * encoding a message allocates only the final copy of the record (or nothing, when the caller writes the
 * writer's view straight to disk before the next encode).
 */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 4096) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  /** The bytes written so far; a view that the next write may overwrite. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** An owned copy of the bytes written so far. */
  copy(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Reserves `n` bytes and returns their offset, for lengths and checksums filled in later. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  setU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  /** The written bytes between two offsets, as a view (for checksums). */
  slice(from: number, to: number): Buffer {
    return this.buf.subarray(from, to);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  i8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  i16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }

  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** An unsigned integer up to 2^53 in LEB128 form: small counts and lengths take one byte. */
  varuint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varuint out of range: ${v}`);
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** A signed safe integer (timestamps, sequence numbers) in zig-zag LEB128 form. */
  varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`varint out of range: ${v}`);
    this.varuint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(b: Uint8Array): void {
    this.varuint(b.length);
    this.raw(b);
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    // Reserve the worst case (3 bytes per UTF-16 unit) and write in place: no intermediate Buffer.
    const max = s.length * 3;
    this.ensure(max + 8);
    if (s.length < 0x80 / 3) {
      // One length byte always suffices: write straight after it.
      const n = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varuint(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A string or null: a presence byte first. */
  optString(s: string | null): void {
    if (s === null) this.u8(0);
    else {
      this.u8(1);
      this.string(s);
    }
  }
}

/**
 * A bounds-checked reader over one buffer. Every length read off disk is checked against what is left
 * before anything is allocated, so a damaged record yields a StoreCorruptError, never a huge allocation
 * or a read past the end.
 */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new StoreCorruptError(`truncated ${what}: need ${n} bytes at ${this.pos}, have ${this.end - this.pos}`);
    }
  }

  u8(): number {
    this.need(1, 'byte');
    return this.buf[this.pos++]!;
  }

  i8(): number {
    this.need(1, 'byte');
    return this.buf.readInt8(this.pos++);
  }

  u16(): number {
    this.need(2, 'u16');
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  i16(): number {
    this.need(2, 'i16');
    const v = this.buf.readInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4, 'u32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4, 'i32');
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.need(8, 'i64');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  f32(): number {
    this.need(4, 'f32');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8, 'f64');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  varuint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) break;
        return result;
      }
      mul *= 0x80;
    }
    throw new StoreCorruptError(`bad varuint ending at ${this.pos}`);
  }

  varint(): number {
    const z = this.varuint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** A length, checked against the bytes left so it can size an allocation safely. */
  length(what: string): number {
    const n = this.varuint();
    this.need(n, what);
    return n;
  }

  /** A count of items each at least `minItemBytes` long, checked against the bytes left. */
  count(what: string, minItemBytes = 1): number {
    const n = this.varuint();
    if (n * minItemBytes > this.remaining) {
      throw new StoreCorruptError(`${what} count ${n} exceeds the ${this.remaining} bytes left at ${this.pos}`);
    }
    return n;
  }

  /** A view into the underlying buffer (valid as long as the buffer is). */
  view(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * Length-prefixed bytes copied out, so the result does not pin a large read buffer (a whole segment) in
   * memory. allocUnsafe takes small copies from Node's shared pool: recovery of many small bodies then
   * costs no per-body ArrayBuffer or zero-fill.
   */
  bytes(what = 'bytes'): Uint8Array {
    const n = this.length(what);
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(what = 'string'): string {
    const n = this.length(what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  optString(what = 'string'): string | null {
    const present = this.u8();
    if (present === 0) return null;
    if (present !== 1) throw new StoreCorruptError(`bad presence byte ${present} for ${what} at ${this.pos - 1}`);
    return this.string(what);
  }
}
