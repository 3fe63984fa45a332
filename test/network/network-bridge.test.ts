/**
 * Networks of TideMQ brokers (issue 13): static network connectors from activemq.xml, demand by consumer
 * advisories, forwarding with brokerPath, networkTTL, conduit subscriptions, loops, and the connector's
 * behaviour towards a peer that is itself or unreachable. Clients are the Node OpenWire client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/client/index.js';
import { BrokerManagement } from '../../src/management/broker-management.js';
import { MBeanRegistry } from '../../src/management/mbean-registry.js';
import { ObjectName } from '../../src/management/object-name.js';
import { managementHost } from '../../src/server/management-host.js';
import { waitFor } from '../support/client/broker.js';
import {
  networkFixture,
  bridged,
  demand,
  logLines,
  networkNode,
  staticConnector,
  type NetworkNode,
} from '../support/network/network-node.js';

const { started, connect: open } = networkFixture();

function connect(node: NetworkNode, clientId?: string): Promise<Connection> {
  return open(node, clientId === undefined ? {} : { clientId });
}

test('a queue message sent on A reaches a consumer on B, properties and id intact, with A in its brokerPath', async () => {
  const b = await networkNode('q-b');
  const a = await networkNode('q-a', { children: staticConnector([b]) });
  await started(b, a);
  await waitFor(() => bridged(a), 'the bridge A→B');
  const onB = await connect(b);
  const consumer = await (await onB.createSession()).createConsumer('queue://net.orders');
  await waitFor(() => demand(a) === 1, 'demand for net.orders on A');
  const producer = await (await (await connect(a)).createSession()).createProducer('queue://net.orders');
  const id = await producer.send('hello', { properties: { region: 'eu', n: 7 }, persistent: true });
  const m = await consumer.receive(5000);
  assert.ok(m, 'the message crossed the bridge');
  assert.equal(m.messageId, id);
  assert.equal(m.text, 'hello');
  assert.deepEqual(m.properties, { region: 'eu', n: 7 });
  assert.deepEqual(
    m.raw.brokerPath?.map((p) => p.value),
    [a.service!.broker.brokerId],
  );
  assert.equal(logLines(a, 'Network connection between q-a and q-b').length, 1);
  // The operator's view: NetworkConnectorViewMBean and NetworkBridgeViewMBean, as Jolokia and the console show them.
  const registry = new MBeanRegistry(new BrokerManagement(managementHost(a.service!)));
  const read = (pattern: string): Record<string, unknown>[] =>
    registry
      .query(ObjectName.parse(pattern))
      .map((m) => Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, v.get()])));
  const [connector] = read(
    'org.apache.activemq:type=Broker,brokerName=q-a,connector=networkConnectors,networkConnectorName=nc',
  );
  assert.equal(connector?.['NetworkTTL'], 1);
  assert.equal(connector?.['BridgeCount'], 1);
  const bridge = (): Record<string, unknown> | undefined =>
    read(
      'org.apache.activemq:type=Broker,brokerName=q-a,connector=networkConnectors,networkConnectorName=nc,networkBridge=*',
    )[0];
  assert.equal(bridge()?.['RemoteBrokerName'], 'q-b');
  // Counted once B has answered the forward, which may come just after the consumer has the message.
  await waitFor(() => bridge()?.['EnqueueCounter'] === 1, 'the forward counted');
});

test('topic: two subscribers on B each get a message published on A once (one conduit subscription on A)', async () => {
  const b = await networkNode('t-b');
  const a = await networkNode('t-a', { children: staticConnector([b]) });
  await started(b, a);
  await waitFor(() => bridged(a), 'the bridge A→B');
  const s = await (await connect(b)).createSession();
  const sub1 = await s.createConsumer('topic://net.prices');
  const sub2 = await s.createConsumer('topic://net.prices');
  await waitFor(() => demand(a) === 1, 'one conduit demand on A');
  const p = await (await (await connect(a)).createSession()).createProducer('topic://net.prices');
  for (let i = 0; i < 5; i++) await p.send(`tick ${i}`);
  for (const sub of [sub1, sub2]) {
    for (let i = 0; i < 5; i++) assert.equal((await sub.receive(5000))?.text, `tick ${i}`);
    assert.equal(await sub.receive(200), null, 'no duplicate');
  }
});

test('demand follows the consumer: when it leaves B, messages stay on A for a consumer there', async () => {
  const b = await networkNode('m-b');
  const a = await networkNode('m-a', { children: staticConnector([b]) });
  await started(b, a);
  await waitFor(() => bridged(a), 'the bridge A→B');
  const onB = await connect(b);
  const sb = await onB.createSession();
  const consumer = await sb.createConsumer('queue://net.moves');
  await waitFor(() => demand(a) === 1, 'demand on A');
  await consumer.close();
  await waitFor(() => demand(a) === 0, 'demand gone from A');
  const sa = await (await connect(a)).createSession();
  const p = await sa.createProducer('queue://net.moves');
  await p.send('stays', { persistent: true });
  const local = await sa.createConsumer('queue://net.moves');
  assert.equal((await local.receive(5000))?.text, 'stays');
});

test('networkTTL: in a line A→B→C a message reaches C with networkTTL=2, not with networkTTL=1', async () => {
  for (const ttl of [2, 1]) {
    const c = await networkNode(`ttl${ttl}-c`);
    const b = await networkNode(`ttl${ttl}-b`, { children: staticConnector([c], `networkTTL="${ttl}"`) });
    const a = await networkNode(`ttl${ttl}-a`, { children: staticConnector([b], `networkTTL="${ttl}"`) });
    await started(c, b, a);
    await waitFor(() => bridged(a) && bridged(b), 'the bridges');
    const consumer = await (await (await connect(c)).createSession()).createConsumer('queue://net.line');
    await waitFor(() => demand(b) === 1, 'demand on B');
    if (ttl === 2) await waitFor(() => demand(a) === 1, 'demand on A through B');
    const p = await (await (await connect(a)).createSession()).createProducer('queue://net.line');
    await p.send(`ttl ${ttl}`, { persistent: true });
    if (ttl === 2) {
      const m = await consumer.receive(5000);
      assert.equal(m?.text, 'ttl 2');
      assert.equal(m?.raw.brokerPath?.length, 2);
    } else {
      assert.equal(demand(a), 0, 'A never learnt of the consumer two hops away');
      assert.equal(await consumer.receive(500), null);
    }
  }
});

test('two one-way connectors between A and B: each message is consumed once, never sent back and forth', async () => {
  const [pa, pb] = [await networkNode('loop-a'), await networkNode('loop-b')];
  const a = await networkNode('loop-a', { port: pa.port, children: staticConnector([pb]) });
  const b = await networkNode('loop-b', { port: pb.port, children: staticConnector([pa]) });
  await started(a, b);
  await waitFor(() => bridged(a) && bridged(b), 'both bridges');
  const sa = await (await connect(a)).createSession();
  const sb = await (await connect(b)).createSession();
  const topicA = await sa.createConsumer('topic://net.loop');
  const topicB = await sb.createConsumer('topic://net.loop');
  const queueB = await sb.createConsumer('queue://net.loopq');
  await waitFor(() => demand(a) === 2 && demand(b) === 1, 'demand both ways');
  const p = await sa.createProducer(null);
  await p.send('once', { destination: 'topic://net.loop' });
  for (let i = 0; i < 10; i++) await p.send(`q${i}`, { destination: 'queue://net.loopq', persistent: true });
  assert.equal((await topicA.receive(5000))?.text, 'once');
  assert.equal((await topicB.receive(5000))?.text, 'once');
  assert.equal(await topicA.receive(300), null, 'the topic message did not come back to A');
  assert.equal(await topicB.receive(100), null);
  const got: string[] = [];
  for (let i = 0; i < 10; i++) got.push((await queueB.receive(5000))!.text!);
  assert.deepEqual(
    got,
    Array.from({ length: 10 }, (_, i) => `q${i}`),
  );
  assert.equal(await queueB.receive(300), null);
});

test('a static URI that names the broker itself is refused once, logged once, and not retried', async () => {
  const probe = await networkNode('self');
  const self = await networkNode('self', {
    port: probe.port,
    children: staticConnector([probe], '', 'initialReconnectDelay=20&useExponentialBackOff=false'),
  });
  await started(self);
  await waitFor(() => logLines(self, 'does not bridge to itself').length === 1, 'the loopback refusal');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(logLines(self, 'does not bridge to itself').length, 1);
  assert.equal(logLines(self, 'will not be tried again').length, 1);
});

test('an unreachable peer: one warning, retries with back-off, the bridge comes up once the peer starts', async () => {
  const b = await networkNode('late-b');
  const a = await networkNode('late-a', {
    children: staticConnector([b], '', 'initialReconnectDelay=50&maxReconnectDelay=200'),
  });
  await started(a);
  await waitFor(() => logLines(a, 'could not start a bridge').length === 1, 'the first failure');
  await waitFor(() => logLines(a, 'still failing').length >= 2, 'retries');
  assert.equal(logLines(a, 'could not start a bridge').length, 1, 'the same failure is logged once');
  await started(b);
  await waitFor(() => bridged(a), 'the bridge once B listens');
  const consumer = await (await (await connect(b)).createSession()).createConsumer('queue://net.late');
  await waitFor(() => demand(a) === 1, 'demand');
  await (await (await (await connect(a)).createSession()).createProducer('queue://net.late')).send('late');
  assert.equal((await consumer.receive(5000))?.text, 'late');
});

test('duplex: only A has a connector (duplex="true"), and messages flow both ways over its one connection', async () => {
  const b = await networkNode('dx-b');
  const a = await networkNode('dx-a', { children: staticConnector([b], 'duplex="true"') });
  await started(b, a);
  await waitFor(() => bridged(a) && (b.service?.duplexResponders.active.length ?? 0) === 1, 'both ends of the bridge');
  const sa = await (await connect(a)).createSession();
  const sb = await (await connect(b)).createSession();
  const onA = await sa.createConsumer('queue://dx.toA');
  const onB = await sb.createConsumer('queue://dx.toB');
  const topicA = await sa.createConsumer('topic://dx.news');
  // Each end also serves the other's advisory subscription: that is how consumer advisories cross a duplex link.
  await waitFor(() => demand(a) === 2, 'A serves the consumer on B');
  await waitFor(
    () => b.service!.duplexResponders.active.reduce((n, x) => n + x.demandCount, 0) >= 3,
    'B serves the consumers on A (and A’s advisory subscription)',
  );
  await (await sb.createProducer('queue://dx.toA')).send('b to a', { persistent: true, properties: { k: 'v' } });
  await (await sa.createProducer('queue://dx.toB')).send('a to b', { persistent: true });
  await (await sb.createProducer('topic://dx.news')).send('news from b');
  const m = await onA.receive(5000);
  assert.equal(m?.text, 'b to a');
  assert.deepEqual(m?.properties, { k: 'v' });
  assert.equal((await onB.receive(5000))?.text, 'a to b');
  assert.equal((await topicA.receive(5000))?.text, 'news from b');
  assert.equal(await topicA.receive(300), null, 'once');
  assert.equal(logLines(b, 'Started responder end of duplex bridge with dx-a').length, 1);
});

test('stuck messages: with conditionalNetworkBridgeFilterFactory replayWhenNoConsumers they flow back; without, they stay', async () => {
  for (const replay of [true, false]) {
    const tag = replay ? 'replay' : 'stay';
    const policy = replay
      ? `<destinationPolicy><policyMap><policyEntries><policyEntry queue=">"><networkBridgeFilterFactory>
           <conditionalNetworkBridgeFilterFactory replayWhenNoConsumers="true"/>
         </networkBridgeFilterFactory></policyEntry></policyEntries></policyMap></destinationPolicy>`
      : '';
    const [pa, pb] = [await networkNode(`${tag}-a`), await networkNode(`${tag}-b`)];
    const a = await networkNode(`${tag}-a`, { port: pa.port, children: staticConnector([pb]) + policy });
    const b = await networkNode(`${tag}-b`, { port: pb.port, children: staticConnector([pa]) + policy });
    await started(a, b);
    await waitFor(() => bridged(a) && bridged(b), 'both bridges');
    const onB = await connect(b);
    const sb = await onB.createSession('client');
    const consumerB = await sb.createConsumer(`queue://${tag}.q`, { prefetch: 1 });
    await waitFor(() => demand(a) === 1, 'demand on A');
    const p = await (await (await connect(a)).createSession()).createProducer(`queue://${tag}.q`);
    for (let i = 0; i < 10; i++) await p.send(`m${i}`, { persistent: true });
    // All ten reach B (A forwards as B accepts); the consumer there takes one and leaves.
    const first = await consumerB.receive(5000);
    assert.equal(first?.text, 'm0');
    await first?.acknowledge();
    await waitFor(() => a.service!.networkConnectors[0]!.activeBridges()[0]!.enqueued === 10, 'all ten forwarded to B');
    await consumerB.close();
    await waitFor(() => demand(a) === 0, 'the demand on A gone');
    const consumerA = await (await (await connect(a)).createSession()).createConsumer(`queue://${tag}.q`);
    if (replay) {
      const got: string[] = [];
      for (let i = 0; i < 9; i++) got.push((await consumerA.receive(5000))?.text ?? 'missing');
      assert.deepEqual(
        got,
        Array.from({ length: 9 }, (_, i) => `m${i + 1}`),
      );
      assert.equal(await consumerA.receive(500), null, 'each replayed once');
    } else {
      assert.equal(await consumerA.receive(700), null, 'without the policy, messages from A never go back to A');
    }
  }
});

test('a durable subscriber on B gets what A published while it was offline (the demand on A is a durable one)', async () => {
  const b = await networkNode('ds-b');
  const a = await networkNode('ds-a', { children: staticConnector([b]) });
  await started(b, a);
  await waitFor(() => bridged(a), 'the bridge');
  let subscriber = await connect(b, 'ds-client');
  let sub = await (await subscriber.createSession()).createDurableSubscriber('topic://ds.events', 'audit');
  await waitFor(() => demand(a) === 1, 'demand on A');
  const p = await (await (await connect(a)).createSession()).createProducer('topic://ds.events');
  await p.send('online', { persistent: true });
  assert.equal((await sub.receive(5000))?.text, 'online');
  await subscriber.close();
  // Still one demand on A: NC-DS_ds-a_ds.events stays while the subscriber is away.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(demand(a), 1);
  for (let i = 0; i < 3; i++) await p.send(`offline ${i}`, { persistent: true });
  await waitFor(() => a.service!.networkConnectors[0]!.activeBridges()[0]!.enqueued === 4, 'forwarded to B');
  subscriber = await connect(b, 'ds-client');
  sub = await (await subscriber.createSession()).createDurableSubscriber('topic://ds.events', 'audit');
  for (let i = 0; i < 3; i++) assert.equal((await sub.receive(5000))?.text, `offline ${i}`);
  assert.equal(await sub.receive(200), null);
  assert.deepEqual(a.service!.region.durableSubscriptions('nc_ds-b_inbound_ds-a'), ['NC-DS_ds-a_ds.events']);
  // Unsubscribe on B: the RemoveSubscriptionInfo advisory ends A's durable demand too.
  const session = await subscriber.createSession();
  await sub.close();
  await session.unsubscribe('audit');
  await waitFor(() => demand(a) === 0, 'the durable demand on A removed');
  assert.deepEqual(a.service!.region.durableSubscriptions('nc_ds-b_inbound_ds-a'), [], 'and its subscription deleted');
});

test('request/reply across the network: a reply sent on A to a temporary queue of a client on B reaches it', async () => {
  const [pa, pb] = [await networkNode('rr-a'), await networkNode('rr-b')];
  const a = await networkNode('rr-a', { port: pa.port, children: staticConnector([pb]) });
  const b = await networkNode('rr-b', { port: pb.port, children: staticConnector([pa]) });
  await started(a, b);
  await waitFor(() => bridged(a) && bridged(b), 'both bridges');
  // The service listens on A; the requester on B.
  const service = await (await connect(a)).createSession();
  const requests = await service.createConsumer('queue://rr.service');
  const replies = await service.createProducer(null);
  await waitFor(() => demand(b) === 1, 'B forwards requests to the service on A');
  const requester = await connect(b);
  const rs = await requester.createSession();
  const temp = await requester.createTemporaryQueue();
  const replyConsumer = await rs.createConsumer(temp.destination);
  await waitFor(() => demand(a) === 1, 'A forwards replies to the temporary queue on B');
  await (
    await rs.createProducer('queue://rr.service')
  ).send('ping', { replyTo: temp.destination, correlationId: 'c1' });
  const request = await requests.receive(5000);
  assert.equal(request?.text, 'ping');
  assert.equal(request?.replyTo, temp.toString());
  await replies.send('pong', { destination: request.replyTo, correlationId: request.correlationId! });
  const reply = await replyConsumer.receive(5000);
  assert.equal(reply?.text, 'pong');
  assert.equal(reply?.correlationId, 'c1');
});
