/**
 * MQTT publishers under the broker's memory limits, as STOMP's SEND path is: when a topic's subscribers hold its
 * memoryLimit in pending messages, producer flow control holds QoS 1 PUBLISHes (no PUBACK, then no more reading)
 * until room is made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawMqtt, startBroker, waitFor } from './helpers.js';

test('producer flow control holds an MQTT publisher at the topic memoryLimit until the subscriber goes', async (t) => {
  const broker = await startBroker({
    children: `<destinationPolicy><policyMap><policyEntries>
      <policyEntry topic="pfc.>" producerFlowControl="true" memoryLimit="1 mb"/>
    </policyEntries></policyMap></destinationPolicy>`,
  });
  t.after(() => broker.stop());
  const port = broker.port('mqtt');
  // A subscriber that takes one message and never acknowledges it (Receive Maximum 1): the rest wait for it.
  const sub = await RawMqtt.open(port, 5);
  sub.write(
    {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clientId: 'stuck',
      clean: true,
      keepalive: 0,
      properties: { receiveMaximum: 1 },
    },
    5,
  );
  sub.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'pfc/t', qos: 1 }] }, 5);
  await waitFor(() => sub.packets.some((p) => p.cmd === 'suback'), 'SUBACK');

  const pub = await RawMqtt.open(port);
  pub.write({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'producer',
    clean: true,
    keepalive: 0,
  });
  const payload = Buffer.alloc(64 * 1024, 1);
  for (let i = 1; i <= 40; i++) {
    pub.write({ cmd: 'publish', topic: 'pfc/t', payload, qos: 1, messageId: i, retain: false, dup: false });
  }
  const acks = () => pub.packets.filter((p) => p.cmd === 'puback').length;
  await waitFor(() => acks() >= 10, 'the first PUBACKs');
  await new Promise((r) => setTimeout(r, 500));
  const held = acks();
  assert.ok(held < 40, `held back at ${held} of 40 PUBACKs by 1 MB of pending messages`);
  sub.destroy();
  await waitFor(() => acks() === 40, 'every PUBACK once the subscriber is gone', 10_000);
  pub.destroy();
});
