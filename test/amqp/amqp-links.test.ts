/**
 * AMQP links through the real protocol with rhea as the client: address conventions, settled and unsettled
 * transfers, credit, dispositions, selectors, no-local, durable subscriptions, browsing and dynamic nodes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import rhea, {
  type Connection,
  type Delivery,
  type EventContext,
  type Message as AmqpMessage,
  type Receiver,
} from 'rhea';
import { Destination } from '../../src/model/destination.js';
import type { BrokerService } from '../../src/server/broker-service.js';
import { amqpConnect, closeConnection, openReceiver, openSender, startAmqpBroker, waitFor } from './helpers.js';

function collect(r: Receiver): { messages: AmqpMessage[]; deliveries: Delivery[] } {
  const out = { messages: [] as AmqpMessage[], deliveries: [] as Delivery[] };
  r.on('message', (ctx: EventContext) => {
    out.messages.push(ctx.message!);
    out.deliveries.push(ctx.delivery!);
  });
  return out;
}

/** Durable subscriptions the region holds (no management view lists them yet). */
function durableCount(service: BrokerService): number {
  return [...service.region.managedDurables()].length;
}

async function setup(t: { after(fn: () => unknown): void }, extra: Record<string, string> = {}) {
  const { service, port } = await startAmqpBroker({ extra: new Map(Object.entries(extra)) });
  t.after(() => service.stop());
  const conns: Connection[] = [];
  const connect = async (opts: Record<string, unknown> = {}): Promise<Connection> => {
    const c = await amqpConnect(port, opts);
    conns.push(c);
    return c;
  };
  t.after(async () => {
    for (const c of conns) await closeConnection(c);
  });
  return { service, port, connect };
}

test('addresses: a bare name is a queue, topic:// a topic, the topic capability a topic', async (t) => {
  const { service, connect } = await setup(t);
  const c = await connect();
  const s1 = await openSender(c, { target: 'plain' });
  const s2 = await openSender(c, { target: 'topic://news' });
  const s3 = await openSender(c, { target: { address: 'alerts', capabilities: ['topic'] } });
  s1.send({ body: 'a' });
  s2.send({ body: 'b' });
  s3.send({ body: 'c' });
  await waitFor(() => service.broker.destinationExists(Destination.queue('plain')), 'queue plain');
  await waitFor(() => service.broker.destinationExists(Destination.topic('news')), 'topic news');
  await waitFor(() => service.broker.destinationExists(Destination.topic('alerts')), 'topic alerts');
  assert.equal(service.broker.destinationExists(Destination.queue('alerts')), false);
});

test('pre-settled transfers and a pre-settled (auto-ack) consumer; messages are consumed', async (t) => {
  const { service, connect } = await setup(t);
  const c = await connect();
  const r = await openReceiver(c, { source: 'q.settled', snd_settle_mode: 1 });
  const got = collect(r);
  const s = await openSender(c, { target: 'q.settled', snd_settle_mode: 1 });
  for (let i = 0; i < 50; i++) s.send({ body: `m${i}` });
  await waitFor(() => got.messages.length === 50, '50 messages');
  assert.deepEqual(
    got.messages.map((m) => m.body as unknown),
    Array.from({ length: 50 }, (_, i) => `m${i}`),
  );
  assert.ok(got.deliveries.every((d) => d.remote_settled));
  // size counts what is pending and what is in flight unacknowledged: nothing is left of either.
  await waitFor(() => service.region.findQueue('q.settled')?.size === 0, 'queue drained');
});

test('credit: a receiver gets no more than the credit it grants', async (t) => {
  const { connect } = await setup(t);
  const c = await connect();
  const s = await openSender(c, { target: 'q.credit' });
  let accepted = 0;
  s.on('accepted', () => accepted++);
  for (let i = 0; i < 10; i++) s.send({ body: i });
  await waitFor(() => accepted === 10, 'stored');
  const r = c.open_receiver({ source: 'q.credit', credit_window: 0, autoaccept: false });
  const got = collect(r);
  await new Promise((res) => r.once('receiver_open', res));
  r.add_credit(3);
  await waitFor(() => got.messages.length === 3, '3 messages');
  // Nothing more arrives without credit: wait for a round trip (a drain answers once the broker has dispatched).
  r.drain_credit();
  await new Promise((res) => r.once('receiver_drained', res));
  assert.equal(got.messages.length, 3);
  r.add_credit(7);
  await waitFor(() => got.messages.length === 10, 'the rest');
  for (const d of got.deliveries) d.accept();
});

