import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunk, encodeChunk } from './checkpoint.js';
import { CHUNK_CAPACITY, QueueChunks } from './queue-chunks.js';
import { StoreCorruptError } from '../store-errors.js';

function filled(n: number, firstSeq = 1): QueueChunks {
  let id = 1;
  const q = new QueueChunks(() => id++);
  for (let i = 0; i < n; i++) q.add(`ID:m-${i}`, firstSeq + i, { segment: 1 + (i >> 10), offset: i * 100, length: 90 });
  return q;
}

const seqs = (list: { seq: number }[]) => list.map((e) => e.seq);

describe('compact queue index (QueueChunks)', () => {
  it('adds in chunks of CHUNK_CAPACITY and pages in seq order across chunk boundaries', () => {
    const q = filled(CHUNK_CAPACITY * 2 + 5);
    assert.equal(q.size, CHUNK_CAPACITY * 2 + 5);
    assert.equal(q.chunks.length, 3);
    assert.deepEqual(seqs(q.after(CHUNK_CAPACITY - 2, 4)), [
      CHUNK_CAPACITY - 1,
      CHUNK_CAPACITY,
      CHUNK_CAPACITY + 1,
      CHUNK_CAPACITY + 2,
    ]);
    const e = q.get(CHUNK_CAPACITY + 1)!;
    assert.deepEqual(e.ref, { segment: 5, offset: CHUNK_CAPACITY * 100, length: 90 });
    assert.equal(e.redelivered, -1);
  });

  it('a page read after removes skips them; a chunk that empties is dropped', () => {
    const q = filled(CHUNK_CAPACITY + 10);
    for (let i = 0; i < CHUNK_CAPACITY; i++) assert.ok(q.remove(`ID:m-${i}`, i + 1));
    assert.equal(q.chunks.length, 1, 'the emptied head chunk is gone');
    assert.equal(q.size, 10);
    assert.deepEqual(seqs(q.after(0, 3)), [CHUNK_CAPACITY + 1, CHUNK_CAPACITY + 2, CHUNK_CAPACITY + 3]);
    q.remove('ID:m-x', CHUNK_CAPACITY + 2);
    assert.deepEqual(seqs(q.after(CHUNK_CAPACITY + 1, 2)), [CHUNK_CAPACITY + 3, CHUNK_CAPACITY + 4]);
    assert.equal(q.remove('ID:gone', CHUNK_CAPACITY + 2), undefined, 'a second remove finds nothing');
  });

  it('removes and redelivery counts by id alone: recent ids directly, older ones by their hash', () => {
    const q = filled(40_000);
    // ID:m-0 was evicted from the recent ids long ago: found by the hash scan.
    assert.deepEqual(q.remove('ID:m-0'), { segment: 1, offset: 0, length: 90 });
    assert.equal(q.get(1), undefined);
    q.setRedelivered('ID:m-39999', 3);
    assert.equal(q.get(40_000)!.redelivered, 3);
    q.setRedelivered('ID:m-5', 70_000);
    assert.equal(q.get(6)!.redelivered, 0x7fff, 'clamped to the Int16 slot');
    assert.equal(q.remove('ID:never-added'), undefined);
    assert.equal(q.size, 39_999);
  });

  it('a duplicate add of a pending id keeps the first copy', () => {
    const q = filled(3);
    assert.equal(q.add('ID:m-1', 10, { segment: 9, offset: 9, length: 9 }), false);
    assert.equal(q.size, 3);
    assert.equal(q.get(10), undefined);
    q.remove('ID:m-1');
    assert.equal(q.add('ID:m-1', 11, { segment: 9, offset: 9, length: 9 }), true, 'once removed it may come again');
  });

  it('an out-of-order add lands in seq order', () => {
    let id = 1;
    const q = new QueueChunks(() => id++);
    for (const s of [1, 2, 5, 6]) q.add(`ID:${s}`, s, { segment: 1, offset: s, length: 1 });
    q.add('ID:3', 3, { segment: 1, offset: 3, length: 1 });
    assert.deepEqual(seqs(q.after(0, 10)), [1, 2, 3, 5, 6]);
    assert.equal(q.remove('ID:3')?.offset, 3);
  });

  it('a sparse sealed chunk is squeezed; relocation moves an entry by seq', () => {
    const q = filled(CHUNK_CAPACITY * 2);
    for (let i = 0; i < CHUNK_CAPACITY; i++) if (i % 8 !== 0) q.remove(`ID:m-${i}`, i + 1);
    const head = q.chunks[0]!;
    assert.equal(head.live, CHUNK_CAPACITY / 8);
    assert.ok(head.n < CHUNK_CAPACITY / 2, `dead slots dropped (${head.n} slots left)`);
    assert.ok(head.capacity < CHUNK_CAPACITY, 'and its arrays shrunk');
    assert.deepEqual(seqs(q.after(0, 3)), [1, 9, 17]);
    const old = q.relocate(9, { segment: 77, offset: 1, length: 90 });
    assert.equal(old?.segment, 1);
    assert.equal(q.get(9)!.ref.segment, 77);
    assert.equal(q.relocate(2, { segment: 77, offset: 1, length: 90 }), undefined, 'removed: nothing to move');
    assert.deepEqual(seqs(q.inSegment(77)), [9]);
  });

  it('a chunk file round-trips only live entries and refuses damage', () => {
    const q = filled(100);
    q.remove('ID:m-0', 1);
    q.setRedelivered('ID:m-3', 2, 4);
    const c = q.chunks[0]!;
    const file = encodeChunk(c);
    const back = decodeChunk(file, c.id, 7);
    assert.equal(back.n, 99);
    assert.equal(back.gen, 7);
    assert.equal(back.dirty, false);
    const r = new QueueChunks(() => 99);
    r.restoreChunk(back);
    assert.deepEqual(seqs(r.after(0, 200)), seqs(q.after(0, 200)));
    assert.equal(r.get(4)!.redelivered, 2);
    assert.equal(r.remove('ID:m-50')?.offset, 5000, 'the id hash survives the file');
    r.add('ID:next', 500, { segment: 2, offset: 0, length: 90 });
    assert.equal(r.chunks.length, 1, 'the restored tail chunk grows instead of a new chunk starting');
    const bad = Buffer.from(file);
    bad[40] = bad[40]! ^ 0xff;
    assert.throws(() => decodeChunk(bad, 1, 1), StoreCorruptError);
    assert.throws(() => decodeChunk(file.subarray(0, file.length - 4), 1, 1), StoreCorruptError);
  });
});
