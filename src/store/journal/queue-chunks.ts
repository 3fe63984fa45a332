import type { IndexedMessage, QueueEntries } from '../store-index.js';
import type { Location } from './checkpoint.js';

/** Entries per chunk: a chunk is the unit the incremental checkpoint rewrites (~124 KiB of arrays when full). */
export const CHUNK_CAPACITY = 4096;
/**
 * Message ids the index remembers per queue (those added or read back most recently), so a remove or a
 * redelivery count that names a message by id finds its entry without a scan. Older ids are found by their
 * 64-bit hash, scanning from the head (FIFO consumption removes near the head).
 */
const RESIDENT_IDS = 32 * 1024;
/**
 * After a restart the index has no ids: the hashes of this many of the last entries restored from the
 * checkpoint are kept in a set, so a producer's retry of a message it sent just before the restart (failover)
 * is still refused as a duplicate, as KahaDB's message-id index refuses it.
 */
const RESTORED_TAIL = 2 * CHUNK_CAPACITY;

/**
 * One run of a queue's pending messages in send order, held in typed arrays (outside the V8 heap once they
 * are larger than a few dozen bytes): store sequence (as an offset from the chunk's `base`), journal location,
 * redelivery count, a 64-bit hash of the message id and a deleted flag, 27 bytes per entry. Slots never move
 * except when a sparse chunk is squeezed, so the sequences stay sorted and are found by binary search.
 */
export class Chunk {
  n = 0;
  live = 0;
  /** True while the chunk differs from the file the last checkpoint wrote for it. */
  dirty = true;
  /** The checkpoint generation of that file (-1: never written). */
  gen = -1;
  /** The store sequence slot offsets count from (the first seq the chunk took; lowered by an earlier insert). */
  base = 0;
  /** Store sequence minus `base`. */
  dseq: Uint32Array;
  seg: Uint32Array;
  off: Uint32Array;
  len: Uint32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  red: Int16Array;
  dead: Uint8Array;

  constructor(
    readonly id: number,
    capacity = CHUNK_CAPACITY,
  ) {
    this.dseq = new Uint32Array(capacity);
    this.seg = new Uint32Array(capacity);
    this.off = new Uint32Array(capacity);
    this.len = new Uint32Array(capacity);
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.red = new Int16Array(capacity);
    this.dead = new Uint8Array(capacity);
  }

  get capacity(): number {
    return this.dseq.length;
  }

  seqAt(i: number): number {
    return this.base + this.dseq[i]!;
  }

  /** Whether `seq` can be held here as an offset from `base`. */
  fits(seq: number): boolean {
    return seq >= this.base && seq - this.base <= 0xffffffff;
  }

  /** The slot holding `seq` (live or not), or -1. */
  find(seq: number): number {
    if (!this.fits(seq)) return -1;
    const d = seq - this.base;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.dseq[mid]!;
      if (v === d) return mid;
      if (v < d) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The first slot whose seq is above `seq` (n when none). */
  firstAbove(seq: number): number {
    if (seq < this.base) return 0;
    const d = seq - this.base;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.dseq[mid]! <= d) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops deleted slots, in place, into arrays sized to what is left (used when a chunk becomes sparse). */
  squeeze(capacity = this.live): void {
    const out = new Chunk(this.id, Math.max(1, capacity));
    let j = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.dead[i] !== 0) continue;
      out.dseq[j] = this.dseq[i]!;
      out.seg[j] = this.seg[i]!;
      out.off[j] = this.off[i]!;
      out.len[j] = this.len[i]!;
      out.hi[j] = this.hi[i]!;
      out.lo[j] = this.lo[i]!;
      out.red[j] = this.red[i]!;
      j++;
    }
    this.dseq = out.dseq;
    this.seg = out.seg;
    this.off = out.off;
    this.len = out.len;
    this.hi = out.hi;
    this.lo = out.lo;
    this.red = out.red;
    this.dead = out.dead;
    this.n = j;
    this.live = j;
  }
}

/** Two independent 32-bit FNV-1a hashes of a message id: together a 64-bit key that needs no JS string. */
export function idHash(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0];
}