test('dispositions: released comes back, rejected goes to the DLQ, modified(delivery-failed) counts', async (t) => {
  const { service, connect } = await setup(t);
  const c = await connect();
  const s = await openSender(c, { target: 'q.disp' });
  const r = c.open_receiver({ source: 'q.disp', autoaccept: false });
  const got = collect(r);
  // Persistent: ActiveMQ's default dead-letter strategy does not keep non-persistent messages.
  s.send({ body: 'one', durable: true });
  await waitFor(() => got.messages.length === 1, 'first delivery');
  got.deliveries[0]!.release();
  await waitFor(() => got.messages.length === 2, 'released message sent again');
  assert.equal(got.messages[1]!.body, 'one');
  assert.equal(got.messages[1]!.delivery_count ?? 0, 0);
  got.deliveries[1]!.modified({ delivery_failed: true });
  await waitFor(() => got.messages.length === 3, 'modified message sent again');
  assert.equal(got.messages[2]!.delivery_count, 1);
  got.deliveries[2]!.reject({ condition: 'amqp:internal-error', description: 'no' });
  const dlq = Destination.queue('ActiveMQ.DLQ');
  await waitFor(() => (service.region.findQueue(dlq.name)?.size ?? 0) === 1, 'message in the DLQ');
});

test('modified(delivery-failed) past maximumRedeliveries dead-letters the message', async (t) => {
  const { service, connect } = await setup(t, { 'amqp.maximumRedeliveries': '2' });
  const c = await connect();
  const s = await openSender(c, { target: 'q.poison' });
  const r = c.open_receiver({ source: 'q.poison', autoaccept: false });
  r.on('message', (ctx: EventContext) => ctx.delivery!.modified({ delivery_failed: true }));
  s.send({ body: 'bad', durable: true });
  const dlq = Destination.queue('ActiveMQ.DLQ');
  await waitFor(() => (service.region.findQueue(dlq.name)?.size ?? 0) === 1, 'poisoned after 3 failures');
});

test('selector filter: only matching messages arrive', async (t) => {
  const { connect } = await setup(t);
  const c = await connect();
  const r = await openReceiver(c, { source: { address: 'q.sel', filter: rhea.filter.selector("color = 'red'") } });
  assert.ok(r.source?.filter !== undefined, 'the broker echoes the selector filter it applies');
  const got = collect(r);
  const s = await openSender(c, { target: 'q.sel' });
  s.send({ body: 'blue', application_properties: { color: 'blue' } });
  s.send({ body: 'red', application_properties: { color: 'red' } });
  await waitFor(() => got.messages.length === 1, 'red one');
  assert.equal(got.messages[0]!.body, 'red');
});

test('an invalid selector refuses the link with amqp:invalid-field', async (t) => {
  const { connect } = await setup(t);
  const c = await connect();
  await assert.rejects(
    openReceiver(c, { source: { address: 'q.badsel', filter: rhea.filter.selector('color = = ') } }),
    (e: { amqp?: { condition?: string } }) => e.amqp?.condition === 'amqp:invalid-field',
  );
});

test("no-local: a topic subscriber does not get its own connection's messages", async (t) => {
  const { connect } = await setup(t);
  const a = await connect();
  const b = await connect();
  const noLocal = { 'no-local': rhea.types.wrap_described('NoLocalFilter{}', 0x0000468c00000003) };
  const r = await openReceiver(a, { source: { address: 'topic://t.nl', filter: noLocal } });
  const got = collect(r);
  const sa = await openSender(a, { target: 'topic://t.nl' });
  const sb = await openSender(b, { target: 'topic://t.nl' });
  sa.send({ body: 'mine' });
  sb.send({ body: 'theirs' });
  await waitFor(() => got.messages.length === 1, "the other connection's message");
  sa.send({ body: 'mine again' });
  sb.send({ body: 'theirs again' });
  await waitFor(() => got.messages.length === 2, 'second');
  assert.deepEqual(
    got.messages.map((m) => m.body as unknown),
    ['theirs', 'theirs again'],
  );
});

test('durable subscription as Qpid JMS makes it: link name + container id, kept while detached', async (t) => {
  const { service, connect } = await setup(t);
  const source = { address: 'topic://t.durable', durable: 2, expiry_policy: 'never' };
  const c1 = await connect({ container_id: 'client-1' });
  const r1 = await openReceiver(c1, { name: 'sub1', source });
  const got1 = collect(r1);
  const p = await connect();
  const s = await openSender(p, { target: 'topic://t.durable' });
  s.send({ body: 'while attached' });
  await waitFor(() => got1.messages.length === 1, 'first');
  // Detach without closing: the subscription stays and keeps collecting.
  r1.detach();
  await new Promise((res) => r1.once('receiver_close', res));
  s.send({ body: 'while away' });
  await closeConnection(c1);
  const c2 = await connect({ container_id: 'client-1' });
  const r2 = await openReceiver(c2, { name: 'sub1', source });
  const got2 = collect(r2);
  await waitFor(() => got2.messages.length === 1, 'message kept while away');
  assert.equal(got2.messages[0]!.body, 'while away');
  // Closing the link (closed=true) ends the subscription.
  r2.close();
  await new Promise((res) => r2.once('receiver_close', res));
  await waitFor(() => durableCount(service) === 0, 'subscription removed');
});

