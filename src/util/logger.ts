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
    for (const [k, v] of Object.entries(all)) {
      line += ` ${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v, jsonSafe)}`;
    }
    this.options.write(line);
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { message: value.message, code: (value as { code?: unknown }).code };
  return value;
}
