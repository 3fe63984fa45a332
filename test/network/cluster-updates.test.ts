import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { Connection, parseClientUri } from '../../src/client/index.js';
import { openWire } from '../../src/client/transport.js';
import { T } from '../../src/protocol/openwire/codec/index.js';
import { systemClock } from '../../src/util/clock.js';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { assembleBroker } from '../../src/server/assemble.js';
import { BrokerService } from '../../src/server/broker-service.js';
import '../../src/server/builtin-protocols.js';
import type { ClusterUpdateOptions } from '../../src/server/cluster-client-updates.js';
import { Logger } from '../../src/util/logger.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/client/broker.js';
import { connectAsNetworkPeer, networkBrokerInfo, startClusterBroker } from '../support/client/cluster-peer.js';

/**
 * Failover cluster updates through the real protocol: a TideMQ broker A with updateClusterClients & co., a second
 * broker B, a "peer" that connects to A as a network bridge does (BrokerInfo with networkConnection=true and
 * brokerURL = B), and Node `failover:` clients of A that learn B, move to B, and forget B.
 */

/**
 * Clean-up in reverse order of creation (clients before their brokers), once per test: a broker stopped under
 * a connected failover client would wait out its shutdown grace while the client keeps reconnecting.
 */
const cleanups = new WeakMap<TestContext, (() => Promise<unknown>)[]>();
function defer(t: TestContext, fn: () => Promise<unknown>): void {
  let list = cleanups.get(t);
  if (list === undefined) {
    const created: (() => Promise<unknown>)[] = [];
    cleanups.set(t, created);
    t.after(async () => {
      for (const f of created.reverse()) await f().catch(() => {});
    });
    list = created;
  }
  list.push(fn);
}

async function clusterBroker(t: TestContext, cluster: Partial<ClusterUpdateOptions>): Promise<TestBroker> {
  const broker = await startClusterBroker(cluster);
  defer(t, () => broker.stop());
  return broker;
}

async function plainBroker(t: TestContext, name: string): Promise<TestBroker> {
  const b = await startTestBroker({ name });
  defer(t, () => b.stop());
  return b;
}

/** Connects to `broker` the way a network bridge does, announcing itself as `name` reachable at `brokerURL`. */
async function fakePeer(t: TestContext, broker: TestBroker, name: string, brokerURL: string): Promise<Connection> {
  const peer = await connectAsNetworkPeer(broker.url, name, brokerURL);
  defer(t, () => peer.close());
  return peer;
}

/** A Node failover client whose 'Cluster update' log lines are kept (what it learned, in order). */
async function failoverClient(t: TestContext, url: string): Promise<{ connection: Connection; updates: string[][] }> {
  const updates: string[][] = [];
  const logger = Logger.create({
    level: 'info',
    format: 'json',
    write: (line) => {
      const entry = JSON.parse(line) as { msg: string; brokers?: string[] };
      if (entry.msg === 'Cluster update' && entry.brokers !== undefined) updates.push(entry.brokers);
    },
  });
  const connection = await Connection.connect(`failover:(${url})?randomize=false&initialReconnectDelay=20`, {
    logger,
    manageable: true,
  });
  defer(t, () => connection.close());
  return { connection, updates };
}

test("a failover client learns a peer's broker URL and fails over to it", async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true });
  const b = await plainBroker(t, 'B');
  const client = await failoverClient(t, a.url);
  assert.equal(client.connection.brokerInfo?.brokerURL, a.url, "BrokerInfo carries the connector's publishable URI");
  await waitFor(() => client.updates.length === 1, 'the ConnectionControl sent after ConnectionInfo');
  assert.deepEqual(client.updates[0], [a.url]);
  await fakePeer(t, a, 'B', b.url);
  await waitFor(() => client.updates.length === 2, 'the update when the peer joined');
  assert.deepEqual(client.updates[1], [a.url, b.url]);
  await a.stop();
  await waitFor(() => client.connection.connectedUri === b.url, 'failover to the learned broker');
  const s = await client.connection.createSession();
  await (await s.createProducer('queue://cluster.after')).send('on B');
});

