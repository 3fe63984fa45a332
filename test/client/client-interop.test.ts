import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection } from '../../src/client/index.js';
import type { InteropBroker } from '../interop/harness/broker.js';
import { selectedBrokerKind } from '../interop/harness/broker.js';
import { buildInteropClasses, type InteropClasses } from '../interop/harness/java-build.js';
import { JavaDriver } from '../interop/harness/java-driver.js';
import { startInteropBroker } from '../interop/harness/start-broker.js';
import { waitFor } from '../support/client/broker.js';
import { registerClientScenarios } from '../support/client/scenarios.js';

/**
 * The Node client against the interop broker — TideMQ as a child process (default) or the real ActiveMQ 5.17 with
 * INTEROP_BROKER=activemq, the same switch as test/interop — and side by side with the real Java client.
 */
describe(`Node OpenWire client against ${selectedBrokerKind()}`, () => {
  let classes: InteropClasses;
  let broker: InteropBroker;
  let driver: JavaDriver;

  before(async () => {
    classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
    broker = await startInteropBroker(classes);
  });
  after(async () => {
    await driver?.close();
    await broker?.stop();
  });

  registerClientScenarios(() => ({ url: broker.openwireUrl, auth: broker.auth }));

  let n = 0;
  const queue = (what: string): string => `node.client.${what}.${process.pid}.${Date.now().toString(36)}.${++n}`;

  test('cross-client: the Node client sends, the Java client receives', async () => {
    const q = queue('to-java');
    const c = await Connection.connect(broker.openwireUrl);
    try {
      const s = await c.createSession();
      const p = await s.createProducer(`queue://${q}`);
      for (let i = 0; i < 10; i++) {
        await p.send(`node-${i}`, {
          properties: { i, big: 2n ** 40n + BigInt(i) },
          type: 'node',
          priority: 6,
          correlationId: `c-${i}`,
        });
      }
      await p.send(Buffer.from([1, 2, 3]));
      await p.send({ a: 1, b: 'two' });
    } finally {
      await c.close();
    }
    await driver.run('node-client-java-receive', [broker.openwireUrl, q, '10']);
  });

  test('cross-client: the Java client sends, the Node client receives', async () => {
    const q = queue('from-java');
    await driver.run('node-client-java-send', [broker.openwireUrl, q, '10']);
    const c = await Connection.connect(broker.openwireUrl);
    try {
      const s = await c.createSession('client');
      const consumer = await s.createConsumer(`queue://${q}`);
      for (let i = 0; i < 10; i++) {
        const m = (await consumer.receive(10_000))!;
        assert.equal(m.text, `java-${i}`);
        assert.deepEqual(m.properties, { i, from: 'java' });
      }
      const map = (await consumer.receive(10_000))!;
      assert.deepEqual(map.map, { a: 1, b: 'two' });
      await map.acknowledge();
      assert.equal(await consumer.receive(300), null);
    } finally {
      await c.close();
    }
  });

  test('failover: broker A stops during persistent sends, the client carries on with broker B', async () => {
    const a = await startInteropBroker(classes);
    const b = await startInteropBroker(classes);
    const c = await Connection.connect(
      `failover:(${a.openwireUrl},${b.openwireUrl})?randomize=false&initialReconnectDelay=50`,
    );
    try {
      assert.equal(c.connectedUri, a.openwireUrl);
      const s = await c.createSession();
      const q = `queue://${queue('failover')}`;
      const p = await s.createProducer(q);
      for (let i = 0; i < 60; i++) {
        if (i === 20) void a.stop();
        await p.send(`m${i}`, { persistent: true });
      }
      assert.equal(c.connectedUri, b.openwireUrl);
      const consumer = await s.createConsumer(q);
      const got: string[] = [];
      for (let m = await consumer.receive(5000); m !== null; m = await consumer.receive(1000)) got.push(m.text!);
      // Everything sent once the client was on B is there, in order; what A stored stays on A.
      assert.deepEqual(
        got.slice(-30),
        Array.from({ length: 30 }, (_, i) => `m${i + 30}`),
      );
      await waitFor(() => c.connectedUri === b.openwireUrl);
    } finally {
      await c.close();
      await a.stop();
      await b.stop();
    }
  });
});
