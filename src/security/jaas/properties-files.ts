import { jasyptDecrypt, isEncryptedValue, JasyptError, MASTER_PASSWORD_ENV } from '../../util/jasypt.js';
import { BrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';

/** What the JAAS modules need from the outside world; the assembly passes the real file system, tests fakes. */
export interface JaasFiles {
  /** The file's text (java.util.Properties files are ISO-8859-1). Throws when it cannot be read. */
  read(file: string): string;
  /** Last modification time in ms; throws when the file is gone. */
  mtime(file: string): number;
  /** java.util.Properties syntax → key/value pairs (the assembly passes config's parser). */
  parseProperties(text: string, file: string): Map<string, string>;
  /** ACTIVEMQ_ENCRYPTION_PASSWORD, for files read with `decrypt=true`. */
  masterPassword: string | undefined;
  logger?: Logger;
}

/** A properties file a login module reads, as ActiveMQ's ReloadableProperties. */
export interface PropertiesFile {
  /** The current content; with `reload`, re-read first when the file changed since the last read. */
  get(): ReadonlyMap<string, string>;
  /** Increments whenever the content is replaced, so derived maps know to rebuild. */
  readonly version: number;
}

/**
 * The properties files of the login modules, one reader per file however many modules share it (ActiveMQ keeps
 * one static cache keyed by absolute path, so every module sees the same content).
 * - The first read happens at start-up: a missing or unreadable file is an error then (ActiveMQ would log and
 *   refuse every login instead).
 * - With `reload=true` every login stats the file (one cheap system call) and re-reads it when its mtime moved,
 *   as ReloadableProperties does. A file that cannot be read or parsed on reload keeps its previous content, with
 *   a warning: a half-written file must not lock everybody out (ActiveMQ would use an empty set).
 * - With `decrypt=true` every `ENC(…)` value is decrypted with the master password (EncryptionSupport).
 */
export class PropertiesFiles {
  private readonly files = new Map<string, FileState>();

  constructor(private readonly io: JaasFiles) {}

  open(file: string, options: { reload: boolean; decrypt: boolean }): PropertiesFile {
    let state = this.files.get(file);
    if (state === undefined) {
      if (options.decrypt && (this.io.masterPassword === undefined || this.io.masterPassword === '')) {
        throw new BrokerError(
          'ERR_CONFIG',
          `${file} is read with decrypt=true but no master password is set (environment variable ${MASTER_PASSWORD_ENV})`,
        );
      }
      state = new FileState(this.io, file, options.reload, options.decrypt);
      state.load(true);
      this.files.set(file, state);
    }
    return state;
  }
}

class FileState implements PropertiesFile {
  version = 0;
  private content: ReadonlyMap<string, string> = new Map();
  private loadedMtime = -1;

  constructor(
    private readonly io: JaasFiles,
    private readonly file: string,
    private readonly reload: boolean,
    private readonly decrypt: boolean,
  ) {}

  get(): ReadonlyMap<string, string> {
    if (this.reload) {
      let mtime: number;
      try {
        mtime = this.io.mtime(this.file);
      } catch {
        return this.content; // gone for a moment (an editor's rename): keep what we had
      }
      if (mtime !== this.loadedMtime) this.load(false);
    }
    return this.content;
  }

  load(first: boolean): void {
    try {
      const mtime = this.io.mtime(this.file);
      const parsed = this.io.parseProperties(this.io.read(this.file), this.file);
      if (this.decrypt) {
        for (const [k, v] of parsed) {
          if (isEncryptedValue(v)) parsed.set(k, jasyptDecrypt(v.trim().slice(4, -1), this.io.masterPassword ?? ''));
        }
      }
      this.content = parsed;
      this.loadedMtime = mtime;
      this.version++;
      if (!first) this.io.logger?.info('Reloaded JAAS properties file', { file: this.file });
    } catch (e) {
      const why = e instanceof JasyptError ? `cannot decrypt a value: ${e.message}` : (e as Error).message;
      if (first) throw new BrokerError('ERR_CONFIG', `cannot read JAAS properties file ${this.file}: ${why}`);
      this.io.logger?.warn('Keeping the previous content of a JAAS properties file that cannot be reloaded', {
        file: this.file,
        error: why,
      });
      // Try again on a later login only once the file changes again.
      try {
        this.loadedMtime = this.io.mtime(this.file);
      } catch {
        /* gone: retried on the next login */
      }
    }
  }
}
