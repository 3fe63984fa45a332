import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { Connection, parseClientUri } from '../../src/client/index.js';
import { T } from '../../src/protocol/openwire/codec/index.js';
import { connectionControl, startFakeBroker } from '../support/client/fake-broker.js';
import { startTestBroker, waitFor } from '../support/client/broker.js';

/** The failover: transport against real in-process brokers (and a scripted one for cluster updates). */

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('failover URIs parse with the Java client’s options and defaults', () => {
  const u = parseClientUri(
    'failover:(tcp://a:61616,ssl://b:61617?socket.verifyHostName=false)?randomize=false&maxReconnectAttempts=3&timeout=100&priorityBackup=true&jms.prefetchPolicy.all=5&nested.wireFormat.maxInactivityDuration=0',
  );
  assert.equal(u.failover!.randomize, false);
  assert.equal(u.failover!.maxReconnectAttempts, 3);
  assert.equal(u.failover!.timeout, 100);
  assert.equal(u.failover!.priorityBackup, true);
  assert.equal(u.failover!.initialReconnectDelay, 10);
  assert.equal(u.failover!.useExponentialBackOff, true);
  assert.equal(u.jms.prefetch.queuePrefetch, 5);
  assert.deepEqual(
    u.brokers.map((b) => [b.scheme, b.host, b.port, b.transport.wireFormat.get('maxInactivityDuration')]),
    [
      ['tcp', 'a', 61616, '0'],
      ['ssl', 'b', 61617, '0'],
    ],
  );
  assert.equal(u.brokers[1]!.transport.socket.verifyHostName, false);
  assert.throws(
    () => parseClientUri('failover:(tcp://a:1)?randomise=false'),
    /Invalid connect parameters: \{randomise=false\}/,
  );
});

test('broker A stops while persistent messages are sent: the client moves to B and no send fails', async () => {
  const a = await startTestBroker({ name: 'A' });
  const b = await startTestBroker({ name: 'B' });
  const c = await Connection.connect(`failover:(${a.url},${b.url})?randomize=false&initialReconnectDelay=20`);
  try {
    assert.equal(c.connectedUri, a.url);
    const s = await c.createSession();
    const consumer = await s.createConsumer('queue://failover.q');
    const received: string[] = [];
    consumer.setMessageListener((m) => {
      received.push(m.text!);
    });
    const p = await s.createProducer('queue://failover.q');
    let interrupted = 0;
    let resumed = 0;
    c.on('interrupted', () => interrupted++);
    c.on('resumed', () => resumed++);
    const total = 200;
    for (let i = 0; i < total; i++) {
      if (i === 50) void a.stop(); // mid-stream, while sends are in flight
      await p.send(`m${i}`, { persistent: true });
    }
    assert.equal(c.connectedUri, b.url);
    assert.equal(interrupted, 1);
    assert.equal(resumed, 1);
    // The consumer was replayed on B: everything sent after the move arrives there, in order, once.
    await waitFor(() => received.includes(`m${total - 1}`), 'the last message through B');
    const onB = received.slice(received.indexOf('m199') - 100, received.indexOf('m199') + 1);
    assert.deepEqual(
      onB,
      Array.from({ length: 101 }, (_, i) => `m${i + 99}`),
    );
    assert.equal(new Set(received).size, received.length, 'no duplicates delivered');
  } finally {
    await c.close();
    await a.stop();
    await b.stop();
  }
});

test('an open transaction spanning a failover is rolled back at commit with TransactionRolledBackException', async () => {
  const a = await startTestBroker({ name: 'A' });
  const b = await startTestBroker({ name: 'B' });
  const c = await Connection.connect(`failover:(${a.url},${b.url})?randomize=false&initialReconnectDelay=20`);
  try {
    const ts = await c.createSession('transacted');
    const p = await ts.createProducer('queue://failover.tx');
    await p.send('in-doubt');
    await a.stop();
    await waitFor(() => c.connectedUri === b.url, 'reconnect to B');
    await assert.rejects(ts.commit(), (e: unknown) => {
      assert.equal((e as { javaClassName: string }).javaClassName, 'javax.jms.TransactionRolledBackException');
      assert.match((e as Error).message, /post failover recovery/);
      return true;
    });
    await p.send('after');
    await ts.commit();
    const s = await c.createSession();
    const consumer = await s.createConsumer('queue://failover.tx');
    assert.equal((await consumer.receive(5000))!.text, 'after');
    assert.equal(await consumer.receive(200), null);
  } finally {
    await c.close();
    await a.stop();
    await b.stop();
  }
});

test('maxReconnectAttempts / startupMaxReconnectAttempts: gives up with the Java client’s text', async () => {
  const port = await freePort();
  await assert.rejects(
    Connection.connect(`failover:(tcp://127.0.0.1:${port})?startupMaxReconnectAttempts=3&initialReconnectDelay=10`),
    /Failed to connect to \[tcp:\/\/127\.0\.0\.1:\d+\] after: 3 attempt\(s\)/,
  );
});

test('exponential back-off: attempts slow down up to maxReconnectDelay', async () => {
  const port = await freePort();
  const started = Date.now();
  await assert.rejects(
    Connection.connect(
      `failover:(tcp://127.0.0.1:${port})?maxReconnectAttempts=5&initialReconnectDelay=20&backOffMultiplier=2&maxReconnectDelay=100`,
    ),
  );
  // Delays 20 + 40 + 80 + 100 between five rounds.
  assert.ok(Date.now() - started >= 230, `took ${Date.now() - started} ms`);
});

