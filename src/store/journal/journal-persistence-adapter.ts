import type { Destination } from '../../model/destination.js';
import type { Message, PropertyDecoder } from '../../model/message.js';
import { ByteReader } from '../bytes.js';
import { decodeOperation } from '../operation-codec.js';
import type { IndexedMessage } from '../store-index.js';
import { systemClock, type Clock, type Timer } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import { ByteWriter } from '../bytes.js';
import { encodeOperation } from '../operation-codec.js';
import type { PersistenceAdapter, RecoveredState, RecoverOptions, StoreOperation } from '../persistence-adapter.js';
import { StoreFullError, StoreStateError, type StoreNoSpaceError } from '../store-errors.js';
import { StoreIndex } from '../store-index.js';
import { chunkFileName, encodeCheckpoint, encodeChunk, type Location } from './checkpoint.js';
import { QueueChunks } from './queue-chunks.js';
import { NodeFileLayer, pathIn, segmentName, type FileLayer } from './file-layer.js';
import type { LockerSettings } from '../locker.js';
import { SharedFileLocker } from './shared-file-locker.js';
import { AddHold } from './add-hold.js';
import { Journal, type CancelAppend, type JournalPosition, type SyncStrategy } from './journal.js';
import { RECORD_HEADER_SIZE, RecordType, MAX_RECORD_PAYLOAD, crc32 } from './record.js';
import { recoverJournal, CHECKPOINT_FILE, type DamageReport } from './recovery.js';

export type { DamageReport } from './recovery.js';

/**
 * `<kahaDB/>`-style options. Names and defaults follow KahaDB's, so an activemq.xml attribute maps
 * one-to-one; the ones after `ignoreMissingJournalfiles` are TideMQ's own.
 */
export interface JournalPersistenceAdapterOptions {
  /** The store directory (KahaDB `directory`); created when missing. */
  readonly directory: string;
  /**
   * The broker dispatches queue messages while storing them (concurrentStoreAndDispatchQueues): a lone queue add
   * not yet written may then be withdrawn by its remove (see unwrittenAdds). Off, no add is tracked for that.
   */
  readonly withdrawAddsOnRemove?: boolean;
  /** Segment size before rolling to the next `db-N.log` (KahaDB default 32 MiB). */
  readonly journalMaxFileLength?: number;
  /** `false` is the same as journalDiskSyncStrategy `never` (KahaDB's older switch). Default true. */
  readonly enableJournalDiskSyncs?: boolean;
  /** always (default): a sync write resolves after its fsync; periodic: fsync every interval; never. */
  readonly journalDiskSyncStrategy?: SyncStrategy;
  /** Milliseconds between fsyncs under `periodic` (KahaDB default 1000). */
  readonly journalDiskSyncInterval?: number;
  /** Milliseconds between checkpoints of the index (KahaDB default 5000). */
  readonly checkpointInterval?: number;
  /** Milliseconds between cleanups: compaction and deletion of dead segments (KahaDB default 30000). */
  readonly cleanupInterval?: number;
  /** Verify every record of every segment at start, not only the ones recovery reads (default false). */
  readonly checkForCorruptJournalFiles?: boolean;
  /** Start even when segments holding pending messages are missing; those messages are reported lost. */
  readonly ignoreMissingJournalfiles?: boolean;
  /**
   * Bytes on disk (systemUsage storeUsage limit) above which batches with new messages wait for space, or
   * are refused with StoreFullError (0: no limit). Segments are capped at a quarter of it, so consumed
   * messages free whole segments even when the limit is below journalMaxFileLength.
   */
  readonly storeLimit?: number;
  /** systemUsage sendFailIfNoSpace: refuse at once when the limit is reached instead of waiting (default false). */
  readonly sendFailIfNoSpace?: boolean;
  /** systemUsage sendFailIfNoSpaceAfterTimeout: wait at most this many ms for space, then refuse (0: no limit). */
  readonly sendFailIfNoSpaceAfterTimeout?: number;
  /**
   * false for a store nothing is recovered from (the temp store, cleared at every start): no checkpoint image
   * is written, dead segments are still deleted. Default true.
   */
  readonly recoverable?: boolean;
  /** A sealed segment whose live bytes fall below this fraction of its length is compacted (default 0.5). */
  readonly compactionThreshold?: number;
  /** Decodes stored encoded property blocks on recovery (the OpenWire primitive-map decoder). */
  readonly propertyDecoder?: PropertyDecoder;
  readonly logger?: Logger;
  /** Told about every damaged or missing piece found at start, in addition to the log. */
  readonly onDamage?: (report: DamageReport) => void;
  /** `<locker><shared-file-locker …/></locker>`: how a slave waits for this directory's lock. */
  readonly locker?: Partial<LockerSettings>;
  /** The file system; tests inject a FakeFileLayer. */
  readonly fileLayer?: FileLayer;
  readonly clock?: Clock;
}

export interface RecoveryStats {
  /** Journal records replayed after the checkpoint position. */
  readonly replayedRecords: number;
  readonly pendingMessages: number;
  readonly segments: number;
  readonly durationMs: number;
}

