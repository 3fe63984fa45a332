import * as zlib from 'node:zlib';

/**
 * The journal's on-disk framing.
 *
 * A segment file (`db-N.log`, numbered like KahaDB's journal files) starts with a 16-byte header:
 *   magic "TIDEJRNL" | u32 format version | u32 segment number
 * followed by records:
 *   u32 payload length | u32 CRC32 of (type byte + payload) | u8 type | payload
 * all little-endian. A batch is one record, so a crash leaves a batch whole or not at all: a record whose
 * length runs past the end of the file or whose checksum does not match is torn or damaged.
 */
export const SEGMENT_MAGIC = Buffer.from('TIDEJRNL', 'latin1');
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_SIZE = 16;
export const RECORD_HEADER_SIZE = 9;

export const RecordType = {
  /** A batch handed to write(): `varuint firstSeq, varuint count, count × (varuint length, operation)`. */
  Batch: 1,
  /** Live operations rewritten forward by compaction; see journal-persistence-adapter.ts. */
  Move: 2,
} as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

/** Larger payloads are refused on write and treated as damage on read (bounds allocations at recovery). */
export const MAX_RECORD_PAYLOAD = 256 * 1024 * 1024;

const table = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32Js(data: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const nativeCrc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (IEEE, as zlib and KahaDB's Adler/CRC checks use); native zlib.crc32 where Node has it. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  if (nativeCrc !== undefined) return nativeCrc(data.subarray(start, end)) >>> 0;
  return crc32Js(data, start, end);
}

export function segmentHeader(id: number): Buffer {
  const b = Buffer.alloc(SEGMENT_HEADER_SIZE);
  SEGMENT_MAGIC.copy(b, 0);
  b.writeUInt32LE(SEGMENT_VERSION, 8);
  b.writeUInt32LE(id, 12);
  return b;
}

/** Null when the header is fine, else what is wrong with it. */
export function checkSegmentHeader(buf: Buffer, id: number): string | null {
  if (buf.length < SEGMENT_HEADER_SIZE) return `file shorter than its ${SEGMENT_HEADER_SIZE}-byte header`;
  if (!buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return 'not a TideMQ journal file (bad magic)';
  const version = buf.readUInt32LE(8);
  if (version !== SEGMENT_VERSION) return `unsupported journal format version ${version}`;
  const n = buf.readUInt32LE(12);
  if (n !== id) return `header names segment ${n}`;
  return null;
}

function isRecordType(t: number): t is RecordTypeCode {
  return t === RecordType.Batch || t === RecordType.Move;
}

/** True when a whole, checksum-valid record starts at `pos`. */
export function validRecordAt(buf: Buffer, pos: number): boolean {
  if (buf.length - pos < RECORD_HEADER_SIZE) return false;
  const len = buf.readUInt32LE(pos);
  const type = buf[pos + 8]!;
  if (!isRecordType(type) || len > MAX_RECORD_PAYLOAD) return false;
  const end = pos + RECORD_HEADER_SIZE + len;
  if (end > buf.length) return false;
  return crc32(buf, pos + 8, end) === buf.readUInt32LE(pos + 4);
}

export interface ScannedRecord {
  readonly type: RecordTypeCode;
  /** Offset of the record header in the file. */
  readonly offset: number;
  /** Offsets of the payload in the file. */
  readonly payloadStart: number;
  readonly end: number;
}

export interface Damage {
  readonly offset: number;
  readonly length: number;
  /** True when nothing valid follows it in this file (a torn tail, when in the last segment). */
  readonly atTail: boolean;
  readonly reason: string;
}

/**
 * Walks the records of one segment image from `from`, calling `onRecord` for each valid one. A damaged
 * record is skipped up to the next offset where a valid record starts, so what follows damage in the
 * middle of a file is still recovered; damage with nothing valid after it is reported `atTail`.
 */
export function scanSegment(
  buf: Buffer,
  from: number,
  onRecord: (r: ScannedRecord) => void,
): { end: number; damage: Damage[] } {
  const damage: Damage[] = [];
  let pos = from;
  while (pos < buf.length) {
    if (validRecordAt(buf, pos)) {
      const len = buf.readUInt32LE(pos);
      const end = pos + RECORD_HEADER_SIZE + len;
      onRecord({ type: buf[pos + 8] as RecordTypeCode, offset: pos, payloadStart: pos + RECORD_HEADER_SIZE, end });
      pos = end;
      continue;
    }
    const reason = describeDamage(buf, pos);
    let next = pos + 1;
    while (next < buf.length && !validRecordAt(buf, next)) next++;
    const atTail = next >= buf.length;
    damage.push({ offset: pos, length: next - pos, atTail, reason });
    if (atTail) return { end: pos, damage };
    pos = next;
  }
  return { end: pos, damage };
}

function describeDamage(buf: Buffer, pos: number): string {
  if (buf.length - pos < RECORD_HEADER_SIZE) return `partial record header (${buf.length - pos} bytes)`;
  const len = buf.readUInt32LE(pos);
  const type = buf[pos + 8]!;
  if (!isRecordType(type)) return `unknown record type ${type}`;
  if (len > MAX_RECORD_PAYLOAD) return `record length ${len} exceeds the limit`;
  if (pos + RECORD_HEADER_SIZE + len > buf.length) {
    return `record length ${len} runs past the end of the file (${buf.length - pos - RECORD_HEADER_SIZE} bytes left)`;
  }
  return 'checksum mismatch';
}
