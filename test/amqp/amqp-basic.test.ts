import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventContext, Message as AmqpMessage } from 'rhea';
import { amqpConnect, closeConnection, openReceiver, openSender, startAmqpBroker, waitFor } from './helpers.js';

test('AMQP: a message sent to a queue reaches a receiver on it (unsettled, accepted)', async (t) => {
  const { service, port } = await startAmqpBroker();
  t.after(() => service.stop());
  const conn = await amqpConnect(port);
  t.after(() => closeConnection(conn));
  const got: AmqpMessage[] = [];
  const receiver = await openReceiver(conn, { source: 'orders' });
  receiver.on('message', (ctx: EventContext) => got.push(ctx.message!));
  const sender = await openSender(conn, { target: 'orders' });
  const outcomes: string[] = [];
  sender.on('accepted', () => outcomes.push('accepted'));
  sender.on('rejected', () => outcomes.push('rejected'));
  sender.send({ body: 'hello', application_properties: { n: 7 }, subject: 'greeting' });
  await waitFor(() => got.length === 1 && outcomes.length === 1, 'delivery and outcome');
  assert.deepEqual(outcomes, ['accepted']);
  assert.equal(got[0]!.body, 'hello');
  assert.equal(got[0]!.subject, 'greeting');
  assert.deepEqual(got[0]!.application_properties, { n: 7 });
});
