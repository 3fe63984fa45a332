import { ManagementClient, keyOf, managementFlags, managementHelp, parseManagementArgs } from './management-client.js';

const help = `Usage: tidemq stop [broker-name] [options]

Stops a running broker through its web console (BrokerViewMBean.stop), as ActiveMQ's \`activemq stop\`.
Needs the admin role.

${managementHelp}`;

export async function runStop(argv: string[]): Promise<number> {
  const { values, positionals } = parseManagementArgs(argv, { all: { type: 'boolean', default: false } });
  if (values['help'] === true) {
    process.stdout.write(help);
    return 0;
  }
  const flags = managementFlags({
    ...values,
    ...(positionals[0] !== undefined ? { 'broker-name': positionals[0] } : {}),
  });
  const client = new ManagementClient(flags);
  const names = (await client.one({ type: 'search', mbean: client.brokerPattern })) as string[];
  if (names.length === 0) throw new Error(`No broker named ${flags.brokerName} at ${flags.url}`);
  if (names.length > 1 && values['all'] !== true) {
    throw new Error(`${names.length} brokers match; name one or pass --all`);
  }
  for (const mbean of names) {
    if (!flags.json) process.stdout.write(`Stopping broker: ${keyOf(mbean, 'brokerName')}\n`);
    await client.one({ type: 'exec', mbean, operation: 'stop()', arguments: [] });
  }
  if (flags.json) process.stdout.write(JSON.stringify(names.map((n) => ({ stopped: keyOf(n, 'brokerName') }))) + '\n');
  return 0;
}
