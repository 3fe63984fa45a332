import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckType } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import type { PolicyEntry } from '../policy/policy-entry.js';
import { PolicyMap } from '../policy/policy-map.js';
import { RegionBroker } from '../region/region-broker.js';
import {
  ack,
  consumerInfo,
  context,
  message,
  settle,
  TestSink,
} from '../../../test/support/broker/region/test-support.js';
import { AdvisoryBroker } from './advisory-broker.js';

/** MessageDelivered, MessageConsumed, SlowConsumer and FastProducer advisories through the real region. */
async function setup(entries: [Destination, PolicyEntry][]) {
  const clock = new ManualClock();
  const policies = new PolicyMap();
  for (const [d, e] of entries) policies.put(d, e);
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock, policies });
  const b = new AdvisoryBroker(region, { events: region });
  await b.start();
  const ctx = context('client-1');
  await b.addConnection(ctx);
  const listen = async (dest: Destination, prefetch = 1000, subscriptionName: string | null = null) => {
    const sink = new TestSink();
    const info = consumerInfo(dest, { prefetch, subscriptionName });
    await b.addConsumer(ctx, info, sink);
    return { sink, info };
  };
  return { b, ctx, listen, region };
}

function payloadMessage(m: Message): Message {
  assert.equal(m.advisory?.kind, 'message');
  return m.advisory.kind === 'message' ? m.advisory.message : assert.fail('not a message payload');
}

test('advisoryForDelivery and advisoryForConsumed on a queue: the message (body cleared) and its id and destination', async () => {
  const q = Destination.queue('ORDERS');
  const { b, ctx, listen } = await setup([[q, { advisoryForDelivery: true, advisoryForConsumed: true }]]);
  const delivered = await listen(Destination.topic('ActiveMQ.Advisory.MessageDelivered.Queue.ORDERS'));
  const consumed = await listen(Destination.topic('ActiveMQ.Advisory.MessageConsumed.Queue.ORDERS'));
  const sent = message(q, 'order-1');
  sent.properties = new Map([['tag', typed.string('t1')]]);
  await b.send(ctx, sent, null);
  await settle();
  assert.equal(delivered.sink.received.length, 1);
  assert.equal(consumed.sink.received.length, 0, 'not consumed yet');
  const d = delivered.sink.received[0]!.message;
  assert.equal(d.type, 'Advisory');
  assert.equal(d.properties.get('orignalMessageId')?.value, sent.messageId);
  assert.equal(d.properties.get('orignalDestination')?.value, 'queue://ORDERS');
  const copy = payloadMessage(d);
  assert.equal(copy.messageId, sent.messageId);
  assert.equal(copy.body, null);
  assert.equal(copy.properties.get('tag')?.value, 't1');

  const c = await listen(q);
  await settle();
  assert.equal(consumed.sink.received.length, 0, 'dispatch is not consumption');
  await b.acknowledge(ctx, ack(c.info.consumerId, sent.messageId));
  await settle();
  assert.equal(consumed.sink.received.length, 1);
  const m = consumed.sink.received[0]!.message;
  assert.equal(m.properties.get('orignalMessageId')?.value, sent.messageId);
  assert.equal(m.properties.get('orignalDestination')?.value, 'queue://ORDERS');
  assert.equal(payloadMessage(m).messageId, sent.messageId);
});

test('no MessageDelivered / MessageConsumed advisories where the policy does not ask for them', async () => {
  const { b, ctx, listen } = await setup([]);
  const all = await listen(Destination.topic('ActiveMQ.Advisory.>'));
  const q = Destination.queue('PLAIN');
  const c = await listen(q);
  const sent = message(q, 'x');
  await b.send(ctx, sent, null);
  await b.acknowledge(ctx, ack(c.info.consumerId, sent.messageId));
  await settle();
  const names = all.sink.received.map((d) => d.message.destination.name);
  assert.ok(!names.some((n) => n.includes('MessageDelivered') || n.includes('MessageConsumed')), names.join());
});

test('MessageConsumed on a topic comes from durable subscriptions only, as Topic.acknowledge', async () => {
  const t = Destination.topic('NEWS');
  const { b, ctx, listen } = await setup([[t, { advisoryForConsumed: true }]]);
  const consumed = await listen(Destination.topic('ActiveMQ.Advisory.MessageConsumed.Topic.NEWS'));
  const plain = await listen(t);
  const durable = await listen(t, 100, 'sub-1');
  const sent = message(t, 'n1');
  await b.send(ctx, sent, null);
  await b.acknowledge(ctx, ack(plain.info.consumerId, sent.messageId));
  await settle();
  assert.equal(consumed.sink.received.length, 0, 'a non-durable ack is not reported');
  await b.acknowledge(ctx, ack(durable.info.consumerId, sent.messageId));
  await settle();
  assert.equal(consumed.sink.received.length, 1);
});

