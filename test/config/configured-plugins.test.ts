/**
 * The broker attributes and plugins of issue 12.9 that used to be read and then ignored, each proven through a
 * real STOMP connection on a broker assembled from activemq.xml exactly as `tidemq start --config` assembles it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { assembleBroker } from '../../src/server/assemble.js';
import { BrokerService } from '../../src/server/broker-service.js';
import '../../src/server/builtin-protocols.js';
import { Destination } from '../../src/model/destination.js';
import { Logger } from '../../src/util/logger.js';
import { RawStomp, waitFor } from '../stomp/helpers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-plugins-'));
  dirs.push(d);
  return d;
}

interface Running {
  service: BrokerService;
  port: number;
  logs: string[];
}

/** Starts a broker from the `<broker>` attributes and children given, with one STOMP connector on port 0. */
async function startBroker(attributes: string, children: string, dataDir = tempDir()): Promise<Running> {
  const xml = `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="plugins" dataDirectory="${dataDir}" ${attributes}>
  ${children}
  <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>
</broker>`;
  const logs: string[] = [];
  const logger = Logger.create({ level: 'info', write: (l) => logs.push(l), debugChannels: '' });
  const { config } = loadBrokerConfigText(xml, path.join(dataDir, 'activemq.xml'), { properties: {}, strict: true });
  const service = new BrokerService(await assembleBroker(config, { logger }));
  await service.start();
  return { service, port: service.connector('stomp').port, logs };
}

async function connected(port: number, headers = ''): Promise<RawStomp> {
  const c = await RawStomp.open(port);
  c.write(`CONNECT\naccept-version:1.2\nhost:localhost\n${headers}\n\0`);
  assert.equal((await c.frame(0)).command, 'CONNECTED');
  return c;
}

/** Sends one frame with a receipt and waits for it, so the broker has stored the message. */
async function sendWithReceipt(c: RawStomp, headers: string, body: string): Promise<void> {
  const index = c.frames.length;
  c.write(`SEND\n${headers}receipt:r${index}\n\n${body}\0`);
  const f = await c.frame(index);
  assert.equal(f.command, 'RECEIPT', `expected a RECEIPT, got ${f.command} ${f.headers.get('message') ?? ''}`);
}

async function receiveOne(port: number, destination: string): Promise<Map<string, string>> {
  const c = await connected(port);
  c.write(`SUBSCRIBE\nid:s\ndestination:${destination}\nack:auto\n\n\0`);
  const f = await c.frame(1);
  c.destroy();
  assert.equal(f.command, 'MESSAGE');
  return f.headers;
}

test('timeStampingBrokerPlugin: the broker clock replaces the producer timestamp, the TTL is kept under ttlCeiling', async (t) => {
  const b = await startBroker(
    '',
    '<plugins><timeStampingBrokerPlugin ttlCeiling="60000" zeroExpirationOverride="5000"/></plugins>',
  );
  t.after(() => b.service.stop());
  const p = await connected(b.port);
  // A producer whose clock is at 1970: timestamp 1000, one hour to live.
  await sendWithReceipt(p, 'destination:/queue/ts\ntimestamp:1000\nexpires:3601000\n', 'late clock');
  await sendWithReceipt(p, 'destination:/queue/ts\ntimestamp:1000\n', 'no expiry');
  p.destroy();
  const before = Date.now();
  const c = await connected(b.port);
  c.write('SUBSCRIBE\nid:s\ndestination:/queue/ts\nack:auto\n\n\0');
  const first = (await c.frame(1)).headers;
  const second = (await c.frame(2)).headers;
  c.destroy();
  const ts = Number(first.get('timestamp'));
  assert.ok(ts > 1000 && Math.abs(ts - before) < 10_000, `timestamp ${ts} is the broker's clock`);
  assert.equal(Number(first.get('expires')) - ts, 60_000, 'a one-hour TTL is cut to the 60 s ceiling');
  assert.equal(Number(second.get('expires')) - Number(second.get('timestamp')), 5000, 'zeroExpirationOverride');
});

test('timeStampingBrokerPlugin futureOnly: an expiration is never moved backwards', async (t) => {
  const b = await startBroker('', '<plugins><timeStampingBrokerPlugin futureOnly="true"/></plugins>');
  t.after(() => b.service.stop());
  const p = await connected(b.port);
  // A producer clock one day ahead: moving its expiration to the broker's clock would shorten it, so neither moves.
  const ahead = Date.now() + 86_400_000;
  await sendWithReceipt(p, `destination:/queue/fo\ntimestamp:${ahead}\nexpires:${ahead + 60_000}\n`, 'x');
  p.destroy();
  const h = await receiveOne(b.port, '/queue/fo');
  assert.equal(Number(h.get('timestamp')), ahead);
  assert.equal(Number(h.get('expires')), ahead + 60_000);
});