test('rebalanceClusterClients moves clients to the new broker, spreading them', async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true, rebalanceClusterClients: true });
  const b = await plainBroker(t, 'B');
  const first = await failoverClient(t, a.url);
  const second = await failoverClient(t, a.url);
  await waitFor(() => first.updates.length === 1 && second.updates.length === 1, 'initial controls');
  await fakePeer(t, a, 'B', b.url);
  // ActiveMQ rotates the list per client: the first is told "A,B" and stays, the second "B,A" and moves.
  await waitFor(() => second.connection.connectedUri === b.url, 'the second client moved to B');
  assert.deepEqual(second.updates.at(-1), [b.url, a.url]);
  assert.deepEqual(first.updates.at(-1), [a.url, b.url]);
  assert.equal(first.connection.connectedUri, a.url, 'the first stays on A');
  // A client connecting now is told the list as rotated so far, and goes to the broker it starts with.
  const third = await failoverClient(t, a.url);
  await waitFor(() => third.updates.length === 1, 'the third client’s control');
  assert.equal(new Set(third.updates[0]).size, 2);
  await waitFor(() => third.connection.connectedUri === third.updates[0]![0], 'the third client on its first broker');
});

test('updateClusterClientsOnRemove takes a departed peer out of the list; without it clients keep it', async (t) => {
  const withRemove = await clusterBroker(t, { updateClusterClients: true, updateClusterClientsOnRemove: true });
  const without = await clusterBroker(t, { updateClusterClients: true });
  const b = await plainBroker(t, 'B');
  const c1 = await failoverClient(t, withRemove.url);
  const c2 = await failoverClient(t, without.url);
  const p1 = await fakePeer(t, withRemove, 'B', b.url);
  const p2 = await fakePeer(t, without, 'B', b.url);
  await waitFor(() => c1.updates.length === 2 && c2.updates.length === 2, 'both learned B');
  await p1.close();
  await p2.close();
  await waitFor(() => c1.updates.length === 3, 'the update when the peer left');
  assert.deepEqual(c1.updates[2], [withRemove.url]);
  // The broker without updateClusterClientsOnRemove sends nothing; its peer list still holds B.
  assert.deepEqual(without.service.connector('openwire').cluster?.brokers(), [without.url, b.url]);
  assert.equal(c2.updates.length, 2);
  assert.deepEqual(withRemove.service.peerBrokers.list(), []);
});

test('updateClusterFilter lists only peers whose broker name matches a whole pattern', async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true, updateClusterFilter: 'east-.*,B' });
  const b = await plainBroker(t, 'B');
  const other = await plainBroker(t, 'west-1');
  const client = await failoverClient(t, a.url);
  await fakePeer(t, a, 'west-1', other.url);
  await fakePeer(t, a, 'Bee', other.url); // "B" must match the whole name
  await fakePeer(t, a, 'B', b.url);
  await waitFor(() => client.updates.length === 2, 'the update for the matching peer');
  assert.deepEqual(client.updates[1], [a.url, b.url]);
  assert.equal(a.service.peerBrokers.list().length, 3, 'all three are peers; only the filter hides two');
});

test('a connection that is not a network connection registers no peer', async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true });
  const client = await failoverClient(t, a.url);
  const plain = await Connection.connect(a.url);
  defer(t, () => plain.close());
  await plain.oneway(networkBrokerInfo('X', 'tcp://127.0.0.1:1', false));
  const s = await plain.createSession(); // a round trip: the BrokerInfo was handled before this answer
  await (await s.createProducer('queue://x')).send('x');
  assert.deepEqual(a.service.peerBrokers.list(), []);
  assert.equal(client.updates.length, 1);
});

test('a broker without cluster updates still knows its peers (for bridges and management)', async (t) => {
  const plain = await plainBroker(t, 'P');
  const b = await plainBroker(t, 'B');
  const peer = await fakePeer(t, plain, 'B', b.url);
  await waitFor(() => plain.service.peerBrokers.list().length === 1, 'the peer registered');
  assert.deepEqual(plain.service.peerBrokers.list()[0], {
    brokerId: 'ID:B-1',
    brokerName: 'B',
    brokerUrl: b.url,
    duplex: false,
  });
  await peer.close();
  await waitFor(() => plain.service.peerBrokers.list().length === 0, 'the peer gone with its connection');
});

