/**
 * Retained messages, persistent sessions held by durable subscriptions (named as ActiveMQ names them) across a
 * reconnect and across a broker restart on the journal store, and exactly-once handshakes kept across a reconnect.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { client, collect, collecting, end, RawMqtt, startBroker, waitFor, type Running } from './helpers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-mqtt-session-'));
  dirs.push(d);
  return d;
}

for (const protocolVersion of [4, 5] as const) {
  test(`retained: a new subscriber gets the last retained message, an empty one clears it (v${protocolVersion})`, async (t) => {
    const broker = await startBroker();
    t.after(() => broker.stop());
    const url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
    const pub = await client(url, { protocolVersion });
    await pub.publishAsync('retain/a', 'first', { qos: 1, retain: true });
    await pub.publishAsync('retain/a', 'second', { qos: 1, retain: true });
    await pub.publishAsync('retain/a', 'live, not retained', { qos: 1 });

    const late = await client(url, { protocolVersion });
    const got = collect(late);
    await late.subscribeAsync('retain/#', { qos: 1 });
    await waitFor(() => got.length === 1, 'the retained message');
    assert.equal(got[0]!.payload.toString(), 'second');
    assert.equal(got[0]!.packet.retain, true, 'sent with the retain flag');
    await pub.publishAsync('retain/a', 'live', { qos: 1 });
    await waitFor(() => got.length === 2, 'the live message');
    assert.equal(got[1]!.packet.retain, false, '[MQTT-3.3.1-9] live messages go without it');

    await pub.publishAsync('retain/a', '', { qos: 1, retain: true });
    const later = await client(url, { protocolVersion });
    const none = collect(later);
    await later.subscribeAsync('retain/#', { qos: 1 });
    await pub.publishAsync('retain/b', 'marker', { qos: 1 });
    await waitFor(() => none.length === 1, 'the marker');
    assert.equal(none[0]!.topic, 'retain/b', 'the cleared retained message is not delivered');
    await Promise.all([end(pub), end(late), end(later)]);
  });
}

test('persistent session: QoS 1 messages published while away arrive on reconnect, also after a broker restart', async () => {
  const dataDir = tempDir();
  let broker: Running = await startBroker({ persistent: true, dataDir });
  let url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
  const sub = await client(url, { protocolVersion: 4, clientId: 'durable-1', clean: false });
  await sub.subscribeAsync('plant/+/alarm', { qos: 1 });
  await end(sub);
  // ActiveMQ's name for it: `<QoS>:<filter>` under the client id.
  assert.deepEqual(broker.service.broker.durableSubscriptions?.('durable-1'), ['AT_LEAST_ONCE:plant/+/alarm']);

  const pub = await client(url, { protocolVersion: 4 });
  await pub.publishAsync('plant/7/alarm', 'while away', { qos: 1 });
  await end(pub);

  const {
    c: back,
    got,
    sessionPresent,
  } = await collecting(url, { protocolVersion: 4, clientId: 'durable-1', clean: false });
  assert.equal(sessionPresent, true);
  await waitFor(() => got.length === 1, 'the message kept for the session');
  assert.equal(got[0]!.payload.toString(), 'while away');
  await end(back);

  const pub2 = await client(url, { protocolVersion: 4 });
  await pub2.publishAsync('plant/9/alarm', 'across a restart', { qos: 1 });
  await end(pub2);
  await broker.stop();

  broker = await startBroker({ persistent: true, dataDir });
  url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
  try {
    const { c: again, got: got2 } = await collecting(url, { protocolVersion: 4, clientId: 'durable-1', clean: false });
    await waitFor(() => got2.length === 1, 'the message stored before the restart');
    assert.equal(got2[0]!.payload.toString(), 'across a restart');
    assert.equal(got2[0]!.topic, 'plant/9/alarm');
    await end(again);

    // A clean session deletes what the client id held.
    const clean = await client(url, { protocolVersion: 4, clientId: 'durable-1', clean: true });
    await end(clean);
    assert.deepEqual(broker.service.broker.durableSubscriptions?.('durable-1'), []);
  } finally {
    await broker.stop();
  }
});

test('MQTT 5 session expiry: the session outlives the connection for its interval, then goes', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.stop());
  const url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
  const c = await client(url, {
    protocolVersion: 5,
    clientId: 'exp',
    clean: true,
    properties: { sessionExpiryInterval: 1 },
  });
  await c.subscribeAsync('exp/t', { qos: 1 });
  await end(c);
  assert.deepEqual(broker.service.broker.durableSubscriptions?.('exp'), ['AT_LEAST_ONCE:exp/t']);
  await waitFor(() => broker.service.broker.durableSubscriptions?.('exp').length === 0, 'the expiry', 4000);
});

test('exactly once: a QoS 2 PUBLISH resent before PUBREL (DUP) is not delivered twice, also after a reconnect', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.stop());
  const url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
  const watcher = await client(url, { protocolVersion: 4 });
  const got = collect(watcher);
  await watcher.subscribeAsync('once/#', { qos: 2 });

  const connect = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'q2',
    clean: false,
    keepalive: 0,
  } as const;
  const publish = {
    cmd: 'publish',
    topic: 'once/x',
    payload: Buffer.from('one'),
    qos: 2,
    messageId: 42,
    retain: false,
  } as const;
  const raw = await RawMqtt.open(broker.port('mqtt'));
  raw.write({ ...connect });
  raw.write({ ...publish, dup: false });
  await waitFor(() => raw.packets.some((p) => p.cmd === 'pubrec'), 'PUBREC');
  raw.write({ ...publish, dup: true });
  await waitFor(() => raw.packets.filter((p) => p.cmd === 'pubrec').length === 2, 'the second PUBREC');
  raw.destroy();

  const again = await RawMqtt.open(broker.port('mqtt'));
  again.write({ ...connect });
  again.write({ ...publish, dup: true });
  await waitFor(() => again.packets.some((p) => p.cmd === 'pubrec'), 'PUBREC after the reconnect');
  again.write({ cmd: 'pubrel', messageId: 42 });
  await waitFor(() => again.packets.some((p) => p.cmd === 'pubcomp'), 'PUBCOMP');
  await waitFor(() => got.length >= 1, 'the message');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(got.length, 1, 'delivered once');
  again.destroy();
  await end(watcher);
});

test('exactly once to a subscriber: a PUBREL not completed before a reconnect is sent again on resume', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.stop());
  const connect = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'q2-sub',
    clean: false,
    keepalive: 0,
  } as const;
  const raw = await RawMqtt.open(broker.port('mqtt'));
  raw.write({ ...connect });
  raw.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rel/t', qos: 2 }] });
  await waitFor(() => raw.packets.some((p) => p.cmd === 'suback'), 'SUBACK');
  const pub = await client(`mqtt://127.0.0.1:${broker.port('mqtt')}`, { protocolVersion: 4 });
  await pub.publishAsync('rel/t', 'once', { qos: 2 });
  await waitFor(() => raw.packets.some((p) => p.cmd === 'publish'), 'the PUBLISH');
  const id = raw.packets.find((p) => p.cmd === 'publish')!.messageId!;
  raw.write({ cmd: 'pubrec', messageId: id });
  await waitFor(() => raw.packets.some((p) => p.cmd === 'pubrel'), 'PUBREL');
  raw.destroy();

  const again = await RawMqtt.open(broker.port('mqtt'));
  again.write({ ...connect });
  await waitFor(() => again.packets.some((p) => p.cmd === 'pubrel'), 'PUBREL again');
  assert.equal(again.packets.find((p) => p.cmd === 'pubrel')!.messageId, id);
  assert.ok(!again.packets.some((p) => p.cmd === 'publish'), 'the message itself is not sent again');
  again.write({ cmd: 'pubcomp', messageId: id });
  again.destroy();
  await end(pub);
});
