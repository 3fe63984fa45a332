import { Destination } from '../../model/destination.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import type { DurableSubscriptionRecord } from '../persistence-adapter.js';
import { StoreCorruptError } from '../store-errors.js';
import type { StoreIndex } from '../store-index.js';
import type { JournalPosition } from './journal.js';
import { Chunk, QueueChunks } from './queue-chunks.js';
import { crc32 } from './record.js';

/** Where an operation's bytes are in the journal: a segment and a byte range inside one record. */
export interface Location {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * The checkpoint (version 2): a manifest, `checkpoint.dat`, and one file per chunk of each queue's compact
 * index (`index-<chunk>-<generation>.dat`, see queue-chunks.ts). A checkpoint writes only the chunks that
 * changed since the previous one, each under a new generation, then replaces the manifest (which names the
 * file of every chunk); files the new manifest no longer names are deleted after it is in place. A crash
 * between the chunk writes and the manifest replace leaves the old manifest naming the old files: recovery
 * uses those and deletes the rest. Topic messages (waiting durable subscriptions) stay in the manifest, as
 * in version 1.
 *
 * Version 1 (written by earlier releases): a snapshot of the index (every destination, durable subscription, pending message with
 * its location and redelivery count, prepared transaction) plus the journal position it covers. Recovery
 * loads it and replays only the records after that position, so restart time follows what is pending, not
 * the journal's history (KahaDB gets the same from its page-file index and its checkpoint location).
 * It holds locations, not message bodies, so writing one costs a few dozen bytes per pending message.
 *
 *   magic "TIDECKPT" | u32 version | body | u32 CRC32 of everything before it
 */
const MAGIC = Buffer.from('TIDECKPT', 'latin1');
const VERSION_SNAPSHOT = 1;
const VERSION = 2;

/** The name of a chunk file. */
export function chunkFileName(id: number, gen: number): string {
  return `index-${id}-${gen}.dat`;
}

export function isChunkFileName(name: string): boolean {
  return /^index-\d+-\d+\.dat$/.test(name);
}

/** What a version 2 manifest says beyond the index itself. */
export interface CheckpointInfo {
  readonly position: JournalPosition;
  readonly version: number;
  /** The generation the manifest was written at (0 for version 1). */
  readonly gen: number;
  readonly nextChunkId: number;
  /** Chunk files to load, per queue, in seq order. */
  readonly chunks: { readonly destination: string; readonly id: number; readonly gen: number }[];
}

/**
 * The manifest for `index` at `position`: every chunk is named with the generation of its file (`chunk.gen`,
 * set by the caller for the chunks it writes with this checkpoint).
 */
export function encodeCheckpoint(
  w: ByteWriter,
  index: StoreIndex<Location>,
  position: JournalPosition,
  gen = 0,
  nextChunkId = 1,
): Buffer {
  w.reset();
  w.raw(MAGIC);
  w.u32(VERSION);
  w.varuint(position.segment);
  w.varuint(position.offset);
  w.varuint(index.nextSeq);
  w.varuint(gen);
  w.varuint(nextChunkId);
  w.varuint(index.destinations.size);
  for (const d of index.destinations.values()) {
    w.string(d.destination.key);
    const subIndex = new Map<string, number>();
    w.varuint(d.subscriptions.size);
    for (const s of d.subscriptions.values()) {
      subIndex.set(s.key, subIndex.size);
      w.string(s.key);
      w.string(s.clientId);
      w.string(s.subscriptionName);
      w.optString(s.selector);
      w.u8(s.noLocal ? 1 : 0);
    }
    w.varuint(d.messages.size);
    for (const m of d.messages.values()) {
      w.string(m.id);
      w.varuint(m.seq);
      w.varuint(m.ref.segment);
      w.varuint(m.ref.offset);
      w.varuint(m.ref.length);
      w.varint(m.redelivered);
      if (m.waiting !== null) {
        w.varuint(m.waiting.size);
        for (const k of m.waiting) w.varuint(subIndex.get(k) ?? 0);
      }
    }
    const chunks = d.queue instanceof QueueChunks ? d.queue.chunks : [];
    w.varuint(chunks.length);
    for (const c of chunks) {
      if (c.gen < 0) throw new StoreCorruptError(`checkpoint: chunk ${c.id} of ${d.destination.key} was never written`);
      w.varuint(c.id);
      w.varuint(c.gen);
    }
  }
  w.varuint(index.prepared.size);
  for (const [tx, loc] of index.prepared) {
    w.string(tx);
    w.varuint(loc.segment);
    w.varuint(loc.offset);
    w.varuint(loc.length);
  }
  w.u32(crc32(w.view()));
  return w.copy();
}

/**
 * Fills `index` from a checkpoint image (either version) and returns the journal position to replay from with
 * the chunk files still to load (version 2).
 */
export function decodeCheckpoint(buf: Buffer, index: StoreIndex<Location>): CheckpointInfo {
  if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StoreCorruptError('checkpoint: bad magic');
  }
  const bodyEnd = buf.length - 4;
  if (crc32(buf, 0, bodyEnd) !== buf.readUInt32LE(bodyEnd))
    throw new StoreCorruptError('checkpoint: checksum mismatch');
  const r = new ByteReader(buf, MAGIC.length, bodyEnd);
  const version = r.u32();
  if (version !== VERSION && version !== VERSION_SNAPSHOT) {
    throw new StoreCorruptError(`checkpoint: unsupported version ${version}`);
  }
  const position = { segment: r.varuint(), offset: r.varuint() };
  index.nextSeq = r.varuint();
  const gen = version === VERSION ? r.varuint() : 0;
  const nextChunkId = version === VERSION ? r.varuint() : 1;
  const chunks: CheckpointInfo['chunks'][number][] = [];
  const nd = r.count('destinations', 2);
  for (let i = 0; i < nd; i++) {
    const destination = Destination.parse(r.string('destination'));
    const d = index.ensureDestination(destination);
    const ns = r.count('subscriptions', 5);
    const subKeys: string[] = [];
    for (let j = 0; j < ns; j++) {
      const sub: DurableSubscriptionRecord = {
        destination,
        key: r.string('subscription key'),
        clientId: r.string('client id'),
        subscriptionName: r.string('subscription name'),
        selector: r.optString('selector'),
        noLocal: r.u8() !== 0,
      };
      subKeys.push(sub.key);
      d.subscriptions.set(sub.key, sub);
    }
    const nm = r.count('messages', 6);
    for (let j = 0; j < nm; j++) {
      const id = r.string('message id');
      const seq = r.varuint();
      const ref: Location = { segment: r.varuint(), offset: r.varuint(), length: r.varuint() };
      const redelivered = r.varint();
      let waiting: Set<string> | null = null;
      if (destination.isTopic) {
        const nw = r.count('waiting subscriptions', 1);
        waiting = new Set();
        for (let k = 0; k < nw; k++) {
          const key = subKeys[r.varuint()];
          if (key === undefined) throw new StoreCorruptError('checkpoint: waiting subscription out of range');
          waiting.add(key);
        }
      }
      index.restore(d, { id, seq, ref, redelivered, waiting });
    }
    if (version === VERSION) {
      const nc = r.count('chunks', 2);
      for (let j = 0; j < nc; j++) chunks.push({ destination: destination.key, id: r.varuint(), gen: r.varuint() });
    }
  }
  const np = r.count('prepared transactions', 4);
  for (let i = 0; i < np; i++) {
    const tx = r.string('transaction id');
    index.prepared.set(tx, { segment: r.varuint(), offset: r.varuint(), length: r.varuint() });
  }
  if (r.remaining !== 0) throw new StoreCorruptError(`checkpoint: ${r.remaining} unexpected trailing bytes`);
  return { position, version, gen, nextChunkId, chunks };
}