test('a poison ack and an ack inside a transaction count as consumed (at ack time)', async () => {
  const q = Destination.queue('TX');
  const { b, ctx, listen } = await setup([[q, { advisoryForConsumed: true }]]);
  const consumed = await listen(Destination.topic('ActiveMQ.Advisory.MessageConsumed.Queue.TX'));
  const c = await listen(q);
  const m1 = message(q, 'one');
  const m2 = message(q, 'two');
  await b.send(ctx, m1, null);
  await b.send(ctx, m2, null);
  await b.acknowledge(ctx, ack(c.info.consumerId, m1.messageId, AckType.Poison));
  await b.beginTransaction(ctx, 'tx-1');
  await b.acknowledge(ctx, { ...ack(c.info.consumerId, m2.messageId), transactionId: 'tx-1' });
  await settle();
  assert.deepEqual(
    consumed.sink.received.map((d) => d.message.properties.get('orignalMessageId')?.value),
    [m1.messageId, m2.messageId],
  );
});

test('SlowConsumer advisory: a topic subscriber holding more than its prefetch pending, once per episode', async () => {
  const t = Destination.topic('FAST');
  const { b, ctx, listen } = await setup([[t, { advisoryForSlowConsumers: true }]]);
  const slow = await listen(Destination.topic('ActiveMQ.Advisory.SlowConsumer.Topic.FAST'));
  const sub = await listen(t, 10);
  const sent: Message[] = [];
  const send = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const m = message(t, `m${sent.length}`);
      sent.push(m);
      await b.send(ctx, m, null);
    }
    await settle();
  };
  // 10 fill the prefetch window; the 22nd arrives while 11 wait (TopicSubscription.add counts before adding).
  await send(21);
  assert.equal(slow.sink.received.length, 0);
  await send(1);
  assert.equal(slow.sink.received.length, 1);
  await send(10);
  assert.equal(slow.sink.received.length, 1, 'once per episode');
  const advisory = slow.sink.received[0]!.message;
  assert.equal(advisory.properties.get('consumerId')?.value, sub.info.consumerId);
  assert.equal(advisory.advisory?.kind, 'consumer');
  assert.equal(advisory.advisory?.kind === 'consumer' ? advisory.advisory.info.consumerId : null, sub.info.consumerId);
  // Catch up completely; the next message goes straight out and ends the episode.
  while (sub.sink.received.length < sent.length) {
    await b.acknowledge(ctx, ack(sub.info.consumerId, sub.sink.received.at(-1)!.message.messageId));
  }
  await b.acknowledge(ctx, ack(sub.info.consumerId, sent.at(-1)!.messageId));
  await send(1); // straight out: the window now holds this one
  await send(20);
  assert.equal(slow.sink.received.length, 1, 'not slow again yet');
  await send(1);
  assert.equal(slow.sink.received.length, 2, 'a second episode');
});

test('SlowConsumer advisory for a durable subscription: a message waits while its prefetch is full', async () => {
  const t = Destination.topic('DUR');
  const { b, ctx, listen } = await setup([[t, { advisoryForSlowConsumers: true }]]);
  const slow = await listen(Destination.topic('ActiveMQ.Advisory.SlowConsumer.Topic.DUR'));
  const sub = await listen(t, 2, 'durable-1');
  for (let i = 0; i < 2; i++) await b.send(ctx, message(t, `d${i}`), null);
  await settle();
  assert.equal(slow.sink.received.length, 0, 'a full window with nothing waiting is not slow');
  await b.send(ctx, message(t, 'd2'), null);
  await b.send(ctx, message(t, 'd3'), null);
  await settle();
  assert.equal(slow.sink.received.length, 1);
  assert.equal(slow.sink.received[0]!.message.properties.get('consumerId')?.value, sub.info.consumerId);
});

test('no SlowConsumer advisory without advisoryForSlowConsumers, nor for prefetch 1', async () => {
  const t = Destination.topic('QUIET');
  const { b, ctx, listen } = await setup([[Destination.topic('ONE'), { advisoryForSlowConsumers: true }]]);
  const slow = await listen(Destination.topic('ActiveMQ.Advisory.SlowConsumer.Topic.>'));
  await listen(t, 2);
  await listen(Destination.topic('ONE'), 1);
  for (let i = 0; i < 10; i++) {
    await b.send(ctx, message(t, `q${i}`), null);
    await b.send(ctx, message(Destination.topic('ONE'), `o${i}`), null);
  }
  await settle();
  assert.equal(slow.sink.received.length, 0);
});

test('FastProducer advisory: each send that finds the destination full, with the ProducerInfo', async () => {
  const q = Destination.queue('FULLQ');
  const { b, ctx, listen } = await setup([
    [q, { advisoryForFastProducers: true, memoryLimit: 1000, sendFailIfNoSpace: true }],
  ]);
  const fast = await listen(Destination.topic('ActiveMQ.Advisory.FastProducer.Queue.FULLQ'));
  const producer = { producerId: 'ID:p-1:1:1', destination: q, windowSize: 0 };
  await b.addProducer(ctx, producer);
  const body = 'x'.repeat(400);
  let refused = 0;
  for (let i = 0; i < 6; i++) {
    const m = message(q, body, { producerId: producer.producerId });
    await b.send(ctx, m, null).catch(() => refused++);
  }
  await settle();
  assert.ok(refused > 0, 'the queue filled up');
  assert.equal(fast.sink.received.length, refused);
  const advisory = fast.sink.received[0]!.message;
  assert.equal(advisory.properties.get('producerId')?.value, producer.producerId);
  assert.equal(advisory.advisory?.kind, 'producer');
  assert.equal(advisory.advisory?.kind === 'producer' ? advisory.advisory.info : null, producer);
});
