/**
 * syncDurableSubs and duplicate suppression in a mixed network (issue 13): TideMQ brokers beside one real ActiveMQ
 * 5.17, whatever INTEROP_BROKER says. ActiveMQ starts once, for the whole file; the TideMQ brokers run in this
 * process, so a test reads their bridges' demand directly. ActiveMQ's side is seen without JMX: through its
 * consumer advisory topics (which replay the destination's current consumers to a new advisory subscriber) and
 * by what reaches subscribers. The brokers:
 *
 *   T1 → AMQ   syncDurableSubs, dynamically included sync.a.>          (a: ActiveMQ answers the durable sync)
 *   AMQ → T2   syncDurableSubs, dynamically included sync.b.>          (b: TideMQ answers the durable sync)
 *   T3, T4, AMQ each bridged to the other two, networkTTL=2, tri.>     (c: one demand per consumer)
 *   T6 → AMQ   useVirtualDestSubs, VirtualTopic.>; AMQ has <broker useVirtualDestSubs="true">   (d)
 *   AMQ → T5   useVirtualDestSubs, VirtualTopic.Mixed.E; T5 has <broker useVirtualDestSubs="true">    (e)
 *
 * Each bridge includes only its own destinations, so no scenario sees another's demand. See
 * docs/clustering-tests.md.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Connection, type Consumer } from '../../src/client/index.js';
import { T, type ConsumerInfo } from '../../src/protocol/openwire/codec/index.js';
import { waitFor } from '../support/client/broker.js';
import { demand, logLines, networkNode, type NetworkNode } from '../support/network/network-node.js';
import { clusterXml, type NetworkConnectorXml } from './harness/cluster-xml.js';
import { DEFAULT_RECONNECT, distinctPorts } from './harness/cluster.js';
import { buildInteropClasses } from './harness/java-build.js';
import { startXmlBroker, type XmlBroker } from './harness/xml-broker.js';

const included = (topics: string) =>
  `<dynamicallyIncludedDestinations><topic physicalName="${topics}"/></dynamicallyIncludedDestinations>`;

/** A TideMQ `<networkConnectors>` element with one static: connector (the peers' URLs given). */
function connector(name: string, peers: readonly string[], attributes: string, children: string): string {
  const uri = `static:(${peers.join(',')})?initialReconnectDelay=100&amp;maxReconnectDelay=1000&amp;useExponentialBackOff=false`;
  return `<networkConnectors><networkConnector name="${name}" uri="${uri}" ${attributes}>${children}</networkConnector></networkConnectors>`;
}

const tcp = (port: number) => `tcp://127.0.0.1:${port}`;

let amq: XmlBroker;
let amqUrl: string;
let amqDir: string;
let t1: NetworkNode;
let t2: NetworkNode;
let t3: NetworkNode;
let t4: NetworkNode;
let t5: NetworkNode;
let t6: NetworkNode;
const running: NetworkNode[] = [];
const clients: Connection[] = [];

async function connect(url: string, clientId?: string): Promise<Connection> {
  const c = await Connection.connect(url, clientId === undefined ? {} : { clientId });
  clients.push(c);
  return c;
}

/** Opens a durable subscription and closes its connection: the subscription stays, offline. */
async function offlineDurable(url: string, clientId: string, name: string, topic: string): Promise<void> {
  const c = await connect(url, clientId);
  await (await c.createSession()).createDurableSubscriber(topic, name);
  await c.close();
}

async function publish(url: string, topic: string, texts: readonly string[]): Promise<void> {
  const c = await connect(url);
  const p = await (await c.createSession()).createProducer(topic);
  for (const text of texts) await p.send(text, { persistent: true });
  await c.close();
}

/** Everything the consumer receives until it has been quiet for `quietMs`. */
async function drain(consumer: Consumer, firstMs = 3000, quietMs = 700): Promise<string[]> {
  const got: string[] = [];
  for (let m = await consumer.receive(firstMs); m !== null; m = await consumer.receive(quietMs)) got.push(m.text ?? '');
  return got;
}

/**
 * The consumers ActiveMQ holds on `topic` right now, as its consumer advisory topic reports them: AdvisoryBroker
 * replays one ConsumerInfo per existing consumer to a new advisory subscriber.
 */