/**
 * A chunk file: the chunk's live entries as arrays, so loading one is a copy of bytes, not an object per
 * message.
 *
 *   magic "TIDECHNK" | u32 version | u32 n | f64 base | u32 seq - base [n] | u32 segment[n] | u32 offset[n]
 *   | u32 length[n] | u32 idHashHigh[n] | u32 idHashLow[n] | i16 redelivered[n] | pad to 4
 *   | u32 CRC32 of everything before it
 */
const CHUNK_MAGIC = Buffer.from('TIDECHNK', 'latin1');
const CHUNK_VERSION = 1;
const CHUNK_HEADER = 24;

function chunkLayout(n: number): { u32At: number; redAt: number; crcAt: number } {
  const u32At = CHUNK_HEADER;
  const redAt = u32At + 24 * n;
  const crcAt = (redAt + 2 * n + 3) & ~3;
  return { u32At, redAt, crcAt };
}

export function encodeChunk(c: Chunk): Buffer {
  const n = c.live;
  const { u32At, redAt, crcAt } = chunkLayout(n);
  const buf = Buffer.alloc(crcAt + 4);
  CHUNK_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(CHUNK_VERSION, 8);
  buf.writeUInt32LE(n, 12);
  buf.writeDoubleLE(c.base, 16);
  // Buffer.alloc of this size is its own ArrayBuffer at offset 0, so the typed views are aligned.
  const ab = buf.buffer;
  const o = buf.byteOffset;
  const u = new Uint32Array(ab, o + u32At, 6 * n);
  const red = new Int16Array(ab, o + redAt, n);
  let j = 0;
  for (let i = 0; i < c.n; i++) {
    if (c.dead[i] !== 0) continue;
    u[j] = c.dseq[i]!;
    u[n + j] = c.seg[i]!;
    u[2 * n + j] = c.off[i]!;
    u[3 * n + j] = c.len[i]!;
    u[4 * n + j] = c.hi[i]!;
    u[5 * n + j] = c.lo[i]!;
    red[j] = c.red[i]!;
    j++;
  }
  buf.writeUInt32LE(crc32(buf, 0, crcAt), crcAt);
  return buf;
}

