/**
 * AMQP queue 1→1 against an in-process TideMQ: one rhea producer, one rhea consumer, one queue, 1 KiB
 * non-persistent messages, once pre-settled on both links and once unsettled (accepted outcomes both ways).
 * Not yet a scenario of `npm run bench` (docs/amqp.md); run it with
 *   npm run build && node dist/bench/amqp/queue-1to1.js [messages]
 */
import rhea, { type Connection, type EventContext } from 'rhea';
import { amqpProtocol } from '../../src/protocol/amqp/index.js';
import { BrokerService } from '../../src/server/broker-service.js';

async function open(port: number, id: string): Promise<Connection> {
  const c = rhea.create_container({ id }).connect({ host: '127.0.0.1', port, reconnect: false, username: 'anonymous' });
  await new Promise((r) => c.once('connection_open', r));
  return c;
}

async function round(port: number, settled: boolean, messages: number): Promise<number> {
  const queue = `bench.${settled ? 'settled' : 'unsettled'}`;
  const consumer = await open(port, `consumer-${queue}`);
  const producer = await open(port, `producer-${queue}`);
  const mode = settled ? 1 : 0;
  const r = consumer.open_receiver({ source: queue, snd_settle_mode: mode, credit_window: 1000 });
  await new Promise((res) => r.once('receiver_open', res));
  const s = producer.open_sender({ target: queue, snd_settle_mode: mode });
  const body = rhea.message.data_section(Buffer.alloc(1024, 0x61)) as unknown;
  let received = 0;
  let sent = 0;
  const start = process.hrtime.bigint();
  const done = new Promise<void>((resolve) =>
    r.on('message', (_ctx: EventContext) => {
      if (++received === messages) resolve();
    }),
  );
  const pump = (): void => {
    while (sent < messages && s.sendable()) {
      s.send({ body });
      sent++;
    }
  };
  s.on('sendable', pump);
  pump();
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  producer.close();
  consumer.close();
  return messages / seconds;
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 50_000);
  const service = new BrokerService({
    brokerName: 'amqp-bench',
    connectors: [{ name: 'amqp', scheme: 'amqp', protocol: amqpProtocol, host: '127.0.0.1', port: 0, options: {} }],
  });
  await service.start();
  const port = service.connector('amqp').port;
  for (const settled of [true, false]) {
    const rate = await round(port, settled, messages);
    console.log(
      `amqp queue 1→1 ${settled ? 'settled  ' : 'unsettled'}: ${messages} × 1 KiB, ${Math.round(rate)} msg/s`,
    );
  }
  await service.stop();
}

void main();