interface Settings {
  readonly directory: string;
  readonly maxFileLength: number;
  readonly syncStrategy: SyncStrategy;
  readonly syncInterval: number;
  readonly checkpointInterval: number;
  readonly cleanupInterval: number;
  readonly checkForCorruptJournalFiles: boolean;
  readonly ignoreMissingJournalfiles: boolean;
  readonly storeLimit: number;
  readonly sendFailIfNoSpace: boolean;
  readonly sendFailIfNoSpaceAfterTimeout: number;
  readonly compactionThreshold: number;
  readonly recoverable: boolean;
}

/** A batch waiting for store space (producer flow control on storeUsage). */
interface SpaceWaiter {
  readonly batch: readonly StoreOperation[];
  readonly sync: boolean;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  timer: Timer | null;
}

interface Encoded {
  readonly record: Buffer;
  readonly opOffsets: readonly number[];
  readonly firstSeq: number;
  readonly adds: boolean;
}

/** How often waiting producers re-check for space (ActiveMQ's Usage.waitForSpace polls every second). */
const SPACE_CHECK_MS = 1000;
/** Batches allowed to wait for space at once; more are refused, so a flood cannot pile up in memory. */
const MAX_SPACE_WAITERS = 10_000;
/** The store cursor reads neighbouring locations with one call while the gap between them is at most this. */
const READ_GAP = 16 * 1024;
/** ...and while one call spans at most this many bytes. */
const READ_SPAN = 1024 * 1024;
/** Smallest segment the storeLimit cap may choose. */
const MIN_SEGMENT = 64 * 1024;

/** Chunk files a checkpoint writes at once. */
const CHUNK_WRITES = 8;

const MOVE_MESSAGE = 1;
const MOVE_PREPARED = 2;

/**
 * The journal store (TideMQ's KahaDB): an append-only log of batches in `db-N.log` segments, an in-memory
 * index of what is pending, and a periodic checkpoint of that index so restart replays only recent records.
 * See docs/persistence.md for the file formats and the recovery rules.
 */
export class JournalPersistenceAdapter implements PersistenceAdapter {
  readonly name = 'journal';
  private readonly s: Settings;
  private readonly fs: FileLayer;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly writer = new ByteWriter(64 * 1024);
  private readonly ckptWriter = new ByteWriter(64 * 1024);
  private index = new StoreIndex<Location>();
  /** Ids for new index chunks (their file names); recovery moves it past the checkpoint's. */
  private readonly chunkIds = { next: 1 };
  /** The generation of the last checkpoint: chunk files it wrote carry it in their names. */
  private checkpointGen = 0;
  /** The chunk files the last checkpoint's manifest names, with their sizes. */
  private indexFiles = new Map<string, number>();
  private indexBytes = 0;
  /** Per segment: how many pending operations it holds and their bytes. */
  private live = new Map<number, { refs: number; bytes: number }>();
  private journal: Journal | null = null;
  /** The directory's lock (master/slave): a broker acquires it before start; a store used alone takes it there. */
  readonly locker: SharedFileLocker;
  private recovered: ((options: RecoverOptions) => Promise<RecoveredState>) | null = null;
  private timers: Timer[] = [];
  private maintenance: Promise<void> = Promise.resolve();
  private changes = 0;
  private checkpointedChanges = -1;
  private checkpointBytes = 0;
  /** Journal bytes appended since the last checkpoint (see checkpoint()). */
  private appendedSinceCheckpoint = 0;
  private cleanupSoon = false;
  private lastSize = 0;
  private stats: RecoveryStats | null = null;
  private stopping = false;
  /** Send order of the next `add` (the index learns it only once the record is written). */
  private seq = 1;
  /**
   * Queue messages whose add is queued in the journal and not yet written, by id: a remove that arrives first
   * (the broker dispatched the message while its add was in flight, concurrentStoreAndDispatchQueues, and the
   * consumer was quicker than the disk) withdraws the add and is not written either, as KahaDB cancels the
   * add task of a message acknowledged before its store.
   */
  private readonly unwrittenAdds = new Map<string, { readonly cancel: CancelAppend; readonly held: boolean }>();
  private readonly withdrawable: boolean;
  /** Adds withdrawn that way (a counter for the store's figures and tests). */
  cancelledAdds = 0;
  /** How long a dispatched add waits for its withdrawal before it joins a group (see add-hold.ts). */
  readonly addHold = new AddHold();
  /** The segment of the last checkpoint's position: replay after a crash starts there. */
  private checkpointSegment = 0;
  private readonly spaceWaiters: SpaceWaiter[] = [];
  private spaceTimer: Timer | null = null;

