import { ManagementClient, keyOf, managementFlags, managementHelp, parseManagementArgs } from './management-client.js';

const help = `Usage: tidemq query [options] [-Q<Type>=<name> ...] [-xQ<Type>=<name> ...] [--objname <keys>] [--view <attr,...>]

Displays the attributes of MBeans, as ActiveMQ's \`activemq query\`. Types: Broker, Queue, Topic, Connection,
Connector; names may hold * and ? wildcards. Without a filter, every MBean of the broker.

  -QQueue=orders           MBeans of the queue 'orders' (-QTopic=…, -QBroker=…, -QConnection=…, -QConnector=…)
  -xQQueue=ActiveMQ.*      Leave these out
  --objname <k=v,...>      An ObjectName key list to match (ActiveMQ's --objname)
  --view <a,b,...>         Only these attributes (and ObjectName keys)

${managementHelp}
Examples:
  tidemq query -QQueue=orders --view QueueSize,EnqueueCount,DequeueCount
  tidemq query -QTopic=* --json
`;

/** ActiveMQ's QueryCommand PREDEFINED_OBJNAME_QUERY. */
const PREDEFINED: Record<string, string> = {
  Broker: 'brokerName=%1',
  Connection: 'connector=clientConnectors,connectionViewType=*,connectionName=%1,*',
  Connector: 'connector=clientConnectors,connectorName=%1',
  NetworkConnector: 'connector=networkConnectors,networkConnectorName=%1',
  Queue: 'destinationType=Queue,destinationName=%1',
  Topic: 'destinationType=Topic,destinationName=%1',
};

function filter(type: string, name: string): string {
  const keys = PREDEFINED[type];
  if (keys === undefined)
    throw new Error(`Unknown query type ${type}: use one of ${Object.keys(PREDEFINED).join(', ')}`);
  return keys.replace('%1', name);
}

/** `-QQueue=x` style tokens, which node's parseArgs cannot read, taken out of argv first. */
function takeFilters(argv: string[]): { rest: string[]; add: string[]; sub: string[] } {
  const add: string[] = [];
  const sub: string[] = [];
  const rest: string[] = [];
  for (const a of argv) {
    const m = /^-(x?)Q([A-Za-z]+)=(.*)$/.exec(a);
    if (m) (m[1] === 'x' ? sub : add).push(filter(m[2]!, m[3]!));
    else rest.push(a);
  }
  return { rest, add, sub };
}

export async function runQuery(argv: string[]): Promise<number> {
  const { rest, add, sub } = takeFilters(argv);
  const { values } = parseManagementArgs(rest, {
    objname: { type: 'string', multiple: true },
    view: { type: 'string' },
  });
  if (values['help'] === true) {
    process.stdout.write(help);
    return 0;
  }
  const flags = managementFlags(values);
  const client = new ManagementClient(flags);
  for (const o of (values['objname'] as string[] | undefined) ?? []) add.push(o);
  if (add.length === 0) add.push('*');
  const view = typeof values['view'] === 'string' ? values['view'].split(',').map((s) => s.trim()) : null;
  const found = new Map<string, Record<string, unknown>>();
  const patternOf = (keys: string): string => {
    if (keys === '*') return `org.apache.activemq:type=Broker,brokerName=${flags.brokerName},*`;
    const broker = /(^|,)brokerName=/.test(keys) ? '' : `brokerName=${flags.brokerName},`;
    return `org.apache.activemq:type=Broker,${broker}${keys}`;
  };
  for (const keys of add) {
    const pattern = patternOf(keys);
    const exact = !/[*?]/.test(pattern);
    const answer = await client.readPattern(exact ? `${pattern},*` : pattern);
    for (const [name, attrs] of Object.entries(answer)) {
      // An exact -Q filter names one MBean (its consumers share the keys and are left out), as JMX matching does.
      if (exact && name.split(',').length !== pattern.split(',').length) continue;
      found.set(name, attrs);
    }
  }
  for (const keys of sub) for (const name of [...found.keys()]) if (matchesKeys(name, keys)) found.delete(name);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, attrs] of [...found.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const keysOf = Object.fromEntries(
      name
        .slice(name.indexOf(':') + 1)
        .split(',')
        .map((kv) => kv.split('=') as [string, string]),
    );
    const all: Record<string, unknown> = { ...attrs, ...keysOf };
    out[name] = view === null ? all : Object.fromEntries(view.filter((v) => v in all).map((v) => [v, all[v]]));
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  // CommandShellOutputFormatter.printMBean: `key = value` lines, a blank line after each MBean.
  for (const attrs of Object.values(out)) {
    for (const [k, v] of Object.entries(attrs)) process.stdout.write(`${k} = ${display(v)}\n`);
    process.stdout.write('\n');
  }
  return 0;
}

function display(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(display).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    if ('objectName' in v) return String((v as { objectName: string }).objectName);
    return JSON.stringify(v);
  }
  return String(v);
}

function matchesKeys(name: string, keys: string): boolean {
  for (const kv of keys.split(',')) {
    if (kv === '*') continue;
    const [k, v] = kv.split('=') as [string, string];
    const re = new RegExp(
      `^${v
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    if (!re.test(keyOf(name, k))) return false;
  }
  return true;
}
