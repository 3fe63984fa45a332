/**
 * suppressDuplicateTopicSubscriptions / suppressDuplicateQueueSubscriptions (issue 13): in a mesh where a
 * consumer's demand reaches a broker by two paths, that broker keeps one demand subscription for it, so a message
 * crosses the network once; when the path it kept goes, the other one takes over.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Consumer } from '../../src/client/index.js';
import { freePort } from '../interop/harness/free-port.js';
import { waitFor } from '../support/client/broker.js';
import { TcpProxy } from '../support/net/tcp-proxy.js';
import {
  networkFixture,
  demand,
  networkNode,
  staticConnector,
  type NetworkNode,
} from '../support/network/network-node.js';

const { started, connect } = networkFixture();

const proxies: TcpProxy[] = [];
after(async () => {
  for (const p of proxies) await p.close();
});

/**
 * Three brokers, each bridged to the other two (a triangle), with `attributes` on every connector; with `proxy`,
 * A reaches C through it (so a test can cut that one link).
 */
async function triangle(
  prefix: string,
  attributes: string,
  proxy?: (cPort: number) => Promise<TcpProxy>,
): Promise<[NetworkNode, NetworkNode, NetworkNode]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const names = ['a', 'b', 'c'].map((n) => `${prefix}-${n}`);
  const aToC = proxy === undefined ? ports[2]! : (await proxy(ports[2]!)).port;
  const nodes: NetworkNode[] = [];
  for (let i = 0; i < 3; i++) {
    const others = ports
      .map((port, j) => (i === 0 && j === 2 ? aToC : port))
      .filter((_, j) => j !== i)
      .map((port) => ({ url: `tcp://127.0.0.1:${port}` }));
    const children = staticConnector(others as NetworkNode[], attributes, 'initialReconnectDelay=100');
    nodes.push(await networkNode(names[i]!, { port: ports[i]!, children }));
  }
  await started(...nodes);
  await waitFor(() => nodes.every((n) => bridges(n) === 2), 'every bridge of the triangle');
  return nodes as [NetworkNode, NetworkNode, NetworkNode];
}

function bridges(n: NetworkNode): number {
  return n.service?.networkConnectors[0]?.activeBridges().length ?? 0;
}

/** Messages the node's bridges forwarded. */
function forwarded(n: NetworkNode): number {
  return (n.service?.networkConnectors[0]?.activeBridges() ?? []).reduce((s, b) => s + b.enqueued, 0);
}

async function subscribe(node: NetworkNode, destination: string): Promise<Consumer> {
  return (await (await connect(node)).createSession()).createConsumer(destination);
}

async function publish(node: NetworkNode, destination: string, n: number, from = 0): Promise<void> {
  const c = await connect(node);
  const p = await (await c.createSession()).createProducer(destination);
  for (let i = from; i < from + n; i++) await p.send(`m${i}`);
  await c.close();
}

async function drain(consumer: Consumer, quietMs = 700): Promise<string[]> {
  const got: string[] = [];
  for (;;) {
    const m = await consumer.receive(quietMs);
    if (m === null) return got;
    got.push(m.text ?? '');
  }
}

/** Waits until the demand counts stop changing (advisories of the other paths have arrived). */
async function settled(nodes: readonly NetworkNode[]): Promise<void> {
  let last = '';
  let stable = 0;
  await waitFor(() => {
    const now = nodes.map(demand).join(',');
    stable = now === last ? stable + 1 : 0;
    last = now;
    return stable >= 4;
  }, 'demand to settle');
}

test('suppressDuplicateTopicSubscriptions="false" in a triangle with networkTTL=2: a topic message crosses twice', async () => {
  const [a, b, c] = await triangle('dup-off', 'networkTTL="2" suppressDuplicateTopicSubscriptions="false"');
  const consumer = await subscribe(c, 'topic://mesh.t');
  // A serves C's consumer directly and through B's demand for it; B likewise through A.
  await waitFor(() => demand(a) === 2 && demand(b) === 2, 'demand by both paths');
  await publish(a, 'topic://mesh.t', 5);
  // C's producer audit drops the second copies; the network carried them all the same.
  assert.deepEqual(await drain(consumer), ['m0', 'm1', 'm2', 'm3', 'm4']);
  assert.equal(forwarded(a), 10);
});

test('suppressDuplicateTopicSubscriptions (the default): one demand per consumer and broker, each message crosses once; none is revived when the consumer goes', async () => {
  const [a, b, c] = await triangle('dup-on', 'networkTTL="2"');
  const consumer = await subscribe(c, 'topic://mesh.t');
  await waitFor(() => demand(a) >= 1 && demand(b) >= 1, 'demand');
  await settled([a, b, c]);
  assert.equal(demand(a), 1);
  assert.equal(demand(b), 1);
  await publish(a, 'topic://mesh.t', 5);
  assert.deepEqual(await drain(consumer), ['m0', 'm1', 'm2', 'm3', 'm4']);
  assert.ok(forwarded(a) === 5, `A forwarded ${forwarded(a)}`);
  // The consumer goes: every demand for it goes, the suppressed ones are not revived.
  await consumer.close();
  await waitFor(() => demand(a) === 0 && demand(b) === 0, 'demand gone with the consumer');
  await settled([a, b, c]);
  assert.equal(demand(a) + demand(b), 0);
});

test('suppressDuplicateQueueSubscriptions with decreaseNetworkConsumerPriority: the nearer path is kept', async () => {
  const [a, b, c] = await triangle(
    'dupq',
    'networkTTL="2" suppressDuplicateQueueSubscriptions="true" decreaseNetworkConsumerPriority="true"',
  );
  const consumer = await subscribe(c, 'queue://mesh.q');
  await waitFor(() => demand(a) >= 1 && demand(b) >= 1, 'demand');
  await settled([a, b, c]);
  assert.equal(demand(a), 1);
  assert.equal(demand(b), 1);
  await publish(a, 'queue://mesh.q', 4);
  assert.deepEqual(await drain(consumer), ['m0', 'm1', 'm2', 'm3']);
  // A's demand leads straight to C: nothing went through B.
  assert.equal(forwarded(a), 4);
  assert.equal(forwarded(b), 0);
});

test('when the bridge a consumer was served by fails, the suppressed path serves it', async () => {
  let link!: TcpProxy;
  const [a, b, c] = await triangle(
    'dup-fail',
    'networkTTL="2" decreaseNetworkConsumerPriority="true"',
    async (port) => {
      link = await TcpProxy.start('127.0.0.1', port);
      proxies.push(link);
      return link;
    },
  );
  const consumer = await subscribe(c, 'topic://mesh.f');
  await waitFor(() => demand(a) >= 1 && demand(b) >= 1, 'demand');
  await settled([a, b, c]);
  assert.equal(demand(a), 1);
  // A loses its link to C (C's own bridge to A stays): A's demand for C's consumer goes with it, and the demand
  // it had suppressed, through B, takes over.
  await link.cut();
  await waitFor(() => bridges(a) === 1, 'A without its bridge to C');
  await waitFor(() => demand(a) === 1, 'A serving the consumer through B');
  await publish(a, 'topic://mesh.f', 3);
  assert.deepEqual(await drain(consumer, 1500), ['m0', 'm1', 'm2']);
  assert.ok(forwarded(b) >= 3, `B forwarded ${forwarded(b)}`);
});
