/**
 * The JMS mapping across protocols on one queue: what an AMQP client sends, a STOMP client receives with its
 * properties, headers and body type (text without content-length, bytes with it), and the reverse.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import rhea, { type EventContext, type Message as AmqpMessage } from 'rhea';
import { amqpProtocol } from '../../src/protocol/amqp/index.js';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { RawStomp } from '../stomp/helpers.js';
import { amqpConnect, closeConnection, openReceiver, openSender, waitFor } from './helpers.js';

let service: BrokerService;
before(async () => {
  service = new BrokerService({
    brokerName: 'mapping',
    connectors: [
      { name: 'amqp', scheme: 'amqp', protocol: amqpProtocol, host: '127.0.0.1', port: 0, options: {} },
      { name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options: {} },
    ],
  });
  await service.start();
});
after(() => service.stop());

async function stomp(): Promise<RawStomp> {
  const c = await RawStomp.open(service.connector('stomp').port);
  c.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
  assert.equal((await c.frame(0)).command, 'CONNECTED');
  return c;
}

test('AMQP → STOMP: text and bytes bodies, application properties, header fields', async () => {
  const a = await amqpConnect(service.connector('amqp').port);
  const s = await openSender(a, { target: 'map.to-stomp' });
  let accepted = 0;
  s.on('accepted', () => accepted++);
  s.send({
    body: 'hello ✓',
    subject: 'greeting',
    durable: true,
    priority: 7,
    ttl: 60_000,
    correlation_id: 'corr-1',
    reply_to: 'queue://replies',
    application_properties: { color: 'red', n: 7, ok: true },
  });
  s.send({ body: rhea.message.data_section(Buffer.from([0, 1, 2, 255])) as unknown });
  await waitFor(() => accepted === 2, 'stored');
  await closeConnection(a);

  const c = await stomp();
  c.write('SUBSCRIBE\nid:1\ndestination:/queue/map.to-stomp\n\n\0');
  const text = await c.frame(1);
  assert.equal(text.command, 'MESSAGE');
  assert.equal(text.body.toString('utf8'), 'hello ✓');
  assert.equal(text.headers.get('content-length'), undefined, 'a TextMessage arrives without content-length');
  assert.equal(text.headers.get('type'), 'greeting');
  assert.equal(text.headers.get('priority'), '7');
  assert.equal(text.headers.get('persistent'), 'true');
  assert.equal(text.headers.get('correlation-id'), 'corr-1');
  assert.equal(text.headers.get('reply-to'), '/queue/replies');
  assert.equal(text.headers.get('color'), 'red');
  assert.equal(text.headers.get('n'), '7');
  assert.equal(text.headers.get('ok'), 'true');
  assert.ok(Number(text.headers.get('expires')) > Date.now());
  const bytes = await c.frame(2);
  assert.equal(bytes.headers.get('content-length'), '4', 'a BytesMessage carries content-length');
  assert.deepEqual([...bytes.body], [0, 1, 2, 255]);
  c.destroy();
});

test('STOMP → AMQP: text becomes amqp-value string, bytes a data section; headers map to AMQP fields', async () => {
  const c = await stomp();
  c.write(
    'SEND\ndestination:/queue/map.to-amqp\ntype:order\ncorrelation-id:c-9\nreply-to:/topic/answers\npriority:8\npersistent:true\ncolor:blue\n\nfrom stomp\0',
  );
  c.write('SEND\ndestination:/queue/map.to-amqp\ncontent-length:3\nreceipt:r1\n\nabc\0');
  await c.frame(0);
  c.destroy();
  const a = await amqpConnect(service.connector('amqp').port);
  const r = await openReceiver(a, { source: 'map.to-amqp' });
  const got: AmqpMessage[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!));
  await waitFor(() => got.length === 2, 'two messages');
  const text = got[0]!;
  assert.equal(text.body, 'from stomp');
  assert.equal(text.subject, 'order');
  assert.equal(text.correlation_id, 'c-9');
  assert.equal(text.reply_to, 'topic://answers');
  assert.equal(text.priority, 8);
  assert.equal(text.durable, true);
  assert.equal(text.application_properties?.color, 'blue');
  assert.equal(text.message_annotations?.['x-opt-jms-msg-type'], 5);
  assert.equal(text.message_annotations?.['x-opt-jms-dest'], 0);
  assert.equal(text.to, 'queue://map.to-amqp');
  assert.match(String(text.message_id), /^ID:/);
  const bytes = got[1]!;
  const body = bytes.body as { typecode: number; content: Buffer };
  assert.equal(body.typecode, 0x75, 'a data section');
  assert.equal(body.content.toString(), 'abc');
  assert.equal(bytes.content_type, 'application/octet-stream');
  assert.equal(bytes.message_annotations?.['x-opt-jms-msg-type'], 3);
  await closeConnection(a);
});