export function decodeChunk(file: Buffer, id: number, gen: number): Chunk {
  if (file.length < CHUNK_HEADER + 4 || !file.subarray(0, 8).equals(CHUNK_MAGIC)) {
    throw new StoreCorruptError(`index chunk ${id}: bad magic`);
  }
  const version = file.readUInt32LE(8);
  if (version !== CHUNK_VERSION) throw new StoreCorruptError(`index chunk ${id}: unsupported version ${version}`);
  const n = file.readUInt32LE(12);
  const { u32At, redAt, crcAt } = chunkLayout(n);
  if (file.length !== crcAt + 4)
    throw new StoreCorruptError(`index chunk ${id}: ${file.length} bytes for ${n} entries`);
  if (crc32(file, 0, crcAt) !== file.readUInt32LE(crcAt))
    throw new StoreCorruptError(`index chunk ${id}: checksum mismatch`);
  // The chunk's arrays are views into the file's own bytes (a file read whole sits at an aligned offset of its
  // own memory); only a buffer misaligned for Uint32 is copied first.
  let ab: ArrayBufferLike = file.buffer;
  let o = file.byteOffset;
  if (o % 4 !== 0) {
    ab = new ArrayBuffer(crcAt);
    new Uint8Array(ab).set(file.subarray(0, crcAt));
    o = 0;
  }
  const c = new Chunk(id, 0);
  c.base = file.readDoubleLE(16);
  c.dseq = new Uint32Array(ab, o + u32At, n);
  c.seg = new Uint32Array(ab, o + u32At + 4 * n, n);
  c.off = new Uint32Array(ab, o + u32At + 8 * n, n);
  c.len = new Uint32Array(ab, o + u32At + 12 * n, n);
  c.hi = new Uint32Array(ab, o + u32At + 16 * n, n);
  c.lo = new Uint32Array(ab, o + u32At + 20 * n, n);
  c.red = new Int16Array(ab, o + redAt, n);
  c.dead = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    if (!(c.dseq[i - 1]! < c.dseq[i]!)) throw new StoreCorruptError(`index chunk ${id}: sequences out of order`);
  }
  c.n = n;
  c.live = n;
  c.dirty = false;
  c.gen = gen;
  return c;
}
