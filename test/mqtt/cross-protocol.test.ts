/**
 * One topic, three protocols: an MQTT PUBLISH reaches a STOMP subscriber and the real ActiveMQ Java client (a
 * BytesMessage with ActiveMQ.MQTT.QoS, as ActiveMQ delivers it), and STOMP and JMS text and bytes messages reach
 * an MQTT subscriber as their bytes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInteropClasses } from '../interop/harness/java-build.js';
import { JavaDriver } from '../interop/harness/java-driver.js';
import { RawStomp } from '../stomp/helpers.js';
import { collecting, client, end, startBroker, waitFor, type Running } from './helpers.js';

let broker: Running;
let mqttUrl: string;
before(async () => {
  broker = await startBroker({
    connectors: { openwire: 'tcp://127.0.0.1:0', stomp: 'stomp://127.0.0.1:0', mqtt: 'mqtt://127.0.0.1:0' },
  });
  mqttUrl = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
});
after(() => broker.stop());

test('MQTT → STOMP: a PUBLISH arrives as a bytes MESSAGE with its QoS header; STOMP → MQTT as the body bytes', async () => {
  const stomp = await RawStomp.open(broker.port('stomp'));
  stomp.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
  assert.equal((await stomp.frame(0)).command, 'CONNECTED');
  stomp.write('SUBSCRIBE\nid:1\ndestination:/topic/sensors.kitchen\nreceipt:r1\n\n\0');
  assert.equal((await stomp.frame(1)).command, 'RECEIPT');

  const { c: m, got } = await collecting(mqttUrl, { protocolVersion: 4 });
  await m.subscribeAsync('sensors/hall', { qos: 1 });
  await m.publishAsync('sensors/kitchen', 'twenty one', { qos: 1 });
  const msg = await stomp.frame(2);
  assert.equal(msg.command, 'MESSAGE');
  assert.equal(msg.headers.get('destination'), '/topic/sensors.kitchen');
  assert.equal(msg.headers.get('ActiveMQ.MQTT.QoS'), '1');
  assert.equal(msg.headers.get('persistent'), 'true');
  // A bytes message: ActiveMQ's STOMP converter marks it with content-length.
  assert.equal(msg.headers.get('content-length'), '10');
  assert.equal(Buffer.from(msg.body).toString(), 'twenty one');

  stomp.write('SEND\ndestination:/topic/sensors.hall\n\nfrom stomp\0');
  await waitFor(() => got.length === 1, 'the STOMP message at the MQTT subscriber');
  assert.equal(got[0]!.topic, 'sensors/hall');
  assert.equal(got[0]!.payload.toString(), 'from stomp');
  stomp.destroy();
  await end(m);
});

test('MQTT ⇄ OpenWire with the ActiveMQ Java client', async (t) => {
  let classes;
  try {
    classes = await buildInteropClasses();
  } catch (e) {
    t.skip(`the Java client is not available: ${(e as Error).message}`);
    return;
  }
  const driver = new JavaDriver(classes.clientClasspath);
  t.after(() => driver.close());
  const { c: m, got } = await collecting(mqttUrl, { protocolVersion: 5 });
  await m.subscribeAsync('jms/out', { qos: 1 });
  const publisher = await client(mqttUrl, { protocolVersion: 4 });
  // The Java consumer subscribes when its scenario starts: keep publishing until it has one.
  let running = true;
  const pump = (async () => {
    while (running) {
      await publisher.publishAsync('jms/in', 'from mqtt', { qos: 1 });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await driver.run('mqtt-interop', [`tcp://127.0.0.1:${broker.port('openwire')}`, 'jms.in', 'jms.out'], 60_000);
  } finally {
    running = false;
    await pump;
  }
  await waitFor(() => got.length === 2, 'the two JMS messages');
  assert.equal(got[0]!.topic, 'jms/out');
  assert.equal(got[0]!.payload.toString(), 'text from jms');
  // A JMS persistent message without ActiveMQ.MQTT.QoS goes out at QoS 1 (see docs/mqtt.md).
  assert.equal(got[0]!.packet.qos, 1);
  assert.deepEqual([...got[1]!.payload], [0, 1, 2, 0xff]);
  await Promise.all([end(m), end(publisher)]);
});
