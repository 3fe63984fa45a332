import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../model/destination.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import type { BrokerError } from '../../util/errors.js';
import type { AbortSlowConsumerStrategyConfig } from '../policy/abort-slow-consumer-strategy.js';
import { PolicyMap } from '../policy/policy-map.js';
import type { ConnectionContext } from '../broker.js';
import { RegionBroker } from './region-broker.js';
import { ack, consumer, context, message, settle } from '../../../test/support/broker/region/test-support.js';

/** abortSlowConsumerStrategy wired into the region: what happens to a slow topic subscriber. */
async function setup(strategy: AbortSlowConsumerStrategyConfig, withCloseConsumer: boolean) {
  const clock = new ManualClock();
  const t = Destination.topic('FEED');
  const policies = new PolicyMap().put(t, { slowConsumerStrategy: strategy });
  const b = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock, policies });
  await b.start();
  const closed: BrokerError[] = [];
  const consumerClosed: string[] = [];
  const base = context();
  const ctx: ConnectionContext = {
    ...base,
    control: {
      close: (e) => closed.push(e),
      ...(withCloseConsumer ? { closeConsumer: (id: string) => consumerClosed.push(id) } : {}),
    },
  };
  await b.addConnection(ctx);
  const sub = await consumer(b, ctx, t, { prefetch: 2 });
  // Prefetch 2: two go out, the 6th finds three waiting and makes the subscriber slow.
  for (let i = 0; i < 6; i++) await b.send(ctx, message(t, `m${i}`), null);
  await settle();
  return { b, clock, ctx, sub, t, closed, consumerClosed };
}

test('abortConnection: the slow consumer’s connection is closed with ActiveMQ’s text after maxSlowDuration', async () => {
  const { b, clock, closed } = await setup(
    { type: 'abortSlowConsumer', abortConnection: true, maxSlowDuration: 200, checkPeriod: 100 },
    false,
  );
  clock.advance(100);
  assert.equal(closed.length, 0);
  clock.advance(100);
  clock.advance(0);
  assert.equal(closed.length, 1);
  assert.equal(closed[0]!.code, 'ERR_INACTIVITY');
  assert.equal(closed[0]!.message, '1 Consumers was slow too often (>-1) or too long (>200): ');
  await b.stop();
});

test('without abortConnection the protocol is asked to close just the consumer', async () => {
  const { b, clock, closed, consumerClosed, sub } = await setup(
    { type: 'abortSlowConsumer', maxSlowDuration: 100, checkPeriod: 100 },
    true,
  );
  clock.advance(100);
  assert.deepEqual(consumerClosed, [sub.handle.info.consumerId]);
  assert.equal(closed.length, 0);
  await b.stop();
});

test('a protocol that cannot close a consumer gets it detached by the region a second later', async () => {
  const { b, clock, ctx, sub, t } = await setup(
    { type: 'abortSlowConsumer', maxSlowDuration: 100, checkPeriod: 100 },
    false,
  );
  clock.advance(100);
  clock.advance(999);
  await settle();
  const before = sub.sink.received.length;
  await b.send(ctx, message(t, 'still attached?'), null);
  clock.advance(1);
  await settle();
  assert.equal(b.getTopic(t).subscriptions.length, 0, 'detached');
  assert.equal(sub.sink.received.length, before);
  await b.stop();
});

test('a consumer that catches up before the check is not aborted', async () => {
  const { b, clock, closed, consumerClosed, sub, ctx } = await setup(
    { type: 'abortSlowConsumer', abortConnection: true, maxSlowDuration: 200, checkPeriod: 100 },
    true,
  );
  clock.advance(100);
  // Acknowledge everything, then one more message goes straight out: the episode is over.
  const ackLast = () =>
    b.acknowledge(ctx, ack(sub.handle.info.consumerId, sub.sink.received.at(-1)!.message.messageId));
  while (sub.sink.received.length < 6) await ackLast();
  await ackLast();
  await b.send(ctx, message(Destination.topic('FEED'), 'fresh'), null);
  clock.advance(500);
  assert.deepEqual(closed, []);
  assert.deepEqual(consumerClosed, []);
  await b.stop();
});