/**
 * A queue's pending messages for the journal store: chunks of CHUNK_CAPACITY entries ordered by store sequence.
 * Sends append to the last chunk; a chunk that empties is dropped, one that falls below a quarter full is
 * squeezed. The checkpoint writes only the chunks marked dirty since it last ran (see checkpoint.ts).
 *
 * KahaDB keeps the same facts in its page file (the order index: sequence -> location, the message-id index);
 * here the id is kept only as a hash, and a bounded map of recent ids serves removes by id.
 */
export class QueueChunks implements QueueEntries<Location> {
  readonly chunks: Chunk[] = [];
  private count = 0;
  /** Recently added or read ids -> seq; `ring` holds them in the order they came, oldest evicted first. */
  private readonly resident = new Map<string, number>();
  // A ring, not the Map's own order: taking the first key of a Map that keeps losing its first keys walks
  // over the deleted slots each time (quadratic on a long run of adds).
  private readonly ring: (string | undefined)[] = new Array<string | undefined>(RESIDENT_IDS);
  private readonly ringSeq = new Float64Array(RESIDENT_IDS);
  private ringAt = 0;
  /** Hash keys of the last RESTORED_TAIL restored entries; built at the first add after a restore. */
  private restoredTail: Set<number> | null | undefined = null;

  constructor(private readonly nextChunkId: () => number) {}

  get size(): number {
    return this.count;
  }

  add(id: string, seq: number, ref: Location, redelivered = -1): boolean {
    const [h, l] = idHash(id);
    // A duplicate add (a producer retry after failover) keeps the first copy, as KahaDB does. The store sees
    // it by the recent ids (the broker's producer audit covers the same window before the store is asked).
    const prev = this.resident.get(id);
    if (prev !== undefined && this.locate(prev) !== null) return false;
    if (this.restoredTail === undefined) this.restoredTail = this.tailKeys();
    if (
      prev === undefined &&
      this.restoredTail?.has(hashKey(h, l)) === true &&
      this.findHash(h, l, RESTORED_TAIL * 2)
    ) {
      return false;
    }
    let c = this.chunks[this.chunks.length - 1];
    if (c !== undefined && c.n > 0 && seq <= c.seqAt(c.n - 1)) {
      if (this.locate(seq) !== null) return false;
      c = this.chunkFor(seq);
      if (seq < c.base) {
        // Below the chunk's base: rebase its offsets (an insert before everything it holds; never in practice).
        if (c.seqAt(c.n - 1) - seq > 0xffffffff) return false;
        const shift = c.base - seq;
        for (let k = 0; k < c.n; k++) c.dseq[k] = c.dseq[k]! + shift;
        c.base = seq;
      }
    } else if (c !== undefined && !c.fits(seq)) {
      c = undefined;
    } else if (c !== undefined && c.n === c.capacity && c.live < CHUNK_CAPACITY) {
      // A tail chunk loaded from its file (arrays sized to its entries) or squeezed grows back to full size,
      // rather than each restart starting a new, mostly empty chunk.
      c.squeeze(CHUNK_CAPACITY);
    }
    if (c === undefined || (c.n === c.capacity && (c.n === 0 || seq > c.seqAt(c.n - 1)))) {
      c = new Chunk(this.nextChunkId());
      c.base = seq;
      this.chunks.push(c);
    }
    let i = c.firstAbove(seq);
    if (i < c.n) {
      // Out of order (never in the journal's own writes; kept correct for any caller): shift the tail up.
      if (c.n === c.capacity) c.squeeze(c.capacity + 64);
      i = c.firstAbove(seq);
      for (const a of [c.dseq, c.seg, c.off, c.len, c.hi, c.lo, c.red, c.dead]) a.copyWithin(i + 1, i, c.n);
    } else if (c.n === c.capacity) c.squeeze(c.capacity + 64);
    c.dseq[i] = seq - c.base;
    c.seg[i] = ref.segment;
    c.off[i] = ref.offset;
    c.len[i] = ref.length;
    c.hi[i] = h;
    c.lo[i] = l;
    c.red[i] = clampRedelivered(redelivered);
    c.dead[i] = 0;
    c.n++;
    c.live++;
    c.dirty = true;
    this.count++;
    this.remember(id, seq);
    return true;
  }

