/**
 * transport.subscriptionStrategy=mqtt-virtual-topic-subscriptions (ActiveMQ's MQTTVirtualTopicSubscriptionStrategy)
 * with mqtt.js: PUBLISH goes to `VirtualTopic.<topic>`, a persistent session's QoS 1/2 subscription is a consumer
 * of `Consumer.<clientId>:<QoS>.VirtualTopic.<topic>` that keeps messages while the client is away and is
 * resumed at CONNECT, a clean session's subscription is on the virtual topic itself, UNSUBSCRIBE and a clean
 * CONNECT remove the queue. A STOMP client sees the names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../src/model/destination.js';
import { RawStomp } from '../stomp/helpers.js';
import { client, collecting, end, startBroker, waitFor, type Running } from './helpers.js';

let broker: Running;
let url: string;
before(async () => {
  broker = await startBroker({
    connectors: {
      mqtt: 'mqtt://127.0.0.1:0?transport.subscriptionStrategy=mqtt-virtual-topic-subscriptions',
      stomp: 'stomp://127.0.0.1:0',
    },
  });
  url = `mqtt://127.0.0.1:${broker.port('mqtt')}`;
});
after(() => broker.stop());

const exists = (d: Destination): boolean => broker.service.broker.destinationExists(d);
const queueSize = (name: string): number => broker.service.region.findQueue(name)?.size ?? 0;

test('a persistent QoS 1 subscription is a consumer queue that holds messages while the client is away', async () => {
  const queue = 'Consumer.vt-1:AT_LEAST_ONCE.VirtualTopic.orders.new';
  const first = await collecting(url, { clientId: 'vt-1', clean: false });
  await first.c.subscribeAsync('orders/new', { qos: 1 });
  assert.ok(exists(Destination.queue(queue)), queue);

  // A STOMP subscriber of the virtual topic sees what MQTT publishes: PUBLISH goes to VirtualTopic.<topic>.
  const stomp = await RawStomp.open(broker.port('stomp'));
  stomp.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
  await stomp.frame(0);
  stomp.write('SUBSCRIBE\nid:1\ndestination:/topic/VirtualTopic.orders.new\nreceipt:r\n\n\0');
  await stomp.frame(1);

  const p = await client(url);
  await p.publishAsync('orders/new', 'o1', { qos: 1 });
  await waitFor(() => first.got.length === 1, 'delivered from the queue');
  assert.equal(first.got[0]!.topic, 'orders/new');
  const seen = await stomp.frame(2);
  assert.equal(seen.headers.get('destination'), '/topic/VirtualTopic.orders.new');

  await end(first.c);
  for (const m of ['o2', 'o3']) await p.publishAsync('orders/new', m, { qos: 1 });
  await waitFor(() => queueSize(queue) === 2, 'kept in the consumer queue');
  const again = await collecting(url, { clientId: 'vt-1', clean: false });
  assert.equal(again.sessionPresent, true);
  await waitFor(() => again.got.length === 2, 'the session resumed from its queue');
  assert.deepEqual(
    again.got.map((m) => [m.topic, m.payload.toString()]),
    [
      ['orders/new', 'o2'],
      ['orders/new', 'o3'],
    ],
  );
  // UNSUBSCRIBE removes the queue.
  await again.c.unsubscribeAsync('orders/new');
  await waitFor(() => !exists(Destination.queue(queue)), 'queue removed');
  await Promise.all([end(again.c), end(p)]);
  stomp.destroy();
});

test('a clean session subscribes to the virtual topic itself; a clean CONNECT removes the old queues', async () => {
  const old = await client(url, { clientId: 'vt-2', clean: false });
  await old.subscribeAsync('alerts/all', { qos: 2 });
  const queue = Destination.queue('Consumer.vt-2:EXACTLY_ONCE.VirtualTopic.alerts.all');
  assert.ok(exists(queue));
  await end(old);
  const fresh = await collecting(url, { clientId: 'vt-2', clean: true });
  assert.equal(fresh.sessionPresent, false);
  await waitFor(() => !exists(queue), 'the old session queue removed');
  await fresh.c.subscribeAsync('alerts/fire', { qos: 1 });
  assert.ok(!exists(Destination.queue('Consumer.vt-2:AT_LEAST_ONCE.VirtualTopic.alerts.fire')));
  const p = await client(url);
  await p.publishAsync('alerts/fire', 'hot', { qos: 1 });
  await waitFor(() => fresh.got.length === 1, 'delivered through the virtual topic');
  assert.equal(fresh.got[0]!.topic, 'alerts/fire');
  await Promise.all([end(fresh.c), end(p)]);
});

test('a persistent wildcard subscription is a durable subscription on the virtual topics, resumed at CONNECT', async () => {
  const first = await client(url, { clientId: 'vt-3', clean: false });
  await first.subscribeAsync('metrics/+/cpu', { qos: 1 });
  assert.deepEqual(broker.service.broker.durableSubscriptions?.('vt-3'), ['AT_LEAST_ONCE:metrics/+/cpu']);
  await end(first);
  const p = await client(url);
  await p.publishAsync('metrics/h1/cpu', '42', { qos: 1 });
  const again = await collecting(url, { clientId: 'vt-3', clean: false });
  assert.equal(again.sessionPresent, true);
  await waitFor(() => again.got.length === 1, 'kept while away');
  assert.equal(again.got[0]!.topic, 'metrics/h1/cpu');
  await again.c.unsubscribeAsync('metrics/+/cpu');
  assert.deepEqual(broker.service.broker.durableSubscriptions?.('vt-3'), []);
  await Promise.all([end(again.c), end(p)]);
});

test('an unknown subscription strategy is refused at start-up, naming the two there are', async () => {
  await assert.rejects(
    startBroker({ connectors: { mqtt: 'mqtt://127.0.0.1:0?transport.subscriptionStrategy=mqtt-bogus' } }),
    /transport\.subscriptionStrategy=mqtt-bogus is not one of mqtt-default-subscriptions, mqtt-virtual-topic-subscriptions/,
  );
});
