import { ManagementClient, keyOf, managementFlags, managementHelp, parseManagementArgs } from './management-client.js';

const help = `Usage: tidemq list [options]

Lists the brokers the web console manages, as ActiveMQ's \`activemq list\`.

${managementHelp}`;

export async function runList(argv: string[]): Promise<number> {
  const { values } = parseManagementArgs(argv, {});
  if (values['help'] === true) {
    process.stdout.write(help);
    return 0;
  }
  const flags = managementFlags(values);
  const names = (await new ManagementClient(flags).one({
    type: 'search',
    mbean: 'org.apache.activemq:type=Broker,brokerName=*',
  })) as string[];
  const brokers = names.map((n) => keyOf(n, 'brokerName')).sort();
  if (flags.json) process.stdout.write(JSON.stringify(brokers.map((brokerName) => ({ brokerName }))) + '\n');
  else for (const b of brokers) process.stdout.write(`brokerName = ${b}\n\n`);
  return 0;
}
