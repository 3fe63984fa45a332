import type { Message } from '../../model/message.js';
import { ByteReader } from '../bytes.js';
import type { MessageDecodeOptions } from '../message-codec.js';
import { decodeOperation, summarizeOperation, type OperationSummary } from '../operation-codec.js';
import type { DeferredQueue, RecoveredState, RecoverOptions, StoreOperation } from '../persistence-adapter.js';
import { StoreCorruptError } from '../store-errors.js';
import type { IndexedMessage, StoreIndex } from '../store-index.js';
import type { Destination } from '../../model/destination.js';
import { chunkFileName, decodeChunk, decodeCheckpoint, isChunkFileName, type Location } from './checkpoint.js';
import { QueueChunks } from './queue-chunks.js';
import { parseSegmentName, pathIn, segmentName, type FileLayer } from './file-layer.js';
import type { JournalPosition } from './journal.js';
import { RecordType, SEGMENT_HEADER_SIZE, checkSegmentHeader, scanSegment, type ScannedRecord } from './record.js';

export const CHECKPOINT_FILE = 'checkpoint.dat';

/** Something recovery could not use, reported with its file and offset so nothing is dropped silently. */
export interface DamageReport {
  readonly kind:
    | 'torn-tail'
    | 'corrupt-record'
    | 'bad-segment-header'
    | 'missing-segment'
    | 'lost-message'
    | 'lost-transaction'
    | 'bad-checkpoint';
  /** The file concerned (a path inside the store directory). */
  readonly file: string;
  readonly offset: number;
  /** Bytes skipped or truncated (0 when not applicable). */
  readonly length: number;
  readonly detail: string;
}

export interface RecoveryInput {
  readonly fs: FileLayer;
  readonly directory: string;
  readonly checkForCorruptJournalFiles: boolean;
  readonly ignoreMissingJournalfiles: boolean;
  readonly decode: MessageDecodeOptions;
  /** Empty on entry; holds the recovered index on return. */
  readonly index: StoreIndex<Location>;
  readonly retain: (loc: Location) => void;
  /** Counts `refs` pending operations of `bytes` in a segment at once (a checkpoint's compact queues). */
  readonly retainMany: (segment: number, refs: number, bytes: number) => void;
  readonly report: (d: DamageReport) => void;
  /** The next chunk id; the checkpoint's manifest moves it past every id it names. */
  readonly chunkIds: { next: number };
  /** The segments pending operations live in now (what `retain` counted, less what was released). */
  readonly liveSegments: () => Iterable<number>;
}

/** Chunk files read at once at start (the reads wait on the disk, not the CPU). */
const CHUNK_READS = 16;

export interface RecoveryResult {
  /**
   * Step 4, run when the broker asks for what survived: reads the pending content. With `deferQueues`, queue
   * messages stay on disk (only their segments' presence is checked); the store cursor reads them later.
   */
  readonly load: (options: RecoverOptions) => Promise<RecoveredState>;
  /** Where the next record goes, and whether that segment file exists (with its header). */
  readonly tail: JournalPosition;
  readonly tailExists: boolean;
  /** Every segment kept on disk, with its length. */
  readonly segments: Map<number, number>;
  readonly checkpointBytes: number;
  readonly replayedRecords: number;
  /** The checkpoint's format version (0: none was loaded); below 2 it is rewritten at once. */
  readonly checkpointVersion: number;
  /** Its generation: the next checkpoint writes its chunk files under a higher one. */
  readonly checkpointGen: number;
  /** The chunk files the manifest names, with their sizes (every other one was deleted). */
  readonly indexFiles: Map<string, number>;
}

/**
 * Start-up recovery:
 *  1. load the checkpoint (index snapshot + journal position); without one, replay from the first segment;
 *  2. replay the records after that position into the index (reading only ids, not bodies);
 *  3. truncate a torn tail (a record cut by a crash) at the end of the last segment, report any other damage
 *     with its file and offset and carry on with what follows it;
 *  4. read every pending message and prepared transaction from the segments the index points into, each
 *     segment read once and every record checked against its checksum before use.
 */