async function amqConsumers(topic: string): Promise<ConsumerInfo[]> {
  const c = await connect(amqUrl);
  const advisories = await (
    await c.createSession()
  ).createConsumer(`topic://ActiveMQ.Advisory.Consumer.Topic.${topic}`);
  const infos: ConsumerInfo[] = [];
  // The replay follows the subscription at once; the first wait is long for a machine under load.
  for (let m = await advisories.receive(2000); m !== null; m = await advisories.receive(300)) {
    const ds = m.raw.dataStructure;
    if (ds !== null && ds.type === T.CONSUMER_INFO) infos.push(ds);
  }
  await c.close();
  return infos;
}

/**
 * ActiveMQ's WARN and ERROR lines (its log4j prints `HH:mm:ss,SSS LEVEL [Logger] text`), but for BrokerService's
 * start-up notes on memory and disk limits, which depend on the machine.
 */
function amqProblems(): string[] {
  return amq.output.filter((l) => / (WARN|ERROR) +\[/.test(l) && !l.includes('[BrokerService]'));
}

before(async () => {
  const classes = await buildInteropClasses();
  const [amqPort, t2Port, t3Port, t4Port, t5Port] = await distinctPorts(5);
  amqUrl = tcp(amqPort!);
  const tri = 'networkTTL="2"';
  t1 = await networkNode('T1', {
    persistent: true,
    children: connector('T1-to-AMQ', [amqUrl], 'syncDurableSubs="true"', included('sync.a.>')),
  });
  t2 = await networkNode('T2', { persistent: true, port: t2Port! });
  t3 = await networkNode('T3', {
    port: t3Port!,
    children: connector('T3-tri', [tcp(t4Port!), amqUrl], tri, included('tri.>')),
  });
  t4 = await networkNode('T4', {
    port: t4Port!,
    children: connector('T4-tri', [tcp(t3Port!), amqUrl], tri, included('tri.>')),
  });
  t5 = await networkNode('T5', { port: t5Port!, brokerAttributes: 'useVirtualDestSubs="true"' });
  t6 = await networkNode('T6', {
    // VirtualTopic.> and not a narrower filter: ActiveMQ 5.17 sends a virtual consumer's RemoveInfo to the topic
    // named after the virtual topic's own pattern (…VirtualDestination.Consumer.Topic.VirtualTopic.>).
    children: connector('T6-to-AMQ', [amqUrl], 'useVirtualDestSubs="true"', included('VirtualTopic.>')),
  });
  // b needs T2's offline durable subscription before ActiveMQ's bridge first connects: then only the durable sync
  // can tell ActiveMQ about it (a consumer advisory names online consumers only).
  for (const n of [t2, t3, t4, t5]) {
    await n.start();
    running.push(n);
  }
  await offlineDurable(t2.url, 'sync-b', 'sub-b', 'topic://sync.b.orders');

  const connectors: NetworkConnectorXml[] = [
    {
      name: 'AMQ-to-T2',
      uris: [t2.url],
      uriOptions: DEFAULT_RECONNECT,
      attributes: { syncDurableSubs: true },
      children: included('sync.b.>'),
    },
    {
      name: 'AMQ-tri',
      uris: [t3.url, t4.url],
      uriOptions: DEFAULT_RECONNECT,
      attributes: { networkTTL: 2 },
      children: included('tri.>'),
    },
    {
      name: 'AMQ-to-T5',
      uris: [t5.url],
      uriOptions: DEFAULT_RECONNECT,
      attributes: { useVirtualDestSubs: true },
      children: included('VirtualTopic.Mixed.E'),
    },
  ];
  amqDir = mkdtempSync(join(tmpdir(), 'tidemq-cluster-sync-'));
  amq = await startXmlBroker(
    'activemq',
    classes,
    ['openwire'],
    (ports, dataDir) =>
      clusterXml(
        {
          brokerName: 'AMQ',
          networkConnectors: connectors,
          policyEntries: '',
          brokerAttributes: { useVirtualDestSubs: true },
        },
        ports['openwire']!,
        dataDir,
      ),
    { ports: { openwire: amqPort! }, dataDir: amqDir },
  );
  for (const n of [t1, t6]) {
    await n.start();
    running.push(n);
  }
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const n of running) await n.stop().catch(() => {});
  await amq?.stop();
  if (amqDir !== undefined) rmSync(amqDir, { recursive: true, force: true });
});

function bridges(n: NetworkNode): number {
  return (n.service?.networkConnectors ?? []).reduce((s, nc) => s + nc.activeBridges().length, 0);
}

const state = () =>
  [
    `T1 demand ${demand(t1)}, T3 ${demand(t3)}, T4 ${demand(t4)}`,
    ...[t1, t2, t3, t4].map((n) => `--- ${n.name} ---\n${n.logs.slice(-15).join('\n')}`),
    `--- ActiveMQ ---\n${amq.output.slice(-30).join('\n')}`,
  ].join('\n');

