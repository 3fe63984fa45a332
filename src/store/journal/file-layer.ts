import { constants as fsConstants, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { StoreLockedError } from '../store-errors.js';
import { FlockUnavailableError, osLock } from './os-file-lock.js';

/**
 * Everything the journal asks of the file system, behind one interface (as Artemis puts its journal on a
 * SequentialFile abstraction) so tests can inject short writes, torn records, fsync failures and crashes
 * with FakeFileLayer. Paths are plain strings; handles are opaque.
 */
export interface FileHandle {
  readonly path: string;
}

export interface LockHandle {
  release(): Promise<void>;
  /** Whether the lock is still held (the shared-file-locker's keepAlive); absent: it cannot be lost. */
  valid?(): Promise<boolean>;
}

/** How `lock` waits: `waitMs` for a holder to let go (0, the default: try once), aborted by `signal`. */
export interface LockOptions {
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
}

export interface FileLayer {
  mkdirp(dir: string): Promise<void>;
  /** File names (not paths) in `dir`. */
  list(dir: string): Promise<string[]>;
  /** Opens for reading and writing; `create` makes the file when missing. */
  open(path: string, create: boolean): Promise<FileHandle>;
  size(handle: FileHandle): Promise<number>;
  /** Writes at `position`; may write fewer bytes than given (the caller loops) and returns how many. */
  write(handle: FileHandle, data: Uint8Array, position: number): Promise<number>;
  /** Reads up to `length` bytes at `position`; fewer at the end of the file. */
  read(handle: FileHandle, position: number, length: number): Promise<Buffer>;
  fsync(handle: FileHandle): Promise<void>;
  truncate(handle: FileHandle, length: number): Promise<void>;
  close(handle: FileHandle): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Makes created, renamed and deleted names in `dir` durable. */
  syncDir(dir: string): Promise<void>;
  /** The whole file, or null when it does not exist. */
  readFile(path: string): Promise<Buffer | null>;
  /** An exclusive lock on `path` for this store; fails with StoreLockedError naming the holder. */
  lock(path: string, directory: string, options?: LockOptions): Promise<LockHandle>;
}

interface NodeHandle extends FileHandle {
  readonly fh: fsp.FileHandle;
}

/** Lock files this process holds: a second adapter on the same directory in one process is refused too. */
const heldLocks = new Set<string>();

/** The real file system. */
export class NodeFileLayer implements FileLayer {
  async mkdirp(dir: string): Promise<void> {
    await fsp.mkdir(dir, { recursive: true });
  }

  list(dir: string): Promise<string[]> {
    return fsp.readdir(dir);
  }

  async open(path: string, create: boolean): Promise<FileHandle> {
    const flags = create ? fsConstants.O_RDWR | fsConstants.O_CREAT : fsConstants.O_RDWR;
    const fh = await fsp.open(path, flags, 0o644);
    const handle: NodeHandle = { path, fh };
    return handle;
  }

  async size(handle: FileHandle): Promise<number> {
    return (await (handle as NodeHandle).fh.stat()).size;
  }

  async write(handle: FileHandle, data: Uint8Array, position: number): Promise<number> {
    const { bytesWritten } = await (handle as NodeHandle).fh.write(data, 0, data.length, position);
    return bytesWritten;
  }

  async read(handle: FileHandle, position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await (handle as NodeHandle).fh.read(buf, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  fsync(handle: FileHandle): Promise<void> {
    // fdatasync: the journal never relies on mtime, and it saves a metadata write per commit.
    return (handle as NodeHandle).fh.datasync();
  }

  truncate(handle: FileHandle, length: number): Promise<void> {
    return (handle as NodeHandle).fh.truncate(length);
  }

  close(handle: FileHandle): Promise<void> {
    return (handle as NodeHandle).fh.close();
  }

  unlink(path: string): Promise<void> {
    return fsp.unlink(path);
  }

  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
  }

  async syncDir(dir: string): Promise<void> {
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(dir, 'r');
      await fh.sync();
    } catch (e) {
      // Some platforms (Windows) cannot open or fsync a directory; the rename itself is still atomic there.
      if ((e as NodeJS.ErrnoException).code !== 'EISDIR' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    } finally {
      await fh?.close();
    }
  }

  async readFile(path: string): Promise<Buffer | null> {
    try {
      return await fsp.readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /**
   * An operating-system lock (flock through a helper process, see os-file-lock.ts) that the kernel releases
   * when this process dies, as KahaDB's FileLock is; a second adapter on the same directory in this process
   * is refused too (ActiveMQ's LockFile checks a per-JVM property for the same reason).
   *
   * Where util-linux's flock is missing (not Linux), the older pid file below: created with O_EXCL, taken
   * over when its pid no longer exists. It cannot tell a reused pid from its holder, and two brokers starting
   * together can both take a stale one, so master/slave needs the flock (docs/high-availability.md).
   */
  async lock(path: string, directory: string, options: LockOptions = {}): Promise<LockHandle> {
    const key = resolve(path);
    if (heldLocks.has(key)) throw new StoreLockedError(directory, process.pid);
    try {
      heldLocks.add(key);
      const os = await osLock(key, directory, options);
      return {
        valid: () => os.valid(),
        release: async () => {
          heldLocks.delete(key);
          await os.release();
        },
      };
    } catch (e) {
      heldLocks.delete(key);
      if (!(e instanceof FlockUnavailableError)) throw e;
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await fsp.open(key, 'wx', 0o644);
        try {
          await fh.writeFile(`${process.pid}\n`);
          await fh.sync();
        } finally {
          await fh.close();
        }
        heldLocks.add(key);
        return {
          release: async () => {
            heldLocks.delete(key);
            await fsp.unlink(key).catch(() => {});
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const text = (await fsp.readFile(key, 'utf8').catch(() => '')).trim();
        const pid = /^\d+$/.test(text) ? Number(text) : null;
        if (pid !== null && pid !== process.pid && processAlive(pid)) throw new StoreLockedError(directory, pid);
        if (pid === null && text.length > 0) throw new StoreLockedError(directory, null);
        // Stale: its holder is gone (or it was this process's own, from an adapter never stopped).
        await fsp.unlink(key).catch(() => {});
      }
    }
    throw new StoreLockedError(directory, null);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function segmentName(id: number): string {
  return `db-${id}.log`;
}

export function parseSegmentName(name: string): number | null {
  const m = /^db-(\d{1,9})\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

export function pathIn(dir: string, name: string): string {
  return join(dir, name);
}
