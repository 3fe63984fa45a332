import { randomBytes } from 'node:crypto';
import {
  Progress,
  UsageError,
  commonFlags,
  commonOptions,
  connect,
  fail,
  parseFlags,
  sleep,
  type CommonFlags,
} from './client-command.js';

const help = `Usage: tidemq producer [options]

Sends messages over OpenWire with TideMQ's Node client, as ActiveMQ's \`activemq producer\` does.

  --brokerUrl <url>          default failover://tcp://localhost:61616 (tcp://, ssl://, failover:(…))
  --destination <dest>       queue://X or topic://X (default queue://TEST)
  --user <name> --password <secret>
  --messageCount <n>         messages per thread (default 1000)
  --messageSize <bytes>      a BytesMessage of that size instead of text
  --message <text>           the text to send (default "test message: <n>")
  --persistent true|false    default true
  --transacted true|false    commit every --transactionBatchSize messages (default 1 when transacted)
  --transactionBatchSize <n>
  --msgTTL <ms>              time to live
  --parallelThreads <n>      producers, each on its own session (default 1)
  --sleep <ms>               pause between sends
  --json                     print a JSON summary instead of text
`;

export async function runProducer(argv: string[]): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv, {
      ...commonOptions,
      messageSize: 'number',
      message: 'string',
      persistent: 'boolean',
      transacted: 'boolean',
      transactionBatchSize: 'number',
      msgTTL: 'number',
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const f = commonFlags(flags);
    if (f.help) {
      process.stdout.write(help);
      return 0;
    }
    return await produce(f, {
      messageSize: flags.get('messageSize') as number | undefined,
      message: flags.get('message') as string | undefined,
      persistent: flags.get('persistent') !== false,
      transacted: flags.get('transacted') === true,
      batch: Math.max(1, (flags.get('transactionBatchSize') as number | undefined) ?? 1),
      ttl: (flags.get('msgTTL') as number | undefined) ?? 0,
    });
  } catch (e) {
    return fail('producer', e, help);
  }
}

interface ProducerFlags {
  messageSize: number | undefined;
  message: string | undefined;
  persistent: boolean;
  transacted: boolean;
  batch: number;
  ttl: number;
}

async function produce(f: CommonFlags, p: ProducerFlags): Promise<number> {
  const connection = await connect(f);
  const total = f.messageCount * f.parallelThreads;
  const progress = new Progress('producer', total, process.stderr, f.json);
  const payload = p.messageSize !== undefined ? randomBytes(p.messageSize) : undefined;
  let bytes = 0;
  try {
    await Promise.all(
      Array.from({ length: f.parallelThreads }, async (_, thread) => {
        const session = await connection.createSession(p.transacted ? 'transacted' : 'auto');
        const producer = await session.createProducer(f.destination, {
          persistent: p.persistent,
          ...(p.ttl > 0 ? { timeToLive: p.ttl } : {}),
        });
        for (let i = 0; i < f.messageCount; i++) {
          const body = payload ?? p.message ?? `test message: ${i}`;
          bytes += typeof body === 'string' ? Buffer.byteLength(body) : body.length;
          await producer.send(body, { properties: { thread: `producer-${thread}`, count: i } });
          if (p.transacted && (i + 1) % p.batch === 0) await session.commit();
          progress.tick();
          await sleep(f.sleep);
        }
        if (p.transacted) await session.commit();
      }),
    );
  } finally {
    await connection.close();
  }
  const summary = {
    command: 'producer',
    destination: f.destination,
    messages: progress.count,
    bytes,
    elapsedMs: progress.elapsedMs,
    ratePerSecond: Math.round(progress.rate()),
    persistent: p.persistent,
    transacted: p.transacted,
    threads: f.parallelThreads,
  };
  if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    // ActiveMQ's ProducerThread lines.
    process.stdout.write(
      `Produced: ${summary.messages} messages\nElapsed time in milli second : ${summary.elapsedMs} milli seconds\n` +
        `Rate: ${summary.ratePerSecond} msg/s\n`,
    );
  }
  return 0;
}