export async function recoverJournal(input: RecoveryInput): Promise<RecoveryResult> {
  const { fs, directory, index, report } = input;
  const file = (seg: number) => pathIn(directory, segmentName(seg));
  const names = await fs.list(directory);
  const onDisk = names
    .map(parseSegmentName)
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  if (names.includes(CHECKPOINT_FILE + '.tmp')) await fs.unlink(pathIn(directory, CHECKPOINT_FILE + '.tmp'));

  // 1. The checkpoint.
  const ckptPath = pathIn(directory, CHECKPOINT_FILE);
  const ckpt = await fs.readFile(ckptPath);
  let position: JournalPosition = { segment: onDisk[0] ?? 1, offset: SEGMENT_HEADER_SIZE };
  let fromCheckpoint = false;
  let checkpointVersion = 0;
  let checkpointGen = 0;
  const indexFiles = new Map<string, number>();
  const reads: Promise<Buffer | null>[] = [];
  if (ckpt !== null) {
    try {
      const info = decodeCheckpoint(ckpt, index);
      input.chunkIds.next = Math.max(input.chunkIds.next, info.nextChunkId);
      // The chunk files this manifest names, typed arrays straight from each file's bytes; read CHUNK_READS at a
      // time, restored in the manifest's order.
      const files = info.chunks.map((ref) => chunkFileName(ref.id, ref.gen));
      const readAhead = (i: number) => {
        if (i >= files.length) return;
        const read = fs.readFile(pathIn(directory, files[i]!));
        // Awaited in turn below; a failure while an earlier read is awaited must not count as unhandled.
        read.catch(() => {});
        reads[i] = read;
      };
      for (let i = 0; i < CHUNK_READS; i++) readAhead(i);
      for (let k = 0; k < info.chunks.length; k++) {
        const ref = info.chunks[k]!;
        const name = files[k]!;
        const bytes = await reads[k]!;
        readAhead(k + CHUNK_READS);
        if (bytes === null) throw new StoreCorruptError(`checkpoint: index chunk file ${name} is missing`);
        const chunk = decodeChunk(bytes, ref.id, ref.gen);
        const d = index.destinations.get(ref.destination);
        if (!(d?.queue instanceof QueueChunks)) throw new StoreCorruptError(`checkpoint: chunk ${name} of a non-queue`);
        d.queue.restoreChunk(chunk);
        if (chunk.n > 0) d.lastSeq = Math.max(d.lastSeq ?? 0, chunk.seqAt(chunk.n - 1));
        indexFiles.set(name, bytes.length);
        input.chunkIds.next = Math.max(input.chunkIds.next, ref.id + 1);
      }
      position = info.position;
      checkpointVersion = info.version;
      checkpointGen = info.gen;
      fromCheckpoint = true;
    } catch (e) {
      clearIndex(index);
      indexFiles.clear();
      // Reads started ahead of a failure are let finish before the journal is replayed instead.
      await Promise.allSettled(reads);
      report({
        kind: 'bad-checkpoint',
        file: ckptPath,
        offset: 0,
        length: ckpt.length,
        detail: `${(e as Error).message}; replaying every remaining segment instead (consumed messages whose acks were in deleted segments may be redelivered)`,
      });
    }
  } else if ((onDisk[0] ?? 1) > 1) {
    report({
      kind: 'bad-checkpoint',
      file: ckptPath,
      offset: 0,
      length: 0,
      detail:
        'checkpoint missing while earlier segments were deleted; replaying every remaining segment (consumed messages may be redelivered)',
    });
  }
  // Chunk files no manifest names: left by a checkpoint that crashed before its manifest was in place.
  // Their generation is skipped too, so no later checkpoint reuses one of their names.
  for (const name of names) {
    if (!isChunkFileName(name) || indexFiles.has(name)) continue;
    await fs.unlink(pathIn(directory, name));
    checkpointGen = Math.max(checkpointGen, Number(/-(\d+)\.dat$/.exec(name)![1]));
  }
  if (fromCheckpoint) {
    const usage = new Map<number, { refs: number; bytes: number }>();
    for (const d of index.destinations.values()) {
      for (const m of d.messages.values()) input.retain(m.ref);
      if (d.queue instanceof QueueChunks) d.queue.usage(usage);
    }
    for (const [seg, u] of usage) input.retainMany(seg, u.refs, u.bytes);
    for (const loc of index.prepared.values()) input.retain(loc);
  }

  // 2-3. Replay after the checkpoint position.
  const segments = new Map<number, number>();
  const last = onDisk[onDisk.length - 1];
  let tail: JournalPosition = { segment: Math.max(position.segment, (last ?? 0) + 1), offset: SEGMENT_HEADER_SIZE };
  let tailExists = false;
  let replayedRecords = 0;
  const replayFrom = onDisk.filter((s) => s >= position.segment);
  for (let s = position.segment; last !== undefined && s <= last; s++) {
    if (!onDisk.includes(s)) {
      const detail = `${segmentName(s)} is missing from the journal after the checkpoint position; what it recorded is lost`;
      if (!input.ignoreMissingJournalfiles)
        throw new StoreCorruptError(`${file(s)}: ${detail} (set ignoreMissingJournalfiles to start without it)`);
      report({ kind: 'missing-segment', file: file(s), offset: 0, length: 0, detail });
    }
  }
  for (const s of replayFrom) {
    const buf = (await fs.readFile(file(s))) ?? Buffer.alloc(0);
    const isLast = s === last;
    const headerProblem = checkSegmentHeader(buf, s);
    if (headerProblem !== null) {
      if (isLast && buf.length < SEGMENT_HEADER_SIZE) {
        // Created but cut before its header reached the disk: an empty tail segment, written afresh.
        await truncateFile(fs, file(s), 0);
        if (buf.length > 0)
          report({ kind: 'torn-tail', file: file(s), offset: 0, length: buf.length, detail: headerProblem });
        tail = { segment: s, offset: SEGMENT_HEADER_SIZE };
        tailExists = false;
        continue;
      }
      report({
        kind: 'bad-segment-header',
        file: file(s),
        offset: 0,
        length: buf.length,
        detail: `${headerProblem}; file skipped`,
      });
      segments.set(s, buf.length);
      continue;
    }
    const from =
      s === position.segment && fromCheckpoint ? Math.max(position.offset, SEGMENT_HEADER_SIZE) : SEGMENT_HEADER_SIZE;
    const scan = scanSegment(buf, from, (r) => {
      replayedRecords++;
      replayRecord(input, buf, s, r, !fromCheckpoint, file(s));
    });
    let end = buf.length;
    for (const d of scan.damage) {
      if (d.atTail && isLast) {
        // A crash cut the last write short: that batch was never acknowledged, so it is dropped.
        await truncateFile(fs, file(s), d.offset);
        end = d.offset;
        report({
          kind: 'torn-tail',
          file: file(s),
          offset: d.offset,
          length: d.length,
          detail: `${d.reason}; truncated`,
        });
      } else {
        report({
          kind: 'corrupt-record',
          file: file(s),
          offset: d.offset,
          length: d.length,
          detail: `${d.reason}; skipped`,
        });
      }
    }
    segments.set(s, end);
    if (isLast) {
      tail = { segment: s, offset: end };
      tailExists = true;
    }
  }

  // Segments before the checkpoint position: only their lengths (and, when asked, a full check).
  for (const s of onDisk) {
    if (s >= position.segment) continue;
    const h = await fs.open(file(s), false);
    try {
      segments.set(s, await fs.size(h));
    } finally {
      await fs.close(h);
    }
  }

  // 4. Read the pending content, when asked.
  const load = (options: RecoverOptions) => loadContent(input, new Map(segments), fromCheckpoint, options);
  return {
    load,
    tail,
    tailExists,
    segments,
    checkpointBytes: ckpt?.length ?? 0,
    replayedRecords,
    checkpointVersion,
    checkpointGen,
    indexFiles,
  };
}

