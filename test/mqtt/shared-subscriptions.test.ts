/**
 * MQTT 5 shared subscriptions (`$share/<group>/<filter>`) with mqtt.js (protocolVersion 5) on separate
 * connections: each message goes to one member of a group, every group gets every message, QoS 0/1/2, members
 * leaving (their unacknowledged messages go to the others), the group's queue removed with its last member,
 * no retained messages, and No Local refused as a protocol error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { QoS } from 'mqtt-packet';
import { sharedQueue } from '../../src/broker/virtual/shared-subscription-broker.js';
import { Destination } from '../../src/model/destination.js';
import { client, collecting, end, RawMqtt, startBroker, waitFor, type Running } from './helpers.js';

let broker: Running;
let url: string;
before(async () => {
  broker = await startBroker();
  url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
});
after(() => broker.stop());

function bodies(got: { payload: Buffer }[]): string[] {
  return got.map((m) => m.payload.toString());
}

for (const qos of [0, 1, 2] as QoS[]) {
  test(`QoS ${qos}: members of a group share the messages, a plain subscriber gets them all`, async () => {
    const topic = `share/q${qos}/t`;
    const a = await collecting(url, { protocolVersion: 5 });
    const b = await collecting(url, { protocolVersion: 5 });
    const plain = await collecting(url, { protocolVersion: 5 });
    await a.c.subscribeAsync(`$share/g/${topic}`, { qos });
    const granted = await b.c.subscribeAsync(`$share/g/${topic}`, { qos });
    assert.equal(granted[0]!.qos, qos);
    await plain.c.subscribeAsync(topic, { qos });
    const p = await client(url, { protocolVersion: 5 });
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const m of sent) await p.publishAsync(topic, m, { qos });
    await waitFor(() => a.got.length + b.got.length === 20 && plain.got.length === 20, 'all delivered');
    // Each message to exactly one member, and both members had some.
    assert.deepEqual([...bodies(a.got), ...bodies(b.got)].sort(), [...sent].sort());
    assert.ok(a.got.length > 0 && b.got.length > 0, `shared ${a.got.length}/${b.got.length}`);
    // Members see the topic the message was published to, not the group's queue.
    assert.ok([...a.got, ...b.got].every((m) => m.topic === topic));
    assert.deepEqual(bodies(plain.got), sent);
    await Promise.all([end(a.c), end(b.c), end(plain.c), end(p)]);
  });
}

test('two groups on one wildcard filter each get every message once', async () => {
  const g1 = await collecting(url, { protocolVersion: 5 });
  const g2a = await collecting(url, { protocolVersion: 5 });
  const g2b = await collecting(url, { protocolVersion: 5 });
  await g1.c.subscribeAsync('$share/one/share/wild/+', { qos: 1 });
  await g2a.c.subscribeAsync('$share/two/share/wild/+', { qos: 1 });
  await g2b.c.subscribeAsync('$share/two/share/wild/+', { qos: 1 });
  const p = await client(url, { protocolVersion: 5 });
  for (let i = 0; i < 10; i++) await p.publishAsync(`share/wild/${i % 3}`, `w${i}`, { qos: 1 });
  await waitFor(() => g1.got.length === 10 && g2a.got.length + g2b.got.length === 10, 'both groups');
  assert.equal(new Set(bodies(g1.got)).size, 10);
  assert.equal(new Set([...bodies(g2a.got), ...bodies(g2b.got)]).size, 10);
  await Promise.all([end(g1.c), end(g2a.c), end(g2b.c), end(p)]);
});

test('the group survives a member leaving: what it had not acknowledged goes to the others', async () => {
  const topic = 'share/leave/t';
  // A raw member that takes QoS 1 messages and never acknowledges them.
  const raw = await RawMqtt.open(broker.port('mqtt'), 5);
  raw.write(
    { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'raw-member', clean: true, keepalive: 0 },
    5,
  );
  raw.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `$share/g/${topic}`, qos: 1 }] }, 5);
  await waitFor(() => raw.packets.some((x) => x.cmd === 'suback'), 'raw suback');
  const b = await collecting(url, { protocolVersion: 5 });
  await b.c.subscribeAsync(`$share/g/${topic}`, { qos: 1 });
  const p = await client(url, { protocolVersion: 5 });
  for (let i = 0; i < 10; i++) await p.publishAsync(topic, `l${i}`, { qos: 1 });
  await waitFor(() => raw.packets.filter((x) => x.cmd === 'publish').length + b.got.length === 10, 'shared');
  const rawGot = raw.packets.filter((x) => x.cmd === 'publish').length;
  assert.ok(rawGot > 0, 'the raw member had some');
  raw.destroy();
  // The messages the raw member held come to b; messages published now go to b alone.
  for (let i = 10; i < 15; i++) await p.publishAsync(topic, `l${i}`, { qos: 1 });
  await waitFor(() => new Set(bodies(b.got)).size === 15, 'everything reaches the remaining member');
  await Promise.all([end(b.c), end(p)]);
  // The last member gone, the group's queue goes too.
  const queue = sharedQueue('g', Destination.topic('share.leave.t'));
  await waitFor(() => !broker.service.broker.destinationExists(queue), 'group queue removed');
});

test('a persistent session holds its shared subscription while away, resumes it, and a clean start ends it', async () => {
  const topic = 'share/held/t';
  const queue = sharedQueue('g', Destination.topic('share.held.t'));
  const options = {
    protocolVersion: 5 as const,
    clientId: 'held-1',
    clean: false,
    properties: { sessionExpiryInterval: 300 },
  };
  const first = await client(url, options);
  await first.subscribeAsync(`$share/g/${topic}`, { qos: 1 });
  await end(first);
  const p = await client(url, { protocolVersion: 5 });
  for (const m of ['a1', 'a2']) await p.publishAsync(topic, m, { qos: 1 });
  assert.ok(broker.service.broker.destinationExists(queue), 'the group outlives its only member');
  const again = await collecting(url, options);
  assert.equal(again.sessionPresent, true);
  await waitFor(() => again.got.length === 2, 'the held messages');
  assert.deepEqual(bodies(again.got), ['a1', 'a2']);
  await end(again.c);
  // A clean start ends the session and, with it, the group.
  const clean = await client(url, { ...options, clean: true, properties: {} });
  await waitFor(() => !broker.service.broker.destinationExists(queue), 'group queue removed');
  await Promise.all([end(clean), end(p)]);
});

test('a shared subscription gets no retained message; a plain one does', async () => {
  const p = await client(url, { protocolVersion: 5 });
  await p.publishAsync('share/retained', 'kept', { qos: 1, retain: true });
  const s = await collecting(url, { protocolVersion: 5 });
  await s.c.subscribeAsync('$share/g/share/retained', { qos: 1 });
  await s.c.subscribeAsync('share/retained', { qos: 1 });
  await waitFor(() => s.got.length === 1, 'the plain subscription has the retained message');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.got.length, 1);
  assert.equal(s.got[0]!.packet.retain, true);
  await p.publishAsync('share/retained', '', { qos: 1, retain: true });
  await Promise.all([end(s.c), end(p)]);
});

test('CONNACK announces shared subscriptions; No Local on one is a protocol error (DISCONNECT 0x82)', async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'), 5);
  raw.write(
    { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'raw-nl', clean: true, keepalive: 0 },
    5,
  );
  await waitFor(() => raw.packets.some((x) => x.cmd === 'connack'), 'connack');
  const connack = raw.packets.find((x) => x.cmd === 'connack') as {
    properties?: { sharedSubscriptionAvailable?: boolean };
  };
  assert.equal(connack.properties?.sharedSubscriptionAvailable, true);
  raw.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/share/nl', qos: 1, nl: true }] }, 5);
  await waitFor(() => raw.closed, 'closed');
  const d = raw.packets.find((x) => x.cmd === 'disconnect') as { reasonCode?: number } | undefined;
  assert.equal(d?.reasonCode, 0x82);
});
