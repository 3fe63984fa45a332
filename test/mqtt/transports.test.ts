/**
 * MQTT on every connector that carries it, opened from activemq.xml: mqtt://, mqtt+nio://, mqtt+ssl://, ws:// with
 * the `mqtt` subprotocol, and auto:// (detected from CONNECT); plus Debian's mosquitto_pub / mosquitto_sub.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { makeTlsFixtures, STORE_PASSWORD, type TlsFixtures } from '../support/transport/tls/test-fixtures.js';
import { sslContextXml } from '../tls/stores.js';
import { collecting, client, end, startBroker, waitFor, type Running } from './helpers.js';

const run = promisify(execFile);

let fx: TlsFixtures;
let broker: Running;
let ca: Buffer;
before(async () => {
  fx = await makeTlsFixtures({ keytool: false });
  ca = await readFile(fx.caCert);
  broker = await startBroker({
    children: sslContextXml({
      keyStore: fx.brokerOpensslP12,
      keyStorePassword: STORE_PASSWORD,
      keyStoreType: 'pkcs12',
    }),
    connectors: {
      mqtt: 'mqtt://127.0.0.1:0',
      nio: 'mqtt+nio://127.0.0.1:0',
      ssl: 'mqtt+ssl://127.0.0.1:0',
      ws: 'ws://127.0.0.1:0',
      auto: 'auto://127.0.0.1:0',
    },
  });
});
after(async () => {
  await broker?.stop();
  await fx?.cleanup();
});

/** One round trip through the given URL, seen by a subscriber on plain mqtt://. */
async function roundTrip(url: string, options: Parameters<typeof client>[1], topic: string): Promise<void> {
  const { c: sub, got } = await collecting(`mqtt://127.0.0.1:${broker.port('mqtt')}`, { protocolVersion: 4 });
  await sub.subscribeAsync(topic, { qos: 1 });
  const c = await client(url, options);
  const { got: back } = { got: [] as string[] };
  c.on('message', (_t, p) => back.push(p.toString()));
  await c.subscribeAsync(`${topic}/echo`, { qos: 1 });
  await c.publishAsync(topic, `via ${url.split(':')[0]}`, { qos: 1 });
  await waitFor(() => got.length === 1, `the message from ${url}`);
  await sub.publishAsync(`${topic}/echo`, 'back', { qos: 1 });
  await waitFor(() => back.length === 1, `the message to ${url}`);
  await Promise.all([end(c), end(sub)]);
}

test('mqtt+nio:// is mqtt://', async () => {
  await roundTrip(`mqtt://127.0.0.1:${broker.port('nio')}`, { protocolVersion: 4 }, 'nio');
});

test('mqtt+ssl:// (mqtts with the CA)', async () => {
  await roundTrip(
    `mqtts://127.0.0.1:${broker.port('ssl')}`,
    { protocolVersion: 5, ca, servername: 'localhost' },
    'ssl',
  );
});

test('ws:// with the mqtt subprotocol', async () => {
  await roundTrip(`ws://127.0.0.1:${broker.port('ws')}/`, { protocolVersion: 4 }, 'ws');
});

test('auto:// recognises MQTT from its CONNECT', async () => {
  await roundTrip(`mqtt://127.0.0.1:${broker.port('auto')}`, { protocolVersion: 5 }, 'auto');
});

test('mosquitto_sub and mosquitto_pub (Debian mosquitto-clients), 3.1.1 and 5', async (t) => {
  try {
    await run('mosquitto_pub', ['--help']).catch((e: { code?: unknown }) => {
      if (e.code === 'ENOENT') throw e;
    });
  } catch {
    t.skip('mosquitto-clients is not installed');
    return;
  }
  const port = String(broker.port('mqtt'));
  for (const version of ['mqttv311', 'mqttv5']) {
    const sub = spawn('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-V',
      version,
      '-t',
      'cli/#',
      '-q',
      '1',
      '-C',
      '1',
      '-v',
    ]);
    let out = '';
    sub.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => sub.once('exit', r));
    // The subscriber is ready once the broker has its consumer; publish until it has one message (-C 1).
    let done = false;
    void exited.then(() => (done = true));
    for (let i = 0; i < 50 && !done; i++) {
      await run('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        port,
        '-V',
        version,
        '-t',
        'cli/x',
        '-q',
        '1',
        '-m',
        `hello ${version}`,
      ]);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await exited, 0);
    assert.equal(out.trim(), `cli/x hello ${version}`);
  }
});

/** paho-mqtt 1.6 (Debian python3-paho-mqtt): subscribe and publish at QoS 2, as 3.1.1 and as 5. */
const PAHO = `
import sys, threading
import paho.mqtt.client as mqtt
port, version = int(sys.argv[1]), sys.argv[2]
proto = mqtt.MQTTv5 if version == '5' else mqtt.MQTTv311
got = threading.Event()
def on_message(c, u, m):
    print(m.topic, m.payload.decode(), m.qos, flush=True)
    got.set()
c = mqtt.Client(client_id='paho-' + version, protocol=proto)
c.on_message = on_message
c.connect('127.0.0.1', port)
c.loop_start()
r = c.subscribe('paho/' + version, qos=2)
import time; time.sleep(0.2)
c.publish('paho/' + version, 'hello from paho', qos=2).wait_for_publish()
ok = got.wait(10)
c.disconnect(); c.loop_stop()
sys.exit(0 if ok else 1)
`;

test('paho-mqtt (Debian python3-paho-mqtt), 3.1.1 and 5', async (t) => {
  for (const version of ['4', '5']) {
    let out: string;
    try {
      out = (await run('/usr/bin/python3', ['-c', PAHO, String(broker.port('mqtt')), version], { timeout: 20_000 }))
        .stdout;
    } catch (e) {
      if (/No module named 'paho'|ENOENT/.test(String((e as { stderr?: string }).stderr ?? e))) {
        t.skip('python3-paho-mqtt is not installed');
        return;
      }
      throw e;
    }
    assert.equal(out.trim(), `paho/${version} hello from paho 2`);
  }
});
