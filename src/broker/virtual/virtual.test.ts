import { consumerInfoFor } from '../../model/commands.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from '../region/region-broker.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { Destination } from '../../model/destination.js';
import { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import type { Broker, ConnectionContext, Delivery } from '../broker.js';
import { VirtualTopicBroker } from './virtual-topic-broker.js';
import { CompositeDestinationBroker } from './composite-destination-broker.js';

let n = 0;
const ctx: ConnectionContext = {
  info: { connectionId: 'c', clientId: null, userName: null, password: null, remoteAddress: 't', protocol: 't' },
  security: null,
  control: { close: () => {} },
};

async function listen(b: Broker, dest: Destination): Promise<string[]> {
  const got: string[] = [];
  await b.addConsumer(ctx, consumerInfoFor(`k${++n}`, dest, { ackMode: 'auto' }), {
    ready: true,
    deliver: (d: Delivery | null) => {
      if (d) got.push(Buffer.from(d.message.body!).toString());
    },
  });
  return got;
}

function msg(dest: Destination, body: string): Message {
  const m = new Message();
  m.messageId = `ID:v${++n}`;
  m.destination = dest;
  m.body = Buffer.from(body);
  return m;
}

test('a virtual topic feeds each Consumer.<name> queue, each load-balanced, and its own subscribers', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new VirtualTopicBroker(region);
  await b.start();
  await b.addConnection(ctx);
  const topic = Destination.topic('VirtualTopic.Orders');
  const a1 = await listen(b, Destination.queue('Consumer.A.VirtualTopic.Orders'));
  const a2 = await listen(b, Destination.queue('Consumer.A.VirtualTopic.Orders'));
  const sub = await listen(b, topic);
  await b.send(ctx, msg(topic, 'o1'), null);
  const bq = await listen(b, Destination.queue('Consumer.B.VirtualTopic.Orders'));
  await b.send(ctx, msg(topic, 'o2'), null);
  await b.send(ctx, msg(Destination.topic('Plain.Orders'), 'x'), null);
  assert.deepEqual([...a1, ...a2].sort(), ['o1', 'o2']);
  assert.equal(a1.length, 1);
  assert.deepEqual(bq, ['o2']);
  assert.deepEqual(sub, ['o1', 'o2']);
});

test('a consumer queue keeps messages while its consumers are away', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new VirtualTopicBroker(region);
  await b.start();
  await b.addConnection(ctx);
  await b.addDestination(ctx, Destination.queue('Consumer.C.VirtualTopic.Events'));
  await b.send(ctx, msg(Destination.topic('VirtualTopic.Events'), 'e1'), null);
  const c = await listen(b, Destination.queue('Consumer.C.VirtualTopic.Events'));
  assert.deepEqual(c, ['e1']);
});

test('custom name and prefix', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new VirtualTopicBroker(region, [{ name: 'VT.>', prefix: 'App.*.' }]);
  await b.start();
  await b.addConnection(ctx);
  const q = await listen(b, Destination.queue('App.X.VT.T'));
  await b.send(ctx, msg(Destination.topic('VT.T'), 'y'), null);
  assert.deepEqual(q, ['y']);
});

test('composite queues forward to their targets; forwardOnly keeps nothing itself', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new CompositeDestinationBroker(region, [
    {
      destination: Destination.queue('MY.QUEUE'),
      forwardTo: [
        { destination: Destination.queue('FOO'), selector: null },
        { destination: Destination.topic('BAR'), selector: null },
      ],
      forwardOnly: true,
    },
  ]);
  await b.start();
  await b.addConnection(ctx);
  const foo = await listen(b, Destination.queue('FOO'));
  const bar = await listen(b, Destination.topic('BAR'));
  await b.send(ctx, msg(Destination.queue('MY.QUEUE'), 'z'), null);
  assert.deepEqual([foo, bar], [['z'], ['z']]);
  assert.equal(region.findQueue('MY.QUEUE'), undefined);
});

test('selectorAware: a consumer queue gets only what one of its consumers selects, nothing without consumers', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new VirtualTopicBroker(region, [{ name: 'VT.>', prefix: 'Consumer.*.', selectorAware: true }]);
  await b.start();
  const own: ConnectionContext = { ...ctx, info: { ...ctx.info, connectionId: 'sel' } };
  await b.addConnection(own);
  const topic = Destination.topic('VT.Orders');
  const qa = Destination.queue('Consumer.A.VT.Orders');
  const red: string[] = [];
  const info = (id: string, destination: Destination, selector: string | null) => ({
    consumerId: id,
    destination,
    prefetch: 1000,
    selector,
    ackMode: 'auto' as const,
    noLocal: false,
    exclusive: false,
    priority: 0,
    retroactive: false,
    browser: false,
    subscriptionName: null,
  });
  const sink = {
    ready: true,
    deliver: (d: Delivery | null) => {
      if (d) red.push(Buffer.from(d.message.body!).toString());
    },
  };
  await b.addConsumer(own, info('a-red', qa, "color = 'red'"), sink);
  for (const color of ['red', 'blue']) {
    const m = msg(topic, color);
    m.properties = new Map([['color', typed.string(color)]]);
    await b.send(own, m, null);
  }
  assert.deepEqual(red, ['red']);
  // Without selectorAware blue would wait in the queue for ever; here it never entered it.
  assert.equal(region.getQueue(qa).size, 0);
  // Consumers removed with their connection no longer select anything: nothing is forwarded.
  await b.removeConnection(own);
  await b.addConnection(own);
  const later = msg(topic, 'red');
  later.properties = new Map([['color', typed.string('red')]]);
  await b.send(own, later, null);
  assert.equal(region.getQueue(qa).size, 0, 'no consumer, nothing forwarded');
  assert.deepEqual(red, ['red']);
});
