/**
 * AMQP ⇄ OpenWire with the real ActiveMQ 5.17 JMS client (Debian's libactivemq-java, driven through the interop
 * harness's long-lived JVM; the Java half is test/interop/java/AmqpScenarios.java): body types and typed
 * properties survive the JMS mapping both ways.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import rhea, { type EventContext, type Message as AmqpMessage } from 'rhea';
import { amqpProtocol } from '../../src/protocol/amqp/index.js';
import { openWireProtocol } from '../../src/protocol/openwire/openwire-module.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { buildInteropClasses } from '../interop/harness/java-build.js';
import { JavaDriver } from '../interop/harness/java-driver.js';
import { amqpConnect, closeConnection, openReceiver, openSender, waitFor } from './helpers.js';

let service: BrokerService;
let driver: JavaDriver;
let openwireUrl: string;

before(async () => {
  const classes = await buildInteropClasses();
  driver = new JavaDriver(classes.clientClasspath);
  service = new BrokerService({
    brokerName: 'amqp-openwire',
    connectors: [
      { name: 'openwire', scheme: 'tcp', protocol: openWireProtocol, host: '127.0.0.1', port: 0, options: {} },
      { name: 'amqp', scheme: 'amqp', protocol: amqpProtocol, host: '127.0.0.1', port: 0, options: {} },
    ],
  });
  await service.start();
  openwireUrl = `tcp://127.0.0.1:${service.connector('openwire').port}`;
});

after(async () => {
  await driver?.close();
  await service?.stop();
});

const T = rhea.types;

test('AMQP sends, the ActiveMQ JMS client receives Text, Bytes and Map messages with typed properties', async () => {
  const queue = `amqp.to-openwire.${process.pid}`;
  const c = await amqpConnect(service.connector('amqp').port);
  const s = await openSender(c, { target: queue });
  let accepted = 0;
  s.on('accepted', () => accepted++);
  s.send({
    body: 'hello from AMQP ✓',
    subject: 'amqp.text',
    correlation_id: 'corr-42',
    priority: 7,
    durable: true,
    reply_to: 'queue://replies.amqp',
    application_properties: {
      color: 'red',
      count: T.wrap_int(42),
      big: T.wrap_long(1234567890123),
      flag: true,
      ratio: T.wrap_double(0.5),
    },
  });
  s.send({ body: rhea.message.data_section(Buffer.from([0, 1, 2, 255])) as unknown });
  s.send({ body: { k: 'v', n: T.wrap_int(3) } });
  await waitFor(() => accepted === 3, 'stored');
  await closeConnection(c);
  await driver.run('amqp-to-openwire-check', [openwireUrl, queue]);
});

test('the ActiveMQ JMS client sends, AMQP receives the JMS mapping of Text, Bytes and Map messages', async () => {
  const queue = `openwire.to-amqp.${process.pid}`;
  await driver.run('openwire-to-amqp-send', [openwireUrl, queue]);
  const c = await amqpConnect(service.connector('amqp').port);
  const r = await openReceiver(c, { source: queue });
  const got: AmqpMessage[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!));
  await waitFor(() => got.length === 3, 'three messages');
  const [text, bytes, map] = got as [AmqpMessage, AmqpMessage, AmqpMessage];
  assert.equal(text.body, 'hello from OpenWire ✓');
  assert.equal(text.subject, 'openwire.text');
  assert.equal(text.correlation_id, 'corr-7');
  assert.equal(text.priority, 6);
  assert.equal(text.durable, true);
  assert.equal(text.application_properties?.color, 'blue');
  assert.equal(text.application_properties?.count, 7);
  assert.equal(text.application_properties?.flag, true);
  assert.match(String(text.message_id), /^ID:/);
  assert.equal(text.message_annotations?.['x-opt-jms-msg-type'], 5);
  const data = bytes.body as { typecode: number; content: Buffer };
  assert.equal(data.typecode, 0x75);
  assert.deepEqual([...data.content], [9, 8, 7]);
  assert.equal(bytes.message_annotations?.['x-opt-jms-msg-type'], 3);
  assert.deepEqual(map.body, { k: 'v', n: 3 });
  assert.equal(map.message_annotations?.['x-opt-jms-msg-type'], 2);
  await closeConnection(c);
});
