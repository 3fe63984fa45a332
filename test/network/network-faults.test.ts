/**
 * A network bridge facing a hostile or broken peer (issue 13, "bad input"): wrong credentials, a peer that
 * speaks garbage, a connection cut in the middle of traffic. Each is logged once per change of state, retried
 * with back-off, and loses no persistent message.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { Connection } from '../../src/client/index.js';
import { waitFor } from '../support/client/broker.js';
import { TcpProxy } from '../support/net/tcp-proxy.js';
import { bridged, demand, logLines, networkNode, type NetworkNode } from '../support/network/network-node.js';

const running: NetworkNode[] = [];
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c().catch(() => {});
  for (const n of running) await n.stop().catch(() => {});
});

async function started(...nodes: NetworkNode[]): Promise<void> {
  for (const n of nodes) {
    await n.start();
    running.push(n);
  }
}

async function connect(node: NetworkNode): Promise<Connection> {
  const c = await Connection.connect(node.url);
  cleanups.push(() => c.close());
  return c;
}

const FAST_RETRY = 'initialReconnectDelay=20&amp;maxReconnectDelay=100';

const AUTH = `<plugins><simpleAuthenticationPlugin anonymousAccessAllowed="false"><users>
  <authenticationUser username="bridge" password="right" groups="admins"/>
</users></simpleAuthenticationPlugin></plugins>`;

test('wrong bridge credentials: refused by the remote broker’s security, logged once, retried; right ones work', async () => {
  const b = await networkNode('auth-b', { children: AUTH });
  const wrong = await networkNode('auth-a', {
    children: `<networkConnectors><networkConnector name="nc" uri="static:(${b.url})?${FAST_RETRY}" userName="bridge" password="wrong"/></networkConnectors>`,
  });
  await started(b, wrong);
  await waitFor(() => logLines(wrong, 'could not start a bridge').length === 1, 'the refusal');
  assert.match(logLines(wrong, 'could not start a bridge')[0]!, /User name \[bridge\] or password is invalid\./);
  await waitFor(() => logLines(wrong, 'still failing').length >= 2, 'retries');
  assert.equal(logLines(wrong, 'could not start a bridge').length, 1, 'logged once while it keeps failing');
  assert.equal(bridged(wrong), false);

  const right = await networkNode('auth-c', {
    children: `<networkConnectors><networkConnector name="nc" uri="static:(${b.url})" userName="bridge" password="right"/></networkConnectors>`,
  });
  await started(right);
  await waitFor(() => bridged(right), 'the bridge with the right password');
});

test('a peer that answers with garbage: the bridge fails cleanly, is logged once and retried; the broker runs on', async () => {
  let connections = 0;
  const garbage = net.createServer((s) => {
    connections++;
    s.on('error', () => {});
    // Written, then gone: the server does not wait for the bridge to hang up.
    s.end(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n\x00\x00\x00\x07garbage!'), () => s.destroy());
  });
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => garbage.close(() => r())));
  const port = (garbage.address() as net.AddressInfo).port;
  const a = await networkNode('garbage-a', {
    children: `<networkConnectors><networkConnector name="nc" uri="static:(tcp://127.0.0.1:${port})?${FAST_RETRY}"/></networkConnectors>`,
  });
  await started(a);
  await waitFor(() => connections >= 3, 'several attempts');
  assert.equal(logLines(a, 'could not start a bridge').length, 1);
  // The broker itself is unaffected.
  const c = await connect(a);
  const s = await c.createSession();
  await (await s.createProducer('queue://garbage.ok')).send('still here');
  assert.equal((await (await s.createConsumer('queue://garbage.ok')).receive(5000))?.text, 'still here');
});

test('the bridge connection cut in the middle of traffic: persistent messages all arrive, each once', async () => {
  const b = await networkNode('cut-b');
  await started(b);
  const proxy = await TcpProxy.start('127.0.0.1', b.port);
  cleanups.push(() => proxy.close());
  const a = await networkNode('cut-a', {
    children: `<networkConnectors><networkConnector name="nc" uri="static:(tcp://127.0.0.1:${proxy.port})?${FAST_RETRY}"/></networkConnectors>`,
  });
  await started(a);
  await waitFor(() => bridged(a), 'the bridge through the proxy');
  const consumer = await (await (await connect(b)).createSession()).createConsumer('queue://cut.orders');
  await waitFor(() => demand(a) === 1, 'demand');
  const producer = await (await (await connect(a)).createSession()).createProducer('queue://cut.orders');
  const sent: string[] = [];
  const received = new Map<string, number>();
  const total = 400;
  for (let i = 0; i < total; i++) {
    sent.push(await producer.send(`m${i}`, { persistent: true }));
    if (i === 150) await proxy.cut();
    if (i === 250) await proxy.resume();
  }
  await waitFor(() => bridged(a), 'the bridge back after the cut', 15_000);
  // The consumer moved nowhere: its demand is re-announced to the new bridge by the advisory replay.
  while (received.size < total) {
    const m = await consumer.receive(10_000);
    if (m === null) break;
    received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
  }
  const lost = sent.filter((id) => !received.has(id));
  const duplicated = [...received.values()].filter((n) => n > 1).length;
  assert.deepEqual(lost, [], `lost ${lost.length} of ${total}`);
  assert.equal(duplicated, 0);
  assert.equal(await consumer.receive(300), null);
  assert.ok(logLines(a, 'shutdown:').length >= 1, 'the cut was logged');
});
