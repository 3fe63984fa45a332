/**
 * The local side of a bridge goes through the broker's own security (issue 13: "bridge credentials go through
 * … security like any client"), as ActiveMQ's local VM connection does: the connector's userName/password log
 * in here too, and authorization decides which destinations its demand may consume and, on a duplex bridge, which
 * destinations the peer may send to.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/client/index.js';
import { waitFor } from '../support/client/broker.js';
import {
  networkFixture,
  bridged,
  demand,
  logLines,
  networkNode,
  type NetworkNode,
} from '../support/network/network-node.js';

const { started, connect: open } = networkFixture();

function connect(node: NetworkNode, userName?: string, password?: string): Promise<Connection> {
  return open(node, userName === undefined ? {} : { userName, password: password ?? '' });
}

/** A broker whose `bridge` user may only read and write queues under `shared.` (and the advisories). */
const SECURED = `<plugins>
  <simpleAuthenticationPlugin anonymousAccessAllowed="false"><users>
    <authenticationUser username="bridge" password="right" groups="bridges"/>
    <authenticationUser username="admin" password="admin" groups="admins"/>
  </users></simpleAuthenticationPlugin>
  <authorizationPlugin><map><authorizationMap><authorizationEntries>
    <authorizationEntry queue=">" read="admins" write="admins" admin="admins"/>
    <authorizationEntry queue="shared.>" read="admins,bridges" write="admins,bridges" admin="admins,bridges"/>
    <authorizationEntry topic="ActiveMQ.Advisory.>" read="admins,bridges" write="admins,bridges" admin="admins,bridges"/>
  </authorizationEntries></authorizationMap></map></authorizationPlugin>
</plugins>`;

const connector = (peer: NetworkNode, password: string, attributes = ''): string =>
  `<networkConnectors><networkConnector name="nc" uri="static:(${peer.url})?initialReconnectDelay=50&amp;maxReconnectDelay=100" userName="bridge" password="${password}" ${attributes}/></networkConnectors>`;

test('the bridge logs in to its own broker: a wrong local password keeps it down, logged once', async () => {
  const b = await networkNode('lsec-b');
  const a = await networkNode('lsec-a', { children: SECURED + connector(b, 'wrong') });
  await started(b, a);
  await waitFor(() => logLines(a, 'could not start a bridge').length === 1, 'the refusal');
  assert.match(logLines(a, 'could not start a bridge')[0]!, /User name \[bridge\] or password is invalid\./);
  await waitFor(() => logLines(a, 'still failing').length >= 2, 'retries');
  assert.equal(logLines(a, 'could not start a bridge').length, 1);
  assert.equal(bridged(a), false);
});

test('the bridge user’s authorization limits what its demand may take from this broker', async () => {
  const b = await networkNode('rsec-b');
  const a = await networkNode('rsec-a', { children: SECURED + connector(b, 'right') });
  await started(b, a);
  await waitFor(() => bridged(a), 'the bridge');
  const session = await (await connect(b)).createSession();
  const shared = await session.createConsumer('queue://shared.orders');
  await session.createConsumer('queue://private.orders');
  await waitFor(() => logLines(a, 'could not subscribe to queue://private.orders').length === 1, 'refused demand');
  assert.equal(demand(a), 1);
  const producer = await (await (await connect(a, 'admin', 'admin')).createSession()).createProducer(null);
  await producer.send('for everyone', { destination: 'queue://shared.orders' });
  await producer.send('stays here', { destination: 'queue://private.orders' });
  assert.equal((await shared.receive(5000))?.text, 'for everyone');
  // The private message is still on A for an authorised consumer there.
  const own = await (
    await (await connect(a, 'admin', 'admin')).createSession()
  ).createConsumer('queue://private.orders');
  assert.equal((await own.receive(5000))?.text, 'stays here');
});

test('duplex: the responder end acts as the user the peer logged in as', async () => {
  const b = await networkNode('dsec-b', { children: SECURED });
  const a = await networkNode('dsec-a', { children: connector(b, 'right', 'duplex="true"') });
  await started(b, a);
  await waitFor(() => bridged(a), 'the duplex bridge');
  // Consumers on A: B's responder may take shared.* for them, not private.*.
  const session = await (await connect(a)).createSession();
  const shared = await session.createConsumer('queue://shared.d');
  await session.createConsumer('queue://private.d');
  await waitFor(() => logLines(b, 'could not subscribe to queue://private.d').length === 1, 'refused demand on B');
  const producer = await (await (await connect(b, 'admin', 'admin')).createSession()).createProducer(null);
  await producer.send('across', { destination: 'queue://shared.d' });
  assert.equal((await shared.receive(5000))?.text, 'across');
});
