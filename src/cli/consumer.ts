import type { ReceivedMessage } from '../client/index.js';
import {
  Progress,
  UsageError,
  commonFlags,
  commonOptions,
  connect,
  fail,
  parseAckMode,
  parseFlags,
  sleep,
  type CommonFlags,
} from './client-command.js';

const help = `Usage: tidemq consumer [options]

Receives messages over OpenWire with TideMQ's Node client, as ActiveMQ's \`activemq consumer\` does.

  --brokerUrl <url>          default failover://tcp://localhost:61616
  --destination <dest>       queue://X or topic://X (default queue://TEST)
  --user <name> --password <secret>
  --messageCount <n>         messages per thread to wait for (default 1000)
  --ackMode <mode>           AUTO_ACKNOWLEDGE (default), CLIENT_ACKNOWLEDGE, INDIVIDUAL_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE
  --transacted true|false    commit every --batchSize messages
  --batchSize <n>            acknowledge / commit batch (default 10)
  --durable true|false       a durable subscription (topics; needs --clientId)
  --clientId <id> --subscriptionName <name>
  --selector <sql>
  --receiveTimeout <ms>      give up after this much silence (default 0: wait)
  --parallelThreads <n>      consumers, each on its own session (default 1)
  --sleep <ms>               pause after each message
  --print                    print each message body
  --json                     print a JSON summary instead of text
`;

export async function runConsumer(argv: string[]): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv, {
      ...commonOptions,
      ackMode: 'string',
      transacted: 'boolean',
      batchSize: 'number',
      durable: 'boolean',
      clientId: 'string',
      subscriptionName: 'string',
      selector: 'string',
      receiveTimeout: 'number',
      print: 'boolean',
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const f = commonFlags(flags);
    if (f.help) {
      process.stdout.write(help);
      return 0;
    }
    const durable = flags.get('durable') === true;
    const clientId = flags.get('clientId') as string | undefined;
    if (durable && clientId === undefined) throw new UsageError('--durable needs --clientId');
    return await consume(f, {
      ackMode: parseAckMode(flags.get('ackMode') as string | undefined, flags.get('transacted') === true),
      batch: Math.max(1, (flags.get('batchSize') as number | undefined) ?? 10),
      durable,
      clientId,
      subscriptionName: (flags.get('subscriptionName') as string | undefined) ?? 'tidemq-consumer',
      selector: flags.get('selector') as string | undefined,
      receiveTimeout: (flags.get('receiveTimeout') as number | undefined) ?? 0,
      print: flags.get('print') === true,
    });
  } catch (e) {
    return fail('consumer', e, help);
  }
}

interface ConsumerFlags {
  ackMode: ReturnType<typeof parseAckMode>;
  batch: number;
  durable: boolean;
  clientId: string | undefined;
  subscriptionName: string;
  selector: string | undefined;
  receiveTimeout: number;
  print: boolean;
}

async function consume(f: CommonFlags, o: ConsumerFlags): Promise<number> {
  const connection = await connect(f, o.clientId);
  const total = f.messageCount * f.parallelThreads;
  const progress = new Progress('consumer', total, process.stderr, f.json);
  let bytes = 0;
  let timedOut = false;
  try {
    await Promise.all(
      Array.from({ length: f.parallelThreads }, async (_, thread) => {
        const session = await connection.createSession(o.ackMode);
        const options = o.selector === undefined ? {} : { selector: o.selector };
        const consumer = o.durable
          ? await session.createDurableSubscriber(f.destination, `${o.subscriptionName}-${thread}`, options)
          : await session.createConsumer(f.destination, options);
        let last: ReceivedMessage | null = null;
        for (let i = 0; i < f.messageCount; i++) {
          const m = await consumer.receive(o.receiveTimeout > 0 ? o.receiveTimeout : 0);
          if (m === null) {
            timedOut = true;
            break;
          }
          last = m;
          bytes += m.body.length;
          if (o.print) process.stdout.write(`${m.text ?? m.body.toString('base64')}\n`);
          if ((i + 1) % o.batch === 0) {
            if (o.ackMode === 'transacted') await session.commit();
            else if (o.ackMode === 'client' || o.ackMode === 'individual') await m.acknowledge();
          }
          progress.tick();
          await sleep(f.sleep);
        }
        if (o.ackMode === 'transacted') await session.commit();
        else if (last !== null && o.ackMode === 'client') await last.acknowledge();
        await consumer.close();
      }),
    );
  } finally {
    await connection.close();
  }
  const summary = {
    command: 'consumer',
    destination: f.destination,
    messages: progress.count,
    bytes,
    elapsedMs: progress.elapsedMs,
    ratePerSecond: Math.round(progress.rate()),
    ackMode: o.ackMode,
    threads: f.parallelThreads,
    timedOut,
  };
  if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    process.stdout.write(
      `Consumed: ${summary.messages} messages\nElapsed time in milli second : ${summary.elapsedMs} milli seconds\n` +
        `Rate: ${summary.ratePerSecond} msg/s\n`,
    );
  }
  return timedOut && progress.count < total ? 1 : 0;
}
