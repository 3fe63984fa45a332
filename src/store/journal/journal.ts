import type { Clock, Timer } from '../../util/clock.js';
import { StoreFailedError } from '../store-errors.js';
import type { FileHandle, FileLayer } from './file-layer.js';
import { pathIn, segmentName } from './file-layer.js';
import { SEGMENT_HEADER_SIZE, segmentHeader } from './record.js';

export type SyncStrategy = 'always' | 'periodic' | 'never';

export interface JournalPosition {
  readonly segment: number;
  readonly offset: number;
}

interface Pending {
  readonly segment: number;
  readonly offset: number;
  /** Null for a sync barrier (forceSync). */
  readonly data: Buffer | null;
  readonly sync: boolean;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export interface JournalOptions {
  readonly fs: FileLayer;
  readonly directory: string;
  readonly maxFileLength: number;
  readonly syncStrategy: SyncStrategy;
  readonly syncInterval: number;
  readonly clock: Clock;
  /** Told once when the journal fails (a write or fsync error); it then refuses every append. */
  readonly onFailure: (e: StoreFailedError) => void;
  /** Told when a segment file is created, with its size so far (the header). */
  readonly onSegmentCreated: (segment: number) => void;
}

/**
 * The append side of the journal: places each record at the tail (rolling to a new segment when the
 * current one would exceed maxFileLength), writes records in call order and decides when to fsync.
 *
 * Group commit: there is one writer at a time. Records that arrive while it is writing or fsyncing wait in
 * `pending`; the writer then takes all of them, writes them with one call per segment and, when any of
 * them asked for `sync` (strategy `always`), covers all of them with one fsync. A sync append resolves only
 * after that fsync, so a caller is never told a batch is durable before it is (KahaDB's journalDiskSyncs).
 * `periodic` fsyncs every syncInterval instead and resolves appends once written, as KahaDB's PERIODIC;
 * `never` leaves flushing to the OS (except at checkpoints and stop).
 *
 * A failed write or fsync fails every append waiting on it and every later one: after a failed fsync the
 * kernel may have dropped the dirty pages, so nothing written since the last good fsync can be promised.
 */
export class Journal {
  private tailSegment: number;
  private tailOffset: number;
  private readonly pending: Pending[] = [];
  private writing = false;
  private failed: StoreFailedError | null = null;
  private readonly handles = new Map<number, FileHandle>();
  private readonly dirty = new Set<number>();
  private dirDirty = false;
  private periodic: Timer | null = null;
  /** Lengths of segments as written (what size() reports for them). */
  readonly written = new Map<number, number>();

  constructor(
    private readonly o: JournalOptions,
    tail: JournalPosition,
    /** Whether the tail segment file already exists with its header. */
    tailExists: boolean,
  ) {
    this.tailSegment = tail.segment;
    this.tailOffset = tailExists ? tail.offset : SEGMENT_HEADER_SIZE;
    if (tailExists) this.written.set(tail.segment, tail.offset);
    if (o.syncStrategy === 'periodic') {
      this.periodic = o.clock.setInterval(() => this.periodicSync(), Math.max(1, o.syncInterval));
    }
  }

  /** Where the next record will go. */
  get tail(): JournalPosition {
    return { segment: this.tailSegment, offset: this.tailOffset };
  }

  get failure(): StoreFailedError | null {
    return this.failed;
  }

  /**
   * Queues one record and returns where it will be; `done` settles when it is written (and, for a sync
   * append under `always`, fsynced). The position is fixed at call time, so callers may index it at once.
   */
  append(data: Buffer, sync: boolean): { position: JournalPosition; done: Promise<void> } {
    if (this.failed !== null) return { position: this.tail, done: Promise.reject(this.failed) };
    if (this.tailOffset > SEGMENT_HEADER_SIZE && this.tailOffset + data.length > this.o.maxFileLength) {
      this.tailSegment++;
      this.tailOffset = SEGMENT_HEADER_SIZE;
    }
    const position = { segment: this.tailSegment, offset: this.tailOffset };
    this.tailOffset += data.length;
    const done = new Promise<void>((resolve, reject) => {
      this.pending.push({ ...position, data, sync, resolve, reject });
    });
    this.kick();
    return { position, done };
  }

