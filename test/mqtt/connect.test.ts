/**
 * MQTT CONNECT through the broker's security, client ids, link stealing, wills and keep-alive, with mqtt.js
 * speaking 3.1.1 (protocolVersion 4) and 5, and raw packets where mqtt.js would not send them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorWithReasonCode } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { client, collect, end, RawMqtt, startBroker, waitFor, type Running } from './helpers.js';

const SECURITY = `<plugins>
  <simpleAuthenticationPlugin>
    <users>
      <authenticationUser username="system" password="manager" groups="admins,users"/>
      <authenticationUser username="user" password="password" groups="users"/>
    </users>
  </simpleAuthenticationPlugin>
  <authorizationPlugin><map><authorizationMap><authorizationEntries>
    <authorizationEntry topic="secret.>" read="admins" write="admins" admin="admins"/>
${['home', 'all', 'steal', 'will']
  .map((t) => `<authorizationEntry topic="${t}.>" read="users" write="users" admin="users"/>`)
  .join('\n')}
    <authorizationEntry topic="ActiveMQ.Advisory.>" read="users" write="users" admin="users"/>
  </authorizationEntries></authorizationMap></map></authorizationPlugin>
</plugins>`;

let broker: Running;
let url: string;
before(async () => {
  broker = await startBroker({
    children: SECURITY,
    connectors: { mqtt: 'mqtt://127.0.0.1:0?transport.defaultKeepAlive=0' },
  });
  url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
});
after(() => broker.stop());

const user = { username: 'user', password: 'password' };

for (const protocolVersion of [4, 5] as const) {
  describe(`MQTT ${protocolVersion === 4 ? '3.1.1' : '5'}`, () => {
    test('a wrong password is refused with CONNACK 5 (3.1.1, as ActiveMQ) or 0x86 (5)', async () => {
      await assert.rejects(
        client(url, { protocolVersion, username: 'user', password: 'wrong' }),
        (e: ErrorWithReasonCode) => {
          assert.equal(e.code, protocolVersion === 4 ? 5 : 0x86);
          return true;
        },
      );
      await assert.rejects(client(url, { protocolVersion }), (e: ErrorWithReasonCode) => {
        assert.equal(e.code, protocolVersion === 4 ? 5 : 0x86);
        return true;
      });
    });

    test('publish and subscribe at QoS 0, 1 and 2 with topic wildcards', async () => {
      const sub = await client(url, { protocolVersion, ...user, clientId: `sub-${protocolVersion}` });
      const got = collect(sub);
      const granted = await sub.subscribeAsync({
        [`home/${protocolVersion}/+/temp`]: { qos: 2 },
        [`all/${protocolVersion}/#`]: { qos: 1 },
      });
      assert.deepEqual(
        granted.map((g) => g.qos),
        [2, 1],
      );
      const pub = await client(url, { protocolVersion, ...user });
      await pub.publishAsync(`home/${protocolVersion}/kitchen/temp`, '21', { qos: 0 });
      await pub.publishAsync(`home/${protocolVersion}/hall/temp`, '19', { qos: 1 });
      await pub.publishAsync(`all/${protocolVersion}/a/b`, 'deep', { qos: 2 });
      await waitFor(() => got.length === 3, 'three messages');
      const byTopic = new Map(got.map((g) => [g.topic, g]));
      assert.equal(byTopic.get(`home/${protocolVersion}/kitchen/temp`)?.payload.toString(), '21');
      assert.equal(byTopic.get(`home/${protocolVersion}/hall/temp`)?.packet.qos, 1);
      // The subscription's QoS caps the message's.
      assert.equal(byTopic.get(`all/${protocolVersion}/a/b`)?.packet.qos, 1);
      await end(pub);
      await end(sub);
    });

    test('the authorization map refuses a subscription (SUBACK 0x80 / 0x87) and drops a publish', async () => {
      const c = await client(url, { protocolVersion, ...user });
      // mqtt.js rejects a SUBACK whose code is a failure; the packet says which.
      const refusal = (await c.subscribeAsync({ 'secret/plans': { qos: 1 } }).then(
        () => null,
        (e: unknown) => e,
      )) as { packet?: { granted: number[] } } | null;
      assert.deepEqual(refusal?.packet?.granted, [protocolVersion === 4 ? 0x80 : 0x87]);
      const admin = await client(url, { protocolVersion, username: 'system', password: 'manager' });
      const got = collect(admin);
      await admin.subscribeAsync('secret/plans', { qos: 1 });
      // ActiveMQ acknowledges a refused publish (3.1.1 has no way to say no); MQTT 5 gets the reason code.
      const refused = c.publishAsync('secret/plans', 'leak', { qos: 1 });
      if (protocolVersion === 5) {
        await assert.rejects(refused, /Not authorized|135/i);
      } else {
        await refused;
      }
      await admin.publishAsync('secret/plans', 'ok', { qos: 1 });
      await waitFor(() => got.length === 1, 'the admin message');
      assert.equal(got[0]!.payload.toString(), 'ok');
      await end(c);
      await end(admin);
    });

    test('a second CONNECT with the same client id takes over the first (link stealing)', async () => {
      const first = await client(url, { protocolVersion, ...user, clientId: `steal-${protocolVersion}` });
      let firstClosed = false;
      first.on('close', () => (firstClosed = true));
      const second = await client(url, { protocolVersion, ...user, clientId: `steal-${protocolVersion}` });
      await waitFor(() => firstClosed, 'the first connection closed');
      const got = collect(second);
      await second.subscribeAsync('steal/t', { qos: 1 });
      await second.publishAsync('steal/t', 'still here', { qos: 1 });
      await waitFor(() => got.length === 1, 'the second connection works');
      first.end(true);
      await end(second);
    });

    test('the will is published when a client drops, not after DISCONNECT', async () => {
      const watcher = await client(url, { protocolVersion, ...user });
      const got = collect(watcher);
      await watcher.subscribeAsync(`will/${protocolVersion}/#`, { qos: 1 });
      const dropper = await client(url, {
        protocolVersion,
        ...user,
        will: { topic: `will/${protocolVersion}/dropped`, payload: Buffer.from('gone'), qos: 1, retain: false },
      });
      const polite = await client(url, {
        protocolVersion,
        ...user,
        will: { topic: `will/${protocolVersion}/polite`, payload: Buffer.from('never'), qos: 1, retain: false },
      });
      await end(polite);
      dropper.stream.destroy();
      await waitFor(() => got.length >= 1, 'the will');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        got.map((g) => g.topic),
        [`will/${protocolVersion}/dropped`],
      );
      dropper.end(true);
      await end(watcher);
    });
  });
}

test('3.1.1: an empty client id needs clean session (CONNACK 2), and gets a generated one otherwise', async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'));
  // mqtt-packet will not write this CONNECT; it is the clean one with the clean-session flag cleared.
  const bytes = mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: '',
    clean: true,
    keepalive: 0,
  });
  bytes[9] = bytes[9]! & ~0x02;
  raw.write(bytes);
  await waitFor(() => raw.closed, 'close');
  assert.equal((raw.packets[0] as { returnCode?: number }).returnCode, 2);
  const c = await client(url, { protocolVersion: 4, ...user, clientId: '', clean: true });
  await end(c);
});

test('5: an empty client id is assigned one, announced in CONNACK', async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'), 5);
  raw.write(
    {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clientId: '',
      clean: true,
      keepalive: 0,
      username: 'user',
      password: Buffer.from('password'),
    },
    5,
  );
  await waitFor(() => raw.packets.length === 1, 'CONNACK');
  const connack = raw.packets[0] as { reasonCode?: number; properties?: { assignedClientIdentifier?: string } };
  assert.equal(connack.reasonCode, 0);
  assert.match(connack.properties?.assignedClientIdentifier ?? '', /^ID:/);
  raw.destroy();
});

test('keep-alive: a client silent for 1.5 × its keep-alive is disconnected', async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'));
  raw.write({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'sleepy',
    clean: true,
    keepalive: 1,
    ...{ username: 'user', password: Buffer.from('password') },
  });
  await waitFor(() => raw.packets.length === 1, 'CONNACK');
  const started = Date.now();
  await waitFor(() => raw.closed, 'the keep-alive cut', 5000);
  const waited = Date.now() - started;
  assert.ok(waited >= 1300 && waited < 3500, `cut after ${waited} ms`);
});

test('an unsupported protocol level is answered with CONNACK 1 and a close', async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'));
  // CONNECT, "MQTT", level 6.
  raw.write(Buffer.from([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x61]));
  await waitFor(() => raw.closed, 'close');
  assert.equal(raw.packets[0]?.cmd, 'connack');
  assert.equal((raw.packets[0] as { returnCode?: number }).returnCode, 1);
});

test('packets written right behind CONNECT, before its CONNACK, are handled in order (paho-mqtt does this)', async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'));
  const bytes = Buffer.concat([
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: 'eager',
      clean: true,
      keepalive: 0,
      username: 'user',
      password: Buffer.from('password'),
    }),
    mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'home/eager', qos: 1 }] }),
  ]);
  // The SUBSCRIBE arrives in a read of its own, while CONNECT is still being authenticated.
  raw.write(bytes.subarray(0, bytes.length - 10));
  raw.write(bytes.subarray(bytes.length - 10));
  await waitFor(() => raw.packets.length === 2, 'CONNACK and SUBACK');
  assert.deepEqual(
    raw.packets.map((p) => p.cmd),
    ['connack', 'suback'],
  );
  raw.destroy();
});
