import { BrokerError } from '../util/errors.js';

/** A place in a configuration file: 1-based line and column (columns count UTF-16 code units, as editors do). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}

/**
 * A configuration the loader refuses. The message starts with file:line:col (house rule 5, and the form
 * nats-server uses) so an editor or terminal can jump to it; `location` holds the same place for programs.
 */
export class ConfigError extends BrokerError {
  readonly location: SourceLocation | null;
  /** The message without its location prefix. */
  readonly detail: string;

  constructor(location: SourceLocation | null, detail: string, options?: { cause?: unknown }) {
    super('ERR_CONFIG', location ? `${formatLocation(location)}: ${detail}` : detail, options);
    this.name = 'ConfigError';
    this.location = location;
    this.detail = detail;
  }
}

/** Something in the configuration TideMQ accepts but does not act on; `strict` turns each into a ConfigError. */
export interface ConfigWarning {
  readonly location: SourceLocation;
  readonly message: string;
}

export function formatWarning(w: ConfigWarning): string {
  return `${formatLocation(w.location)}: ${w.message}`;
}
