/**
 * The broker answers a consumer's attach only once the consumer exists (ActiveMQ answers from the response to its
 * ConsumerInfo): a client that publishes as soon as its durable subscriber is attached must find it there. A
 * filter slows addConsumer down so that an early answer would lose the message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventContext } from 'rhea';
import { BrokerFilter } from '../../src/broker/broker-filter.js';
import type { ConnectionContext, ConsumerHandle, ConsumerSink } from '../../src/broker/broker.js';
import type { ConsumerInfo } from '../../src/model/commands.js';
import { amqpConnect, closeConnection, openReceiver, openSender, startAmqpBroker, waitFor } from './helpers.js';

class SlowConsumers extends BrokerFilter {
  override async addConsumer(
    context: ConnectionContext,
    info: ConsumerInfo,
    sink: ConsumerSink,
  ): Promise<ConsumerHandle> {
    await new Promise((r) => setTimeout(r, 200));
    return super.addConsumer(context, info, sink);
  }
}

test('a durable subscriber is in place when its attach is answered', async (t) => {
  const { service, port } = await startAmqpBroker({}, { plugins: [(next) => new SlowConsumers(next)] });
  t.after(() => service.stop());
  const c = await amqpConnect(port, { container_id: 'order-client' });
  t.after(() => closeConnection(c));
  const r = await openReceiver(c, {
    name: 'sub',
    source: { address: 'topic://t.order', durable: 2, expiry_policy: 'never' },
  });
  const got: unknown[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!.body));
  const s = await openSender(c, { target: 'topic://t.order' });
  s.send({ body: 'right after the attach' });
  await waitFor(() => got.length === 1, 'the message published right after the attach');
  assert.equal(got[0], 'right after the attach');
});
