import { ManagementClient, keyOf, managementFlags, managementHelp, parseManagementArgs } from './management-client.js';

const help = `Usage: tidemq bstat [broker-name] [options]

A summary of a broker's statistics, as ActiveMQ's \`activemq bstat\`: the broker, its connectors and its
destinations (advisory topics left out).

${managementHelp}`;

/** BstatCommand's --view list. */
const VIEW = [
  'BrokerName',
  'Name',
  'connectorName',
  'destinationName',
  'destinationType',
  'EnqueueCount',
  'DequeueCount',
  'TotalEnqueueCount',
  'TotalDequeueCount',
  'TotalMessageCount',
  'ConsumerCount',
  'TotalConsumerCount',
  'DispatchCount',
  'Uptime',
];

export async function runBstat(argv: string[]): Promise<number> {
  const { values, positionals } = parseManagementArgs(argv, {});
  if (values['help'] === true) {
    process.stdout.write(help);
    return 0;
  }
  const flags = managementFlags({
    ...values,
    ...(positionals[0] !== undefined ? { 'broker-name': positionals[0] } : {}),
  });
  const client = new ManagementClient(flags);
  const found = await client.readPattern(`org.apache.activemq:type=Broker,brokerName=${flags.brokerName},*`);
  const out: Record<string, unknown>[] = [];
  for (const [name, attrs] of Object.entries(found).sort(([a], [b]) => a.localeCompare(b))) {
    if (name.includes('endpoint=') || name.includes('connectionName=')) continue;
    const dest = keyOf(name, 'destinationName');
    if (keyOf(name, 'destinationType') === 'Topic' && dest.startsWith('ActiveMQ.Advisory.')) continue;
    const all: Record<string, unknown> = {
      ...attrs,
      connectorName: keyOf(name, 'connectorName'),
      destinationName: dest,
      destinationType: keyOf(name, 'destinationType'),
    };
    const row: Record<string, unknown> = {};
    for (const v of VIEW) if (all[v] !== undefined && all[v] !== '') row[v] = all[v];
    out.push(row);
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  for (const row of out) {
    for (const [k, v] of Object.entries(row)) process.stdout.write(`${k} = ${String(v)}\n`);
    process.stdout.write('\n');
  }
  return 0;
}