test('priorityBackup: connected to the backup, the client moves back when the priority broker starts', async () => {
  const port = await freePort();
  const b = await startTestBroker({ name: 'B' });
  const c = await Connection.connect(
    `failover:(tcp://127.0.0.1:${port},${b.url})?randomize=false&priorityBackup=true&initialReconnectDelay=20&maxReconnectDelay=200`,
  );
  let a: Awaited<ReturnType<typeof startTestBroker>> | undefined;
  try {
    assert.equal(c.connectedUri, b.url);
    const s = await c.createSession();
    const consumer = await s.createConsumer('queue://prio');
    a = await startTestBroker({ name: 'A', port });
    await waitFor(() => c.connectedUri === a!.url, 'move to the priority broker', 15_000);
    // The session and consumer came along.
    const p = await s.createProducer('queue://prio');
    await p.send('on-A');
    assert.equal((await consumer.receive(5000))!.text, 'on-A');
  } finally {
    await c.close();
    await a?.stop();
    await b.stop();
  }
});

test('ConnectionControl: connectedBrokers teaches the client the cluster; rebalanceConnection moves it', async () => {
  const fake = await startFakeBroker('answer');
  const b = await startTestBroker({ name: 'B' });
  const c = await Connection.connect(`failover:(${fake.url})?initialReconnectDelay=20`);
  try {
    assert.equal(c.connectedUri, fake.url);
    fake.sendToAll(connectionControl({ connectedBrokers: `${fake.url},${b.url}` }));
    // The fake broker dies: the only URI the client was given is gone, the cluster update names B.
    await new Promise((r) => setTimeout(r, 100));
    await fake.stop();
    await waitFor(() => c.connectedUri === b.url, 'reconnect to a broker learnt from the cluster update');
  } finally {
    await c.close();
    await b.stop();
  }

  const fake2 = await startFakeBroker('answer');
  const b2 = await startTestBroker({ name: 'B2' });
  const c2 = await Connection.connect(`failover:(${fake2.url})?initialReconnectDelay=20`);
  try {
    fake2.sendToAll(connectionControl({ rebalanceConnection: true, reconnectTo: b2.url }));
    await waitFor(() => c2.connectedUri === b2.url, 'rebalanced to B2');
  } finally {
    await c2.close();
    await fake2.stop();
    await b2.stop();
  }
});

test('updateURIsSupported=false ignores cluster updates', async () => {
  const fake = await startFakeBroker('answer');
  const b = await startTestBroker({ name: 'B' });
  const c = await Connection.connect(
    `failover:(${fake.url})?initialReconnectDelay=20&updateURIsSupported=false&maxReconnectAttempts=3`,
  );
  let failed: Error | undefined;
  c.on('error', (e: Error) => (failed = e));
  try {
    fake.sendToAll(connectionControl({ connectedBrokers: b.url }));
    await new Promise((r) => setTimeout(r, 100));
    await fake.stop();
    await waitFor(() => failed !== undefined, 'failover gives up');
    assert.match(failed!.message, /after: 3 attempt/);
  } finally {
    await c.close();
    await b.stop();
  }
});

test('a send that timed out is not resent by failover after a reconnect', async () => {
  const a = await startFakeBroker('answer-control');
  const b = await startFakeBroker('answer-control');
  const c = await Connection.connect(`failover:(${a.url},${b.url})?randomize=false&initialReconnectDelay=20`, {
    requestTimeout: 300,
  });
  try {
    const s = await c.createSession();
    const p = await s.createProducer('queue://stalled');
    await assert.rejects(p.send('given up'), /No response from the broker within 300 ms/);
    await a.stop();
    await waitFor(() => c.connectedUri === b.url, 'reconnect to B');
    await (await c.createSession()).close(); // a round trip on B: anything resent would have arrived before it
    assert.deepEqual(
      b.received.filter((m) => m.type === 28),
      [],
      'the abandoned send must not be replayed',
    );
  } finally {
    await c.close();
    await a.stop();
    await b.stop();
  }
});

test('closing while failover waits for a broker is immediate: removes and acks are stale and answered locally', async () => {
  const a = await startTestBroker({ name: 'A' });
  const c = await Connection.connect(`failover:(${a.url})?initialReconnectDelay=50&maxReconnectDelay=100`);
  const s = await c.createSession('client');
  await s.createConsumer('queue://closing');
  await a.stop();
  await waitFor(() => c.connectedUri === null, 'the drop');
  const started = Date.now();
  await c.close();
  assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started} ms`);
});

test('a commit in flight when the broker drops is answered with ActiveMQ’s in-doubt TransactionRolledBackException', async () => {
  // Broker A takes the commit and never answers it, then dies.
  const a = await startFakeBroker('answer', {
    ignore: (c) => c.type === T.TRANSACTION_INFO && c.transactionType === 2,
  });
  const b = await startTestBroker({ name: 'B' });
  const c = await Connection.connect(`failover:(${a.url},${b.url})?randomize=false&initialReconnectDelay=20`);
  try {
    const ts = await c.createSession('transacted');
    await (await ts.createProducer('queue://in-doubt')).send('x');
    const commit = ts.commit();
    await waitFor(() => a.received.some((m) => m.type === T.TRANSACTION_INFO && m.transactionType === 2), 'the commit');
    await a.stop();
    await assert.rejects(commit, (e: unknown) => {
      assert.equal((e as { javaClassName: string }).javaClassName, 'javax.jms.TransactionRolledBackException');
      assert.match(
        (e as Error).message,
        /^Transaction completion in doubt due to failover\. Forcing rollback of TX:ID:/,
      );
      return true;
    });
    assert.equal(c.connectedUri, b.url);
  } finally {
    await c.close();
    await a.stop();
    await b.stop();
  }
});
