import { ManagementClient, managementFlags, managementHelp, parseManagementArgs, table } from './management-client.js';

const help = `Usage: tidemq dstat [queues|topics] [options]

Statistics of every destination in a table, as ActiveMQ's \`activemq dstat\`.

${managementHelp}`;

const ATTRIBUTES = [
  'Name',
  'QueueSize',
  'ProducerCount',
  'ConsumerCount',
  'EnqueueCount',
  'DequeueCount',
  'ForwardCount',
  'MemoryPercentUsage',
  'InFlightCount',
];

export async function runDstat(argv: string[]): Promise<number> {
  const { values, positionals } = parseManagementArgs(argv, {});
  if (values['help'] === true) {
    process.stdout.write(help);
    return 0;
  }
  const which = positionals[0];
  if (which !== undefined && which !== 'queues' && which !== 'topics')
    throw new Error(`dstat takes queues or topics, not '${which}'`);
  const flags = managementFlags(values);
  const client = new ManagementClient(flags);
  const type = which === 'queues' ? 'Queue' : which === 'topics' ? 'Topic' : '*';
  const found = await client.readPattern(
    `org.apache.activemq:type=Broker,brokerName=${flags.brokerName},destinationType=${type},destinationName=*`,
    ATTRIBUTES,
  );
  const rows = Object.values(found)
    .filter((a) => typeof a['Name'] === 'string')
    .sort((a, b) => String(a['Name']).localeCompare(String(b['Name'])));
  if (flags.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  // DstatCommand's "%-50s  %10s …" columns; the queue view adds Inflight #.
  const header = ['Name', 'Queue Size', 'Producer #', 'Consumer #', 'Enqueue #', 'Dequeue #', 'Forward #', 'Memory %'];
  if (which === 'queues') header.push('Inflight #');
  const cells = rows.map((a) => {
    const row: (string | number)[] = [
      String(a['Name']),
      n(a['QueueSize']),
      n(a['ProducerCount']),
      n(a['ConsumerCount']),
      n(a['EnqueueCount']),
      n(a['DequeueCount']),
      n(a['ForwardCount']),
      n(a['MemoryPercentUsage']),
    ];
    if (which === 'queues') row.push(n(a['InFlightCount']));
    return row;
  });
  process.stdout.write(table(header, cells, [50, ...header.slice(1).map(() => 10)]));
  return 0;
}
