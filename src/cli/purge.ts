import { Progress } from './client-command.js';
import { ManagementClient, keyOf, managementFlags, managementHelp, parseManagementArgs } from './management-client.js';

/** Queues at least this deep get a progress line (bar on a terminal) while they are purged. */
const PROGRESS_FROM = 10_000;
const POLL_MS = 250;

const help = `Usage: tidemq purge [options] <queue> [<queue> ...]

Removes every message waiting in the queues, as ActiveMQ's \`activemq purge\`. Names may hold * and ?
wildcards (quote them from the shell). Needs the admin role. A queue of ${PROGRESS_FROM} messages or more shows its
progress (a bar with rate and ETA on a terminal, a line per tenth otherwise).

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
      const depth = typeof before?.value === 'number' ? before.value : 0;
      const purging = client.one({ type: 'exec', mbean, operation: 'purge()', arguments: [] });
      if (depth >= PROGRESS_FROM && !flags.json) await watch(client, mbean, depth, purging);
      await purging;
      purged.push({ queue, removed: depth });
    }
  }
  if (flags.json) process.stdout.write(JSON.stringify(purged) + '\n');
  return 0;
}

/** Reads the queue's depth while its purge runs (the purge is one request) and shows how far it got. */
async function watch(client: ManagementClient, mbean: string, depth: number, purging: Promise<unknown>): Promise<void> {
  const progress = new Progress('purged', depth, process.stdout, false);
  let running = true;
  void purging.then(
    () => (running = false),
    () => (running = false),
  );
  let shown = 0;
  const show = (left: number) => {
    const done = Math.min(depth, Math.max(shown, depth - left));
    if (done > shown) progress.tick(done - shown);
    shown = done;
  };
  while (running) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (!running) break;
    const [now] = await client.jolokia([{ type: 'read', mbean, attribute: 'QueueSize' }]);
    if (typeof now?.value === 'number') show(now.value);
  }
  show(0);
}
