/**
 * MQTT 5 specifics with mqtt.js (protocolVersion 5): user properties as message properties (seen by STOMP too),
 * message expiry as JMS expiration, request/response (response topic, correlation data), topic aliases bounded
 * by the Topic Alias Maximum announced, the client's Receive Maximum as the bound on unacknowledged deliveries,
 * no-local subscriptions (shared subscriptions: shared-subscriptions.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IDisconnectPacket } from 'mqtt-packet';
import { RawStomp } from '../stomp/helpers.js';
import { client, collecting, end, RawMqtt, startBroker, waitFor, type Running } from './helpers.js';

let broker: Running;
let url: string;
before(async () => {
  broker = await startBroker({
    connectors: { mqtt: 'mqtt://127.0.0.1:0?transport.topicAliasMaximum=4', stomp: 'stomp://127.0.0.1:0' },
  });
  url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
});
after(() => broker.stop());

test('user properties, content type, response topic and correlation data travel with the message', async () => {
  const stomp = await RawStomp.open(broker.port('stomp'));
  stomp.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
  await stomp.frame(0);
  stomp.write('SUBSCRIBE\nid:1\ndestination:/topic/rr.request\nreceipt:r\n\n\0');
  await stomp.frame(1);

  const { c: responder, got: requests } = await collecting(url, { protocolVersion: 5 });
  await responder.subscribeAsync('rr/request', { qos: 1 });
  const { c: requester, got: replies } = await collecting(url, { protocolVersion: 5 });
  await requester.subscribeAsync('rr/reply/me', { qos: 1 });
  await requester.publishAsync('rr/request', 'ping', {
    qos: 1,
    properties: {
      userProperties: { tenant: 'acme', region: 'eu' },
      responseTopic: 'rr/reply/me',
      correlationData: Buffer.from('req-1'),
      contentType: 'text/plain',
    },
  });
  await waitFor(() => requests.length === 1, 'the request');
  const p = requests[0]!.packet.properties!;
  assert.deepEqual({ ...p.userProperties }, { tenant: 'acme', region: 'eu' });
  assert.equal(p.responseTopic, 'rr/reply/me');
  assert.equal(p.correlationData?.toString(), 'req-1');
  assert.equal(p.contentType, 'text/plain');

  // The same message through STOMP: user properties are headers, the response topic the reply-to.
  const m = await stomp.frame(2);
  assert.equal(m.headers.get('tenant'), 'acme');
  assert.equal(m.headers.get('reply-to'), '/topic/rr.reply.me');
  assert.equal(m.headers.get('correlation-id'), 'req-1');
  stomp.destroy();

  await responder.publishAsync(p.responseTopic, 'pong', {
    qos: 1,
    properties: { correlationData: p.correlationData },
  });
  await waitFor(() => replies.length === 1, 'the reply');
  assert.equal(replies[0]!.packet.properties?.correlationData?.toString(), 'req-1');
  await Promise.all([end(responder), end(requester)]);
});

test('message expiry: an expired message is not delivered, a live one carries its remaining interval', async () => {
  const c = await client(url, {
    protocolVersion: 5,
    clientId: 'expiry-sub',
    clean: false,
    properties: { sessionExpiryInterval: 60 },
  });
  await c.subscribeAsync('exp/m', { qos: 1 });
  await end(c);
  const pub = await client(url, { protocolVersion: 5 });
  await pub.publishAsync('exp/m', 'short', { qos: 1, properties: { messageExpiryInterval: 1 } });
  await pub.publishAsync('exp/m', 'long', { qos: 1, properties: { messageExpiryInterval: 3600 } });
  await end(pub);
  await new Promise((r) => setTimeout(r, 1200));
  const { c: back, got } = await collecting(url, {
    protocolVersion: 5,
    clientId: 'expiry-sub',
    clean: false,
    properties: { sessionExpiryInterval: 0 },
  });
  await waitFor(() => got.length >= 1, 'the live message');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(
    got.map((g) => g.payload.toString()),
    ['long'],
  );
  const left = got[0]!.packet.properties?.messageExpiryInterval ?? 0;
  assert.ok(left > 3500 && left <= 3600, `remaining interval ${left}`);
  await end(back);
  // The session ended with that connection (expiry 0): its subscription went with it.
  await waitFor(() => broker.service.broker.durableSubscriptions?.('expiry-sub').length === 0, 'the session gone');
});

test('topic aliases: set once, then used with an empty topic; beyond the maximum announced is a protocol error', async () => {
  const { c: sub, got } = await collecting(url, { protocolVersion: 5 });
  await sub.subscribeAsync('alias/t', { qos: 0 });
  const raw = await RawMqtt.open(broker.port('mqtt'), 5);
  raw.write(
    { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'aliaser', clean: true, keepalive: 0 },
    5,
  );
  await waitFor(() => raw.packets.length === 1, 'CONNACK');
  const connack = raw.packets[0] as { properties?: { topicAliasMaximum?: number } };
  assert.equal(connack.properties?.topicAliasMaximum, 4);
  raw.write(
    {
      cmd: 'publish',
      topic: 'alias/t',
      payload: Buffer.from('one'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 2 },
    },
    5,
  );
  raw.write(
    {
      cmd: 'publish',
      topic: '',
      payload: Buffer.from('two'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 2 },
    },
    5,
  );
  await waitFor(() => got.length === 2, 'both messages');
  assert.deepEqual(
    got.map((g) => `${g.topic} ${g.payload.toString()}`),
    ['alias/t one', 'alias/t two'],
  );
  raw.write(
    {
      cmd: 'publish',
      topic: 'alias/t',
      payload: Buffer.from('x'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 5 },
    },
    5,
  );
  await waitFor(() => raw.closed, 'close');
  const d = raw.packets.find((p): p is IDisconnectPacket => p.cmd === 'disconnect');
  assert.equal(d?.reasonCode, 0x94, 'Topic Alias invalid');
  await end(sub);
});

test("receive maximum: no more unacknowledged QoS 1 deliveries than the client's Receive Maximum", async () => {
  const raw = await RawMqtt.open(broker.port('mqtt'), 5);
  raw.write(
    {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clientId: 'rm',
      clean: true,
      keepalive: 0,
      properties: { receiveMaximum: 3 },
    },
    5,
  );
  raw.write({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rm/t', qos: 1 }] }, 5);
  await waitFor(() => raw.packets.some((p) => p.cmd === 'suback'), 'SUBACK');
  const pub = await client(url, { protocolVersion: 5 });
  for (let i = 0; i < 10; i++) await pub.publishAsync('rm/t', `m${i}`, { qos: 1 });
  const publishes = () => raw.packets.filter((p) => p.cmd === 'publish') as Array<{ messageId?: number }>;
  await waitFor(() => publishes().length === 3, 'three deliveries');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(publishes().length, 3, 'held at the receive maximum');
  raw.write({ cmd: 'puback', messageId: publishes()[0]!.messageId! }, 5);
  await waitFor(() => publishes().length === 4, 'one more after a PUBACK');
  raw.destroy();
  await end(pub);
});

test('no local: a subscriber does not get its own messages', async () => {
  const { c, got } = await collecting(url, { protocolVersion: 5 });
  await c.subscribeAsync('nl/t', { qos: 1, nl: true });
  const other = await client(url, { protocolVersion: 5 });
  await c.publishAsync('nl/t', 'mine', { qos: 1 });
  await other.publishAsync('nl/t', 'theirs', { qos: 1 });
  await waitFor(() => got.length === 1, 'the other client’s message');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(
    got.map((g) => g.payload.toString()),
    ['theirs'],
  );
  await Promise.all([end(c), end(other)]);
});
