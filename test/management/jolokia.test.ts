/**
 * /api/jolokia as monitoring tools call it: Telegraf's jolokia2 bulk POST of wildcard reads, Nagios-style GET
 * reads, hawtio's search/list/exec, with ActiveMQ 5.17's MBean and attribute names and Jolokia's envelopes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebBroker } from '../support/management/web-broker.js';

const BROKER = 'org.apache.activemq:type=Broker,brokerName=stomp-it';
const queue = (n: string): string => `${BROKER},destinationType=Queue,destinationName=${n}`;

interface Envelope {
  status: number;
  value?: unknown;
  error_type?: string;
  error?: string;
  timestamp?: number;
  request?: unknown;
}

test('read: one attribute, several, all, and wildcard patterns (Telegraf jolokia2 bulk POST)', async (t) => {
  const w = await startWebBroker(t);
  for (const body of ['a', 'b', 'c'])
    await w.call('/api/message/orders?type=queue', { method: 'POST', body: new URLSearchParams({ body }) });
  await w.call('/api/message/invoices?type=queue', { method: 'POST', body: new URLSearchParams({ body: 'i' }) });
  const get = async (path: string): Promise<Envelope> =>
    (await (await w.call(`/api/jolokia${path}`)).json()) as Envelope;

  const one = await get(`/read/${queue('orders')}/QueueSize`);
  assert.equal(one.status, 200);
  assert.equal(one.value, 3);
  assert.equal(typeof one.timestamp, 'number');
  assert.deepEqual(one.request, { type: 'read', mbean: queue('orders'), attribute: 'QueueSize' });
  const several = await get(`/read/${queue('orders')}/QueueSize,EnqueueCount,ConsumerCount`);
  assert.deepEqual(several.value, { QueueSize: 3, EnqueueCount: 3, ConsumerCount: 0 });
  const all = (await get(`/read/${queue('orders')}`)).value as Record<string, unknown>;
  for (const a of [
    'Name',
    'QueueSize',
    'EnqueueCount',
    'DequeueCount',
    'DispatchCount',
    'ExpiredCount',
    'InFlightCount',
    'ConsumerCount',
    'ProducerCount',
    'MemoryUsageByteCount',
    'MemoryPercentUsage',
    'AverageEnqueueTime',
    'MaxEnqueueTime',
    'MinEnqueueTime',
    'AverageMessageSize',
    'Paused',
    'Subscriptions',
  ]) {
    assert.ok(a in all, `QueueViewMBean attribute ${a}`);
  }
  assert.equal(all['Name'], 'orders');
  const broker = (await get(`/read/${BROKER}`)).value as Record<string, unknown>;
  assert.equal(broker['BrokerName'], 'stomp-it');
  assert.deepEqual(
    (broker['Queues'] as { objectName: string }[]).map((q) => q.objectName).sort(),
    ['invoices', 'orders'].map(
      (n) => `org.apache.activemq:brokerName=stomp-it,destinationName=${n},destinationType=Queue,type=Broker`,
    ),
  );

  // Telegraf's activemq example: a bulk POST with a wildcard MBean and an attribute list.
  const res = await w.call('/api/jolokia', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([
      {
        type: 'read',
        mbean: 'org.apache.activemq:brokerName=*,destinationName=*,destinationType=Queue,type=Broker',
        attribute: ['QueueSize', 'EnqueueCount', 'ConsumerCount'],
      },
      {
        type: 'read',
        mbean: 'org.apache.activemq:type=Broker,brokerName=*',
        attribute: ['TotalEnqueueCount', 'MemoryPercentUsage', 'StorePercentUsage'],
      },
      {
        type: 'read',
        mbean: 'org.apache.activemq:type=Broker,brokerName=nope,destinationType=Queue,destinationName=*',
      },
    ]),
  });
  const bulk = (await res.json()) as Envelope[];
  assert.equal(bulk.length, 3);
  const queues = bulk[0]!.value as Record<string, Record<string, number>>;
  assert.deepEqual(
    queues['org.apache.activemq:brokerName=stomp-it,destinationName=orders,destinationType=Queue,type=Broker'],
    { QueueSize: 3, EnqueueCount: 3, ConsumerCount: 0 },
  );
  assert.equal(Object.keys(queues).length, 2);
  const b = bulk[1]!.value as Record<string, Record<string, number>>;
  assert.equal(b['org.apache.activemq:brokerName=stomp-it,type=Broker']!['TotalEnqueueCount'], 4);
  assert.equal(bulk[2]!.status, 404);
  assert.equal(bulk[2]!.error_type, 'javax.management.InstanceNotFoundException');
});

test('errors: unknown MBean 404, unknown attribute 404, bad name and bad arguments 400', async (t) => {
  const w = await startWebBroker(t);
  const get = async (path: string): Promise<Envelope> =>
    (await (await w.call(`/api/jolokia${path}`)).json()) as Envelope;
  const missing = await get(`/read/${queue('none')}/QueueSize`);
  assert.equal(missing.status, 404);
  assert.equal(missing.error_type, 'javax.management.InstanceNotFoundException');
  assert.match(missing.error!, /^javax\.management\.InstanceNotFoundException : /);
  const attr = await get(`/read/${BROKER}/NoSuchThing`);
  assert.equal(attr.status, 404);
  assert.equal(attr.error_type, 'javax.management.AttributeNotFoundException');
  assert.equal((await get('/read/not-a-name/X')).status, 400);
  const args = await get(`/exec/${BROKER}/addQueue`);
  assert.equal(args.status, 400);
  assert.match(args.error!, /requires 1 parameters/);
  assert.equal((await get(`/exec/${BROKER}/noSuchOp`)).status, 400);
});

test('exec: addQueue, sendTextMessage, browse, moveMessageTo, copyMessageTo, removeMessage, pause, purge, removeQueue', async (t) => {
  const w = await startWebBroker(t);
  const post = async (req: Record<string, unknown>): Promise<Envelope> =>
    (await (
      await w.call('/api/jolokia', { method: 'POST', body: JSON.stringify({ type: 'exec', ...req }) })
    ).json()) as Envelope;
  assert.equal((await post({ mbean: BROKER, operation: 'addQueue', arguments: ['work'] })).status, 200);
  const sent = await post({
    mbean: queue('work'),
    operation: 'sendTextMessage(java.lang.String)',
    arguments: ['hello'],
  });
  assert.equal(sent.status, 200);
  const id = sent.value as string;
  await post({
    mbean: queue('work'),
    operation: 'sendTextMessage(java.util.Map,java.lang.String)',
    arguments: [{ k: 'v' }, 'second'],
  });
  const browsed = (await post({ mbean: queue('work'), operation: 'browse()', arguments: [] })).value as Record<
    string,
    unknown
  >[];
  assert.deepEqual(
    browsed.map((m) => m['Text']),
    ['hello', 'second'],
  );
  assert.equal(browsed[0]!['JMSMessageID'], id);
  assert.equal(browsed[0]!['JMSDeliveryMode'], 'PERSISTENT');
  assert.deepEqual(browsed[1]!['StringProperties'], { k: 'v' });
  assert.equal((await post({ mbean: queue('work'), operation: 'copyMessageTo', arguments: [id, 'copy'] })).value, true);
  assert.equal(
    (await post({ mbean: queue('work'), operation: 'moveMessageTo', arguments: [id, 'moved'] })).value,
    true,
  );
  assert.equal((await post({ mbean: queue('work'), operation: 'removeMessage', arguments: [id] })).value, false);
  assert.equal((await post({ mbean: queue('work'), operation: 'pause', arguments: [] })).status, 200);
  assert.equal(w.mgmt.queue('work').paused, true);
  assert.equal((await post({ mbean: queue('work'), operation: 'purge', arguments: [] })).status, 200);
  assert.equal(w.mgmt.queue('work').size, 0);
  assert.equal(w.mgmt.queue('moved').size, 1);
  assert.equal(w.mgmt.queue('copy').size, 1);
  assert.equal((await post({ mbean: BROKER, operation: 'removeQueue', arguments: ['copy'] })).status, 200);
  assert.ok(!w.mgmt.queues().some((q) => q.destination.name === 'copy'));
  // GET exec, the form hawtio and shell scripts use.
  const r = (await (await w.call(`/api/jolokia/exec/${BROKER}/addTopic/alerts`)).json()) as Envelope;
  assert.equal(r.status, 200);
  assert.ok(w.mgmt.topics().some((x) => x.destination.name === 'alerts'));
});

test('search, list and version', async (t) => {
  const w = await startWebBroker(t);
  await w.mgmt.addQueue('a');
  await w.mgmt.addTopic('b');
  const search = (await (await w.call('/api/jolokia/search/org.apache.activemq:type=Broker,*')).json()) as Envelope;
  const names = search.value as string[];
  assert.ok(names.includes('org.apache.activemq:brokerName=stomp-it,type=Broker'));
  assert.ok(
    names.includes('org.apache.activemq:brokerName=stomp-it,destinationName=a,destinationType=Queue,type=Broker'),
  );
  assert.ok(
    names.includes('org.apache.activemq:brokerName=stomp-it,destinationName=b,destinationType=Topic,type=Broker'),
  );
  assert.ok(
    names.includes(
      'org.apache.activemq:brokerName=stomp-it,connector=clientConnectors,connectorName=stomp,type=Broker',
    ),
  );
  const list = (await (await w.call('/api/jolokia/list')).json()) as Envelope;
  const domain = (
    list.value as Record<
      string,
      Record<string, { class: string; attr: Record<string, { type: string }>; op: Record<string, unknown> }>
    >
  )['org.apache.activemq']!;
  const q = domain['brokerName=stomp-it,destinationName=a,destinationType=Queue,type=Broker']!;
  assert.equal(q.class, 'org.apache.activemq.broker.jmx.QueueView');
  assert.equal(q.attr['QueueSize']!.type, 'long');
  assert.equal(q.attr['MemoryPercentUsage']!.type, 'int');
  assert.ok('purge' in q.op);
  const version = (await (await w.call('/api/jolokia/version')).json()) as Envelope;
  assert.equal((version.value as { protocol: string }).protocol, '7.2');
});