test('a BrokerInfo on a connection that never sends an accepted ConnectionInfo registers no peer', async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true });
  const wire = await openWire(parseClientUri(a.url).brokers[0]!, { clock: systemClock, logger: Logger.silent() });
  defer(t, async () => wire.close());
  const answered = new Promise<void>((resolve) => {
    wire.onCommand = (c) => {
      if (c.type === T.RESPONSE && c.correlationId === 7) resolve();
    };
  });
  wire.send(networkBrokerInfo('rogue', 'tcp://127.0.0.1:1'));
  // Commands are handled in order: the answer to this ConnectionControl means the BrokerInfo was handled.
  wire.send({
    type: T.CONNECTION_CONTROL,
    commandId: 7,
    responseRequired: true,
    close: false,
    exit: false,
    faultTolerant: false,
    resume: false,
    suspend: false,
    connectedBrokers: null,
    reconnectTo: null,
    rebalanceConnection: false,
    token: null,
  });
  await answered;
  assert.deepEqual(a.service.peerBrokers.list(), []);
});

test('a peer whose broker URL would split the list is kept from clients', async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true });
  const client = await failoverClient(t, a.url);
  await waitFor(() => client.updates.length === 1, 'initial control');
  const peer = await connectAsNetworkPeer(a.url, 'evil', 'tcp://127.0.0.1:1,tcp://attacker.example:61616');
  defer(t, () => peer.close());
  await waitFor(() => a.service.peerBrokers.list().length === 1, 'the peer registered');
  assert.equal(a.service.peerBrokers.list()[0]!.brokerUrl, null);
  assert.deepEqual(a.service.connector('openwire').cluster?.brokers(), [a.url]);
  assert.equal(client.updates.length, 1, 'no update sent');
});

test("with updateClusterClients a new connection's BrokerInfo lists the peers (peerBrokerInfos)", async (t) => {
  const a = await clusterBroker(t, { updateClusterClients: true });
  const b = await plainBroker(t, 'B');
  await fakePeer(t, a, 'B', b.url);
  await waitFor(() => a.service.peerBrokers.list().length === 1, 'the peer registered');
  const c = await Connection.connect(a.url);
  defer(t, () => c.close());
  const peers = c.brokerInfo?.peerBrokerInfos ?? [];
  assert.deepEqual(
    peers.map((p) => [p.brokerName, p.brokerURL, p.brokerId?.value]),
    [['B', b.url, 'ID:B-1']],
  );
  const plain = await Connection.connect(b.url);
  defer(t, () => plain.close());
  assert.equal(plain.brokerInfo?.peerBrokerInfos, null, 'none from a connector without cluster updates');
});

test("a bridge's own broker learns the broker it bridged to (ActiveMQ's addBroker), and lists it once", async (t) => {
  const b = await plainBroker(t, 'B');
  const xml = `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="A" persistent="false">
    <networkConnectors><networkConnector uri="static:(${b.url})"/></networkConnectors>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:0" updateClusterClients="true" updateClusterClientsOnRemove="true"/>
    </transportConnectors>
  </broker>`;
  const { config } = loadBrokerConfigText(xml, 'activemq.xml', { env: {} });
  const service = new BrokerService(await assembleBroker(config, { logger: Logger.silent() }));
  await service.start();
  defer(t, () => service.stop());
  const aUrl = `tcp://127.0.0.1:${service.connector('openwire').port}`;
  const client = await failoverClient(t, aUrl);
  await waitFor(() => client.updates.some((u) => u.includes(b.url)), 'the client of A told of B');
  assert.deepEqual(client.updates.at(-1), [aUrl, b.url]);
  // B also bridging back (here: a network connection from "B") does not list B twice.
  const back = await connectAsNetworkPeer(aUrl, 'B', b.url);
  defer(t, () => back.close());
  await waitFor(() => service.peerBrokers.links === 2, 'two links to B');
  assert.deepEqual(service.connector('openwire').cluster?.brokers(), [aUrl, b.url]);
  await back.close();
  await waitFor(() => service.peerBrokers.links === 1, 'one link to B gone');
  // The bridge is still up: B stays listed after the other link went.
  assert.deepEqual(service.connector('openwire').cluster?.brokers(), [aUrl, b.url]);
});