test('a: T1 → ActiveMQ with syncDurableSubs: an offline durable subscription on ActiveMQ gets demand on the restarted T1', async () => {
  await waitFor(() => bridges(t1) === 1, 'the bridge T1 → ActiveMQ', 15_000, state);
  // T1 goes away; while it is down a subscriber on ActiveMQ subscribes durably and leaves, so T1's bridge never
  // sees it as a consumer: only ActiveMQ's answer to T1's BrokerSubscriptionInfo can name it.
  await t1.stop();
  await offlineDurable(amqUrl, 'sync-a', 'sub-a', 'topic://sync.a.orders');
  const syncs = logLines(t1, 'Durable subscriptions synchronised').length;
  await t1.start();
  await waitFor(() => demand(t1) === 1, 'demand on T1 for the offline subscription on ActiveMQ', 15_000, state);
  await waitFor(() => logLines(t1, 'Durable subscriptions synchronised').length > syncs, 'T1 logging the sync');
  assert.match(logLines(t1, 'Durable subscriptions synchronised').at(-1)!, /with AMQ: 1 kept/);
  await publish(t1.url, 'topic://sync.a.orders', ['a1', 'a2']);
  await waitFor(
    () => (t1.service?.networkConnectors[0]?.activeBridges()[0]?.enqueued ?? 0) === 2,
    'T1 forwarding both',
    10_000,
    state,
  );
  const c = await connect(amqUrl, 'sync-a');
  const sub = await (await c.createSession()).createDurableSubscriber('topic://sync.a.orders', 'sub-a');
  assert.deepEqual(await drain(sub), ['a1', 'a2']);
});

test('b: ActiveMQ → T2 with syncDurableSubs: T2 answers, ActiveMQ creates demand for T2s offline subscription and logs no error', async () => {
  // The bridge's NC-DS_ durable subscription on ActiveMQ, created from T2's answer alone.
  let consumers: ConsumerInfo[] = [];
  const end = Date.now() + 15_000;
  while (consumers.length === 0 && Date.now() < end) consumers = await amqConsumers('sync.b.orders');
  assert.equal(consumers.length, 1, state());
  assert.match(consumers[0]!.subscriptionName ?? '', /^NC-DS_/, 'the demand is durable (forcedDurable)');
  await publish(amqUrl, 'topic://sync.b.orders', ['b1', 'b2']);
  const c = await connect(t2.url, 'sync-b');
  const sub = await (await c.createSession()).createDurableSubscriber('topic://sync.b.orders', 'sub-b');
  assert.deepEqual(await drain(sub), ['b1', 'b2']);
  assert.deepEqual(amqProblems(), [], 'ActiveMQ logs no warning or error');
});

/** Whether `node` logged a duplicate demand for `destination` (suppressed or replaced). */
function duplicateSeen(node: NetworkNode, destination: string): boolean {
  return node.logs.some(
    (l) => /(Ignoring|Replacing) duplicate subscription/.test(l) && l.includes(`destination=${destination}`),
  );
}

test('c1: triangle T3, T4, ActiveMQ with networkTTL=2, subscriber on ActiveMQ: each TideMQ broker keeps one demand', async () => {
  await waitFor(() => bridges(t3) === 2 && bridges(t4) === 2, 'the TideMQ bridges of the triangle', 15_000, state);
  const c = await connect(amqUrl);
  const sub = await (await c.createSession()).createConsumer('topic://tri.y');
  // T3 and T4 each hear of the subscriber from ActiveMQ directly and, one hop more (within networkTTL=2), from
  // the other's demand subscription, unless the other kept its path through this one (then that path names this
  // broker and is ignored here). So at least one of them hears both, and suppressDuplicateTopicSubscriptions
  // (default true) keeps one and logs the other; without it the broker that heard both holds two (checked by
  // hand: T3 2, T4 2, the test fails).
  try {
    const heardTwice = (n: NetworkNode) => demand(n) >= 2 || duplicateSeen(n, 'topic://tri.y');
    await waitFor(
      () => demand(t3) >= 1 && demand(t4) >= 1 && (heardTwice(t3) || heardTwice(t4)),
      'T3 or T4 hearing of the subscriber by both paths',
      10_000,
      state,
    );
    await new Promise((r) => setTimeout(r, 500)); // time for the other one's late duplicate to show
    assert.equal(demand(t3), 1, state());
    assert.equal(demand(t4), 1, state());
    await publish(t3.url, 'topic://tri.y', ['from-t3']);
    await publish(t4.url, 'topic://tri.y', ['from-t4']);
    assert.deepEqual((await drain(sub)).sort(), ['from-t3', 'from-t4']);
  } finally {
    await c.close();
  }
  await waitFor(() => demand(t3) + demand(t4) === 0, 'the demand gone with the subscriber', 10_000, state);
});