test('forcePersistencyModeBrokerPlugin persistenceFlag="true": a non-persistent send is stored as persistent', async () => {
  const dataDir = tempDir();
  const plugin = '<plugins><forcePersistencyModeBrokerPlugin persistenceFlag="true"/></plugins>';
  const first = await startBroker('', plugin, dataDir);
  const p = await connected(first.port);
  await sendWithReceipt(p, 'destination:/queue/force\npersistent:false\n', 'kept');
  p.destroy();
  await first.service.stop();
  // Only a stored message survives the restart.
  const second = await startBroker('', plugin, dataDir);
  try {
    const h = await receiveOne(second.port, '/queue/force');
    assert.equal(h.get('persistent'), 'true');
  } finally {
    await second.service.stop();
  }
});

test('forcePersistencyModeBrokerPlugin defaults to non-persistent, as ActiveMQ', async (t) => {
  const b = await startBroker('', '<plugins><forcePersistencyModeBrokerPlugin/></plugins>');
  t.after(() => b.service.stop());
  const p = await connected(b.port);
  await sendWithReceipt(p, 'destination:/queue/np\npersistent:true\n', 'x');
  p.destroy();
  const h = await receiveOne(b.port, '/queue/np');
  assert.equal(h.get('persistent'), undefined);
});

test('rejectDurableConsumers="true": a durable subscribe is refused with ActiveMQ\'s text; a plain one works', async (t) => {
  const b = await startBroker('rejectDurableConsumers="true"', '');
  t.after(() => b.service.stop());
  const plain = await connected(b.port);
  plain.write('SUBSCRIBE\nid:s\ndestination:/topic/t\nreceipt:ok\n\n\0');
  assert.equal((await plain.frame(1)).command, 'RECEIPT');
  plain.destroy();
  const durable = await connected(b.port, 'client-id:c1\n');
  durable.write('SUBSCRIBE\nid:d\ndestination:/topic/t\nactivemq.subscriptionName:sub\nreceipt:r\n\n\0');
  const f = await durable.frame(1);
  durable.destroy();
  assert.equal(f.command, 'ERROR');
  assert.equal(f.headers.get('message'), 'Durable Consumers are not allowed');
});

test('deleteAllMessagesOnStartup="true": the store starts empty, with a WARN; other files stay', async () => {
  const dataDir = tempDir();
  const first = await startBroker('', '', dataDir);
  const p = await connected(first.port);
  await sendWithReceipt(p, 'destination:/queue/wipe\npersistent:true\n', 'old');
  p.destroy();
  await first.service.stop();
  const storeDir = path.join(dataDir, 'plugins', 'KahaDB');
  fs.writeFileSync(path.join(storeDir, 'operator-notes.txt'), 'mine');

  const second = await startBroker('deleteAllMessagesOnStartup="true"', '', dataDir);
  try {
    assert.ok(
      second.logs.some((l) => /WARN/i.test(l) && l.includes('deleteAllMessagesOnStartup') && l.includes(storeDir)),
      second.logs.join('\n'),
    );
    const producer = await connected(second.port);
    await sendWithReceipt(producer, 'destination:/queue/wipe\n', 'new');
    producer.destroy();
    const c = await connected(second.port);
    c.write('SUBSCRIBE\nid:s\ndestination:/queue/wipe\nack:auto\n\n\0');
    await waitFor(() => c.frames.some((f) => f.command === 'MESSAGE'), 'the new message');
    const bodies = c.frames.filter((f) => f.command === 'MESSAGE').map((f) => f.body.toString());
    c.destroy();
    assert.deepEqual(bodies, ['new'], 'the message stored before the restart is gone');
    assert.equal(fs.readFileSync(path.join(storeDir, 'operator-notes.txt'), 'utf8'), 'mine');
  } finally {
    await second.service.stop();
  }
});

test('<destinations>: queues and topics exist once the broker has started', async (t) => {
  const b = await startBroker(
    '',
    '<destinations><queue physicalName="made.at.start"/><topic physicalName="t.at.start"/></destinations>',
  );
  t.after(() => b.service.stop());
  assert.equal(b.service.broker.destinationExists(Destination.queue('made.at.start')), true);
  assert.equal(b.service.broker.destinationExists(Destination.topic('t.at.start')), true);
});