function replayRecord(
  input: RecoveryInput,
  buf: Buffer,
  segment: number,
  rec: ScannedRecord,
  fullReplay: boolean,
  path: string,
): void {
  const { index } = input;
  try {
    const r = new ByteReader(buf, rec.payloadStart, rec.end);
    if (rec.type === RecordType.Batch) {
      // Decode the whole record first: a record that does not decode is skipped whole, never half-applied.
      const firstSeq = r.varuint();
      const n = r.count('operations', 5);
      const ops: { summary: OperationSummary; loc: Location }[] = [];
      for (let i = 0; i < n; i++) {
        const len = r.u32();
        const loc = { segment, offset: r.pos, length: len };
        r.view(len, 'operation');
        ops.push({ summary: summarizeOperation(new ByteReader(buf, loc.offset, loc.offset + len), input.decode), loc });
      }
      let addIndex = 0;
      for (const { summary, loc } of ops) {
        if (summary.kind === 'add') {
          input.retain(loc);
          index.addMessage(summary.destination, summary.messageId, loc, firstSeq + addIndex++);
        } else if (summary.kind === 'prepare') {
          input.retain(loc);
          index.setPrepared(summary.transactionId, loc);
        } else {
          index.apply(summary.op, null);
        }
      }
    } else {
      const n = r.count('moved operations', 8);
      const items: { kind: number; key: string; id: string; seq: number; loc: Location }[] = [];
      for (let i = 0; i < n; i++) {
        const kind = r.u8();
        const key = r.string('key');
        const id = r.string('message id');
        const seq = r.varuint();
        const len = r.u32();
        items.push({ kind, key, id, seq, loc: { segment, offset: r.pos, length: len } });
        r.view(len, 'moved operation');
      }
      for (const it of items) {
        input.retain(it.loc);
        let moved =
          it.kind === 1 ? index.relocate(it.key, it.id, it.loc, it.seq) : index.relocatePrepared(it.key, it.loc);
        if (!moved && fullReplay) {
          // Without a checkpoint the original add may be in a deleted segment: the moved copy stands in.
          const s = summarizeOperation(new ByteReader(buf, it.loc.offset, it.loc.offset + it.loc.length), input.decode);
          if (s.kind === 'add') moved = index.addMessage(s.destination, s.messageId, it.loc, it.seq) !== null;
          else if (s.kind === 'prepare') {
            index.setPrepared(s.transactionId, it.loc);
            moved = true;
          }
          // addMessage released the location itself when it refused the add.
          if (!moved) continue;
        }
        if (!moved) index.discard(it.loc);
      }
    }
  } catch (e) {
    input.report({
      kind: 'corrupt-record',
      file: path,
      offset: rec.offset,
      length: rec.end - rec.offset,
      detail: `record passes its checksum but does not decode (${(e as Error).message}); skipped`,
    });
  }
}

