import { parseArgs } from 'node:util';

/**
 * What the management commands share: ActiveMQ's `activemq <command>` connection flags, read here as
 * `--url http://127.0.0.1:8161` (also accepted as --jmxurl, the flag ActiveMQ scripts pass), `--user`/`--password`
 * (also --jmxuser/--jmxpassword), and `--json`. The commands speak Jolokia, so they work against TideMQ and against
 * a real ActiveMQ's /api/jolokia alike.
 */
export interface ManagementFlags {
  url: string;
  user: string;
  password: string;
  json: boolean;
  brokerName: string;
}

export const managementOptions = {
  url: { type: 'string' },
  jmxurl: { type: 'string' },
  user: { type: 'string' },
  jmxuser: { type: 'string' },
  password: { type: 'string' },
  jmxpassword: { type: 'string' },
  json: { type: 'boolean', default: false },
  'broker-name': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const managementHelp = `Connection options (as ActiveMQ's activemq script, over HTTP/Jolokia):
  --url <url>              The web console (default http://127.0.0.1:8161; --jmxurl is accepted too)
  --user <name>            Web user (default admin; --jmxuser too)
  --password <pw>          Web password (default: TIDEMQ_WEB_PASSWORD, else admin; --jmxpassword too)
  --broker-name <name>     Broker to address (default: every broker the console knows, '*')
  --json                   Machine-readable output
`;

export function managementFlags(values: Record<string, unknown>): ManagementFlags {
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  let url = s('url') ?? s('jmxurl') ?? 'http://127.0.0.1:8161';
  if (!/^https?:\/\//.test(url)) throw new Error(`--url must be the web console's http(s):// URL, not '${url}'`);
  url = url.replace(/\/+$/, '');
  return {
    url,
    user: s('user') ?? s('jmxuser') ?? 'admin',
    password: s('password') ?? s('jmxpassword') ?? process.env['TIDEMQ_WEB_PASSWORD'] ?? 'admin',
    json: values['json'] === true,
    brokerName: s('broker-name') ?? '*',
  };
}

/** Parses a management command's argv: its own options plus the connection ones. */
export function parseManagementArgs<
  O extends Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
  >,
>(argv: string[], own: O): { values: Record<string, unknown>; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...managementOptions, ...own },
    strict: true,
    allowPositionals: true,
  });
  return { values: values, positionals };
}

export interface JolokiaAnswer {
  status: number;
  value?: unknown;
  error?: string;
  error_type?: string;
}

export class ManagementClient {
  constructor(private readonly flags: ManagementFlags) {}

  /** Sends Jolokia requests as one bulk POST; throws on HTTP failures, returns each envelope. */
  async jolokia(requests: Record<string, unknown>[]): Promise<JolokiaAnswer[]> {
    let res: Response;
    try {
      res = await fetch(`${this.flags.url}/api/jolokia`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(`${this.flags.user}:${this.flags.password}`).toString('base64')}`,
        },
        body: JSON.stringify(requests),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `Cannot reach the broker's web console at ${this.flags.url}${cause !== undefined ? ` (${cause})` : ''}`,
      );
    }
    if (res.status === 401) throw new Error(`Login refused by ${this.flags.url}: check --user and --password`);
    if (res.status === 403)
      throw new Error(`${this.flags.user} may not do this at ${this.flags.url}: ${await res.text()}`);
    if (!res.ok) throw new Error(`${this.flags.url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as JolokiaAnswer[];
  }

  async one(request: Record<string, unknown>): Promise<unknown> {
    const [a] = await this.jolokia([request]);
    if (a === undefined) throw new Error('No answer');
    if (a.status !== 200) throw new Error(a.error ?? `status ${a.status}`);
    return a.value;
  }

  /** Reads attributes of every MBean matching a pattern: canonical name → attributes (empty when none match). */
  async readPattern(mbean: string, attributes?: string[]): Promise<Record<string, Record<string, unknown>>> {
    const [a] = await this.jolokia([{ type: 'read', mbean, ...(attributes ? { attribute: attributes } : {}) }]);
    if (a === undefined || a.status === 404) return {};
    if (a.status !== 200) throw new Error(a.error ?? `status ${a.status}`);
    // Jolokia answers a concrete (non-pattern) name with the attributes directly.
    if (!/[*?]/.test(mbean)) return { [mbean]: a.value as Record<string, unknown> };
    return a.value as Record<string, Record<string, unknown>>;
  }

  get brokerPattern(): string {
    return `org.apache.activemq:type=Broker,brokerName=${this.flags.brokerName}`;
  }
}

/** A table with columns padded as ActiveMQ's dstat prints them. */
export function table(header: string[], rows: (string | number)[][], widths: number[]): string {
  const line = (cells: (string | number)[]): string =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : String(c).padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The value of `key=` in a canonical ObjectName. */
export function keyOf(name: string, key: string): string {
  const m = new RegExp(`[:,]${key}=("(?:[^"\\\\]|\\\\.)*"|[^,]*)`).exec(name);
  return m === null ? '' : m[1]!.replace(/^"|"$/g, '');
}
