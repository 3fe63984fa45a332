import { basename, dirname } from 'node:path';
import type { FileHandle, FileLayer, LockHandle } from '../../../../src/store/journal/file-layer.js';
import { StoreLockedError } from '../../../../src/store/store-errors.js';

interface FakeFile {
  /** What a reader sees now (the page cache). */
  data: Buffer;
  /** What survives a crash: the content as of the last fsync. */
  durable: Buffer;
}

/**
 * An in-memory file system for journal tests. It counts writes and fsyncs, can make writes short, fail an
 * fsync or a write, and `crash()` returns the file system a restarted process would find: every file as of
 * its last fsync, optionally with a torn piece of what was written after it.
 */
export class FakeFileLayer implements FileLayer {
  readonly files = new Map<string, FakeFile>();
  private readonly locks = new Map<string, symbol>();
  fsyncCount = 0;
  writeCount = 0;
  /** Each write stores at most this many bytes (short writes), when set. */
  maxWriteBytes: number | null = null;
  /** The next fsync fails with this error. */
  failNextFsync: Error | null = null;
  /** The next write stores this many bytes and then fails with `failNextWriteCode` (a disk that fills up mid-record). */
  failNextWriteAfter: number | null = null;
  failNextWriteCode = 'ENOSPC';
  /** A small disk: bytes all files may hold together; a write past it stores what fits, then fails with ENOSPC. */
  capacity: number | null = null;
  /** Delay (ms) each fsync takes, so concurrent writers pile up behind it as on a real disk. */
  fsyncDelayMs = 0;

  mkdirp(): Promise<void> {
    return Promise.resolve();
  }

  list(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const p of this.files.keys()) if (dirname(p) === dir) out.push(basename(p));
    return Promise.resolve(out);
  }

  open(path: string, create: boolean): Promise<FileHandle> {
    if (!this.files.has(path)) {
      if (!create) return Promise.reject(enoent(path));
      this.files.set(path, { data: Buffer.alloc(0), durable: Buffer.alloc(0) });
    }
    return Promise.resolve({ path });
  }

  size(handle: FileHandle): Promise<number> {
    return Promise.resolve(this.file(handle.path).data.length);
  }

  async write(handle: FileHandle, data: Uint8Array, position: number): Promise<number> {
    await Promise.resolve();
    this.writeCount++;
    const f = this.file(handle.path);
    let n = data.length;
    if (this.maxWriteBytes !== null) n = Math.min(n, this.maxWriteBytes);
    let failAfter = this.failNextWriteAfter;
    let code = this.failNextWriteCode;
    if (this.capacity !== null) {
      const room = this.capacity - this.usedBytes() + Math.max(0, f.data.length - position);
      if (room < n) {
        failAfter = Math.max(0, Math.min(failAfter ?? room, room));
        code = 'ENOSPC';
        this.failNextWriteAfter = failAfter;
      }
    }
    if (failAfter !== null) n = Math.min(n, failAfter);
    const end = position + n;
    if (end > f.data.length) {
      const grown = Buffer.alloc(end);
      f.data.copy(grown);
      f.data = grown;
    }
    f.data.set(data.subarray(0, n), position);
    if (failAfter !== null) {
      this.failNextWriteAfter = null;
      this.failNextWriteCode = 'ENOSPC';
      throw Object.assign(new Error(`${code}: write failed`), { code });
    }
    return n;
  }

  /** Bytes all files hold now. */
  usedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.data.length;
    return n;
  }

  read(handle: FileHandle, position: number, length: number): Promise<Buffer> {
    const f = this.file(handle.path);
    return Promise.resolve(Buffer.from(f.data.subarray(position, Math.min(f.data.length, position + length))));
  }

  async fsync(handle: FileHandle): Promise<void> {
    if (this.fsyncDelayMs > 0) await new Promise((r) => setTimeout(r, this.fsyncDelayMs));
    else await Promise.resolve();
    this.fsyncCount++;
    const err = this.failNextFsync;
    if (err !== null) {
      this.failNextFsync = null;
      throw err;
    }
    const f = this.file(handle.path);
    f.durable = Buffer.from(f.data);
  }

  truncate(handle: FileHandle, length: number): Promise<void> {
    const f = this.file(handle.path);
    f.data = Buffer.from(f.data.subarray(0, length));
    if (f.durable.length > length) f.durable = Buffer.from(f.durable.subarray(0, length));
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  unlink(path: string): Promise<void> {
    if (!this.files.delete(path)) return Promise.reject(enoent(path));
    return Promise.resolve();
  }

  rename(from: string, to: string): Promise<void> {
    const f = this.files.get(from);
    if (f === undefined) return Promise.reject(enoent(from));
    this.files.delete(from);
    this.files.set(to, f);
    return Promise.resolve();
  }

  syncDir(): Promise<void> {
    return Promise.resolve();
  }

  readFile(path: string): Promise<Buffer | null> {
    const f = this.files.get(path);
    return Promise.resolve(f === undefined ? null : Buffer.from(f.data));
  }

  /** Tries once (a waiting locker retries after its interval); a lock revoked by `revokeLock` is no longer valid. */
  lock(path: string, directory: string): Promise<LockHandle> {
    if (this.locks.has(path)) return Promise.reject(new StoreLockedError(directory, process.pid, 'fake-host'));
    const token = Symbol(path);
    this.locks.set(path, token);
    return Promise.resolve({
      valid: () => Promise.resolve(this.locks.get(path) === token),
      release: () => {
        if (this.locks.get(path) === token) this.locks.delete(path);
        return Promise.resolve();
      },
    });
  }

  /** The lock is lost behind its holder's back (its file deleted, an NFS lease expired): another may take it. */
  revokeLock(path: string): void {
    this.locks.delete(path);
  }

  /**
   * The file system after a power loss: each file as of its last fsync. With `tornBytes`, that many bytes
   * of each file's unsynced tail also made it to disk (a record torn mid-write).
   */
  crash(tornBytes = 0): FakeFileLayer {
    const next = new FakeFileLayer();
    for (const [path, f] of this.files) {
      let data = f.durable;
      if (tornBytes > 0 && f.data.length > f.durable.length) {
        data = Buffer.from(f.data.subarray(0, Math.min(f.data.length, f.durable.length + tornBytes)));
      }
      next.files.set(path, { data: Buffer.from(data), durable: Buffer.from(data) });
    }
    return next;
  }

  /** Flips one byte, in memory and on "disk" (media damage). */
  corrupt(path: string, offset: number): void {
    const f = this.file(path);
    for (const b of [f.data, f.durable]) if (offset < b.length) b[offset] = b[offset]! ^ 0xff;
  }

  private file(path: string): FakeFile {
    const f = this.files.get(path);
    if (f === undefined) throw enoent(path);
    return f;
  }
}

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}