  /** Notes that `id` is held by the broker under `seq` (it was just read back for dispatch). */
  remember(id: string, seq: number): void {
    const old = this.ring[this.ringAt];
    if (old !== undefined && this.resident.get(old) === this.ringSeq[this.ringAt]) this.resident.delete(old);
    this.ring[this.ringAt] = id;
    this.ringSeq[this.ringAt] = seq;
    this.ringAt = (this.ringAt + 1) % RESIDENT_IDS;
    this.resident.set(id, seq);
  }

  /** The store sequence of a pending message named by id, or undefined. */
  seqOf(id: string): number | undefined {
    const known = this.resident.get(id);
    if (known !== undefined && this.locate(known) !== null) return known;
    const [h, l] = idHash(id);
    for (const c of this.chunks) {
      const hi = c.hi;
      for (let i = 0; i < c.n; i++) {
        if (hi[i] === h && c.lo[i] === l && c.dead[i] === 0) return c.seqAt(i);
      }
    }
    return undefined;
  }

  remove(id: string, seq?: number): Location | undefined {
    const s = seq ?? this.seqOf(id);
    this.resident.delete(id);
    if (s === undefined) return undefined;
    const at = this.locate(s);
    if (at === null) return undefined;
    const [ci, i] = at;
    const c = this.chunks[ci]!;
    const ref = { segment: c.seg[i]!, offset: c.off[i]!, length: c.len[i]! };
    c.dead[i] = 1;
    c.live--;
    c.dirty = true;
    this.count--;
    // An empty chunk goes (the next checkpoint's manifest no longer names its file, which is then deleted).
    if (c.live === 0) this.chunks.splice(ci, 1);
    else if (c.live < c.n >> 2 && ci < this.chunks.length - 1 && c.n >= 64) c.squeeze();
    return ref;
  }

  setRedelivered(id: string, count: number, seq?: number): void {
    const s = seq ?? this.seqOf(id);
    const at = s === undefined ? null : this.locate(s);
    if (at === null) return;
    const c = this.chunks[at[0]]!;
    c.red[at[1]] = clampRedelivered(count);
    c.dirty = true;
  }

  relocate(seq: number, ref: Location): Location | undefined {
    const at = this.locate(seq);
    if (at === null) return undefined;
    const c = this.chunks[at[0]]!;
    const i = at[1];
    const old = { segment: c.seg[i]!, offset: c.off[i]!, length: c.len[i]! };
    c.seg[i] = ref.segment;
    c.off[i] = ref.offset;
    c.len[i] = ref.length;
    c.dirty = true;
    return old;
  }

  get(seq: number): IndexedMessage<Location> | undefined {
    const at = this.locate(seq);
    return at === null ? undefined : entryAt(this.chunks[at[0]]!, at[1]);
  }

  after(afterSeq: number, max: number): IndexedMessage<Location>[] {
    const out: IndexedMessage<Location>[] = [];
    let ci = this.chunkIndexAbove(afterSeq);
    while (out.length < max && ci < this.chunks.length) {
      const c = this.chunks[ci]!;
      for (let i = c.firstAbove(afterSeq); i < c.n && out.length < max; i++) {
        if (c.dead[i] === 0) out.push(entryAt(c, i));
      }
      ci++;
    }
    return out;
  }

  *entries(): IterableIterator<IndexedMessage<Location>> {
    for (const c of [...this.chunks]) for (let i = 0; i < c.n; i++) if (c.dead[i] === 0) yield entryAt(c, i);
  }

  forEachRef(fn: (ref: Location) => void): void {
    for (const c of this.chunks)
      for (let i = 0; i < c.n; i++)
        if (c.dead[i] === 0) fn({ segment: c.seg[i]!, offset: c.off[i]!, length: c.len[i]! });
  }

