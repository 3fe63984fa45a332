/**
 * A small structured logger: readable lines by default, JSON lines with `format: 'json'`.
 * Child loggers carry bindings (connection id, remote address) so every line of a connection is
 * attributable. Debug channels (`TIDEMQ_DEBUG=stomp,openwire` or `*`) gate frame dumps per area.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: Level;
  format?: 'text' | 'json';
  write?: (line: string) => void;
  debugChannels?: string;
}

export class Logger {
  private readonly minimum: number;
  private readonly channels: Set<string> | 'all';

  constructor(
    private readonly options: Required<LoggerOptions>,
    private readonly bindings: Readonly<Record<string, unknown>> = {},
  ) {
    this.minimum = order[options.level];
    const c = options.debugChannels.trim();
    this.channels = c === '*' ? 'all' : new Set(c.split(',').filter((s) => s.length > 0));
  }

  static create(options: LoggerOptions = {}): Logger {
    return new Logger({
      level: options.level ?? 'info',
      format: options.format ?? 'text',
      write: options.write ?? ((line) => process.stderr.write(line + '\n')),
      debugChannels: options.debugChannels ?? process.env['TIDEMQ_DEBUG'] ?? '',
    });
  }

  /** A logger that drops everything; for tests and embedded use. */
  static silent(): Logger {
    return Logger.create({ level: 'error', write: () => {} });
  }

  child(bindings: Record<string, unknown>): Logger {
    return new Logger(this.options, { ...this.bindings, ...bindings });
  }

  /** True when frame-level logging for this area is on; check before building an expensive message. */
  channel(name: string): boolean {
    return this.channels === 'all' || this.channels.has(name);
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log('error', msg, fields);
  }

  /** Logs on a debug channel regardless of level, when that channel is enabled. */
  trace(channel: string, msg: string, fields?: Record<string, unknown>): void {
    if (this.channel(channel)) this.emit('debug', msg, { channel, ...fields });
  }

  private log(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (order[level] < this.minimum) return;
    this.emit(level, msg, fields);
  }

  private emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
    const all = fields ? { ...this.bindings, ...fields } : this.bindings;
    if (this.options.format === 'json') {
      this.options.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...all }, jsonSafe));
      return;
    }
    let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}`;
    let traces = '';
    for (const [k, v] of Object.entries(all)) {
      if (v instanceof Error) {
        // The message (and code) on the line; the stack and its causes below it, as Java loggers print them.
        line += ` ${k}=${JSON.stringify(v.message)}`;
        const code = (v as { code?: unknown }).code;
        if (typeof code === 'string') line += ` ${k}Code=${code}`;
        traces += '\n' + stackOf(v);
        continue;
      }
      line += ` ${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v, jsonSafe)}`;
    }
    this.options.write(line + traces);
  }
}

/** How deep a chain of causes is followed; a cycle or a very long chain stops here. */
const MAX_CAUSES = 8;

/** An error's stack, then `Caused by:` and each cause's stack, as Java prints a Throwable. */
export function stackOf(error: Error): string {
  let out = error.stack ?? `${error.name}: ${error.message}`;
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < MAX_CAUSES; depth++) {
    out +=
      '\nCaused by: ' +
      (cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : describeValue(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return out;
}

/** An error as JSON: name, message, code, stack and its cause chain (bounded). */
function errorJson(error: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out['code'] = code;
  if (error.stack !== undefined) out['stack'] = error.stack;
  const cause = error.cause;
  if (cause !== undefined && cause !== null && depth < MAX_CAUSES) {
    out['cause'] = cause instanceof Error ? errorJson(cause, depth + 1) : describeValue(cause);
  }
  return out;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return errorJson(value);
  return value;
}

/** A thrown non-Error as text: JSON where it has a shape, else its string form. */
function describeValue(v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return Object.prototype.toString.call(v);
    }
  }
  return String(v);
}
