import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Connection, type ReceivedMessage } from '../../src/client/index.js';
import { sharedDispatch } from '../../src/protocol/openwire/shared-dispatch.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/client/broker.js';

/**
 * Topic fan-out with a message marshalled once per wire format (SharedDispatchEncoder) and large bodies sent as
 * the buffers they arrived in (ByteWriter externals, Transport.writev), checked end to end through the Node
 * OpenWire client: every subscriber, whatever version and encoding it negotiated, gets every message byte for
 * byte, with its own redelivery counter. The Java client's side: test/interop/openwire.test.ts.
 */
let broker: TestBroker;
before(async () => {
  broker = await startTestBroker({ name: 'fan-out' });
});
after(() => broker.stop());

let n = 0;
const unique = (p: string): string => `topic://${p}.${process.pid}.${++n}`;

/** Wire formats the subscribers negotiate: shared encodings for the cache-off ones, the cached path for the rest. */
const formats = [
  'wireFormat.cacheEnabled=false',
  'wireFormat.cacheEnabled=false&wireFormat.tightEncodingEnabled=false',
  'wireFormat.cacheEnabled=false&wireFormat.version=6',
  'wireFormat.cacheEnabled=false&wireFormat.version=1&wireFormat.tightEncodingEnabled=false',
  'wireFormat.cacheEnabled=false', // a second subscriber of the same format: reuses the first one's bytes
  '', // the default: marshal cache on, marshalled per subscriber
];

interface Sub {
  readonly format: string;
  readonly connection: Connection;
  readonly got: ReceivedMessage[];
}

async function subscribe(topic: string): Promise<Sub[]> {
  const subs: Sub[] = [];
  for (const format of formats) {
    const connection = await Connection.connect(`${broker.url}${format === '' ? '' : `?${format}`}`);
    const session = await connection.createSession();
    const consumer = await session.createConsumer(topic);
    const got: ReceivedMessage[] = [];
    consumer.setMessageListener((m) => {
      got.push(m);
    });
    subs.push({ format, connection, got });
  }
  return subs;
}

test('subscribers on different OpenWire versions and encodings all receive byte-correct messages', async () => {
  const topic = unique('fan');
  const subs = await subscribe(topic);
  const producerConnection = await Connection.connect(broker.url);
  try {
    const p = await (await producerConnection.createSession()).createProducer(topic);
    const large = randomBytes(300 * 1024);
    const small = randomBytes(700);
    const before = { encoded: sharedDispatch.encoded, reused: sharedDispatch.reused };
    const ids = [
      await p.send('héllo wörld ✓', { properties: { n: 7, big: 2n ** 40n, s: 'x', ok: true }, correlationId: 'c1' }),
      await p.send(small, { properties: { part: 1 } }),
      await p.send(large, { persistent: false }),
      await p.send({ a: 1, b: 'two' }),
      await p.send(large, { properties: { again: true } }),
    ];
    await waitFor(
      () => subs.every((s) => s.got.length >= ids.length),
      'every subscriber got every message',
      20_000,
      () => subs.map((s) => `${s.format}: ${s.got.length}`).join('; '),
    );
    for (const s of subs) {
      const [text, bytes, big, map, big2] = s.got;
      const where = `subscriber with '${s.format}'`;
      assert.deepEqual(
        s.got.map((m) => m.messageId),
        ids,
        where,
      );
      assert.equal(text!.text, 'héllo wörld ✓', where);
      assert.deepEqual(text!.properties, { n: 7, big: 2n ** 40n, s: 'x', ok: true }, where);
      assert.equal(text!.correlationId, 'c1', where);
      assert.ok(bytes!.body.equals(small), where);
      assert.deepEqual(bytes!.properties, { part: 1 }, where);
      assert.ok(big!.body.equals(large), `${where}: the 300 KiB body intact`);
      assert.equal(big!.persistent, false, where);
      assert.deepEqual(map!.map, { a: 1, b: 'two' }, where);
      assert.ok(big2!.body.equals(large), where);
      assert.deepEqual(big2!.properties, { again: true }, where);
      for (const m of s.got) {
        assert.equal(m.destination, topic, where);
        assert.equal(m.redeliveryCounter, 0, where);
      }
    }
    // Four cache-off formats and two subscribers of one of them: at most four encodings of each message (a
    // millisecond boundary can add one), and some reuse.
    assert.ok(sharedDispatch.encoded - before.encoded >= 4 * ids.length, 'encoded once per format at least');
    assert.ok(sharedDispatch.reused - before.reused >= 1, 'the same-format subscriber reused the bytes');
  } finally {
    await producerConnection.close();
    for (const s of subs) await s.connection.close();
  }
});