  /** Resolves once everything appended so far is written and fsynced (for checkpoints and stop). */
  forceSync(): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed);
    const p = new Promise<void>((resolve, reject) => {
      this.pending.push({
        segment: this.tailSegment,
        offset: this.tailOffset,
        data: null,
        sync: true,
        resolve,
        reject,
      });
    });
    this.kick();
    return p;
  }

  /** Waits for queued appends, fsyncs, and closes the files. */
  async close(): Promise<void> {
    this.periodic?.cancel();
    this.periodic = null;
    if (this.failed === null) await this.forceSync().catch(() => {});
    while (this.writing) await new Promise((r) => setImmediate(r));
    for (const h of this.handles.values()) await this.o.fs.close(h).catch(() => {});
    this.handles.clear();
  }

  /** Closes the handle of a segment about to be deleted (never the tail). */
  async forget(segment: number): Promise<void> {
    const h = this.handles.get(segment);
    this.written.delete(segment);
    if (h === undefined) return;
    this.handles.delete(segment);
    this.dirty.delete(segment);
    await this.o.fs.close(h).catch(() => {});
  }

  private kick(): void {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    // Start on the next turn, not now: writers woken by the previous fsync re-submit in the current turn's
    // microtasks, and should join this group rather than wait behind a group of one.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.failed === null) {
        const group = this.pending.splice(0, this.pending.length);
        try {
          await this.writeGroup(group);
          for (const p of group) p.resolve();
        } catch (e) {
          this.fail(e, group);
        }
      }
    } finally {
      this.writing = false;
    }
    if (this.failed !== null) this.rejectPending();
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    // Consecutive records of one segment are contiguous: write each run with one call.
    let i = 0;
    while (i < group.length) {
      const first = group[i]!;
      if (first.data === null) {
        i++;
        continue;
      }
      const parts: Buffer[] = [];
      const segment = first.segment;
      const start = first.offset;
      let end = start;
      while (i < group.length && (group[i]!.data === null || group[i]!.segment === segment)) {
        const p = group[i]!;
        if (p.data !== null) {
          parts.push(p.data);
          end = p.offset + p.data.length;
        }
        i++;
      }
      const handle = await this.handleFor(segment);
      await this.writeFully(handle, parts.length === 1 ? parts[0]! : Buffer.concat(parts), start);
      this.written.set(segment, Math.max(this.written.get(segment) ?? 0, end));
      this.dirty.add(segment);
    }
    const needSync =
      group.some((p) => p.data === null) || (this.o.syncStrategy === 'always' && group.some((p) => p.sync));
    if (needSync) await this.syncDirty();
  }

  private async handleFor(segment: number): Promise<FileHandle> {
    let h = this.handles.get(segment);
    if (h !== undefined) return h;
    const path = pathIn(this.o.directory, segmentName(segment));
    h = await this.o.fs.open(path, true);
    this.handles.set(segment, h);
    if (!this.written.has(segment)) {
      await this.writeFully(h, segmentHeader(segment), 0);
      this.written.set(segment, SEGMENT_HEADER_SIZE);
      this.dirDirty = true;
      this.o.onSegmentCreated(segment);
    }
    // Only the tail is written to: close the handles of sealed segments.
    for (const [s, old] of this.handles) {
      if (s < segment && !this.dirty.has(s)) {
        this.handles.delete(s);
        await this.o.fs.close(old).catch(() => {});
      }
    }
    return h;
  }

  private async writeFully(h: FileHandle, data: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const n = await this.o.fs.write(h, data.subarray(done), position + done);
      if (n <= 0) throw new Error(`write to ${h.path} made no progress at ${position + done}`);
      done += n;
    }
  }

  private async syncDirty(): Promise<void> {
    for (const s of [...this.dirty].sort((a, b) => a - b)) {
      const h = this.handles.get(s);
      if (h !== undefined) await this.o.fs.fsync(h);
      this.dirty.delete(s);
    }
    if (this.dirDirty) {
      this.dirDirty = false;
      await this.o.fs.syncDir(this.o.directory);
    }
  }

  private periodicSync(): void {
    if (this.failed !== null || this.dirty.size === 0) return;
    // A barrier through the writer keeps the fsync ordered with appends.
    this.forceSync().catch(() => {});
  }

  private fail(e: unknown, group: Pending[]): void {
    const path = pathIn(this.o.directory, segmentName(group.find((p) => p.data !== null)?.segment ?? this.tailSegment));
    const err =
      e instanceof StoreFailedError
        ? e
        : new StoreFailedError(
            `journal write or fsync failed in ${path}: ${e instanceof Error ? e.message : String(e)}; ` +
              'the store refuses further writes until it is restarted',
            { cause: e },
          );
    this.failed = err;
    for (const p of group) p.reject(err);
    this.rejectPending();
    this.o.onFailure(err);
  }

  private rejectPending(): void {
    const rest = this.pending.splice(0, this.pending.length);
    for (const p of rest) p.reject(this.failed!);
  }
}
