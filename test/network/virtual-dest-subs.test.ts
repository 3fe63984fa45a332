/**
 * useVirtualDestSubs (issue 13): consumers on the queues a virtual topic or composite destination feeds are
 * advertised on ActiveMQ.Advisory.VirtualDestination.Consumer.* (`<broker useVirtualDestSubs="true">`), and a
 * network connector with useVirtualDestSubs="true" turns that into demand for the virtual destination, so what is
 * published to VirtualTopic.X on A reaches Consumer.Q.VirtualTopic.X on B although B's consumer is on a queue.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Connection, type Consumer } from '../../src/client/index.js';
import { T, destinationToString, type ConsumerInfo } from '../../src/protocol/openwire/codec/index.js';
import { waitFor } from '../support/client/broker.js';
import { TcpProxy } from '../support/net/tcp-proxy.js';
import { bridged, demand, networkNode, type NetworkNode } from '../support/network/network-node.js';

const running: NetworkNode[] = [];
const clients: Connection[] = [];
after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const n of running) await n.stop().catch(() => {});
});

/** B's interceptors: the default virtual topic and a composite topic feeding a queue. */
const interceptors = `<destinationInterceptors><virtualDestinationInterceptor><virtualDestinations>
  <virtualTopic name="VirtualTopic.&gt;" prefix="Consumer.*."/>
  <compositeTopic name="Orders.All"><forwardTo><queue physicalName="Orders.Archive"/></forwardTo></compositeTopic>
</virtualDestinations></virtualDestinationInterceptor></destinationInterceptors>`;

/**
 * B with `useVirtualDestSubs` on its <broker>, and A bridged to B with the connector's `useVirtualDestSubs`. The
 * connector includes only the virtual topics, as ActiveMQ's own VirtualConsumerDemandTest does: demand for the
 * consumer queues themselves would create them on A, where A's own virtual topic would feed them too (a second
 * path for each message).
 */
async function pair(
  prefix: string,
  broker: boolean,
  connector: boolean,
  includes = '<topic physicalName="VirtualTopic.&gt;"/><topic physicalName="Orders.All"/>',
  onCreation = false,
): Promise<[NetworkNode, NetworkNode]> {
  const b = await networkNode(`${prefix}-b`, {
    brokerAttributes: `useVirtualDestSubs="${broker}" useVirtualDestSubsOnCreation="${onCreation}"`,
    children: interceptors,
  });
  const a = await networkNode(`${prefix}-a`, {
    children: `<networkConnectors><networkConnector name="nc" uri="static:(${b.url})?initialReconnectDelay=100" useVirtualDestSubs="${connector}">
  ${includes === '' ? '' : `<dynamicallyIncludedDestinations>${includes}</dynamicallyIncludedDestinations>`}
</networkConnector></networkConnectors>`,
  });
  for (const n of [b, a]) {
    await n.start();
    running.push(n);
  }
  await waitFor(() => bridged(a), 'the bridge A→B');
  return [a, b];
}

async function connect(node: NetworkNode): Promise<Connection> {
  const c = await Connection.connect(node.url);
  clients.push(c);
  return c;
}

async function publish(node: NetworkNode, destination: string, texts: readonly string[]): Promise<void> {
  const c = await connect(node);
  const p = await (await c.createSession()).createProducer(destination);
  for (const t of texts) await p.send(t);
  await c.close();
}

async function drain(consumer: Consumer, firstMs = 2000): Promise<string[]> {
  const got: string[] = [];
  for (let m = await consumer.receive(firstMs); m !== null; m = await consumer.receive(500)) got.push(m.text ?? '');
  return got;
}