test('c2: the same triangle, subscriber on T3: ActiveMQ and T4 each keep one demand, messages arrive once', async () => {
  const c = await connect(t3.url);
  const sub = await (await c.createSession()).createConsumer('topic://tri.x');
  // ActiveMQ hears of the subscriber from T3 and from T4's demand subscription, T4 from T3 and (unless ActiveMQ
  // kept the path through T4) from ActiveMQ's: whichever came second is suppressed. T3 ignores demand that names
  // it in its path.
  let amqDemand: ConsumerInfo[] = [];
  const end = Date.now() + 10_000;
  while (amqDemand.length === 0 && Date.now() < end) amqDemand = await amqConsumers('tri.x');
  await waitFor(() => demand(t4) >= 1, 'T4s demand', 10_000, state);
  await new Promise((r) => setTimeout(r, 500)); // time for a late duplicate to show
  amqDemand = [];
  const again = Date.now() + 10_000;
  while (amqDemand.length === 0 && Date.now() < again) amqDemand = await amqConsumers('tri.x');
  assert.equal(amqDemand.length, 1, `ActiveMQ holds one demand subscription\n${state()}`);
  assert.equal(amqDemand[0]!.networkSubscription, true);
  assert.equal(demand(t4), 1, state());
  assert.equal(demand(t3), 0, state());
  await publish(t4.url, 'topic://tri.x', ['from-t4-1', 'from-t4-2']);
  await publish(amqUrl, 'topic://tri.x', ['from-amq-1', 'from-amq-2']);
  assert.deepEqual((await drain(sub)).sort(), ['from-amq-1', 'from-amq-2', 'from-t4-1', 'from-t4-2']);
});

test("d: T6 → ActiveMQ with useVirtualDestSubs: a consumer on ActiveMQ's Consumer.Q.VirtualTopic.X is demand on T6 for VirtualTopic.X", async () => {
  await waitFor(() => bridges(t6) === 1, 'the bridge T6 → ActiveMQ', 15_000, state);
  const c = await connect(amqUrl);
  const consumer = await (await c.createSession()).createConsumer('queue://Consumer.Q.VirtualTopic.Mixed.D');
  // ActiveMQ reports the queue consumer on ActiveMQ.Advisory.VirtualDestination.Consumer.Topic.VirtualTopic.Mixed.D;
  // T6 includes only topics, so this is the only demand it can have.
  await waitFor(() => demand(t6) === 1, 'demand on T6 for the virtual topic', 10_000, state);
  await publish(t6.url, 'topic://VirtualTopic.Mixed.D', ['d1', 'd2']);
  assert.deepEqual(await drain(consumer), ['d1', 'd2']);
  await consumer.close();
  await waitFor(() => demand(t6) === 0, 'the demand gone with the consumer', 10_000, state);
});

test("e: ActiveMQ → T5 with useVirtualDestSubs: ActiveMQ reads T5's VirtualDestination advisories and forwards VirtualTopic.X", async () => {
  const c = await connect(t5.url);
  const consumer = await (await c.createSession()).createConsumer('queue://Consumer.Q.VirtualTopic.Mixed.E');
  let amqDemand: ConsumerInfo[] = [];
  const end = Date.now() + 15_000;
  while (amqDemand.length === 0 && Date.now() < end) amqDemand = await amqConsumers('VirtualTopic.Mixed.E');
  assert.equal(amqDemand.length, 1, `ActiveMQ's demand for the virtual topic\n${state()}`);
  await publish(amqUrl, 'topic://VirtualTopic.Mixed.E', ['e1', 'e2']);
  assert.deepEqual(await drain(consumer), ['e1', 'e2']);
  // T5's RemoveInfo on the VirtualDestination advisory topic ends ActiveMQ's demand.
  await consumer.close();
  const gone = Date.now() + 10_000;
  while (amqDemand.length > 0 && Date.now() < gone) amqDemand = await amqConsumers('VirtualTopic.Mixed.E');
  assert.equal(amqDemand.length, 0, `ActiveMQ's demand gone\n${state()}`);
  assert.deepEqual(amqProblems(), [], 'ActiveMQ logs no warning or error');
});
