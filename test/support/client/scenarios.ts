import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection, RemoteJmsError, type ReceivedMessage } from '../../../src/client/index.js';
import { waitFor } from './broker.js';

/**
 * The Node client's scenarios, run against an in-process TideMQ (test/client/client.test.ts) and against the
 * interop broker — TideMQ or the real ActiveMQ 5.17 (test/client/client-interop.test.ts, INTEROP_BROKER).
 */
export interface ScenarioTarget {
  readonly url: string;
  /** A user the broker knows, when it runs with authentication. */
  readonly auth?: { readonly user: string; readonly password: string } | undefined;
}

let current: () => ScenarioTarget = () => {
  throw new Error('registerClientScenarios was not called');
};

let n = 0;
const unique = (p: string): string => `${p}.${process.pid}.${++n}`;

async function withConnection<T>(fn: (c: Connection) => Promise<T>, url?: string, clientId?: string): Promise<T> {
  const c = await Connection.connect(url ?? current().url, clientId === undefined ? {} : { clientId });
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

export function registerClientScenarios(target: () => ScenarioTarget): void {
  current = target;
  test('queue: text, bytes, map and empty bodies with typed properties and headers', async () => {
    await withConnection(async (c) => {
      const s = await c.createSession();
      const q = `queue://${unique('q')}`;
      const p = await s.createProducer(q);
      const id = await p.send('hello', {
        properties: { n: 7, big: 2n ** 40n, f: 1.5, ok: true, s: 'x' },
        correlationId: 'corr',
        type: 'kind',
        priority: 7,
      });
      await p.send(Buffer.from([1, 2, 3]));
      await p.send({ a: 1, b: 'two' });
      await p.send(null, { persistent: false });
      const consumer = await s.createConsumer(q);
      const m1 = (await consumer.receive(5000))!;
      assert.equal(m1.messageId, id);
      assert.equal(m1.text, 'hello');
      assert.deepEqual(m1.properties, { n: 7, big: 2n ** 40n, f: 1.5, ok: true, s: 'x' });
      assert.equal(m1.correlationId, 'corr');
      assert.equal(m1.type, 'kind');
      assert.equal(m1.priority, 7);
      assert.equal(m1.persistent, true);
      assert.equal(m1.destination, q);
      const m2 = (await consumer.receive(5000))!;
      assert.equal(m2.kind, 'bytes');
      assert.deepEqual([...m2.body], [1, 2, 3]);
      const m3 = (await consumer.receive(5000))!;
      assert.deepEqual(m3.map, { a: 1, b: 'two' });
      const m4 = (await consumer.receive(5000))!;
      assert.equal(m4.kind, 'message');
      assert.equal(m4.persistent, false);
      assert.equal(await consumer.receive(200), null);
    });
  });

  test('topic: every subscriber gets each message; a listener receives in order', async () => {
    await withConnection(async (c) => {
      const s = await c.createSession();
      const t = `topic://${unique('t')}`;
      const got: string[][] = [[], []];
      for (const i of [0, 1]) {
        const consumer = await s.createConsumer(t);
        consumer.setMessageListener((m) => {
          got[i]!.push(m.text!);
        });
      }
      const p = await s.createProducer(t);
      for (let i = 0; i < 20; i++) await p.send(`m${i}`);
      await waitFor(
        () => got[0]!.length >= 20 && got[1]!.length >= 20,
        'both subscribers',
        10_000,
        () => JSON.stringify(got),
      );
      const expected = Array.from({ length: 20 }, (_, i) => `m${i}`);
      assert.deepEqual(got, [expected, expected]);
    });
  });

  test('two subscribers of one topic on one connection: the duplicate audit is per topic consumer', async () => {
    await withConnection(async (c) => {
      const s = await c.createSession();
      const t = `topic://${unique('t2')}`;
      const first = await s.createConsumer(t);
      const second = await s.createConsumer(t, { prefetch: 1 }); // its copies are dispatched one at a time, later
      const p = await s.createProducer(t);
      for (let i = 0; i < 5; i++) await p.send(`m${i}`);
      // The first consumes (and so audits) every message id before the second reads its copies.
      for (let i = 0; i < 5; i++) assert.equal((await first.receive(5000))!.text, `m${i}`);
      for (let i = 0; i < 5; i++) assert.equal((await second.receive(5000))?.text, `m${i}`);
    });
  });

  test('client acknowledge: unacknowledged messages come back, redelivered, after the session closes', async () => {
    const q = `queue://${unique('ack')}`;
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(q);
      for (let i = 0; i < 3; i++) await p.send(`m${i}`);
      const cs = await c.createSession('client');
      const consumer = await cs.createConsumer(q);
      const a = (await consumer.receive(5000))!;
      assert.equal(a.text, 'm0');
      await a.acknowledge(); // acks m0 only (all delivered so far)
      assert.equal((await consumer.receive(5000))!.text, 'm1');
      await cs.close(); // m1 delivered, not acknowledged; m2 prefetched
      const again = await s.createConsumer(q);
      const r1 = (await again.receive(5000))!;
      assert.equal(r1.text, 'm1');
      assert.equal(r1.redelivered, true);
      assert.equal((await again.receive(5000))!.text, 'm2');
      assert.equal(await again.receive(200), null);
    });
  });

  test('session.recover() redelivers the unacknowledged messages, marked redelivered', async () => {
    const q = `queue://${unique('recover')}`;
    await withConnection(async (c) => {
      const s = await c.createSession('client');
      const p = await s.createProducer(q);
      for (let i = 0; i < 2; i++) await p.send(`m${i}`);
      const consumer = await s.createConsumer(q);
      assert.equal((await consumer.receive(5000))!.text, 'm0');
      assert.equal((await consumer.receive(5000))!.text, 'm1');
      await s.recover();
      const again = (await consumer.receive(5000))!;
      assert.equal(again.text, 'm0');
      assert.equal(again.redelivered, true);
      assert.equal((await consumer.receive(5000))!.text, 'm1');
      await again.acknowledge();
      assert.equal(await consumer.receive(200), null);
    });
  });

  test('individual acknowledge: only the unacknowledged message comes back', async () => {
    const q = `queue://${unique('ind')}`;
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(q);
      for (let i = 0; i < 3; i++) await p.send(`m${i}`);
      const is = await c.createSession('individual');
      const consumer = await is.createConsumer(q);
      const ms: ReceivedMessage[] = [];
      for (let i = 0; i < 3; i++) ms.push((await consumer.receive(5000))!);
      await ms[0]!.acknowledge();
      await ms[2]!.acknowledge();
      await is.close();
      const again = await s.createConsumer(q);
      assert.equal((await again.receive(5000))!.text, 'm1');
      assert.equal(await again.receive(200), null);
    });
  });

  test('transactions: sends are invisible until commit; a rolled-back receive is redelivered', async () => {
    const q = `queue://${unique('tx')}`;
    await withConnection(async (c) => {
      const ts = await c.createSession('transacted');
      const p = await ts.createProducer(q);
      await p.send('rolled-back');
      await ts.rollback();
      await p.send('committed');
      const s = await c.createSession();
      const watcher = await s.createConsumer(q);
      assert.equal(await watcher.receive(300), null, 'nothing before commit');
      await ts.commit();
      const m = (await watcher.receive(5000))!;
      assert.equal(m.text, 'committed');
      await watcher.close();

      await p.send('again');
      await ts.commit();
      const tc = await ts.createConsumer(q);
      const first = (await tc.receive(5000))!;
      assert.equal(first.text, 'again');
      await ts.rollback();
      const second = (await tc.receive(5000))!;
      assert.equal(second.text, 'again');
      assert.equal(second.redelivered, true);
      assert.equal(second.redeliveryCounter, 1);
      await ts.commit();
      await tc.close();
      const after = await s.createConsumer(q);
      assert.equal(await after.receive(300), null, 'consumed by the commit');
    });
  });

  test('past maximumRedeliveries a rolled-back message is poison-acked to the DLQ', async () => {
    const q = unique('poison');
    await withConnection(async (c) => {
      const s = await c.createSession();
      await (await s.createProducer(`queue://${q}`)).send('bad');
      const ts = await c.createSession('transacted');
      const tc = await ts.createConsumer(`queue://${q}`);
      for (let i = 0; i <= 2; i++) {
        assert.ok(await tc.receive(5000));
        await ts.rollback();
      }
      assert.equal(await tc.receive(300), null);
      const dlq = await s.createConsumer('queue://ActiveMQ.DLQ');
      const dead = (await dlq.receive(5000))!;
      assert.equal(dead.text, 'bad');
    }, `${current().url}?jms.redeliveryPolicy.maximumRedeliveries=2`);
  });

  test('temporary queue request/reply', async () => {
    await withConnection(async (c) => {
      const s = await c.createSession();
      const service = unique('svc');
      const server = await s.createConsumer(`queue://${service}`);
      const replier = await s.createProducer(null);
      server.setMessageListener(async (m) => {
        await replier.send(`re:${m.text}`, { destination: m.replyTo!, correlationId: m.correlationId! });
      });
      const temp = await c.createTemporaryQueue();
      const replies = await s.createConsumer(temp.destination);
      const requester = await s.createProducer(`queue://${service}`);
      await requester.send('ping', { replyTo: temp.destination, correlationId: 'c1' });
      const reply = (await replies.receive(5000))!;
      assert.equal(reply.text, 're:ping');
      assert.equal(reply.correlationId, 'c1');
      assert.match(temp.toString(), /^temp-queue:\/\/ID:/);
      await replies.close();
      await temp.delete();
    });
  });

  test('selectors: a consumer gets only what matches', async () => {
    const q = `queue://${unique('sel')}`;
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(q);
      for (let i = 0; i < 6; i++) await p.send(`m${i}`, { properties: { n: i, colour: i % 2 ? 'red' : 'blue' } });
      const red = await s.createConsumer(q, { selector: "colour = 'red' AND n > 1" });
      assert.equal((await red.receive(5000))!.text, 'm3');
      assert.equal((await red.receive(5000))!.text, 'm5');
      assert.equal(await red.receive(200), null);
      await assert.rejects(s.createConsumer(q, { selector: 'n >>> 1' }), (e: unknown) => {
        assert.ok(e instanceof RemoteJmsError);
        assert.equal(e.javaClassName, 'javax.jms.InvalidSelectorException');
        return true;
      });
    });
  });

  test('durable subscription: messages published while offline arrive on reconnect; unsubscribe removes it', async () => {
    const t = `topic://${unique('dur')}`;
    const clientId = unique('cid');
    await withConnection(
      async (c) => {
        const s = await c.createSession();
        const sub = await s.createDurableSubscriber(t, 'sub1');
        await sub.close();
      },
      current().url,
      clientId,
    );
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(t);
      await p.send('while-offline');
    });
    await withConnection(
      async (c) => {
        const s = await c.createSession();
        const sub = await s.createDurableSubscriber(t, 'sub1');
        assert.equal((await sub.receive(5000))!.text, 'while-offline');
        await sub.close();
        await s.unsubscribe('sub1');
        await assert.rejects(s.unsubscribe('sub1'), RemoteJmsError);
      },
      current().url,
      clientId,
    );
  });

  test('a durable subscriber without a client id is refused locally', async () => {
    await withConnection(async (c) => {
      const s = await c.createSession();
      await assert.rejects(
        s.createDurableSubscriber('topic://x', 'n'),
        /You cannot create a durable subscriber without specifying a unique clientID on a Connection/,
      );
    });
  });

  test('queue browser sees every message without consuming', async () => {
    const q = `queue://${unique('browse')}`;
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(q);
      for (let i = 0; i < 5; i++) await p.send(`m${i}`);
      const browser = await s.createBrowser(q);
      const seen: string[] = [];
      for await (const m of browser) seen.push(m.text!);
      assert.deepEqual(seen, ['m0', 'm1', 'm2', 'm3', 'm4']);
      const consumer = await s.createConsumer(q);
      assert.equal((await consumer.receive(5000))!.text, 'm0');
    });
  });

  test('a browser goes past its prefetch: DELIVERED acks open the window', async () => {
    const q = `queue://${unique('browse-many')}`;
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(q);
      // 300 messages: past the browser prefetch of 100, under ActiveMQ's maxBrowsePageSize (400).
      for (let i = 0; i < 300; i++) await p.send(`m${i}`, { persistent: false });
      const browser = await s.createBrowser(q);
      let n = 0;
      for await (const m of browser) assert.equal(m.text, `m${n++}`);
      assert.equal(n, 300);
    }, `${current().url}?jms.prefetchPolicy.queueBrowserPrefetch=100`);
  });

  test('prefetch 0 pulls: two consumers share a queue one message at a time', async () => {
    const q = `queue://${unique('pull')}`;
    await withConnection(async (c) => {
      const s = await c.createSession();
      const p = await s.createProducer(q);
      for (let i = 0; i < 2; i++) await p.send(`m${i}`);
      const a = await s.createConsumer(q, { prefetch: 0 });
      const b = await s.createConsumer(q, { prefetch: 0 });
      assert.equal((await a.receive(3000))!.text, 'm0');
      assert.equal((await b.receive(3000))!.text, 'm1');
      assert.equal(await a.receive(300), null);
    });
  });

  test('a wrong password surfaces the broker’s SecurityException text', async (t) => {
    const auth = current().auth;
    if (auth === undefined) {
      t.skip('this broker runs without authentication');
      return;
    }
    const url = current().url;
    await assert.rejects(Connection.connect(url, { userName: auth.user, password: 'wrong' }), (e: unknown) => {
      assert.ok(e instanceof RemoteJmsError);
      assert.equal(e.javaClassName, 'java.lang.SecurityException');
      assert.equal(e.isSecurity, true);
      assert.equal(e.message, `User name [${auth.user}] or password is invalid.`);
      return true;
    });
    // A password without a user name: ActiveMQ's text names the user as null.
    await assert.rejects(Connection.connect(url, { password: 'x' }), /User name \[null\] or password is invalid\./);
    const ok = await Connection.connect(`${url}?jms.userName=${auth.user}&jms.password=${auth.password}`);
    await ok.close();
  });

  test('unknown URI options are refused before connecting', async () => {
    await assert.rejects(
      Connection.connect(`${current().url}?jms.nonsense=1`),
      /Invalid connect parameters: \{jms.nonsense=1\}/,
    );
    await assert.rejects(Connection.connect(`${current().url}?wireFormat.bogus=true`), /wireFormat.bogus/);
  });
}
