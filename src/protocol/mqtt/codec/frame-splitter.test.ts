import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt-packet';
import { detectMqtt, FrameSplitter, MqttFrameError } from './frame-splitter.js';

const packets = [
  mqtt.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'c', clean: true, keepalive: 10 }),
  mqtt.generate({
    cmd: 'publish',
    topic: 'a/b',
    payload: Buffer.alloc(300, 7),
    qos: 1,
    messageId: 3,
    retain: false,
    dup: false,
  }),
  mqtt.generate({ cmd: 'pingreq' }),
  mqtt.generate({ cmd: 'subscribe', messageId: 4, subscriptions: [{ topic: 'x/#', qos: 2 }] }),
];
const stream = Buffer.concat(packets);

test('the same bytes split at every point give the same packets', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const s = new FrameSplitter(1 << 20);
    const out: Buffer[] = [];
    s.push(stream.subarray(0, cut), (p) => out.push(Buffer.from(p)));
    s.push(stream.subarray(cut), (p) => out.push(Buffer.from(p)));
    assert.deepEqual(out, packets, `cut at ${cut}`);
    assert.equal(s.idle, true);
  }
});

test('byte by byte', () => {
  const s = new FrameSplitter(1 << 20);
  const out: Buffer[] = [];
  for (const b of stream) s.push(Buffer.from([b]), (p) => out.push(Buffer.from(p)));
  assert.deepEqual(out, packets);
});

test('a remaining length over the limit throws from the header alone', () => {
  const s = new FrameSplitter(1000);
  assert.throws(() => s.push(Buffer.from([0x30, 0xe9, 0x07]), () => {}), /maximum message length was exceeded/);
  assert.throws(
    () => new FrameSplitter(1 << 30).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff]), () => {}),
    MqttFrameError,
  );
  assert.throws(() => new FrameSplitter(100).push(Buffer.from([0x00, 0x00]), () => {}), /reserved/);
  assert.throws(() => new FrameSplitter(100).push(Buffer.from([0x80, 0x00]), () => {}), /flag bits/);
});

test('detect: CONNECT with MQTT or MQIsdp, undecided until enough bytes', () => {
  assert.equal(detectMqtt(packets[0]!), true);
  assert.equal(detectMqtt(packets[0]!.subarray(0, 4)), undefined);
  assert.equal(detectMqtt(Buffer.from('CONNECT\n')), false);
  assert.equal(detectMqtt(Buffer.from([0x10, 0x10, 0x00, 0x06, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70])), true);
});
