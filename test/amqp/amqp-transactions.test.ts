/**
 * AMQP transactions through the real protocol, rhea as the client with a transaction controller
 * (test/support/protocol/amqp/txn-controller.ts): the coordinator link, declare and discharge, sends and
 * acknowledgements inside a transaction, commit, rollback, and the rollback when the connection ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection, Delivery, EventContext, Message as AmqpMessage, Receiver } from 'rhea';
import { MAX_OPEN_TRANSACTIONS } from '../../src/protocol/amqp/connection.js';
import { acceptIn, TxnController } from '../support/protocol/amqp/txn-controller.js';
import { amqpConnect, closeConnection, openReceiver, openSender, startAmqpBroker, waitFor } from './helpers.js';

function collect(r: Receiver): { messages: AmqpMessage[]; deliveries: Delivery[] } {
  const out = { messages: [] as AmqpMessage[], deliveries: [] as Delivery[] };
  r.on('message', (ctx: EventContext) => {
    out.messages.push(ctx.message!);
    out.deliveries.push(ctx.delivery!);
  });
  return out;
}

async function setup(t: { after(fn: () => unknown): void }) {
  const { service, port } = await startAmqpBroker();
  t.after(() => service.stop());
  const conns: Connection[] = [];
  const connect = async (): Promise<Connection> => {
    const c = await amqpConnect(port);
    conns.push(c);
    return c;
  };
  t.after(async () => {
    for (const c of conns) await closeConnection(c);
  });
  const queueSize = (name: string): number => service.region.findQueue(name)?.size ?? 0;
  return { service, connect, queueSize };
}

function stateName(d: Delivery): string {
  return (
    (d.remote_state as unknown as { constructor: { composite_type?: string } } | undefined)?.constructor
      .composite_type ?? 'none'
  );
}

test('sends inside a transaction are invisible until the discharge commits them', async (t) => {
  const { connect, queueSize } = await setup(t);
  const c = await connect();
  const tx = await TxnController.attach(c);
  const txnId = await tx.declare();
  // ActiveMQ's txn-id: the LocalTransactionId value as 8 big-endian bytes.
  assert.equal(txnId.length, 8);
  const s = await openSender(c, { target: 'q.tx.send' });
  const sent = [0, 1, 2].map((i) => tx.sendIn(s, txnId, { body: `t${i}` }));
  await waitFor(() => sent.every((d) => d.remote_settled), 'transactional dispositions');
  // Answered with transactional-state(accepted), as ActiveMQ's AmqpReceiver answers a send in a transaction.
  assert.deepEqual(sent.map(stateName), ['transactional_state', 'transactional_state', 'transactional_state']);
  const consumer = await connect();
  const got = collect(await openReceiver(consumer, { source: 'q.tx.send' }));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(got.messages.length, 0, 'nothing is visible before the commit');
  assert.equal(queueSize('q.tx.send'), 0);
  const r = await tx.discharge(txnId, false);
  assert.equal(r.outcome, 'accepted');
  await waitFor(() => got.messages.length === 3, 'three committed messages');
  assert.deepEqual(
    got.messages.map((m) => m.body as unknown),
    ['t0', 't1', 't2'],
  );
});

test('a rolled-back transaction drops its sends; a second transaction on the same link commits', async (t) => {
  const { connect, queueSize } = await setup(t);
  const c = await connect();
  const tx = await TxnController.attach(c);
  const s = await openSender(c, { target: 'q.tx.rollback' });
  const t1 = await tx.declare();
  const a = tx.sendIn(s, t1, { body: 'dropped' });
  await waitFor(() => a.remote_settled, 'send in t1');
  assert.equal((await tx.discharge(t1, true)).outcome, 'accepted');
  const t2 = await tx.declare();
  assert.notDeepEqual(t2, t1);
  const b = tx.sendIn(s, t2, { body: 'kept' });
  await waitFor(() => b.remote_settled, 'send in t2');
  assert.equal((await tx.discharge(t2, false)).outcome, 'accepted');
  await waitFor(() => queueSize('q.tx.rollback') === 1, 'one message committed');
  const got = collect(await openReceiver(await connect(), { source: 'q.tx.rollback' }));
  await waitFor(() => got.messages.length === 1, 'the committed message');
  assert.equal(got.messages[0]!.body, 'kept');
});

test('acks inside a transaction: consumed at commit, redelivered on the link at rollback', async (t) => {
  const { connect, queueSize } = await setup(t);
  const c = await connect();
  const s = await openSender(c, { target: 'q.tx.ack' });
  for (let i = 0; i < 3; i++) s.send({ body: `m${i}` });
  await waitFor(() => queueSize('q.tx.ack') === 3, 'three queued');
  const tx = await TxnController.attach(c);
  const r = await openReceiver(c, { source: 'q.tx.ack', autoaccept: false });
  const got = collect(r);
  await waitFor(() => got.deliveries.length === 3, 'three delivered');

  // Roll back: the settled transactional acks give the messages back to the link, their delivery count raised.
  const t1 = await tx.declare();
  for (const d of got.deliveries) acceptIn(d, t1);
  assert.equal((await tx.discharge(t1, true)).outcome, 'accepted');
  await waitFor(() => got.deliveries.length === 6, 'three redelivered');
  assert.deepEqual(
    got.messages.slice(3).map((m) => [m.body as unknown, m.delivery_count]),
    [
      ['m0', 1],
      ['m1', 1],
      ['m2', 1],
    ],
  );
  assert.equal(queueSize('q.tx.ack'), 3, 'nothing consumed by the rollback');

  // Commit: consumed.
  const t2 = await tx.declare();
  for (const d of got.deliveries.slice(3)) acceptIn(d, t2);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(queueSize('q.tx.ack'), 3, 'acks wait for the commit');
  assert.equal((await tx.discharge(t2, false)).outcome, 'accepted');
  await waitFor(() => queueSize('q.tx.ack') === 0, 'consumed at commit');
});

test('an unsettled transactional ack stays acquired after a rollback and can be accepted again', async (t) => {
  const { connect, queueSize } = await setup(t);
  const c = await connect();
  const s = await openSender(c, { target: 'q.tx.acquired' });
  s.send({ body: 'only' });
  await waitFor(() => queueSize('q.tx.acquired') === 1, 'queued');
  const tx = await TxnController.attach(c);
  const got = collect(await openReceiver(c, { source: 'q.tx.acquired', autoaccept: false }));
  await waitFor(() => got.deliveries.length === 1, 'delivered');
  const d = got.deliveries[0]!;
  const t1 = await tx.declare();
  acceptIn(d, t1, false);
  // The broker answers an unsettled transactional ack with transactional-state(accepted), unsettled.
  await waitFor(() => stateName(d) === 'transactional_state', 'transactional answer');
  assert.equal((await tx.discharge(t1, true)).outcome, 'accepted');
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(got.deliveries.length, 1, 'not sent again: the client still holds it');
  const t2 = await tx.declare();
  acceptIn(d, t2, true);
  assert.equal((await tx.discharge(t2, false)).outcome, 'accepted');
  await waitFor(() => queueSize('q.tx.acquired') === 0, 'consumed');
});

test('a connection that ends with a transaction open rolls it back', async (t) => {
  const { connect, queueSize } = await setup(t);
  const seed = await connect();
  const s0 = await openSender(seed, { target: 'q.tx.end.acks' });
  s0.send({ body: 'held' });
  await waitFor(() => queueSize('q.tx.end.acks') === 1, 'queued');

  const c = await connect();
  const tx = await TxnController.attach(c);
  const txnId = await tx.declare();
  const s = await openSender(c, { target: 'q.tx.end.sends' });
  const d = tx.sendIn(s, txnId, { body: 'never' });
  const got = collect(await openReceiver(c, { source: 'q.tx.end.acks', autoaccept: false }));
  await waitFor(() => d.remote_settled && got.deliveries.length === 1, 'send and delivery');
  acceptIn(got.deliveries[0]!, txnId);
  await new Promise((res) => setTimeout(res, 50));
  await closeConnection(c);

  const other = collect(await openReceiver(await connect(), { source: 'q.tx.end.acks' }));
  await waitFor(() => other.messages.length === 1, 'the unacknowledged message comes back');
  assert.equal(other.messages[0]!.body, 'held');
  assert.equal(queueSize('q.tx.end.sends'), 0, 'the transacted send was rolled back');
});

test('discharging a transaction the broker does not know is rejected with its text', async (t) => {
  const { connect } = await setup(t);
  const c = await connect();
  const tx = await TxnController.attach(c);
  const txnId = await tx.declare();
  assert.equal((await tx.discharge(txnId, false)).outcome, 'accepted');
  const again = await tx.discharge(txnId, false);
  assert.equal(again.outcome, 'rejected');
  assert.equal(again.error?.condition, 'failed');
  assert.match(again.error?.description ?? '', /Transaction 'TX:.*:1' has not been started\./);
  const bogus = await tx.discharge(Buffer.from([1, 2, 3]), true);
  assert.equal(bogus.outcome, 'rejected');
  // The coordinator link and connection are still usable.
  assert.equal((await tx.discharge(await tx.declare(), true)).outcome, 'accepted');
});

test(`a connection may hold ${MAX_OPEN_TRANSACTIONS} open transactions; the next declare is refused`, async (t) => {
  const { connect } = await setup(t);
  const c = await connect();
  const tx = await TxnController.attach(c);
  const ids: Buffer[] = [];
  for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) ids.push(await tx.declare());
  const refused = await tx.declareResult();
  assert.equal(refused.outcome, 'rejected');
  assert.equal(refused.error?.condition, 'amqp:resource-limit-exceeded');
  assert.equal((await tx.discharge(ids[0]!, true)).outcome, 'accepted');
  assert.equal((await tx.declareResult()).outcome, 'declared');
});

test('bad coordinator messages are rejected, the coordinator goes on; undecodable bytes close the connection', async (t) => {
  const { connect } = await setup(t);
  const c = await connect();
  const tx = await TxnController.attach(c);
  // An amqp-value that is not a declare or discharge.
  const text = await tx.raw(Buffer.from([0x00, 0x53, 0x77, 0xa1, 0x03, 0x61, 0x62, 0x63]));
  assert.equal(text.outcome, 'rejected');
  assert.equal(text.error?.condition, 'amqp:decode-error');
  assert.equal(text.error.description, 'Expected coordinator message type: declare or discharge');
  // A distributed transaction.
  const global = await tx.declareGlobal(Buffer.from('xid'));
  assert.equal(global.outcome, 'rejected');
  assert.equal(global.error?.condition, 'amqp:not-implemented');
  assert.equal(global.error.description, "don't know how to handle a declare /w a set GlobalId");
  assert.equal((await tx.discharge(await tx.declare(), false)).outcome, 'accepted');
  // Bytes that do not decode as a message: the connection is closed as for any link ("Could not process AMQP
  // commands", as ActiveMQ's AmqpConnection closes it).
  const closed = new Promise<{ condition?: string }>((resolve) =>
    c.once('connection_close', (ctx: EventContext) => resolve(ctx.connection.error as { condition?: string })),
  );
  void tx.raw(Buffer.from([0x00, 0x53, 0x77, 0x00, 0x53, 0x32, 0xd0, 0x00, 0x00, 0x01]));
  assert.equal((await closed).condition, 'amqp:decode-error');
});