  constructor(private readonly options: JournalPersistenceAdapterOptions) {
    const o = options;
    if (typeof o.directory !== 'string' || o.directory.length === 0) {
      throw new StoreStateError('journal store: directory is required');
    }
    const strategy: SyncStrategy =
      o.enableJournalDiskSyncs === false ? 'never' : (o.journalDiskSyncStrategy ?? 'always');
    if (!['always', 'periodic', 'never'].includes(strategy)) {
      throw new StoreStateError(`journal store: journalDiskSyncStrategy must be always, periodic or never`);
    }
    const storeLimit = o.storeLimit ?? 0;
    let maxFileLength = positive(o.journalMaxFileLength ?? 32 * 1024 * 1024, 'journalMaxFileLength');
    // ActiveMQ only warns that a limit below journalMaxFileLength makes the store unusable (the tail segment
    // can never be deleted); capping the segment size instead lets consumption free space.
    if (storeLimit > 0) maxFileLength = Math.min(maxFileLength, Math.max(MIN_SEGMENT, Math.floor(storeLimit / 4)));
    this.withdrawable = options.withdrawAddsOnRemove === true;
    this.s = {
      directory: o.directory,
      maxFileLength,
      syncStrategy: strategy,
      syncInterval: positive(o.journalDiskSyncInterval ?? 1000, 'journalDiskSyncInterval'),
      checkpointInterval: positive(o.checkpointInterval ?? 5000, 'checkpointInterval'),
      cleanupInterval: positive(o.cleanupInterval ?? 30000, 'cleanupInterval'),
      checkForCorruptJournalFiles: o.checkForCorruptJournalFiles ?? false,
      ignoreMissingJournalfiles: o.ignoreMissingJournalfiles ?? false,
      storeLimit,
      sendFailIfNoSpace: o.sendFailIfNoSpace ?? false,
      sendFailIfNoSpaceAfterTimeout: o.sendFailIfNoSpaceAfterTimeout ?? 0,
      compactionThreshold: o.compactionThreshold ?? 0.5,
      recoverable: o.recoverable ?? true,
    };
    this.fs = o.fileLayer ?? new NodeFileLayer();
    this.clock = o.clock ?? systemClock;
    this.log = (o.logger ?? Logger.create()).child({ store: 'journal', directory: o.directory });
    this.locker = new SharedFileLocker({
      fs: this.fs,
      directory: o.directory,
      ...(o.locker !== undefined ? { settings: o.locker } : {}),
      logger: this.log,
      clock: this.clock,
    });
  }

  async start(): Promise<void> {
    if (this.journal !== null) return;
    this.stopping = false;
    const began = performance.now();
    await this.fs.mkdirp(this.s.directory);
    await this.locker.lockNow();
    try {
      this.chunkIds.next = 1;
      this.index = new StoreIndex<Location>(
        (loc) => this.release(loc),
        () => new QueueChunks(() => this.chunkIds.next++),
      );
      this.live = new Map();
      const result = await recoverJournal({
        fs: this.fs,
        directory: this.s.directory,
        checkForCorruptJournalFiles: this.s.checkForCorruptJournalFiles,
        ignoreMissingJournalfiles: this.s.ignoreMissingJournalfiles,
        decode: { propertyDecoder: this.options.propertyDecoder },
        index: this.index,
        retain: (loc) => this.retain(loc),
        retainMany: (segment, refs, bytes) => this.retainMany(segment, refs, bytes),
        report: (d) => this.report(d),
        chunkIds: this.chunkIds,
        liveSegments: () => this.live.keys(),
      });
      this.recovered = result.load;
      this.checkpointBytes = result.checkpointBytes;
      this.checkpointGen = result.checkpointGen;
      this.indexFiles = result.indexFiles;
      this.indexBytes = [...result.indexFiles.values()].reduce((a, b) => a + b, 0);
      this.checkpointSegment = 0;
      const journal = new Journal(
        {
          fs: this.fs,
          directory: this.s.directory,
          maxFileLength: this.s.maxFileLength,
          syncStrategy: this.s.syncStrategy,
          syncInterval: this.s.syncInterval,
          clock: this.clock,
          onFailure: (e) => this.log.error('journal failed; writes are refused until restart', { error: e }),
          onSegmentCreated: () => {},
          onNoSpace: (e: StoreNoSpaceError) => this.log.warn(e.message, { file: e.file }),
        },
        result.tail,
        result.tailExists,
      );
      for (const [seg, len] of result.segments) journal.written.set(seg, len);
      this.journal = journal;
      this.seq = this.index.nextSeq;
      this.changes = 1;
      this.checkpointedChanges = 0;
      // A fresh checkpoint, so the next start replays nothing that this one already did; not needed when this
      // start replayed nothing (a clean stop left one). A version 1 checkpoint (a full snapshot written by an
      // earlier release) is rewritten at once in the incremental form.
      if (result.replayedRecords > 0 || result.checkpointBytes === 0 || result.checkpointVersion < 2)
        await this.checkpoint(true);
      else this.checkpointedChanges = this.changes;
      // runMaintenance never rejects: it logs a failed task itself ('store maintenance failed').
      this.timers.push(
        this.clock.setInterval(() => void this.runMaintenance(() => this.checkpoint()), this.s.checkpointInterval),
        this.clock.setInterval(() => void this.runMaintenance(() => this.cleanup()), this.s.cleanupInterval),
      );
      this.stats = {
        replayedRecords: result.replayedRecords,
        pendingMessages: this.index.messageCount(),
        segments: result.segments.size,
        durationMs: performance.now() - began,
      };
      this.log.info('journal store started', { ...this.stats });
    } catch (e) {
      this.journal = null;
      await this.locker.release();
      throw e;
    }
  }

  async stop(): Promise<void> {
    const journal = this.journal;
    if (journal === null) return;
    this.stopping = true;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.spaceTimer?.cancel();
    this.spaceTimer = null;
    for (const w of this.spaceWaiters.splice(0)) {
      w.timer?.cancel();
      w.reject(new StoreStateError('journal store stopped while the batch waited for store space'));
    }
    await this.maintenance;
    try {
      // A clean stop leaves a checkpoint, so the next start replays nothing; not once the lock is lost, when
      // another broker may already be the master writing here (the old master is fenced off the files).
      if (journal.failure === null && !this.locker.lost) await this.checkpoint(true);
    } catch (e) {
      this.log.error('final checkpoint failed', { error: e });
    } finally {
      this.lastSize = this.size();
      this.journal = null;
      await journal.close();
      await this.locker.release();
    }
  }

