import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { BrokerProcess } from './harness/broker-process.js';
import { brokerWith as startXmlBroker } from './harness/xml-broker.js';
import type { BrokerXmlOptions } from './harness/broker-xml.js';
import { runLines, waitFor } from './harness/child-lines.js';
import { crashClientClasspath } from './harness/java-classes.js';
import { StompPeer } from './harness/stomp-peer.js';

/** ActiveMQ's text (Queue.checkUsage), with the limit in bytes: 1 mb = 1048576. */
const FULL_TEXT =
  /^Persistent store is Full, 100% of 1048576\. Stopping producer \(\S+\) to prevent flooding queue:\/\/(\S+)\. See http:\/\/activemq\.apache\.org\/producer-flow-control\.html for more info$/;
const BODY = 'x'.repeat(10 * 1024);
/** Short maintenance intervals so freed space shows quickly. */
const FAST = { checkpointInterval: '200', cleanupInterval: '200' };

const brokerWith = (t: TestContext, o: Omit<BrokerXmlOptions, 'directory'>) => startXmlBroker(t, o, 'tidemq-full-');

const stomp = (b: BrokerProcess) => StompPeer.connect(b.stomp.host, b.stomp.port);

/** Sends persistent messages until the broker refuses one; returns how many were confirmed and the error. */
async function sendUntilRefused(
  b: BrokerProcess,
  queue: string,
  max: number,
): Promise<{ sent: number; error: string }> {
  const peer = await stomp(b);
  try {
    for (let i = 1; i <= max; i++) {
      try {
        await peer.request('SEND', { destination: `/queue/${queue}`, persistent: 'true', seq: String(i) }, BODY);
      } catch {
        return { sent: i - 1, error: peer.lastError ?? 'no ERROR frame' };
      }
    }
    return { sent: max, error: 'none' };
  } finally {
    peer.close();
  }
}

/** Consumes (auto ack) until the queue is quiet; returns the seq headers in arrival order. */
async function consumeAll(b: BrokerProcess, queue: string): Promise<number[]> {
  const peer = await stomp(b);
  const got: number[] = [];
  let last = Date.now();
  peer.onMessage = (f) => {
    got.push(Number(f.headers.get('seq')));
    last = Date.now();
  };
  await peer.request('SUBSCRIBE', { destination: `/queue/${queue}`, id: 'all', ack: 'auto' });
  await waitFor(() => Date.now() - last > 1000, `${queue} to go quiet`);
  // A receipt for a later frame proves the broker processed the automatic acks before it.
  await peer.request('UNSUBSCRIBE', { id: 'all' });
  peer.close();
  return got;
}

/** Retries one persistent send until the broker accepts it (space is freed by cleanup, in the background). */
async function untilAccepted(b: BrokerProcess, queue: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await sendUntilRefused(b, queue, 1);
    if (r.sent === 1) return;
    if (Date.now() > deadline) throw new Error(`sends still refused after ${timeoutMs} ms: ${r.error}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

test("storeUsage 1 mb with sendFailIfNoSpace: STOMP producers get ActiveMQ's error, space returns after consumption", async (t) => {
  const broker = await brokerWith(t, { storeLimit: '1 mb', sendFailIfNoSpace: true, kahaDB: FAST });
  const first = await sendUntilRefused(broker, 'full.stomp', 500);
  assert.match(first.error, FULL_TEXT);
  assert.equal(FULL_TEXT.exec(first.error)![1], 'full.stomp');
  assert.ok(first.sent >= 20 && first.sent < 110, `${first.sent} messages of 10 KiB fit in 1 MiB`);
  // The broker keeps running; consuming frees segments and producers are accepted again.
  assert.deepEqual(
    await consumeAll(broker, 'full.stomp'),
    Array.from({ length: first.sent }, (_, i) => i + 1),
  );
  await untilAccepted(broker, 'full.stomp');
  assert.equal(broker.exited, false);
});

test('storeUsage 1 mb with sendFailIfNoSpace: the Java client gets javax.jms.ResourceAllocationException', async (t) => {
  const classpath = await crashClientClasspath();
  const broker = await brokerWith(t, { storeLimit: '1 mb', sendFailIfNoSpace: true, kahaDB: FAST });
  const url = `tcp://${broker.openwire.host}:${broker.openwire.port}`;
  const lines: string[] = [];
  const fill = runLines(
    'java',
    ['-cp', classpath, 'CrashClient', 'fill', url, 'full.java', String(10 * 1024), '500'],
    (l) => lines.push(l),
    60_000,
  );
  assert.equal(await fill.done, 0, fill.stderr.text());
  const failure = lines.find((l) => l.startsWith('X '));
  assert.ok(failure !== undefined, `no send failed: ${lines.length} lines`);
  const [, className, ...rest] = failure.split(' ');
  assert.equal(className, 'javax.jms.ResourceAllocationException');
  assert.match(rest.join(' '), FULL_TEXT);
  const sent = lines.filter((l) => l.startsWith('S ')).length;
  // Consumption through the Java client frees the space again.
  const got: string[] = [];
  const consume = runLines(
    'java',
    ['-cp', classpath, 'CrashClient', 'consume', `${url}?jms.sendAcksAsync=false`, 'full.java', '1500'],
    (l) => got.push(l),
    60_000,
  );
  assert.equal(await consume.done, 0, consume.stderr.text());
  assert.equal(got.filter((l) => l.startsWith('R ')).length, sent);
  await untilAccepted(broker, 'full.java');
});

test('storeUsage 1 mb without sendFailIfNoSpace: a producer waits for space instead of failing, and resumes', async (t) => {
  const broker = await brokerWith(t, { storeLimit: '1 mb', kahaDB: FAST });
  const producer = await stomp(broker);
  t.after(() => producer.close());
  let confirmed = 0;
  let failure: unknown = null;
  const producing = (async () => {
    for (let i = 1; i <= 150; i++) {
      await producer.request('SEND', { destination: '/queue/full.block', persistent: 'true', seq: String(i) }, BODY);
      confirmed = i;
    }
  })().catch((e: unknown) => (failure = e));
  // The broker says it is holding the producer back (ActiveMQ logs the same text while it blocks).
  await waitFor(
    () => broker.linesMatching(/Persistent store is Full.*waiting for space/).length > 0,
    'the store-full warning',
  );
  const held = confirmed;
  assert.ok(held < 150 && failure === null, `held at ${held}, failure ${String(failure)}`);
  // A consumer on another connection drains the queue; the producer resumes and finishes.
  const consumer = await stomp(broker);
  t.after(() => consumer.close());
  const got: number[] = [];
  consumer.onMessage = (f) => got.push(Number(f.headers.get('seq')));
  await consumer.request('SUBSCRIBE', { destination: '/queue/full.block', id: 'c', ack: 'auto' });
  await producing;
  assert.equal(failure, null);
  assert.equal(confirmed, 150);
  await waitFor(() => got.length === 150, 'all 150 messages consumed');
  assert.deepEqual(
    got,
    Array.from({ length: 150 }, (_, i) => i + 1),
  );
});