test('a consumer on Consumer.Q.VirtualTopic.X is advertised on the VirtualDestination advisory topic, add and remove', async () => {
  const [, b] = await pair('vadv', true, true);
  const watcher = await connect(b);
  const advisories = await (
    await watcher.createSession()
  ).createConsumer('topic://ActiveMQ.Advisory.VirtualDestination.Consumer.Topic.VirtualTopic.Orders');
  const c = await connect(b);
  const consumer = await (await c.createSession()).createConsumer('queue://Consumer.Q.VirtualTopic.Orders');
  const added = await advisories.receive(3000);
  assert.ok(added, 'an advisory for the queue consumer');
  const info = added.raw.dataStructure as ConsumerInfo;
  assert.equal(info.type, T.CONSUMER_INFO);
  assert.equal(destinationToString(info.destination!), 'topic://VirtualTopic.Orders', 'it names the virtual topic');
  await consumer.close();
  const removed = await advisories.receive(3000);
  assert.equal(removed?.raw.dataStructure?.type, T.REMOVE_INFO);
  // A subscriber that comes later hears of the consumers that exist (AdvisoryBroker's replay).
  await (await c.createSession()).createConsumer('queue://Consumer.R.VirtualTopic.Orders');
  const late = await (
    await watcher.createSession()
  ).createConsumer('topic://ActiveMQ.Advisory.VirtualDestination.Consumer.>');
  const replayed = await late.receive(3000);
  assert.equal(
    destinationToString((replayed?.raw.dataStructure as ConsumerInfo).destination!),
    'topic://VirtualTopic.Orders',
  );
});

test('useVirtualDestSubs: what A publishes to VirtualTopic.X and to a composite topic reaches queue consumers on B', async () => {
  const [a, b] = await pair('vds', true, true);
  const onB = await (await connect(b)).createSession();
  const virtual = await onB.createConsumer('queue://Consumer.Q.VirtualTopic.Orders');
  const archive = await onB.createConsumer('queue://Orders.Archive');
  // Each consumer is demand for the virtual destination that feeds its queue.
  await waitFor(
    () => demand(a) === 2,
    'demand for both virtual destinations',
    5000,
    () => String(demand(a)),
  );
  await publish(a, 'topic://VirtualTopic.Orders', ['o1', 'o2']);
  await publish(a, 'topic://Orders.All', ['all1']);
  assert.deepEqual(await drain(virtual), ['o1', 'o2']);
  assert.deepEqual(await drain(archive), ['all1']);
  await virtual.close();
  await archive.close();
  await waitFor(
    () => demand(a) === 0,
    'every demand gone with its consumer',
    5000,
    () => String(demand(a)),
  );
});

test('without useVirtualDestSubs on the connector or on the broker there is no demand: nothing crosses', async () => {
  for (const [broker, connector] of [
    [true, false],
    [false, true],
  ] as const) {
    const [a, b] = await pair(`novds-${broker}-${connector}`, broker, connector);
    const consumer = await (
      await (await connect(b)).createSession()
    ).createConsumer('queue://Consumer.Q.VirtualTopic.Orders');
    // The advisory of the consumer on B has reached A once a consumer advisory of a topic it includes has.
    const probe = await (await (await connect(b)).createSession()).createConsumer('topic://VirtualTopic.Probe');
    await waitFor(() => demand(a) === 1, 'demand for the probe topic');
    await probe.close();
    await waitFor(() => demand(a) === 0, 'the probe gone');
    assert.equal(demand(a), 0, `broker ${broker}, connector ${connector}`);
    await publish(a, 'topic://VirtualTopic.Orders', ['lost']);
    assert.deepEqual(await drain(consumer, 700), []);
  }
});