function clearIndex(index: StoreIndex<Location>): void {
  index.destinations.clear();
  index.prepared.clear();
}

async function truncateFile(fs: FileLayer, path: string, length: number): Promise<void> {
  const h = await fs.open(path, false);
  try {
    await fs.truncate(h, length);
    await fs.fsync(h);
  } finally {
    await fs.close(h);
  }
}

type Wanted =
  | {
      readonly kind: 'message';
      readonly destKey: string;
      readonly id: string;
      readonly loc: Location;
      readonly entry: IndexedMessage<Location>;
    }
  | { readonly kind: 'prepared'; readonly tx: string; readonly loc: Location };

async function loadContent(
  input: RecoveryInput,
  segments: Map<number, number>,
  fromCheckpoint: boolean,
  options: RecoverOptions,
): Promise<RecoveredState> {
  const isDeferred = (d: Destination) =>
    d.isQueue ? options.deferQueueMessages === true : options.deferDurableMessages === true;
  const { fs, directory, index, report } = input;
  const file = (seg: number) => pathIn(directory, segmentName(seg));
  const bySegment = new Map<number, Wanted[]>();
  const want = (seg: number, w: Wanted) => {
    const list = bySegment.get(seg);
    if (list === undefined) bySegment.set(seg, [w]);
    else list.push(w);
  };
  // Deferred queue messages are not read, but the segments they live in must be there.
  const deferredMissing = new Map<number, Wanted[]>();
  const read = new Map<string, IndexedMessage<Location>[]>();
  const missingLive = [...input.liveSegments()].filter((s) => !segments.has(s));
  for (const d of index.destinations.values()) {
    const defer = isDeferred(d.destination);
    let entries: Iterable<IndexedMessage<Location>> = d.messages.values();
    if (d.queue instanceof QueueChunks) {
      if (defer) {
        // Only the entries of missing segments are looked at (usually none): no object per deferred message.
        const q = d.queue;
        entries = missingLive.flatMap((s) => q.inSegment(s));
      } else {
        entries = index.sortedMessages(d);
        read.set(d.destination.key, entries as IndexedMessage<Location>[]);
      }
    }
    for (const m of entries) {
      const w: Wanted = { kind: 'message', destKey: d.destination.key, id: m.id, loc: m.ref, entry: m };
      if (!defer) want(m.ref.segment, w);
      else if (!segments.has(m.ref.segment)) {
        const list = deferredMissing.get(m.ref.segment);
        if (list === undefined) deferredMissing.set(m.ref.segment, [w]);
        else list.push(w);
      }
    }
  }
  for (const [tx, loc] of index.prepared) want(loc.segment, { kind: 'prepared', tx, loc });

  const missing = [...new Set([...bySegment.keys(), ...deferredMissing.keys()])]
    .filter((s) => !segments.has(s))
    .sort((a, b) => a - b);
  if (missing.length > 0 && !input.ignoreMissingJournalfiles) {
    const count = missing.reduce(
      (n, s) => n + (bySegment.get(s)?.length ?? 0) + (deferredMissing.get(s)?.length ?? 0),
      0,
    );
    throw new StoreCorruptError(
      `journal files missing from ${directory}: ${missing.map(segmentName).join(', ')} hold ${count} pending ` +
        'messages or transactions (set ignoreMissingJournalfiles to start without them)',
    );
  }

  // Keyed by the index entry itself: no per-message key string to build on a large recovery.
  const messages = new Map<object, Message>();
  const prepared = new Map<string, readonly StoreOperation[]>();
  const lose = (w: Wanted, kind: DamageReport['kind'], detail: string, buf?: Buffer) => {
    if (w.kind === 'message') {
      index.drop(w.destKey, w.entry);
      // A compact queue entry has no id: the damaged bytes may still name it (best effort).
      const id = w.id !== '' ? w.id : buf === undefined ? '' : peekId(buf, w.loc, input.decode);
      report({
        kind,
        file: file(w.loc.segment),
        offset: w.loc.offset,
        length: w.loc.length,
        detail: `message ${id !== '' ? id : `with store sequence ${w.entry.seq}`} on ${w.destKey} lost: ${detail}`,
      });
    } else {
      index.prepared.delete(w.tx);
      report({
        kind: kind === 'lost-message' ? 'lost-transaction' : kind,
        file: file(w.loc.segment),
        offset: w.loc.offset,
        length: w.loc.length,
        detail: `prepared transaction ${w.tx} lost: ${detail}`,
      });
    }
    index.discard(w.loc);
  };

  for (const [seg, list] of deferredMissing)
    for (const w of list) lose(w, 'lost-message', `${segmentName(seg)} is missing`);

  const toCheck = input.checkForCorruptJournalFiles ? [...segments.keys()] : [...bySegment.keys()];
  for (const seg of toCheck.sort((a, b) => a - b)) {
    const wanted = bySegment.get(seg) ?? [];
    const buf = segments.has(seg) ? await fs.readFile(file(seg)) : null;
    if (buf === null) {
      for (const w of wanted) lose(w, 'lost-message', `${segmentName(seg)} is missing`);
      continue;
    }
    // Checksum every record of the segment once; a location is usable only inside a valid record.
    const starts: number[] = [];
    const ends: number[] = [];
    const scan = scanSegment(buf, SEGMENT_HEADER_SIZE, (r) => {
      starts.push(r.payloadStart);
      ends.push(r.end);
    });
    // Damage after the checkpoint position was already reported by the replay.
    if (fromCheckpoint || input.checkForCorruptJournalFiles) {
      for (const d of scan.damage) {
        if (
          wanted.some((w) => w.loc.offset >= d.offset && w.loc.offset < d.offset + d.length) ||
          input.checkForCorruptJournalFiles
        ) {
          report({ kind: 'corrupt-record', file: file(seg), offset: d.offset, length: d.length, detail: d.reason });
        }
      }
    }
    for (const w of wanted) {
      const i = lastAtOrBelow(starts, w.loc.offset);
      if (i < 0 || w.loc.offset + w.loc.length > ends[i]!) {
        lose(w, 'lost-message', 'its record fails its checksum', buf);
        continue;
      }
      try {
        const op = decodeOperation(new ByteReader(buf, w.loc.offset, w.loc.offset + w.loc.length), input.decode);
        if (w.kind === 'message' && op.op === 'add') messages.set(w.entry, op.message);
        else if (w.kind === 'prepared' && op.op === 'prepare') prepared.set(w.tx, op.operations);
        else lose(w, 'lost-message', `the record holds a ${op.op} operation`);
      } catch (e) {
        lose(w, 'lost-message', (e as Error).message, buf);
      }
    }
  }

  const out = new Map<string, Message[]>();
  const deferred = new Map<string, DeferredQueue>();
  const recentIds = new Map<string, string[]>();
  for (const d of index.destinations.values()) {
    if (d.queue instanceof QueueChunks && isDeferred(d.destination) && d.queue.size > 0) {
      recentIds.set(d.destination.key, await readRecentIds(input, d.queue, segments));
    }
  }
  for (const d of index.destinations.values()) {
    if (isDeferred(d.destination)) {
      const map = d.messages;
      const count = index.pendingCount(d);
      // A compact queue keeps no ids: the producer audit learns the most recent ones, read back from the journal.
      const recent = recentIds.get(d.destination.key);
      if (count > 0) deferred.set(d.destination.key, { count, ids: () => recent ?? map.keys() });
      continue;
    }
    const list: Message[] = [];
    for (const e of read.get(d.destination.key) ?? index.sortedMessages(d)) {
      const m = messages.get(e);
      if (m === undefined) continue;
      if (e.redelivered >= 0) m.redeliveryCounter = e.redelivered;
      m.storeSequence = e.seq;
      d.queue?.remember(m.messageId, e.seq);
      list.push(m);
    }
    if (list.length > 0) out.set(d.destination.key, list);
  }
  return {
    destinations: [...index.destinations.values()].map((d) => d.destination),
    messages: out,
    deferred,
    ...(options.deferDurableMessages === true ? { deferredSubscriptions: index.subscriptionBacklogs() } : {}),
    subscriptions: index.subscriptionsList(),
    subscriptionAcks: index.subscriptionAcks(),
    prepared,
  };
}