  /** Per journal segment: live entries and their bytes (segment accounting at start, without an object each). */
  usage(into: Map<number, { refs: number; bytes: number }>): void {
    // Neighbours share a segment: one Map look-up per run of them, not per entry.
    let lastSeg = -1;
    let u: { refs: number; bytes: number } | undefined;
    for (const c of this.chunks) {
      for (let i = 0; i < c.n; i++) {
        if (c.dead[i] !== 0) continue;
        const s = c.seg[i]!;
        if (s !== lastSeg || u === undefined) {
          u = into.get(s);
          if (u === undefined) into.set(s, (u = { refs: 0, bytes: 0 }));
          lastSeg = s;
        }
        u.refs++;
        u.bytes += c.len[i]!;
      }
    }
  }

  /** The last `max` live entries, in seq order (the recent ids recovery reads back for the producer audit). */
  last(max: number): IndexedMessage<Location>[] {
    const out: IndexedMessage<Location>[] = [];
    for (let ci = this.chunks.length - 1; ci >= 0 && out.length < max; ci--) {
      const c = this.chunks[ci]!;
      for (let i = c.n - 1; i >= 0 && out.length < max; i--) if (c.dead[i] === 0) out.push(entryAt(c, i));
    }
    return out.reverse();
  }

  /** Live entries stored in `segment` (compaction). */
  inSegment(segment: number): IndexedMessage<Location>[] {
    const out: IndexedMessage<Location>[] = [];
    for (const c of this.chunks)
      for (let i = 0; i < c.n; i++) if (c.dead[i] === 0 && c.seg[i] === segment) out.push(entryAt(c, i));
    return out;
  }

  /** Appends a chunk read from a checkpoint (chunks arrive in seq order). */
  restoreChunk(c: Chunk): void {
    this.chunks.push(c);
    this.count += c.live;
    this.restoredTail = undefined;
  }

  private tailKeys(): Set<number> {
    const keys = new Set<number>();
    for (let ci = this.chunks.length - 1; ci >= 0 && keys.size < RESTORED_TAIL; ci--) {
      const c = this.chunks[ci]!;
      for (let i = c.n - 1; i >= 0 && keys.size < RESTORED_TAIL; i--) keys.add(hashKey(c.hi[i]!, c.lo[i]!));
    }
    return keys;
  }

  /** Whether a live entry with this id hash is among the last `limit` slots. */
  private findHash(h: number, l: number, limit: number): boolean {
    let seen = 0;
    for (let ci = this.chunks.length - 1; ci >= 0 && seen < limit; ci--) {
      const c = this.chunks[ci]!;
      for (let i = c.n - 1; i >= 0 && seen < limit; i--, seen++) {
        if (c.hi[i] === h && c.lo[i] === l && c.dead[i] === 0) return true;
      }
    }
    return false;
  }

  /** [chunk index, slot] of the live entry with `seq`, or null. */
  private locate(seq: number): [number, number] | null {
    const ci = this.chunkIndexAbove(seq - 1);
    const c = this.chunks[ci];
    if (c === undefined) return null;
    const i = c.find(seq);
    return i < 0 || c.dead[i] !== 0 ? null : [ci, i];
  }

  /** The index of the first chunk that may hold a seq above `seq`. */
  private chunkIndexAbove(seq: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = this.chunks[mid]!;
      if (c.n === 0 || c.seqAt(c.n - 1) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The chunk an out-of-order seq belongs in. */
  private chunkFor(seq: number): Chunk {
    const ci = Math.min(this.chunkIndexAbove(seq), this.chunks.length - 1);
    return this.chunks[ci]!;
  }
}

/** A 53-bit number from the two id hashes (exact for a Set of numbers). */
function hashKey(h: number, l: number): number {
  return h * 0x200000 + (l & 0x1fffff);
}

function entryAt(c: Chunk, i: number): IndexedMessage<Location> {
  return {
    id: '',
    seq: c.seqAt(i),
    ref: { segment: c.seg[i]!, offset: c.off[i]!, length: c.len[i]! },
    redelivered: c.red[i]!,
    waiting: null,
  };
}

function clampRedelivered(n: number): number {
  return n < 0 ? -1 : Math.min(n, 0x7fff);
}