test('with every destination included, a queue consumer is two demands, its queue and its virtual topic, and both go with it', async () => {
  // The consumer's id is the same in both advisories; the virtual demand is kept apart, so neither hides the other.
  const [a, b] = await pair('vds-all', true, true, '');
  const c = await connect(b);
  const consumer = await (await c.createSession()).createConsumer('queue://Consumer.Q.VirtualTopic.Orders');
  await waitFor(
    () => demand(a) === 2,
    'demand for the queue and for the virtual topic',
    5000,
    () => String(demand(a)),
  );
  await publish(a, 'topic://VirtualTopic.Orders', ['x1']);
  // Two paths (A's own virtual topic feeds A's copy of the queue too); B's queue keeps one copy.
  assert.deepEqual(await drain(consumer), ['x1']);
  await consumer.close();
  await waitFor(
    () => demand(a) === 0,
    'both demands gone',
    5000,
    () => String(demand(a)),
  );
});

/** The durable subscriptions the node holds for its bridges (NC-DS_…). */
function bridgeDurables(node: NetworkNode): string[] {
  return [...node.service!.region.managedDurables()]
    .map((d) => d.subscriptionName)
    .filter((n) => n.startsWith('NC-DS_'));
}

test('forceDurable on the included virtual topic: the demand is a durable subscription that keeps messages while the bridge is down', async (t) => {
  const b = await networkNode('vds-forced-b', {
    brokerAttributes: 'useVirtualDestSubs="true"',
    children: interceptors,
  });
  await b.start();
  running.push(b);
  const link = await TcpProxy.start('127.0.0.1', b.port);
  t.after(() => link.close());
  const a = await networkNode('vds-forced-a', {
    children: `<networkConnectors><networkConnector name="nc" uri="static:(tcp://127.0.0.1:${link.port})?initialReconnectDelay=100&amp;maxReconnectDelay=200&amp;useExponentialBackOff=false" useVirtualDestSubs="true">
  <dynamicallyIncludedDestinations><topic physicalName="VirtualTopic.&gt;?forceDurable=true"/></dynamicallyIncludedDestinations>
</networkConnector></networkConnectors>`,
  });
  await a.start();
  running.push(a);
  await waitFor(() => bridged(a), 'the bridge A→B');
  const c = await connect(b);
  const consumer = await (await c.createSession()).createConsumer('queue://Consumer.Q.VirtualTopic.Orders');
  await waitFor(() => demand(a) === 1, 'the forced durable demand');
  assert.deepEqual(bridgeDurables(a), ['NC-DS_vds-forced-a_VirtualTopic.Orders']);
  // The link drops: A's durable subscription keeps what A's producers send meanwhile, and forwards it when the
  // bridge is back (dynamicOnly="false" restores it at bridge start). A plain demand would have ended with the link.
  await link.cut();
  await waitFor(() => !bridged(a), 'the bridge down');
  await publish(a, 'topic://VirtualTopic.Orders', ['kept1', 'kept2']);
  await link.resume();
  assert.deepEqual(await drain(consumer, 5000), ['kept1', 'kept2']);
  // The last consumer goes: the forced durable subscription goes with it (cleanupDurableSub).
  await consumer.close();
  await waitFor(
    () => bridgeDurables(a).length === 0,
    'the NC-DS_ subscription removed',
    5000,
    () => bridgeDurables(a).join(','),
  );
});

test('useVirtualDestSubsOnCreation: a consumer queue created on B is demand on A before it has a consumer', async () => {
  for (const onCreation of [true, false]) {
    const [a, b] = await pair(`vds-create-${onCreation}`, true, true, undefined, onCreation);
    // The queue is created by a send, without any consumer.
    await publish(b, 'queue://Consumer.Q.VirtualTopic.Orders', ['local']);
    if (onCreation) await waitFor(() => demand(a) === 1, 'demand for the virtual topic');
    await publish(a, 'topic://VirtualTopic.Orders', ['remote']);
    const consumer = await (
      await (await connect(b)).createSession()
    ).createConsumer('queue://Consumer.Q.VirtualTopic.Orders');
    // Without OnCreation the consumer's own demand comes too late for what A sent before it.
    assert.deepEqual(await drain(consumer), onCreation ? ['local', 'remote'] : ['local'], `onCreation ${onCreation}`);
  }
});
