/**
 * Durable demand across restarts (issue 13): dynamicOnly="false" turns the bridge's own NC-DS_ subscriptions back
 * into demand at start, and syncDurableSubs has the other broker name its durable subscriptions (offline ones
 * too) so that demand for them exists before their subscribers return and stale demand is removed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/client/index.js';
import { freePort } from '../interop/harness/free-port.js';
import { waitFor } from '../support/client/broker.js';
import {
  networkFixture,
  demand,
  logLines,
  networkNode,
  staticConnector,
  type NetworkNode,
} from '../support/network/network-node.js';

const { started: start } = networkFixture();

/** B and A (persistent), A bridged to B with `attributes` (and `inside` the networkConnector element). */
async function pair(prefix: string, attributes: string, inside = ''): Promise<[NetworkNode, NetworkNode]> {
  const b = await networkNode(`${prefix}-b`, { persistent: true, port: await freePort() });
  const connector =
    inside === ''
      ? staticConnector([b], attributes, 'initialReconnectDelay=100')
      : `<networkConnectors><networkConnector name="nc" uri="static:(${b.url})?initialReconnectDelay=100" ${attributes}>${inside}</networkConnector></networkConnectors>`;
  const a = await networkNode(`${prefix}-a`, { persistent: true, children: connector });
  await start(b, a);
  return [a, b];
}

/** Opens a durable subscription on `node` and closes its consumer again (the subscription stays, offline). */
async function offlineDurable(node: NetworkNode, clientId: string, name: string, topic: string, wait?: () => boolean) {
  const c = await Connection.connect(node.url, { clientId });
  await (await c.createSession()).createDurableSubscriber(topic, name);
  if (wait !== undefined) await waitFor(wait, `demand for ${name}`);
  await c.close();
}

async function receiveAll(node: NetworkNode, clientId: string, name: string, topic: string): Promise<string[]> {
  const c = await Connection.connect(node.url, { clientId });
  const sub = await (await c.createSession()).createDurableSubscriber(topic, name);
  const got: string[] = [];
  for (let m = await sub.receive(1500); m !== null; m = await sub.receive(700)) got.push(m.text ?? '');
  await c.close();
  return got;
}

async function publish(node: NetworkNode, topic: string, texts: string[]): Promise<void> {
  const c = await Connection.connect(node.url);
  const p = await (await c.createSession()).createProducer(topic);
  for (const t of texts) await p.send(t, { persistent: true });
  await c.close();
}

/** The durable subscriptions the node holds for its bridges (NC-DS_…). */
function bridgeDurables(node: NetworkNode): string[] {
  return [...node.service!.region.managedDurables()]
    .map((d) => d.subscriptionName)
    .filter((n) => n.startsWith('NC-DS_'))
    .sort();
}

test('dynamicOnly="false" (the default): after a restart the NC-DS_ subscription forwards before its subscriber returns', async () => {
  for (const dynamicOnly of [false, true]) {
    const [a, b] = await pair(`restore-${dynamicOnly}`, `dynamicOnly="${dynamicOnly}"`);
    await offlineDurable(b, 'c1', 's1', 'topic://orders.t', () => demand(a) === 1);
    // A restarts while the subscriber on B is away: only its own NC-DS_ subscription remembers the demand.
    await a.stop();
    await start(a);
    await waitFor(() => (a.service?.networkConnectors[0]?.activeBridges().length ?? 0) === 1, 'the bridge back');
    await publish(a, 'topic://orders.t', ['m1', 'm2']);
    if (!dynamicOnly) await waitFor(() => demand(a) === 1, 'restored demand');
    await new Promise((r) => setTimeout(r, 300));
    // A goes away: only what it forwarded already can reach the subscriber.
    await a.stop();
    const got = await receiveAll(b, 'c1', 's1', 'topic://orders.t');
    assert.deepEqual(got, dynamicOnly ? [] : ['m1', 'm2'], `dynamicOnly=${dynamicOnly}`);
  }
});

test('syncDurableSubs: offline subscriptions of the other broker get demand at once; deleted ones lose theirs', async () => {
  const [a, b] = await pair(
    'sync',
    'syncDurableSubs="true"',
    '<dynamicallyIncludedDestinations><topic physicalName="orders.>"/></dynamicallyIncludedDestinations>',
  );
  await offlineDurable(b, 'c1', 'gone', 'topic://orders.gone', () => demand(a) === 1);
  assert.deepEqual(bridgeDurables(a), ['NC-DS_sync-a_orders.gone']);
  await a.stop();
  // While A is down: one subscription on B is deleted, another is created and goes offline before A returns.
  const c = await Connection.connect(b.url, { clientId: 'c1' });
  await (await c.createSession()).unsubscribe('gone');
  await c.close();
  await offlineDurable(b, 'c2', 'new', 'topic://orders.new');
  const syncs = logLines(a, 'Durable subscriptions synchronised').length;
  await start(a);
  await waitFor(() => logLines(a, 'Durable subscriptions synchronised').length > syncs, 'the durable sync');
  assert.match(logLines(a, 'Durable subscriptions synchronised').at(-1)!, /1 kept, 1 no longer needed removed/);
  assert.deepEqual(bridgeDurables(a), ['NC-DS_sync-a_orders.new']);
  assert.equal(demand(a), 1);
  await publish(a, 'topic://orders.new', ['n1']);
  await new Promise((r) => setTimeout(r, 300));
  await a.stop();
  assert.deepEqual(await receiveAll(b, 'c2', 'new', 'topic://orders.new'), ['n1']);
});
