import { CodecError } from './errors.js';

/**
 * ActiveMQ's BooleanStream: the bit vector at the head of every tight-encoded frame holding all null flags,
 * booleans, string forms and long size classes of the whole object graph. Bits fill each byte from the least
 * significant bit. The byte count is written as one byte when < 64, as 0xC0 + one byte when < 256, and as
 * 0x80 + a short otherwise (BooleanStream.marshal).
 */
export class BooleanStreamWriter {
  private data = new Uint8Array(64);
  private bits = 0;

  reset(): void {
    // Only the bytes in use are cleared: bits are OR-ed in.
    this.data.fill(0, 0, (this.bits + 7) >> 3);
    this.bits = 0;
  }

  write(value: boolean): void {
    const byte = this.bits >> 3;
    if (byte >= this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    if (value) this.data[byte]! |= 1 << (this.bits & 7);
    this.bits++;
  }

  /** Appends `count` bits of `src` (least significant bit of each byte first), as `write` would. */
  append(src: Uint8Array, count: number): void {
    if (count <= 0) return;
    // Byte at a time, shifted into place: a pre-encoded message's sixty-odd bits cost a few ORs, not sixty writes.
    const need = ((this.bits + count + 7) >> 3) + 1;
    if (need > this.data.length) {
      let size = this.data.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.data);
      this.data = next;
    }
    const shift = this.bits & 7;
    const at = this.bits >> 3;
    const whole = count >> 3;
    const rest = count & 7;
    const n = whole + (rest > 0 ? 1 : 0);
    const data = this.data;
    for (let i = 0; i < n; i++) {
      const v = i === whole ? src[i]! & ((1 << rest) - 1) : src[i]!;
      data[at + i]! |= (v << shift) & 0xff;
      if (shift > 0) data[at + i + 1]! |= v >> (8 - shift);
    }
    this.bits += count;
  }

  /** A copy of the bits written since the last reset, and how many there are. */
  snapshot(): { bits: Uint8Array; count: number } {
    return { bits: this.data.slice(0, this.byteLength), count: this.bits };
  }

  /** Bytes of bit data (BooleanStream.arrayLimit). */
  get byteLength(): number {
    return (this.bits + 7) >> 3;
  }

  /** The length prefix plus the bit data. */
  marshalledSize(): number {
    const n = this.byteLength;
    if (n > 0x7fff) throw new CodecError(`a frame with ${this.bits} booleans is too large for a BooleanStream`);
    return n < 64 ? 1 + n : n < 256 ? 2 + n : 3 + n;
  }

  /** Writes length prefix and bits at `pos` (the caller sized the buffer); returns the position after them. */
  marshal(buf: Uint8Array, pos: number): number {
    const n = this.byteLength;
    if (n < 64) {
      buf[pos++] = n;
    } else if (n < 256) {
      buf[pos++] = 0xc0;
      buf[pos++] = n;
    } else {
      buf[pos++] = 0x80;
      buf[pos++] = n >> 8;
      buf[pos++] = n;
    }
    buf.set(this.data.subarray(0, n), pos);
    return pos + n;
  }
}
