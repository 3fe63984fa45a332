/**
 * The management model over a real broker driven by a real STOMP client: QueueViewMBean statistics, browse
 * paging, move/copy/retry/remove by id, purge (memory and store backlog), pause/resume, durable removal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerManagement } from '../../src/management/broker-management.js';
import { MBeanRegistry } from '../../src/management/mbean-registry.js';
import { ObjectName } from '../../src/management/object-name.js';
import { managementHost } from '../../src/server/management-host.js';
import { startBroker, stompClient, waitFor } from '../stomp/helpers.js';

async function setup(t: import('node:test').TestContext) {
  const { service, port } = await startBroker();
  t.after(() => service.stop());
  const mgmt = new BrokerManagement(managementHost(service));
  const registry = new MBeanRegistry(mgmt);
  const read = (name: string): Record<string, unknown> => {
    const [m] = registry.query(ObjectName.parse(name));
    assert.ok(m, `no MBean ${name}`);
    return Object.fromEntries(Object.entries(m.attributes).map(([k, a]) => [k, a.get()]));
  };
  return { service, port, mgmt, registry, read };
}

const Q = (name: string): string =>
  `org.apache.activemq:type=Broker,brokerName=stomp-it,destinationType=Queue,destinationName=${name}`;

test('queue statistics count enqueues, dispatches, dequeues, producers, consumers and enqueue time', async (t) => {
  const { port, read } = await setup(t);
  const c = await stompClient(port);
  t.after(() => c.client.deactivate());
  for (let i = 0; i < 5; i++)
    c.client.publish({ destination: '/queue/orders', body: `m${i}`, headers: { receipt: `r${i}` } });
  await waitFor(() => {
    try {
      return read(Q('orders'))['EnqueueCount'] === 5;
    } catch {
      return false;
    }
  }, 'enqueues');
  let q = read(Q('orders'));
  assert.equal(q['QueueSize'], 5);
  assert.equal(q['DispatchCount'], 0);
  assert.equal(q['ConsumerCount'], 0);
  assert.ok((q['AverageMessageSize'] as number) > 0);
  assert.ok((q['MemoryUsageByteCount'] as number) > 0);
  const got: string[] = [];
  c.client.subscribe('/queue/orders', (m) => got.push(m.body));
  await waitFor(() => got.length === 5, 'deliveries');
  q = read(Q('orders'));
  assert.equal(q['DispatchCount'], 5);
  assert.equal(q['DequeueCount'], 5);
  assert.equal(q['QueueSize'], 0);
  assert.equal(q['ConsumerCount'], 1);
  assert.equal((q['Subscriptions'] as unknown[]).length, 1);
  assert.ok((q['MaxEnqueueTime'] as number) >= (q['MinEnqueueTime'] as number));
  assert.equal(typeof q['AverageEnqueueTime'], 'number');
  const broker = read('org.apache.activemq:type=Broker,brokerName=stomp-it');
  assert.equal(broker['TotalEnqueueCount'], 5);
  assert.equal(broker['BrokerName'], 'stomp-it');
  assert.equal(broker['CurrentConnectionsCount'], 1);
});

test('browse pages, copy, move, retry and remove by id; purge; pause and resume', async (t) => {
  const { port, mgmt, read } = await setup(t);
  const c = await stompClient(port);
  t.after(() => c.client.deactivate());
  for (let i = 0; i < 30; i++)
    c.client.publish({ destination: '/queue/work', body: `w${i}`, headers: { persistent: 'true' } });
  await waitFor(() => mgmt.queues().some((q) => q.destination.name === 'work' && q.size === 30), '30 messages');
  const page = await mgmt.browse('work', { offset: 10, limit: 5 });
  assert.equal(page.total, 30);
  assert.deepEqual(
    page.messages.map((m) => Buffer.from(m.body!).toString()),
    ['w10', 'w11', 'w12', 'w13', 'w14'],
  );
  const sel = await mgmt.browse('work', { selector: "JMSMessageID = '" + page.messages[0]!.messageId + "'" });
  assert.equal(sel.total, 1);

  const id = page.messages[0]!.messageId;
  assert.equal(await mgmt.copyMessageTo('work', id, 'copies'), true);
  assert.equal(read(Q('copies'))['QueueSize'], 1);
  assert.equal(read(Q('work'))['QueueSize'], 30);
  assert.equal(await mgmt.moveMessageTo('work', id, 'ActiveMQ.DLQ'), true);
  assert.equal(read(Q('work'))['QueueSize'], 29);
  const [dead] = (await mgmt.browse('ActiveMQ.DLQ')).messages;
  assert.equal(dead!.messageId, id);
  assert.equal(dead!.originalDestination?.name, 'work');
  assert.equal(await mgmt.retryMessage('ActiveMQ.DLQ', id), true);
  assert.equal(read(Q('ActiveMQ.DLQ'))['QueueSize'], 0);
  assert.equal(read(Q('work'))['QueueSize'], 30);
  assert.equal(await mgmt.removeMessage('work', id), true);
  assert.equal(await mgmt.removeMessage('work', id), false);
  assert.equal(read(Q('work'))['QueueSize'], 29);

  mgmt.pause('work');
  const got: string[] = [];
  c.client.subscribe('/queue/work', (m) => got.push(m.body));
  await waitFor(() => read(Q('work'))['ConsumerCount'] === 1, 'consumer');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(got.length, 0, 'a paused queue dispatches nothing');
  assert.equal(read(Q('work'))['Paused'], true);
  mgmt.resume('work');
  await waitFor(() => got.length === 29, 'dispatch after resume');

  for (let i = 0; i < 3; i++) c.client.publish({ destination: '/queue/purged', body: `p${i}` });
  await waitFor(() => mgmt.queues().some((q) => q.destination.name === 'purged' && q.size === 3), 'purged queue');
  assert.equal(await mgmt.purge('purged'), 3);
  assert.equal(read(Q('purged'))['QueueSize'], 0);
});

test('ObjectName patterns match as JMX does', () => {
  const p = ObjectName.parse('org.apache.activemq:type=Broker,brokerName=*,destinationType=Queue,destinationName=*');
  assert.ok(p.isPattern);
  assert.ok(p.matches(ObjectName.parse(Q('a'))));
  assert.ok(!p.matches(ObjectName.parse('org.apache.activemq:type=Broker,brokerName=x')));
  assert.ok(ObjectName.parse('org.apache.activemq:type=Broker,*').matches(ObjectName.parse(Q('a'))));
  assert.equal(
    ObjectName.parse(Q('a')).canonical,
    'org.apache.activemq:brokerName=stomp-it,destinationName=a,destinationType=Queue,type=Broker',
  );
  assert.throws(() => ObjectName.parse('nodomain'));
});

test('topic statistics count each subscription dispatch and ack, as ActiveMQ does', async (t) => {
  const { port, read } = await setup(t);
  const a = await stompClient(port);
  const b = await stompClient(port);
  t.after(() => Promise.all([a.client.deactivate(), b.client.deactivate()]));
  const got: string[] = [];
  a.client.subscribe('/topic/news', (m) => got.push(m.body));
  b.client.subscribe('/topic/news', (m) => got.push(m.body));
  const T = 'org.apache.activemq:type=Broker,brokerName=stomp-it,destinationType=Topic,destinationName=news';
  await waitFor(() => {
    try {
      return read(T)['ConsumerCount'] === 2;
    } catch {
      return false;
    }
  }, 'two subscribers');
  for (let i = 0; i < 3; i++) a.client.publish({ destination: '/topic/news', body: `n${i}` });
  await waitFor(() => got.length === 6, 'six deliveries');
  const topic = read(T);
  assert.equal(topic['EnqueueCount'], 3);
  assert.equal(topic['DispatchCount'], 6);
  assert.equal(topic['DequeueCount'], 6);
});
