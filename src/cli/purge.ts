import { ManagementClient, keyOf, managementFlags, managementHelp, parseManagementArgs } from './management-client.js';

const help = `Usage: tidemq purge [options] <queue> [<queue> ...]

Removes every message waiting in the queues, as ActiveMQ's \`activemq purge\`. Names may hold * and ?
wildcards (quote them from the shell). Needs the admin role.

${managementHelp}`;

export async function runPurge(argv: string[]): Promise<number> {
  const { values, positionals } = parseManagementArgs(argv, {});
  if (values['help'] === true || positionals.length === 0) {
    process.stdout.write(help);
    return positionals.length === 0 && values['help'] !== true ? 1 : 0;
  }
  const flags = managementFlags(values);
  const client = new ManagementClient(flags);
  const purged: { queue: string; removed: number }[] = [];
  for (const pattern of positionals) {
    const names = (await client.one({
      type: 'search',
      mbean: `org.apache.activemq:type=Broker,brokerName=${flags.brokerName},destinationType=Queue,destinationName=${pattern}`,
    })) as string[];
    if (names.length === 0) process.stderr.write(`No queue matches ${pattern}\n`);
    for (const mbean of names) {
      const queue = keyOf(mbean, 'destinationName');
      if (!flags.json) process.stdout.write(`Purging all messages in queue: ${queue}\n`);
      const [before] = await client.jolokia([{ type: 'read', mbean, attribute: 'QueueSize' }]);
      await client.one({ type: 'exec', mbean, operation: 'purge()', arguments: [] });
      purged.push({ queue, removed: typeof before?.value === 'number' ? before.value : 0 });
    }
  }
  if (flags.json) process.stdout.write(JSON.stringify(purged) + '\n');
  return 0;
}
