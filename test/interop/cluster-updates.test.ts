import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startTestBroker, waitFor, type TestBroker } from '../support/client/broker.js';
import { connectAsNetworkPeer, startClusterBroker } from '../support/client/cluster-peer.js';
import { startActiveMQ } from './harness/activemq-broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { freePort } from './harness/free-port.js';
import { buildInteropClasses, type InteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';

/**
 * Failover cluster updates with the stock ActiveMQ 5.17 Java client (ClusterUpdateScenarios.java): TideMQ broker A has
 * updateClusterClients (and rebalanceClusterClients), broker B is a second TideMQ, and a network connection to A
 * announcing B (what a bridge sends) makes B a peer of A while the Java scenario runs.
 */
describe('failover cluster updates with the Java client', () => {
  let driver: JavaDriver;
  let classes: InteropClasses;
  before(async () => {
    classes = await buildInteropClasses();
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
    const result = driver.run('cluster-update-learn', [`failover:(${a.url})?randomize=false`, b.url, file]);
    await waitFor(() => a.service.connector('openwire').connectionCount >= 1, 'the Java client on A', 20_000);
    const peer = await connectAsNetworkPeer(a.url, 'B', b.url);
    t.after(() => peer.close());
    await waitFor(() => existsSync(file), 'the Java client told of B', 20_000);
    await a.stop();
    const outcome = await result;
    t.diagnostic(outcome);
    assert.match(outcome, /passed/);
    assert.match(outcome, new RegExp(`connected to tcp://127\\.0\\.0\\.1:${b.port}`));
  });

  test('a client connecting after B joined gets B in its first ConnectionControl (and peerBrokerInfos)', async (t) => {
    const { a, b } = await brokers(t, false);
    const peer = await connectAsNetworkPeer(a.url, 'B', b.url);
    t.after(() => peer.close());
    await waitFor(() => a.service.peerBrokers.list().length === 1, 'B a peer of A');
    const file = marker(t);
    const result = driver.run('cluster-update-learn', [`failover:(${a.url})?randomize=false`, b.url, file]);
    await waitFor(() => existsSync(file), 'the Java client told of B', 20_000);
    await a.stop();
    const outcome = await result;
    t.diagnostic(outcome);
    assert.match(outcome, new RegExp(`connected to tcp://127\\.0\\.0\\.1:${b.port}`));
  });

  test('rebalanceClusterClients: of two clients of A, the second is moved to B when B joins', async (t) => {
    const { a, b } = await brokers(t, true);
    const file = marker(t);
    const result = driver.run('cluster-update-rebalance', [`failover:(${a.url})?randomize=false`, a.url, b.url, file]);
    await waitFor(() => existsSync(file), 'both Java connections on A', 20_000);
    const peer = await connectAsNetworkPeer(a.url, 'B', b.url);
    t.after(() => peer.close());
    const outcome = await result;
    t.diagnostic(outcome);
    assert.match(outcome, /passed/);
    assert.match(outcome, new RegExp(`second tcp://127\\.0\\.0\\.1:${b.port}`));
    assert.match(outcome, new RegExp(`first tcp://127\\.0\\.0\\.1:${a.port}`));
  });

  // The same scenario with ActiveMQ 5.17 as A (INTEROP_BROKER=activemq, the interop suite's switch): ActiveMQ's
  // network bridge to a TideMQ B learns B's BrokerInfo.brokerURL, and ActiveMQ's cluster update carries it.
  const skipActiveMQ = selectedBrokerKind() === 'activemq' ? false : 'runs with INTEROP_BROKER=activemq';
  test(
    'ActiveMQ 5.17 as A, bridged to a TideMQ B: the client learns B and fails over to it',
    { skip: skipActiveMQ },
    async (t) => {
      const b = await startTestBroker({ name: 'B' });
      t.after(() => b.stop());
      const a = await startActiveMQ(classes, {
        xml: ({ dataDir, openwirePort, stompPort }) => activemqClusterXml(dataDir, openwirePort, stompPort, b.url, ''),
      });
      t.after(() => a.stop());
      const file = marker(t);
      const result = driver.run('cluster-update-learn', [`failover:(${a.openwireUrl})?randomize=false`, b.url, file]);
      await waitFor(() => existsSync(file), 'the Java client told of B by ActiveMQ', 30_000);
      await a.stop();
      const outcome = await result;
      t.diagnostic(outcome);
      assert.match(outcome, /passed/);
      assert.match(outcome, new RegExp(`connected to tcp://127\\.0\\.0\\.1:${b.port}`));
    },
  );

  test(
    'ActiveMQ 5.17 as A with rebalanceClusterClients: of two clients, the second moves to B when B joins',
    { skip: skipActiveMQ },
    async (t) => {
      // B's port is chosen first and B started once both clients are on A; ActiveMQ's static bridge retries.
      const port = await freePort();
      const bUrl = `tcp://127.0.0.1:${port}`;
      const a = await startActiveMQ(classes, {
        xml: ({ dataDir, openwirePort, stompPort }) =>
          activemqClusterXml(dataDir, openwirePort, stompPort, bUrl, ' rebalanceClusterClients="true"'),
      });
      t.after(() => a.stop());
      const file = marker(t);
      const result = driver.run('cluster-update-rebalance', [
        `failover:(${a.openwireUrl})?randomize=false`,
        a.openwireUrl,
        bUrl,
        file,
      ]);
      await waitFor(() => existsSync(file), 'both Java connections on ActiveMQ', 20_000);
      const b = await startTestBroker({ name: 'B', port });
      t.after(() => b.stop());
      const outcome = await result;
      t.diagnostic(outcome);
      assert.match(outcome, /passed/);
    },
  );
});

/** ActiveMQ 5.17 with cluster updates on its OpenWire connector and a static network connector to `peer`. */
function activemqClusterXml(
  dataDir: string,
  openwirePort: number,
  stompPort: number,
  peer: string,
  extra: string,
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="false"
          schedulerSupport="false" dataDirectory="${dataDir}">
    <networkConnectors>
      <networkConnector uri="static:(${peer})?initialReconnectDelay=200&amp;useExponentialBackOff=false"/>
    </networkConnectors>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}" updateClusterClients="true"${extra}/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`;
}