  recover(options?: RecoverOptions): Promise<RecoveredState> {
    if (this.journal === null) return Promise.reject(new StoreStateError('journal store: recover() before start()'));
    const load = this.recovered;
    if (load === null) return Promise.reject(new StoreStateError('journal store: recover() called twice'));
    this.recovered = null;
    // Content that cannot be read (missing segments) refuses the start: the store closes and lets go of its lock.
    return load(options ?? {}).catch(async (e: unknown) => {
      await this.abandon();
      throw e;
    });
  }

  /** Closes without a final checkpoint: the start is refused, nothing more may be written. */
  private async abandon(): Promise<void> {
    const journal = this.journal;
    if (journal === null) return;
    this.stopping = true;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    await this.maintenance;
    this.journal = null;
    await journal.close();
    await this.locker.release();
  }

  /**
   * Reads a page of a queue's backlog back from the segments. Locations close together in one segment are
   * read with one call (a backlog written in a burst sits in a few records), and a location that moved while
   * the read ran (compaction rewrote its segment) is read again from where the index now points.
   */
  readMessages(destination: Destination, afterSequence: number, max: number): Promise<Message[]> {
    if (this.journal === null) return Promise.reject(new StoreStateError('journal store is not started'));
    return this.readEntries(destination, this.index.entriesAfter(destination, afterSequence, max));
  }

  /** A page of what a durable subscription has not consumed, read as `readMessages` reads a queue's. */
  readSubscriptionMessages(
    topic: Destination,
    subscriptionKey: string,
    afterSequence: number,
    max: number,
  ): Promise<Message[]> {
    if (this.journal === null) return Promise.reject(new StoreStateError('journal store is not started'));
    return this.readEntries(topic, this.index.entriesAfter(topic, afterSequence, max, subscriptionKey));
  }

  private async readEntries(destination: Destination, entries: IndexedMessage<Location>[]): Promise<Message[]> {
    const out: (Message | null)[] = new Array<Message | null>(entries.length).fill(null);
    let todo = entries.map((e, i) => ({ e, i }));
    for (let attempt = 0; attempt < 3 && todo.length > 0; attempt++) {
      const failed: typeof todo = [];
      const bySegment = new Map<number, typeof todo>();
      for (const t of todo) {
        const list = bySegment.get(t.e.ref.segment);
        if (list === undefined) bySegment.set(t.e.ref.segment, [t]);
        else list.push(t);
      }
      for (const [seg, list] of bySegment) {
        try {
          await this.readSegment(seg, list, out, destination);
        } catch {
          failed.push(...list.filter((t) => out[t.i] === null));
        }
      }
      // Only entries still pending are worth another try; their `ref` now says where they live.
      todo = [];
      for (const t of failed) {
        const now = this.index.current(destination, t.e);
        if (now !== undefined) todo.push({ e: now, i: t.i });
      }
    }
    for (const t of todo) {
      this.report({
        kind: 'lost-message',
        file: pathIn(this.s.directory, segmentName(t.e.ref.segment)),
        offset: t.e.ref.offset,
        length: t.e.ref.length,
        detail: `message ${describe(t.e)} on ${destination.key} could not be read back for dispatch`,
      });
    }
    return out.filter((m): m is Message => m !== null);
  }

  private async readSegment(
    seg: number,
    list: { e: IndexedMessage<Location>; i: number }[],
    out: (Message | null)[],
    destination: Destination,
  ): Promise<void> {
    list.sort((a, b) => a.e.ref.offset - b.e.ref.offset);
    const h = await this.fs.open(pathIn(this.s.directory, segmentName(seg)), false);
    try {
      let k = 0;
      while (k < list.length) {
        // One read for a run of locations with small gaps between them.
        const start = list[k]!.e.ref.offset;
        let end = start + list[k]!.e.ref.length;
        let j = k + 1;
        while (j < list.length) {
          const loc = list[j]!.e.ref;
          if (loc.offset - end > READ_GAP || loc.offset + loc.length - start > READ_SPAN) break;
          end = Math.max(end, loc.offset + loc.length);
          j++;
        }
        const buf = await this.fs.read(h, start, end - start);
        for (let x = k; x < j; x++) {
          const { e, i } = list[x]!;
          const from = e.ref.offset - start;
          if (from + e.ref.length > buf.length) throw new StoreStateError(`short read in ${segmentName(seg)}`);
          try {
            const op = decodeOperation(new ByteReader(buf, from, from + e.ref.length), {
              propertyDecoder: this.options.propertyDecoder,
            });
            if (op.op !== 'add') throw new StoreStateError(`the record holds a ${op.op} operation`);
            const m = op.message;
            m.storeSequence = e.seq;
            if (e.redelivered >= 0) m.redeliveryCounter = e.redelivered;
            // The broker now holds it: its remove will name it by id.
            this.index.destinations.get(destination.key)?.queue?.remember(m.messageId, e.seq);
            out[i] = m;
          } catch (err) {
            // A body that no longer decodes is reported and left in the store for an operator to look at.
            this.report({
              kind: 'corrupt-record',
              file: pathIn(this.s.directory, segmentName(seg)),
              offset: e.ref.offset,
              length: e.ref.length,
              detail: `message ${describe(e)} on ${destination.key} does not decode: ${(err as Error).message}`,
            });
          }
        }
        k = j;
      }
    } finally {
      await this.fs.close(h);
    }
  }

