import { Connection, type AckMode } from '../client/index.js';

/**
 * What `tidemq producer`, `consumer` and `browse` share: ActiveMQ's `activemq producer|consumer|browse` flags
 * (`--brokerUrl`, `--destination queue://X`, `--user`, …, as `--name value` or `--name=value`), the connection, and a
 * progress line: a bar with rate and ETA on a terminal, plain lines otherwise, a JSON summary with `--json`.
 */
export interface CommonFlags {
  brokerUrl: string;
  destination: string;
  user: string | undefined;
  password: string | undefined;
  messageCount: number;
  parallelThreads: number;
  sleep: number;
  json: boolean;
  help: boolean;
}

export class UsageError extends Error {}

/** Parses `--a b`, `--a=b`, bare `--flag` (booleans) and positionals, checking names against `known`. */
export function parseFlags(
  argv: string[],
  known: Record<string, 'string' | 'number' | 'boolean'>,
): { flags: Map<string, string | number | boolean>; positionals: string[] } {
  const flags = new Map<string, string | number | boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (arg === '-h') flags.set('help', true);
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.substring(2, eq < 0 ? undefined : eq);
    const kind = known[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined = eq < 0 ? undefined : arg.substring(eq + 1);
    if (kind === 'boolean') {
      if (value === undefined && argv[i + 1] !== undefined && /^(true|false)$/.test(argv[i + 1]!)) value = argv[++i];
      flags.set(name, value === undefined ? true : value === 'true');
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name}: '${value}' is not a number`);
      flags.set(name, n);
    } else flags.set(name, value);
  }
  return { flags, positionals };
}

export const commonOptions = {
  brokerUrl: 'string',
  destination: 'string',
  user: 'string',
  password: 'string',
  messageCount: 'number',
  parallelThreads: 'number',
  sleep: 'number',
  json: 'boolean',
  help: 'boolean',
} as const;

export function commonFlags(flags: Map<string, string | number | boolean>): CommonFlags {
  const s = (k: string): string | undefined => flags.get(k) as string | undefined;
  const n = (k: string, d: number): number => (flags.get(k) as number | undefined) ?? d;
  return {
    // ActiveMQ's producer and consumer commands default to failover://tcp://localhost:61616 and queue://TEST.
    brokerUrl: s('brokerUrl') ?? 'failover://tcp://localhost:61616',
    destination: s('destination') ?? 'queue://TEST',
    user: s('user'),
    password: s('password'),
    messageCount: n('messageCount', 1000),
    parallelThreads: Math.max(1, n('parallelThreads', 1)),
    sleep: n('sleep', 0),
    json: flags.get('json') === true,
    help: flags.get('help') === true,
  };
}

export function connect(f: CommonFlags, clientId?: string): Promise<Connection> {
  return Connection.connect(f.brokerUrl, {
    ...(clientId === undefined ? {} : { clientId }),
    ...(f.user === undefined ? {} : { userName: f.user }),
    ...(f.password === undefined ? {} : { password: f.password }),
  });
}

/** ActiveMQ's ackMode names (and ours) → the client's. */
export function parseAckMode(text: string | undefined, transacted: boolean): AckMode {
  if (transacted) return 'transacted';
  switch ((text ?? 'AUTO_ACKNOWLEDGE').toUpperCase()) {
    case 'AUTO_ACKNOWLEDGE':
    case 'AUTO':
      return 'auto';
    case 'CLIENT_ACKNOWLEDGE':
    case 'CLIENT':
      return 'client';
    case 'INDIVIDUAL_ACKNOWLEDGE':
    case 'INDIVIDUAL':
      return 'individual';
    case 'DUPS_OK_ACKNOWLEDGE':
    case 'DUPS_OK':
      return 'dups-ok';
    case 'SESSION_TRANSACTED':
      return 'transacted';
    default:
      throw new UsageError(`--ackMode: unknown mode '${text}'`);
  }
}

/**
 * Progress of `total` operations: on a TTY a redrawn bar with rate and ETA, otherwise a plain line every 10%
 * (so logs stay readable), nothing with --json.
 */
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private lastDecile = 0;
  readonly started = Date.now();

  constructor(
    private readonly what: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {}

  tick(n = 1): void {
    this.done += n;
    if (this.quiet) return;
    const now = Date.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100 && this.done < this.total) return;
      this.lastDraw = now;
      const width = 30;
      const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const rate = this.rate();
      const eta = rate > 0 ? Math.max(0, (this.total - this.done) / rate) : 0;
      this.out.write(
        `\r${this.what} [${bar}] ${this.done}/${this.total} ${rate.toFixed(0)} msg/s ETA ${eta.toFixed(1)} s `,
      );
      if (this.done >= this.total) this.out.write('\n');
    } else if (this.total > 0) {
      const decile = Math.floor((this.done * 10) / this.total);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${this.what}: ${this.done}/${this.total} (${this.rate().toFixed(0)} msg/s)\n`);
      }
    }
  }

  get count(): number {
    return this.done;
  }

  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  rate(): number {
    const s = this.elapsedMs / 1000;
    return s > 0 ? this.done / s : 0;
  }
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();

export function fail(command: string, e: unknown, help: string): number {
  if (e instanceof UsageError) {
    process.stderr.write(`tidemq ${command}: ${e.message}\n\n${help}`);
    return 2;
  }
  process.stderr.write(`tidemq ${command}: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}