test('a redelivered topic message carries its own redelivery counter beside a first delivery of it', async () => {
  const topic = unique('redeliver');
  const format = '?wireFormat.cacheEnabled=false';
  const durable = await Connection.connect(`${broker.url}${format}`, { clientId: `dur-${process.pid}` });
  const other = await Connection.connect(`${broker.url}${format}`);
  const producerConnection = await Connection.connect(broker.url);
  let again: Connection | undefined;
  try {
    const ds = await durable.createSession('client');
    const dc = await ds.createDurableSubscriber(topic, 'sub');
    const oc = await (await other.createSession()).createConsumer(topic);
    const p = await (await producerConnection.createSession()).createProducer(topic);
    await p.send('first');
    const d1 = (await dc.receive(5000))!;
    assert.equal(d1.text, 'first');
    assert.equal(d1.redeliveryCounter, 0);
    // Not acknowledged: the broker redelivers it to the durable subscription when it comes back.
    await durable.close();
    const o1 = (await oc.receive(5000))!;
    assert.equal(o1.text, 'first');
    assert.equal(o1.redeliveryCounter, 0);

    again = await Connection.connect(`${broker.url}${format}`, { clientId: `dur-${process.pid}` });
    const as = await again.createSession('client');
    const ac = await as.createDurableSubscriber(topic, 'sub');
    const r = (await ac.receive(5000))!;
    assert.equal(r.text, 'first');
    assert.equal(r.redelivered, true);
    assert.equal(r.redeliveryCounter, 1);
    await r.acknowledge();
    // A new message goes to both with counter 0, from one shared encoding.
    await p.send('second');
    const a2 = (await ac.receive(5000))!;
    const o2 = (await oc.receive(5000))!;
    assert.equal(a2.text, 'second');
    assert.equal(o2.text, 'second');
    assert.equal(a2.redeliveryCounter, 0);
    assert.equal(o2.redeliveryCounter, 0);
    await a2.acknowledge();
    await as.unsubscribe('sub').catch(() => undefined);
  } finally {
    await producerConnection.close();
    await other.close();
    await durable.close().catch(() => undefined);
    await again?.close();
  }
});

test('a large message reaches two queue consumers and a topic subscriber intact, between small ones', async () => {
  const queue = `queue://large.${process.pid}`;
  const topic = unique('large');
  const c = await Connection.connect(broker.url);
  const c2 = await Connection.connect(`${broker.url}?wireFormat.tightEncodingEnabled=false`);
  try {
    const s = await c.createSession();
    const q1 = await s.createConsumer(queue, { prefetch: 1 });
    const q2 = await (await c2.createSession()).createConsumer(queue, { prefetch: 1 });
    const t1 = await (await c2.createSession()).createConsumer(topic);
    const p = await s.createProducer(null);
    const bodies = [randomBytes(10), randomBytes(1024 * 1024), randomBytes(64 * 1024), randomBytes(5)];
    for (const b of bodies) {
      await p.send(b, { destination: queue });
      await p.send(b, { destination: topic });
    }
    const fromQueue: Buffer[] = [];
    const perConsumer = [0, 0];
    for (let i = 0; i < 40 && fromQueue.length < bodies.length; i++) {
      const which = i % 2;
      const m = await [q1, q2][which]!.receive(250);
      if (m === null) continue;
      fromQueue.push(m.body);
      perConsumer[which]!++;
    }
    assert.ok(perConsumer[0]! > 0 && perConsumer[1]! > 0, `both consumers got some: ${perConsumer.join(', ')}`);
    const key = (b: Buffer): string => b.toString('base64');
    assert.deepEqual(fromQueue.map(key).sort(), bodies.map(key).sort());
    for (const b of bodies) assert.ok((await t1.receive(5000))!.body.equals(b));
  } finally {
    await c.close();
    await c2.close();
  }
});