/**
 * The ids of a deferred queue's last RECENT_IDS messages, for the producer audit (a producer's resend after a
 * failover concerns what it sent last). Read from the journal by location ranges, best effort: what cannot be
 * read is left out (the store still refuses a duplicate add of a recent message itself).
 */
const RECENT_IDS = 8192;

async function readRecentIds(
  input: RecoveryInput,
  queue: QueueChunks,
  segments: Map<number, number>,
): Promise<string[]> {
  const entries = queue.last(RECENT_IDS);
  const bySegment = new Map<number, IndexedMessage<Location>[]>();
  for (const e of entries) {
    if (!segments.has(e.ref.segment)) continue;
    const list = bySegment.get(e.ref.segment);
    if (list === undefined) bySegment.set(e.ref.segment, [e]);
    else list.push(e);
  }
  const ids = new Map<number, string>();
  for (const [seg, list] of bySegment) {
    let h;
    try {
      h = await input.fs.open(pathIn(input.directory, segmentName(seg)), false);
      let start = Infinity;
      let end = 0;
      for (const e of list) {
        start = Math.min(start, e.ref.offset);
        end = Math.max(end, e.ref.offset + e.ref.length);
      }
      const buf = await input.fs.read(h, start, end - start);
      for (const e of list) {
        const id = peekId(buf, { ...e.ref, offset: e.ref.offset - start }, input.decode);
        if (id !== '') ids.set(e.seq, id);
      }
    } catch {
      // Best effort: an unreadable segment is reported when the message is read for dispatch.
    } finally {
      if (h !== undefined) await input.fs.close(h).catch(() => {});
    }
  }
  return entries.map((e) => ids.get(e.seq)).filter((id): id is string => id !== undefined);
}

/** The message id an operation's bytes carry, or '' when they do not decode that far. */
function peekId(buf: Buffer, loc: Location, decode: MessageDecodeOptions): string {
  try {
    const s = summarizeOperation(new ByteReader(buf, loc.offset, loc.offset + loc.length), decode);
    return s.kind === 'add' ? s.messageId : '';
  } catch {
    return '';
  }
}

function lastAtOrBelow(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
