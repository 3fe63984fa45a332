/**
 * Hostile MQTT input: each case ends the offending connection with a clear reason (MQTT 5: a DISCONNECT with a
 * reason code first), holds no more than it must, and leaves the broker serving everyone else.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IDisconnectPacket } from 'mqtt-packet';
import { client, collect, end, RawMqtt, startBroker, waitFor, type Running } from './helpers.js';

let broker: Running;
let port: number;
let url: string;
before(async () => {
  broker = await startBroker({
    connectors: {
      mqtt:
        'mqtt://127.0.0.1:0?wireFormat.maxFrameSize=65536&transport.receiveMaximum=50&transport.maxSubscriptions=100' +
        '&transport.maxPendingWriteBytes=1048576&transport.soWriteTimeout=1000',
    },
  });
  port = broker.port('mqtt');
  url = `mqtt://127.0.0.1:${port}`;
});
after(() => broker.stop());

function disconnectOf(raw: RawMqtt): IDisconnectPacket | undefined {
  for (const p of raw.packets) if (p.cmd === 'disconnect') return p;
  return undefined;
}

/** The broker still serves a fresh client. */
async function stillServing(): Promise<void> {
  const c = await client(url, { protocolVersion: 4 });
  const got = collect(c);
  await c.subscribeAsync('alive', { qos: 1 });
  await c.publishAsync('alive', 'yes', { qos: 1 });
  await waitFor(() => got.length === 1, 'a message through the broker');
  await end(c);
}

async function connected(version: 4 | 5 = 4, clientId = `raw-${Math.random()}`): Promise<RawMqtt> {
  const raw = await RawMqtt.open(port, version);
  raw.write(
    { cmd: 'connect', protocolId: 'MQTT', protocolVersion: version, clientId, clean: true, keepalive: 0 },
    version,
  );
  await waitFor(() => raw.packets.some((p) => p.cmd === 'connack'), 'CONNACK');
  return raw;
}

test('garbage instead of CONNECT closes the connection', async () => {
  const raw = await RawMqtt.open(port);
  raw.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  await waitFor(() => raw.closed, 'close');
  await stillServing();
});

test('a remaining length above wireFormat.maxFrameSize is refused from the fixed header, before the body', async () => {
  const raw = await connected(5);
  // PUBLISH QoS 0 announcing 10 MB; only the header and a few bytes are sent.
  raw.write(Buffer.from([0x30, 0x80, 0xad, 0xe2, 0x04, 0x00, 0x01, 0x74]));
  await waitFor(() => raw.closed, 'close without waiting for 10 MB', 2000);
  const d = disconnectOf(raw);
  assert.equal(d?.reasonCode, 0x95, 'MQTT 5: Packet too large');
  assert.match(String(d?.properties?.reasonString), /maximum message length was exceeded/);
  await stillServing();
});

test('a remaining length of more than four bytes is malformed', async () => {
  const raw = await connected(4);
  raw.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
  await waitFor(() => raw.closed, 'close');
  await stillServing();
});

test('a topic name that is not UTF-8 closes the connection and is not delivered', async () => {
  const watcher = await client(url, { protocolVersion: 4 });
  const got = collect(watcher);
  await watcher.subscribeAsync('#', { qos: 0 });
  const raw = await connected(5);
  // PUBLISH QoS 0, topic of two bytes C3 28 (an invalid sequence), payload "x".
  raw.write(Buffer.from([0x30, 0x06, 0x00, 0x02, 0xc3, 0x28, 0x00, 0x78]));
  await waitFor(() => raw.closed, 'close');
  const d = disconnectOf(raw);
  assert.equal(d?.reasonCode, 0x81, 'MQTT 5: Malformed packet');
  await stillServing();
  assert.ok(!got.some((g) => g.payload.toString() === 'x'), 'nothing of it was delivered');
  await end(watcher);
});

for (const version of [4, 5] as const) {
  test(`a flood of QoS 2 PUBLISH without PUBREL is cut at transport.receiveMaximum (v${version})`, async () => {
    const raw = await connected(version);
    for (let i = 1; i <= 200; i++) {
      raw.write(
        { cmd: 'publish', topic: 'flood', payload: Buffer.from('x'), qos: 2, messageId: i, retain: false, dup: false },
        version,
      );
    }
    await waitFor(() => raw.closed, 'close');
    const recs = raw.packets.filter((p) => p.cmd === 'pubrec').length;
    assert.ok(recs <= 50, `no more than receiveMaximum PUBRECs (${recs})`);
    if (version === 5) {
      const d = disconnectOf(raw);
      assert.equal(d?.reasonCode, 0x93, 'Receive Maximum exceeded');
    }
    await stillServing();
  });
}

test('a SUBSCRIBE with thousands of filters is refused (transport.maxSubscriptions)', async () => {
  const raw = await connected(5);
  const subscriptions = Array.from({ length: 5000 }, (_, i) => ({ topic: `many/${i}`, qos: 0 as const }));
  raw.write({ cmd: 'subscribe', messageId: 1, subscriptions }, 5);
  await waitFor(() => raw.closed, 'close');
  const d = disconnectOf(raw);
  assert.equal(d?.reasonCode, 0x97, 'Quota exceeded');
  assert.match(String(d?.properties?.reasonString), /5000 topic filters exceeds transport.maxSubscriptions=100/);
  await stillServing();
});

test('filters beyond transport.maxSubscriptions on one connection are refused one by one', async () => {
  const c = await client(url, { protocolVersion: 4 });
  const map = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`each/${i}`, { qos: 0 as const }]));
  await c.subscribeAsync(map);
  const refusal = (await c.subscribeAsync('each/overflow', { qos: 0 }).then(
    () => null,
    (e: unknown) => e,
  )) as { packet?: { granted: number[] } } | null;
  assert.deepEqual(refusal?.packet?.granted, [0x80]);
  await end(c);
});

test('a subscriber that never reads is paused, then cut at transport.soWriteTimeout; others are still served', async () => {
  const raw = await connected(4, 'sleeper');
  raw.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'firehose', qos: 0 }] });
  await waitFor(() => raw.packets.some((p) => p.cmd === 'suback'), 'SUBACK');
  raw.pause();
  const reader = await client(url, { protocolVersion: 4 });
  let read = 0;
  reader.on('message', () => read++);
  await reader.subscribeAsync('firehose', { qos: 0 });
  const pub = await client(url, { protocolVersion: 4 });
  // Enough to fill the kernel's socket buffers on loopback (several MB) and then the broker's.
  const payload = Buffer.alloc(48 * 1024, 1); // under this connector's 64 KiB frame limit
  // A paused socket sees no close event; the broker's log says when it cut the sleeper.
  const cut = (): boolean => broker.logs.some((l) => /Closing connection of a client that does not read/.test(l));
  for (let i = 0; i < 1500 && !cut(); i++) await pub.publishAsync('firehose', payload, { qos: i % 20 === 0 ? 1 : 0 });
  await waitFor(cut, 'the sleeper cut', 10_000);
  raw.destroy();
  await waitFor(() => read >= 100, 'the reader keeps reading', 10_000);
  await Promise.all([end(pub), end(reader)]);
  await stillServing();
});