  write(batch: readonly StoreOperation[], sync: boolean): Promise<void> {
    const journal = this.journal;
    if (journal === null) return Promise.reject(new StoreStateError('journal store is not started'));
    if (journal.failure !== null) return Promise.reject(journal.failure);
    // Fenced: once a keepAlive found the lock gone, another broker may be master of these files.
    if (this.locker.lost) return Promise.reject(new StoreStateError(`journal store ${this.s.directory} lost its lock`));
    if (this.withdraws(batch)) return Promise.resolve();
    let enc: Encoded;
    try {
      enc = this.encode(batch);
    } catch (e) {
      return Promise.reject(e);
    }
    if (enc.adds && this.s.storeLimit > 0) {
      // Batches that wait keep their turn: a later one may not pass them, even if it would fit.
      if (this.spaceWaiters.length > 0 || !this.fits(enc.record.length)) {
        this.requestCleanup();
        if (this.s.sendFailIfNoSpace || this.spaceWaiters.length >= MAX_SPACE_WAITERS) {
          return Promise.reject(this.fullError(batch));
        }
        return this.waitForSpace(batch, sync);
      }
    }
    return this.append(journal, batch, enc, sync);
  }

  /** Encodes the whole batch before anything else: a bad operation refuses the batch whole. */
  private encode(batch: readonly StoreOperation[]): Encoded {
    const w = this.writer;
    const opOffsets: number[] = [];
    let addCount = 0;
    let stores = false;
    const firstSeq = this.seq;
    w.reset();
    w.reserve(RECORD_HEADER_SIZE);
    w.varuint(firstSeq);
    w.varuint(batch.length);
    for (const op of batch) {
      const lenAt = w.reserve(4);
      encodeOperation(w, op);
      w.setU32(lenAt, w.length - lenAt - 4);
      opOffsets.push(lenAt + 4);
      if (op.op === 'add') addCount++;
      if (op.op === 'add' || op.op === 'prepare') stores = true;
    }
    const record = finishRecord(w, RecordType.Batch);
    this.seq += addCount;
    return { record, opOffsets, firstSeq, adds: stores };
  }

  /** Queues the record; the index learns the batch when its bytes are written, never before. */
  /** A lone queue remove whose add has not been written yet: both are dropped (see unwrittenAdds). */
  private withdraws(batch: readonly StoreOperation[]): boolean {
    if (batch.length !== 1 || this.unwrittenAdds.size === 0) return false;
    const op = batch[0]!;
    if (op.op !== 'remove' || op.subscription !== null) return false;
    const unwritten = this.unwrittenAdds.get(op.messageId);
    if (unwritten === undefined) return false;
    this.unwrittenAdds.delete(op.messageId);
    if (!unwritten.cancel()) return false;
    this.cancelledAdds++;
    if (unwritten.held) this.addHold.hit();
    return true;
  }

  private append(journal: Journal, batch: readonly StoreOperation[], enc: Encoded, sync: boolean): Promise<void> {
    const only = batch.length === 1 ? batch[0]! : null;
    const lone =
      this.withdrawable && only !== null && only.op === 'add' && only.destination.isQueue
        ? only.message.messageId
        : null;
    const hold = lone !== null && only?.op === 'add' && only.dispatching === true ? this.addHold.next() : 0;
    const done = journal.append(
      enc.record,
      sync,
      (position) => {
        if (lone !== null) this.unwrittenAdds.delete(lone);
        if (hold > 0) this.addHold.miss();
        this.indexWritten(batch, enc, position);
      },
      lone === null ? undefined : (cancel) => this.unwrittenAdds.set(lone, { cancel, held: hold > 0 }),
      hold,
    );
    if (lone !== null) done.catch(() => this.unwrittenAdds.delete(lone));
    return done;
  }

