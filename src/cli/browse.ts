import { UsageError, commonFlags, commonOptions, connect, fail, parseFlags } from './client-command.js';

const help = `Usage: tidemq browse [options] [queue …]

Lists the messages of queues without consuming them (a QueueBrowser), as ActiveMQ's \`activemq browse\` does.

  --brokerUrl <url> (or --amqurl <url>)   default failover://tcp://localhost:61616
  --destination <queue://X>               or queue names as arguments
  --user <name> --password <secret>
  --selector <sql>
  --messageCount <n>                      stop after n messages per queue (default: all)
  --json                                  one JSON object per message
`;

export async function runBrowse(argv: string[]): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv, { ...commonOptions, amqurl: 'string', selector: 'string' });
    if (flags.has('amqurl') && !flags.has('brokerUrl')) flags.set('brokerUrl', flags.get('amqurl')!);
    const f = commonFlags(flags);
    if (f.help) {
      process.stdout.write(help);
      return 0;
    }
    const queues =
      positionals.length > 0 ? positionals.map((q) => (q.includes('://') ? q : `queue://${q}`)) : [f.destination];
    for (const q of queues) if (!q.startsWith('queue://')) throw new UsageError(`only queues can be browsed: ${q}`);
    const limit = flags.has('messageCount') ? f.messageCount : Infinity;
    const selector = flags.get('selector') as string | undefined;
    const connection = await connect(f);
    try {
      const session = await connection.createSession();
      for (const q of queues) {
        const browser = await session.createBrowser(q, selector);
        let n = 0;
        for await (const m of browser) {
          if (n++ >= limit) break;
          const line = {
            destination: q,
            messageId: m.messageId,
            timestamp: m.timestamp,
            persistent: m.persistent,
            priority: m.priority,
            redelivered: m.redelivered,
            correlationId: m.correlationId,
            type: m.type,
            properties: m.properties,
            body: m.kind === 'text' ? m.text : m.kind === 'map' ? m.map : m.body.toString('base64'),
          };
          process.stdout.write(
            f.json
              ? JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n'
              : `${q} ${m.messageId} ${m.kind} ${typeof line.body === 'string' ? line.body : JSON.stringify(line.body)}\n`,
          );
        }
        await browser.close();
      }
    } finally {
      await connection.close();
    }
    return 0;
  } catch (e) {
    return fail('browse', e, help);
  }
}
