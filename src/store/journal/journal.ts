import type { Clock, Timer } from '../../util/clock.js';
import { StoreFailedError, StoreNoSpaceError } from '../store-errors.js';
import type { FileHandle, FileLayer } from './file-layer.js';
import { pathIn, segmentName } from './file-layer.js';
import { SEGMENT_HEADER_SIZE, segmentHeader } from './record.js';

export type SyncStrategy = 'always' | 'periodic' | 'never';

export interface JournalPosition {
  readonly segment: number;
  readonly offset: number;
}

interface Pending {
  /** Null for a sync barrier (forceSync). */
  readonly data: Buffer | null;
  readonly sync: boolean;
  /** Told where the record went, synchronously, once its bytes are written (before any fsync). */
  readonly onWritten: ((position: JournalPosition) => void) | null;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  /** Taken into a group being written: it can no longer be cancelled. */
  taken?: boolean;
  /** Withdrawn before it was written (see Journal.append's `cancellable`). */
  cancelled?: boolean;
  /** Clock time until which the writer leaves it queued, so that it can still be withdrawn (see `append`). */
  heldUntil?: number;
}

/** Withdraws a queued record before it is written; false once its group has started (it will be written). */
export type CancelAppend = () => boolean;

/** A write error that leaves what is already on disk intact: the disk or the user's quota is full. */
function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
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
  /** Told when records were refused for lack of space (the journal itself goes on). */
  readonly onNoSpace?: (e: StoreNoSpaceError) => void;
}

