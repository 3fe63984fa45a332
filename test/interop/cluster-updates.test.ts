import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startTestBroker, waitFor, type TestBroker } from '../support/client/broker.js';
import { connectAsNetworkPeer, startClusterBroker } from '../support/client/cluster-peer.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';

/**
 * Failover cluster updates with the stock ActiveMQ 5.17 Java client (ClusterScenarios.java): TideMQ broker A has
 * updateClusterClients (and rebalanceClusterClients), broker B is a second TideMQ, and a network connection to A
 * announcing B (what a bridge sends) makes B a peer of A while the Java scenario runs.
 */
describe('failover cluster updates with the Java client', () => {
  let driver: JavaDriver;
  before(async () => {
    const classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
  });
  after(() => driver?.close());

  function marker(t: TestContext): string {
    const dir = mkdtempSync(join(tmpdir(), 'tidemq-cluster-java-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return join(dir, 'marker');
  }

  async function brokers(t: TestContext, rebalance: boolean): Promise<{ a: TestBroker; b: TestBroker }> {
    const a = await startClusterBroker({ updateClusterClients: true, rebalanceClusterClients: rebalance });
    const b = await startTestBroker({ name: 'B' });
    t.after(async () => {
      await a.stop();
      await b.stop();
    });
    return { a, b };
  }

  test('the client learns B from a ConnectionControl and fails over to it when A stops', async (t) => {
    const { a, b } = await brokers(t, false);
    const file = marker(t);
    const result = driver.run('cluster-learn', [`failover:(${a.url})?randomize=false`, b.url, file]);
    await waitFor(() => a.service.connector('openwire').connectionCount >= 1, 'the Java client on A', 20_000);
    const peer = await connectAsNetworkPeer(a.url, 'B', b.url);
    t.after(() => peer.close());
    await waitFor(() => existsSync(file), 'the Java client told of B', 20_000);
    await a.stop();
    const outcome = await result;
    assert.match(outcome, /passed/);
    assert.match(outcome, new RegExp(`connected to tcp://127\\.0\\.0\\.1:${b.port}`));
  });

  test('rebalanceClusterClients: of two clients of A, the second is moved to B when B joins', async (t) => {
    const { a, b } = await brokers(t, true);
    const file = marker(t);
    const result = driver.run('cluster-rebalance', [`failover:(${a.url})?randomize=false`, a.url, b.url, file]);
    await waitFor(() => existsSync(file), 'both Java connections on A', 20_000);
    const peer = await connectAsNetworkPeer(a.url, 'B', b.url);
    t.after(() => peer.close());
    const outcome = await result;
    assert.match(outcome, /passed/);
    assert.match(outcome, new RegExp(`second tcp://127\\.0\\.0\\.1:${b.port}`));
    assert.match(outcome, new RegExp(`first tcp://127\\.0\\.0\\.1:${a.port}`));
  });
});