  /** The index learns a batch once its record is written, never before. */
  private indexWritten(batch: readonly StoreOperation[], enc: Encoded, position: JournalPosition): void {
    const { record, opOffsets, firstSeq } = enc;
    let addIndex = 0;
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i]!;
      const offset = opOffsets[i]!;
      if (op.op === 'add' || op.op === 'prepare') {
        const end = i + 1 < batch.length ? opOffsets[i + 1]! - 4 : record.length;
        const loc: Location = { segment: position.segment, offset: position.offset + offset, length: end - offset };
        this.retain(loc);
        if (op.op === 'add') {
          const seq = firstSeq + addIndex++;
          if (this.index.addMessage(op.destination, op.message.messageId, loc, seq) !== null) {
            op.message.storeSequence = seq;
          }
        } else this.index.apply(op, loc);
      } else {
        this.index.apply(op, null);
      }
    }
    this.changes++;
    this.appendedSinceCheckpoint += record.length;
  }

  private fits(recordLength: number): boolean {
    const journal = this.journal;
    return this.size() + (journal?.queuedBytes ?? 0) + recordLength <= this.s.storeLimit;
  }

  private fullError(batch: readonly StoreOperation[]): StoreFullError {
    let first: Extract<StoreOperation, { op: 'add' }> | undefined;
    for (const op of batch) {
      if (op.op === 'add') first ??= op;
      else if (op.op === 'prepare') first ??= op.operations.find((o) => o.op === 'add') as typeof first;
    }
    return new StoreFullError(
      this.size(),
      this.s.storeLimit,
      this.s.directory,
      first?.message.producerId ?? null,
      first?.destination.key ?? null,
    );
  }

  /**
   * Producer flow control on the store limit, as ActiveMQ blocks a producer while storeUsage is full: the
   * batch waits (FIFO) until consumption and cleanup free space, or until sendFailIfNoSpaceAfterTimeout
   * passes (then StoreFullError), or until the store stops.
   */
  private waitForSpace(batch: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (this.spaceWaiters.length === 0) {
      this.log.warn(this.fullError(batch).message + ' (waiting for space)', {
        used: this.size(),
        limit: this.s.storeLimit,
      });
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: SpaceWaiter = { batch, sync, resolve, reject, timer: null };
      const timeout = this.s.sendFailIfNoSpaceAfterTimeout;
      if (timeout > 0) {
        waiter.timer = this.clock.setTimeout(() => {
          const i = this.spaceWaiters.indexOf(waiter);
          if (i < 0) return;
          this.spaceWaiters.splice(i, 1);
          reject(this.fullError(batch));
          this.admitWaiters();
        }, timeout);
      }
      this.spaceWaiters.push(waiter);
      this.spaceTimer ??= this.clock.setInterval(() => {
        this.requestCleanup();
        this.admitWaiters();
      }, SPACE_CHECK_MS);
    });
  }

  /** Lets waiting batches through, in order, while they fit. */
  private admitWaiters(): void {
    const journal = this.journal;
    while (journal !== null && this.spaceWaiters.length > 0) {
      const w = this.spaceWaiters[0]!;
      let enc: Encoded;
      try {
        enc = this.encode(w.batch);
      } catch (e) {
        this.spaceWaiters.shift();
        w.timer?.cancel();
        w.reject(e as Error);
        continue;
      }
      if (!this.fits(enc.record.length)) break;
      this.spaceWaiters.shift();
      w.timer?.cancel();
      this.append(journal, w.batch, enc, w.sync).then(w.resolve, w.reject);
    }
    if (this.spaceWaiters.length === 0) {
      this.spaceTimer?.cancel();
      this.spaceTimer = null;
    }
  }

  /** Bytes on disk: every segment as written plus the checkpoint's manifest and chunk files. */
  size(): number {
    const journal = this.journal;
    if (journal === null) return this.lastSize;
    let n = this.checkpointBytes + this.indexBytes;
    for (const len of journal.written.values()) n += len;
    return n;
  }

  /** What the last start() found and how long it took. */
  get lastRecovery(): RecoveryStats | null {
    return this.stats;
  }

  /** Runs a checkpoint now (tests and the bench; the timer runs it every checkpointInterval). */
  checkpointNow(): Promise<void> {
    return this.runMaintenance(() => this.checkpoint(true));
  }

  /** Runs a cleanup now: compaction of sparse segments, a checkpoint and deletion of dead segments. */
  cleanupNow(): Promise<void> {
    return this.runMaintenance(() => this.cleanup());
  }

  /** Segment numbers currently on disk (for tests and management). */
  segmentIds(): number[] {
    return [...(this.journal?.written.keys() ?? [])].sort((a, b) => a - b);
  }

  private runMaintenance(task: () => Promise<void>): Promise<void> {
    const run = this.maintenance.then(async () => {
      if (this.journal === null || this.journal.failure !== null || this.stopping) return;
      try {
        await task();
      } catch (e) {
        this.log.error('store maintenance failed', { error: e });
      }
    });
    this.maintenance = run;
    return run;
  }

  private retain(loc: Location): void {
    const l = this.live.get(loc.segment);
    if (l === undefined) this.live.set(loc.segment, { refs: 1, bytes: loc.length });
    else {
      l.refs++;
      l.bytes += loc.length;
    }
  }

  private retainMany(segment: number, refs: number, bytes: number): void {
    const l = this.live.get(segment);
    if (l === undefined) this.live.set(segment, { refs, bytes });
    else {
      l.refs += refs;
      l.bytes += bytes;
    }
  }

  private release(loc: Location): void {
    const l = this.live.get(loc.segment);
    if (l === undefined) return;
    l.refs--;
    l.bytes -= loc.length;
    if (l.refs <= 0) this.live.delete(loc.segment);
  }

  /**
   * Snapshot the index (synchronously, so it matches the journal tail exactly): the chunks of compact queues
   * that changed since the last checkpoint, and the manifest naming every chunk's file. Make the journal
   * durable up to that tail, write the changed chunks to new files (fsynced), replace the manifest atomically
   * (temp file, fsync, rename), then delete the chunk files and the segments before the tail that nothing
   * needs any more. The cost follows what changed (the head and the tail of a deep backlog), not its depth.
   */
  private async checkpoint(force = false): Promise<void> {
    const journal = this.journal;
    if (journal === null || journal.failure !== null) return;
    if (!force && this.changes === this.checkpointedChanges) return;
    // A checkpoint is a full snapshot of the index: with a deep backlog it is large. It is rewritten only once
    // the journal has grown by at least its size since the last one, so checkpointing costs at most as much I/O
    // as the journal itself, and a restart replays at most about that much.
    if (!force && this.appendedSinceCheckpoint < this.checkpointBytes) return;
    if (!this.s.recoverable) {
      // Nothing is ever recovered from this store (the temp store): no image, just let dead segments go.
      this.checkpointedChanges = this.changes;
      this.appendedSinceCheckpoint = 0;
      const tail = journal.tail.segment;
      await this.deleteSegments(
        journal,
        [...journal.written.keys()].filter((seg) => seg < tail && !this.live.has(seg)),
      );
      return;
    }
    const changes = this.changes;
    const appended = this.appendedSinceCheckpoint;
    const position = journal.tail;
    const gen = this.checkpointGen + 1;
    const chunkImages: { name: string; image: Buffer }[] = [];
    const named = new Map<string, number>();
    for (const d of this.index.destinations.values()) {
      if (!(d.queue instanceof QueueChunks)) continue;
      for (const c of d.queue.chunks) {
        if (c.dirty) {
          c.dirty = false;
          c.gen = gen;
          const image = encodeChunk(c);
          chunkImages.push({ name: chunkFileName(c.id, gen), image });
          named.set(chunkFileName(c.id, gen), image.length);
        } else named.set(chunkFileName(c.id, c.gen), this.indexFiles.get(chunkFileName(c.id, c.gen)) ?? 0);
      }
    }
    const image = encodeCheckpoint(this.ckptWriter, this.index, position, gen, this.chunkIds.next);
    const dead = [...journal.written.keys()].filter((s) => s < position.segment && !this.live.has(s));
    // Segments before the previous checkpoint's position that hold nothing pending can go first: that
    // checkpoint does not need them for replay (only for bodies, and none is pending there), and on a full
    // disk the space they free may be what lets this checkpoint be written at all.
    const early = dead.filter((s) => s < this.checkpointSegment);
    await this.deleteSegments(journal, early);
    await journal.forceSync();
    const path = pathIn(this.s.directory, CHECKPOINT_FILE);
    const tmp = path + '.tmp';
    try {
      // A few files at once: each ends with its own fsync, and the disk merges those that overlap.
      for (let i = 0; i < chunkImages.length; i += CHUNK_WRITES) {
        await Promise.all(
          chunkImages.slice(i, i + CHUNK_WRITES).map((c) => this.writeFile(pathIn(this.s.directory, c.name), c.image)),
        );
      }
      await this.writeFile(tmp, image);
    } catch (e) {
      // The chunks written under this generation are not named by any manifest: write them again next time.
      for (const d of this.index.destinations.values()) {
        if (d.queue instanceof QueueChunks) for (const c of d.queue.chunks) if (c.gen === gen) c.dirty = true;
      }
      throw e;
    }
    await this.fs.rename(tmp, path);
    await this.fs.syncDir(this.s.directory);
    this.checkpointGen = gen;
    // The manifest in place no longer names these: chunks rewritten under a new generation, or dropped.
    for (const name of this.indexFiles.keys()) {
      if (named.has(name)) continue;
      await this.fs.unlink(pathIn(this.s.directory, name)).catch((e: unknown) => {
        this.log.warn('could not delete index chunk file', { file: name, error: e });
      });
    }
    this.indexFiles = named;
    this.indexBytes = [...named.values()].reduce((a, b) => a + b, 0);
    this.checkpointBytes = image.length;
    this.checkpointedChanges = changes;
    this.appendedSinceCheckpoint -= appended;
    this.checkpointSegment = position.segment;
    await this.deleteSegments(
      journal,
      dead.filter((s) => !early.includes(s)),
    );
    if (this.spaceWaiters.length > 0) this.admitWaiters();
  }

  /** Writes a whole file and fsyncs it; a file cut short (a full disk) is deleted, not left holding space. */
  private async writeFile(path: string, data: Buffer): Promise<void> {
    const h = await this.fs.open(path, true);
    try {
      await this.fs.truncate(h, 0);
      let done = 0;
      while (done < data.length) {
        const n = await this.fs.write(h, data.subarray(done), done);
        if (n <= 0) throw new Error(`checkpoint write to ${path} made no progress`);
        done += n;
      }
      await this.fs.fsync(h);
    } catch (e) {
      await this.fs.close(h).catch(() => {});
      await this.fs.unlink(path).catch(() => {});
      throw e;
    }
    await this.fs.close(h);
  }

  private async deleteSegments(journal: Journal, segments: readonly number[]): Promise<void> {
    for (const s of segments) {
      await journal.forget(s);
      await this.fs.unlink(pathIn(this.s.directory, segmentName(s))).catch((e: unknown) => {
        this.log.warn('could not delete journal segment', { segment: segmentName(s), error: e });
      });
    }
    if (segments.length > 0) this.log.debug('deleted journal segments', { segments: segments.map(segmentName) });
  }

  /**
   * Compaction: a sealed segment kept alive by a few pending operations has them rewritten at the tail
   * (one Move record), so the next checkpoint can delete it. At most one segment length is moved per run.
   */
  private async cleanup(): Promise<void> {
    const journal = this.journal;
    if (journal === null) return;
    this.cleanupSoon = false;
    const tailSegment = journal.tail.segment;
    let budget = this.s.maxFileLength;
    const candidates = [...this.live.entries()]
      .filter(([seg, l]) => {
        const len = journal.written.get(seg) ?? 0;
        return seg < tailSegment && len > 0 && l.bytes < len * this.s.compactionThreshold;
      })
      .sort((a, b) => a[0] - b[0]);
    let moved = false;
    for (const [seg, l] of candidates) {
      if (l.bytes > budget) break;
      budget -= l.bytes;
      await this.compactSegment(seg);
      moved = true;
    }
    // Compaction and producers waiting for space need the checkpoint that lets dead segments go now.
    await this.checkpoint(moved || this.spaceWaiters.length > 0);
  }

  private async compactSegment(seg: number): Promise<void> {
    type Item = { kind: number; key: string; id: string; seq: number; loc: Location; data?: Buffer };
    const items: Item[] = [];
    for (const d of this.index.destinations.values()) {
      for (const m of d.messages.values()) {
        if (m.ref.segment === seg) {
          items.push({ kind: MOVE_MESSAGE, key: d.destination.key, id: m.id, seq: m.seq, loc: m.ref });
        }
      }
      // Compact queue entries move by seq (their id is not kept; the move record's id stays empty).
      if (d.queue instanceof QueueChunks) {
        for (const m of d.queue.inSegment(seg)) {
          items.push({ kind: MOVE_MESSAGE, key: d.destination.key, id: '', seq: m.seq, loc: m.ref });
        }
      }
    }
    for (const [tx, loc] of this.index.prepared) {
      if (loc.segment === seg) items.push({ kind: MOVE_PREPARED, key: tx, id: '', seq: 0, loc });
    }
    if (items.length === 0) return;
    // Read just the live byte ranges, not the whole (up to journalMaxFileLength) segment.
    const h = await this.fs.open(pathIn(this.s.directory, segmentName(seg)), false);
    const bytes: Buffer[] = [];
    try {
      for (const it of items) bytes.push(await this.fs.read(h, it.loc.offset, it.loc.length));
    } finally {
      await this.fs.close(h);
    }
    const journal = this.journal;
    if (journal === null || journal.failure !== null) return;
    // From here to the append is synchronous: the index cannot change under us.
    items.forEach((it, i) => (it.data = bytes[i]!));
    const still = items.filter(
      (it, i) =>
        bytes[i]!.length === it.loc.length &&
        (it.kind === MOVE_MESSAGE
          ? this.stillAt(it.key, it.id, it.seq, it.loc)
          : this.index.prepared.get(it.key) === it.loc),
    );
    if (still.length === 0) return;
    const w = this.writer;
    w.reset();
    w.reserve(RECORD_HEADER_SIZE);
    w.varuint(still.length);
    const offsets: number[] = [];
    for (const it of still) {
      const data = it.data!;
      w.u8(it.kind);
      w.string(it.key);
      w.string(it.id);
      w.varuint(it.seq);
      w.u32(it.loc.length);
      offsets.push(w.length);
      w.raw(data);
    }
    const record = finishRecord(w, RecordType.Move);
    // Applied when written: a remove queued before this record is applied first, and relocate then finds
    // the message gone (as replay would), so its new copy is released at once.
    await journal.append(record, false, (position) => {
      for (let i = 0; i < still.length; i++) {
        const it = still[i]!;
        const loc: Location = {
          segment: position.segment,
          offset: position.offset + offsets[i]!,
          length: it.loc.length,
        };
        this.retain(loc);
        const moved =
          it.kind === MOVE_MESSAGE
            ? this.index.relocate(it.key, it.id, loc, it.seq)
            : this.index.relocatePrepared(it.key, loc);
        if (!moved) this.release(loc);
      }
      this.changes++;
    });
    this.log.debug('compacted journal segment', { segment: segmentName(seg), moved: still.length });
  }

  /** Whether a message compaction read is still pending at the location it read. */
  private stillAt(key: string, id: string, seq: number, loc: Location): boolean {
    const d = this.index.destinations.get(key);
    if (d?.queue !== undefined) {
      const now = d.queue.get(seq)?.ref;
      return now !== undefined && now.segment === loc.segment && now.offset === loc.offset;
    }
    return d?.messages.get(id)?.ref === loc;
  }

  private requestCleanup(): void {
    if (this.cleanupSoon) return;
    this.cleanupSoon = true;
    this.clock.setTimeout(() => void this.runMaintenance(() => this.cleanup()), 0);
  }

  private report(d: DamageReport): void {
    this.log.warn(`journal damage: ${d.kind}`, { ...d });
    try {
      this.options.onDamage?.(d);
    } catch (e) {
      this.log.error('onDamage callback threw', { error: e });
    }
  }
}

/** Fills in the record header (length, checksum, type) and returns an owned copy of the record. */
function finishRecord(w: ByteWriter, type: number): Buffer {
  const payloadLength = w.length - RECORD_HEADER_SIZE;
  if (payloadLength > MAX_RECORD_PAYLOAD) {
    throw new StoreStateError(`journal record of ${payloadLength} bytes exceeds the ${MAX_RECORD_PAYLOAD}-byte limit`);
  }
  w.setU32(0, payloadLength);
  w.slice(8, 9)[0] = type;
  w.setU32(4, crc32(w.slice(8, w.length)));
  return w.copy();
}

/** A message in a report: its id when the index has it, else its store sequence. */
function describe(e: IndexedMessage<Location>): string {
  return e.id !== '' ? e.id : `with store sequence ${e.seq}`;
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new StoreStateError(`journal store: ${name} must be a positive number`);
  return v;
}