/** A receiver whose attach carries no source at all (rhea would send an empty one), as Qpid JMS's lookup does. */
async function attachWithoutSource(c: Connection, name: string): Promise<Receiver> {
  const r = c.open_receiver({ name });
  (r as unknown as { local: { attach: { source?: unknown } } }).local.attach.source = undefined;
  await new Promise<void>((resolve, reject) => {
    let closed = false;
    r.once('receiver_close', () => {
      closed = true;
      reject(Object.assign(new Error('refused'), { amqp: r.error }));
    });
    r.once('receiver_open', () => setImmediate(() => (closed ? undefined : resolve())));
  });
  return r;
}

test('durable subscription looked up by link name with a null source, as Qpid JMS re-attaches and unsubscribes', async (t) => {
  const { service, connect } = await setup(t);
  const selector = { 'jms-selector': rhea.filter.selector("colour = 'red'")['jms-selector'] };
  const source = { address: 'topic://t.lookup', durable: 2, expiry_policy: 'never', filter: selector };
  const c1 = await connect({ container_id: 'client-lookup' });
  const r1 = await openReceiver(c1, { name: 'sub-lookup', source });
  r1.detach();
  await new Promise((res) => r1.once('receiver_close', res));
  await closeConnection(c1);
  const p = await connect();
  const s = await openSender(p, { target: 'topic://t.lookup' });
  s.send({ body: 'blue', application_properties: { colour: 'blue' } });
  s.send({ body: 'red', application_properties: { colour: 'red' } });

  // Another client id has no subscription of that name: not found, with ActiveMQ's text.
  const stranger = await connect({ container_id: 'client-other' });
  const refused = await attachWithoutSource(stranger, 'sub-lookup').then(
    () => null,
    (e: { amqp?: { condition: string; description: string } }) => e.amqp ?? null,
  );
  assert.equal(refused?.condition, 'amqp:not-found');
  assert.equal(refused.description, 'Unknown subscription link: sub-lookup');

  // The owner attaches with the link name only: the broker answers with the stored source and resumes it.
  const c2 = await connect({ container_id: 'client-lookup' });
  const r2 = await attachWithoutSource(c2, 'sub-lookup');
  const got = collect(r2);
  const answered = r2.source as unknown as { address: string; durable: number; filter?: Record<string, unknown> };
  assert.equal(answered.address, 'topic://t.lookup');
  assert.equal(answered.durable, 2);
  assert.ok(answered.filter !== undefined && 'jms-selector' in answered.filter, 'the selector is given back');
  await waitFor(() => got.messages.length === 1, 'the message kept while away');
  assert.equal(got.messages[0]!.body, 'red');
  // Closing that link (Qpid JMS unsubscribe) deletes the subscription.
  r2.close();
  await new Promise((res) => r2.once('receiver_close', res));
  await waitFor(() => durableCount(service) === 0, 'subscription removed');
});

test('browsing: distribution-mode copy sees messages without consuming them', async (t) => {
  const { service, connect } = await setup(t);
  const c = await connect();
  const s = await openSender(c, { target: 'q.browse' });
  let accepted = 0;
  s.on('accepted', () => accepted++);
  s.send({ body: 'x' });
  s.send({ body: 'y' });
  await waitFor(() => accepted === 2, 'stored');
  const r = await openReceiver(c, { source: { address: 'q.browse', distribution_mode: 'copy' } });
  const got = collect(r);
  await waitFor(() => got.messages.length === 2, 'browsed');
  assert.equal(service.region.findQueue('q.browse')!.size, 2);
});

test('dynamic node: a temporary queue for replies, gone when its link closes', async (t) => {
  const { service, connect } = await setup(t);
  const c = await connect();
  const r = await openReceiver(c, { source: { dynamic: true } as unknown as string });
  const address = r.source.address;
  assert.match(address, /^temp-queue:\/\//);
  const got = collect(r);
  const s = await openSender(c, { target: address });
  s.send({ body: 'reply' });
  await waitFor(() => got.messages.length === 1, 'reply');
  const d = Destination.parse(address);
  assert.ok(service.broker.destinationExists(d));
  r.close();
  await waitFor(() => !service.broker.destinationExists(d), 'temporary queue removed');
});

test('anonymous relay: messages route by their `to` address; one without is rejected with `failed`', async (t) => {
  const { service, connect } = await setup(t);
  const c = await connect();
  const s = await openSender(c, { target: {} });
  const states: unknown[] = [];
  s.on('accepted', () => states.push('accepted'));
  s.on('rejected', (ctx: EventContext) => states.push(ctx.delivery!.remote_state));
  s.send({ to: 'queue://relay.a', body: 'a' });
  s.send({ body: 'nowhere' });
  await waitFor(() => states.length === 2, 'two outcomes');
  assert.equal(states[0], 'accepted');
  const rejected = states[1] as { error?: { condition: string; description: string } };
  assert.equal(rejected.error?.condition, 'failed');
  assert.equal(rejected.error?.description, 'Missing to field for message sent to an anonymous producer');
  assert.equal(service.region.findQueue('relay.a')!.size, 1);
});