/**
 * The append side of the journal: writes records in call order at the tail (rolling to a new segment when
 * the current one would exceed maxFileLength) and decides when to fsync. A record's position is fixed when
 * its bytes are written, and `onWritten` hears it right then, so the store's index only ever describes
 * records that are in the file: a record that could not be written leaves no trace in the index.
 *
 * Group commit: there is one writer at a time. Records that arrive while it is writing or fsyncing wait in
 * `pending`; the writer then takes all of them, writes them with one call per segment and, when any of
 * them asked for `sync` (strategy `always`), covers all of them with one fsync. A sync append resolves only
 * after that fsync, so a caller is never told a batch is durable before it is (KahaDB's journalDiskSyncs).
 * `periodic` fsyncs every syncInterval instead and resolves appends once written, as KahaDB's PERIODIC;
 * `never` leaves flushing to the OS (except at checkpoints and stop).
 *
 * A failed fsync, or a write that fails for any reason but a full disk, fails every append waiting on it and
 * every later one: after a failed fsync the kernel may have dropped the dirty pages, so nothing written since
 * the last good fsync can be promised. A write refused for lack of space (ENOSPC, EDQUOT) is different: the
 * bytes already on disk are intact, so the partial record is cut off again (truncate), the records that did
 * not fit are rejected with StoreNoSpaceError, and the journal goes on; later appends succeed once space is
 * freed (as ActiveMQ's DefaultIOExceptionHandler ignores "no space" errors and lets I/O resume).
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
  /** Wakes the writer when the first held record at the tail of `pending` falls due. */
  private holdTimer: Timer | null = null;
  private queued = 0;
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

  /**
   * The end of the last record written: everything before it has been handed to its `onWritten`. A
   * checkpoint taken synchronously covers exactly the records before this position.
   */
  get tail(): JournalPosition {
    return { segment: this.tailSegment, offset: this.tailOffset };
  }

  /** Bytes appended but not written yet (for store-limit checks made before the write). */
  get queuedBytes(): number {
    return this.queued;
  }

  get failure(): StoreFailedError | null {
    return this.failed;
  }

  /**
   * Queues one record; the promise settles when it is written (and, for a sync append under `always`,
   * fsynced). `onWritten` is called with its position as soon as its bytes are in the file.
   *
   * `holdMs` (with `cancellable`) keeps a record that is likely to be withdrawn out of the next group for up
   * to that long: a queue add whose message a consumer already has, whose acknowledgement usually comes back
   * within a network round trip, far sooner than a write and fsync would end. Records are still written in
   * call order: a group takes every record up to the last one that is not held, so a held record never lets a
   * later one pass it (the index relies on adds reaching it in sequence), and a barrier takes them all.
   */
  append(
    data: Buffer,
    sync: boolean,
    onWritten: ((position: JournalPosition) => void) | null = null,
    cancellable?: (cancel: CancelAppend) => void,
    holdMs = 0,
  ): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed);
    this.queued += data.length;
    let entry!: Pending;
    const done = new Promise<void>((resolve, reject) => {
      entry = { data, sync, onWritten, resolve, reject };
      if (holdMs > 0 && cancellable !== undefined) entry.heldUntil = this.o.clock.now() + holdMs;
      this.pending.push(entry);
    });
    // A record still waiting for its group can be withdrawn: it is then never written, `onWritten` is never
    // called, and its promise resolves (concurrentStoreAndDispatchQueues: a message consumed before its add was
    // written needs neither the add nor the remove).
    cancellable?.(() => {
      if (entry.taken === true || entry.cancelled === true) return false;
      entry.cancelled = true;
      this.queued -= data.length;
      entry.resolve();
      return true;
    });
    this.kick();
    return done;
  }

  /** Resolves once everything appended so far is written and fsynced (for checkpoints and stop). */
  forceSync(): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed);
    const p = new Promise<void>((resolve, reject) => {
      this.pending.push({ data: null, sync: true, onWritten: null, resolve, reject });
    });
    this.kick();
    return p;
  }

  /** Waits for queued appends, fsyncs, and closes the files. */
  async close(): Promise<void> {
    this.periodic?.cancel();
    this.periodic = null;
    this.holdTimer?.cancel();
    this.holdTimer = null;
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
    if (this.takeable() === 0) {
      this.holdUntilDue();
      return;
    }
    this.writing = true;
    // Start on the next turn, not now: writers woken by the previous fsync re-submit in the current turn's
    // microtasks, and should join this group rather than wait behind a group of one.
    setImmediate(() => void this.drain());
  }

  /**
   * How many records from the head of `pending` the next group takes: up to and including the last one that
   * is not held (or whose hold is over), so held records at the tail stay withdrawable and order is kept.
   */
  private takeable(): number {
    const now = this.o.clock.now();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const held = this.pending[i]!.heldUntil;
      if (held === undefined || held <= now) return i + 1;
    }
    return 0;
  }

  /** Only held records wait: wake the writer when the oldest of them falls due. */
  private holdUntilDue(): void {
    if (this.holdTimer !== null) return;
    const first = this.pending[0]?.heldUntil;
    if (first === undefined) return;
    this.holdTimer = this.o.clock.setTimeout(
      () => {
        this.holdTimer = null;
        this.kick();
      },
      Math.max(1, first - this.o.clock.now()),
    );
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.failed === null) {
        const n = this.takeable();
        if (n === 0) break;
        const group = this.pending.splice(0, n).filter((p) => p.cancelled !== true);
        for (const p of group) {
          p.taken = true;
          if (p.data !== null) this.queued -= p.data.length;
        }
        if (group.length > 0) await this.writeGroup(group);
      }
    } finally {
      this.writing = false;
    }
    if (this.failed !== null) this.rejectPending();
    else if (this.pending.length > 0) this.holdUntilDue();
  }

  /**
   * Writes a group: consecutive records bound for one segment go out with one write call (a "run"). After
   * each run the tail advances and the run's records are told their positions. A run refused for lack of
   * space is cut off again and it and the rest of the group are rejected; what was written before it is
   * still fsynced and confirmed.
   */
  private async writeGroup(group: Pending[]): Promise<void> {
    const written: Pending[] = [];
    const refused: Pending[] = [];
    let noSpace: StoreNoSpaceError | null = null;
    try {
      let i = 0;
      while (i < group.length) {
        const first = group[i]!;
        if (first.data === null) {
          written.push(first);
          i++;
          continue;
        }
        let segment = this.tailSegment;
        let offset = this.tailOffset;
        // A record that does not fit starts the next segment; one larger than a segment gets one of its own.
        if (offset > SEGMENT_HEADER_SIZE && offset + first.data.length > this.o.maxFileLength) {
          segment++;
          offset = SEGMENT_HEADER_SIZE;
        }
        const start = offset;
        const run: { p: Pending; position: JournalPosition | null }[] = [];
        const parts: Buffer[] = [];
        while (i < group.length) {
          const p = group[i]!;
          if (p.data !== null) {
            if (parts.length > 0 && offset + p.data.length > this.o.maxFileLength) break;
            run.push({ p, position: { segment, offset } });
            parts.push(p.data);
            offset += p.data.length;
          } else {
            run.push({ p, position: null });
          }
          i++;
        }
        try {
          const handle = await this.handleFor(segment);
          await this.writeFully(handle, parts.length === 1 ? parts[0]! : Buffer.concat(parts), start);
        } catch (e) {
          if (!isNoSpace(e)) throw e;
          await this.cutBack(segment, start);
          noSpace = new StoreNoSpaceError(pathIn(this.o.directory, segmentName(segment)), { cause: e });
          for (const r of [...run.map((x) => x.p), ...group.slice(i)]) {
            if (r.data === null) written.push(r);
            else refused.push(r);
          }
          break;
        }
        // Synchronously from here to the end of the run: the tail and the index move together.
        this.tailSegment = segment;
        this.tailOffset = offset;
        this.written.set(segment, Math.max(this.written.get(segment) ?? 0, offset));
        this.dirty.add(segment);
        for (const { p, position } of run) {
          if (position !== null) p.onWritten?.(position);
          written.push(p);
        }
      }
      const needSync =
        written.some((p) => p.data === null) || (this.o.syncStrategy === 'always' && written.some((p) => p.sync));
      if (needSync) await this.syncDirty();
    } catch (e) {
      this.fail(e, group);
      return;
    }
    for (const p of written) p.resolve();
    if (noSpace !== null) {
      for (const p of refused) p.reject(noSpace);
      this.o.onNoSpace?.(noSpace);
    }
  }

  /**
   * Removes what a refused run left in `segment` past `start`. A segment the run had just created is
   * deleted, so a full disk never leaves an empty segment file behind.
   */
  private async cutBack(segment: number, start: number): Promise<void> {
    const h = this.handles.get(segment);
    if (h === undefined) return; // the file could not even be created
    if (!this.written.has(segment)) {
      // Created, but its header did not fit: nothing in it is ours yet.
      this.handles.delete(segment);
      await this.o.fs.close(h).catch(() => {});
      await this.o.fs.unlink(h.path).catch(() => {});
      return;
    }
    await this.o.fs.truncate(h, start);
  }

  private async handleFor(segment: number): Promise<FileHandle> {
    let h = this.handles.get(segment);
    if (h !== undefined) return h;
    const path = pathIn(this.o.directory, segmentName(segment));
    h = await this.o.fs.open(path, true);
    this.handles.set(segment, h);
    if (!this.written.has(segment)) {
      await this.writeFully(h, segmentHeader(segment), 0);
      // Registered only once the header is in: a header cut short by ENOSPC leaves the segment unknown.
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
    const path = pathIn(this.o.directory, segmentName(this.tailSegment));
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
