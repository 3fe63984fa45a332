import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IMessage } from '@stomp/stompjs';
import { BrokerService, type BrokerServiceOptions } from '../../src/server/broker-service.js';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { Destination } from '../../src/model/destination.js';
import { PolicyMap } from '../../src/broker/policy/policy-map.js';
import { individualDeadLetterStrategy } from '../../src/broker/policy/dead-letter-strategy.js';
import { RedeliveryPolicyMap, redeliveryPolicy } from '../../src/broker/policy/redelivery-policy.js';
import { stompClient, waitFor, type TestClient } from '../stomp/helpers.js';

/** Messaging semantics through STOMP against a real BrokerService on port 0 (docs/semantics.md). */
async function start(
  t: { after(fn: () => Promise<void>): void },
  options: Partial<BrokerServiceOptions> = {},
): Promise<TestClient> {
  const service = new BrokerService({
    brokerName: 'semantics',
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0 }],
    ...options,
  });
  await service.start();
  const c = await stompClient(service.connector('stomp').port);
  t.after(async () => {
    await c.client.deactivate();
    await service.stop();
  });
  return c;
}

function collect(c: TestClient, destination: string, headers: Record<string, string> = {}): IMessage[] {
  const got: IMessage[] = [];
  c.client.subscribe(destination, (m) => got.push(m), headers);
  return got;
}

/** A RECEIPT on a no-op frame proves the broker processed everything sent before it. */
async function sync(c: TestClient): Promise<void> {
  const receipt = `r-${Math.random()}`;
  let done = false;
  c.client.watchForReceipt(receipt, () => (done = true));
  c.client.publish({ destination: '/queue/semantics.sync.noop', body: '', headers: { receipt } });
  await waitFor(() => done, 'receipt');
}

test('STOMP selectors compare string headers as numbers (convert_string_expressions)', async (t) => {
  const c = await start(t);
  const got = collect(c, '/queue/sel', { selector: 'count > 5 AND kind = 1' });
  await sync(c);
  for (const [count, kind] of [
    ['3', '1'],
    ['7', '1'],
    ['12', '2'],
    ['40', '1'],
  ]) {
    c.client.publish({ destination: '/queue/sel', body: `${count}/${kind}`, headers: { count: count!, kind: kind! } });
  }
  await waitFor(() => got.length === 2, 'two selected messages');
  await sync(c);
  assert.deepEqual(
    got.map((m) => m.body),
    ['7/1', '40/1'],
  );
});

test('NACK with a broker redelivery policy: redelivered after the delay, then dead-lettered', async (t) => {
  const redeliveryPolicies = new RedeliveryPolicyMap().put(
    Destination.queue('retry.>'),
    // 1000 ms is the least RedeliveryPlugin accepts, and it needs schedulerSupport.
    redeliveryPolicy({ maximumRedeliveries: 2, initialRedeliveryDelay: 1000, redeliveryDelay: 1000 }),
  );
  const c = await start(t, { redeliveryPolicies, schedulerSupport: true });
  const got: IMessage[] = [];
  c.client.subscribe(
    '/queue/retry.a',
    (m) => {
      got.push(m);
      m.nack();
    },
    { ack: 'client-individual' },
  );
  const dlq = collect(c, '/queue/ActiveMQ.DLQ');
  c.client.publish({ destination: '/queue/retry.a', body: 'again', headers: { persistent: 'true' } });
  await waitFor(() => dlq.length === 1, 'the message in ActiveMQ.DLQ');
  assert.equal(got.length, 3);
  assert.deepEqual(
    got.map((m) => m.headers['redelivered'] ?? 'false'),
    ['false', 'true', 'true'],
  );
  assert.equal(dlq[0]!.body, 'again');
});

test('NACK without redelivery goes to the individual DLQ the policy names', async (t) => {
  const policies = new PolicyMap().put(Destination.queue('>'), {
    deadLetterStrategy: individualDeadLetterStrategy({ queuePrefix: 'DLQ.' }),
  });
  const c = await start(t, { policies });
  c.client.subscribe('/queue/orders', (m) => m.nack(), { ack: 'client-individual' });
  const dlq = collect(c, '/queue/DLQ.orders');
  c.client.publish({ destination: '/queue/orders', body: 'rejected', headers: { persistent: 'true' } });
  await waitFor(() => dlq.length === 1, 'the message in DLQ.orders');
  assert.equal(dlq[0]!.body, 'rejected');
});

test('an expired STOMP message is not delivered and lands in the DLQ with the expiry cause', async (t) => {
  const c = await start(t);
  const expires = String(Date.now() - 1000);
  c.client.publish({ destination: '/queue/ttl', body: 'stale', headers: { expires, persistent: 'true' } });
  c.client.publish({ destination: '/queue/ttl', body: 'fresh' });
  const got = collect(c, '/queue/ttl');
  const dlq = collect(c, '/queue/ActiveMQ.DLQ');
  await waitFor(() => got.length === 1 && dlq.length === 1, 'fresh message and dead letter');
  assert.equal(got[0]!.body, 'fresh');
  assert.equal(
    dlq[0]!.headers['dlqDeliveryFailureCause'],
    `java.lang.Throwable: Message Expired. Expiration:${expires}`,
  );
});

test('scheduled delivery with schedulerSupport: AMQ_SCHEDULED_DELAY and a repeat', async (t) => {
  const c = await start(t, { schedulerSupport: true });
  const got = collect(c, '/queue/later');
  c.client.publish({
    destination: '/queue/later',
    body: 'tick',
    headers: { AMQ_SCHEDULED_DELAY: '30', AMQ_SCHEDULED_PERIOD: '10', AMQ_SCHEDULED_REPEAT: '2' },
  });
  await waitFor(() => got.length === 3, 'three scheduled sends');
  assert.ok(got.every((m) => m.headers['scheduledJobId'] !== undefined));
  assert.ok(got.every((m) => m.headers['AMQ_SCHEDULED_DELAY'] === undefined));
});

test('prioritizedMessages: a queue hands out higher priorities first', async (t) => {
  const policies = new PolicyMap().put(Destination.queue('prio'), { prioritizedMessages: true });
  const c = await start(t, { policies });
  for (const [body, priority] of [
    ['low', '1'],
    ['high', '9'],
    ['mid', '5'],
    ['high2', '9'],
  ]) {
    c.client.publish({ destination: '/queue/prio', body: body!, headers: { priority: priority! } });
  }
  await sync(c);
  const got = collect(c, '/queue/prio');
  await waitFor(() => got.length === 4, 'four messages');
  assert.deepEqual(
    got.map((m) => m.body),
    ['high', 'high2', 'mid', 'low'],
  );
});

test('a browser subscription sees the queue without consuming it', async (t) => {
  const c = await start(t);
  for (const body of ['a', 'b']) c.client.publish({ destination: '/queue/browse', body });
  await sync(c);
  const browsed = collect(c, '/queue/browse', { browser: 'true' });
  await waitFor(() => browsed.some((m) => m.headers['browser'] === 'end'), 'browser end');
  assert.deepEqual(
    browsed.filter((m) => m.headers['browser'] !== 'end').map((m) => m.body),
    ['a', 'b'],
  );
  const consumed = collect(c, '/queue/browse');
  await waitFor(() => consumed.length === 2, 'both messages still there');
});

test('message groups through STOMP stick to one subscriber', async (t) => {
  const c = await start(t);
  const a = collect(c, '/queue/groups');
  const b = collect(c, '/queue/groups');
  for (let i = 0; i < 6; i++) {
    c.client.publish({
      destination: '/queue/groups',
      body: `m${i}`,
      headers: { JMSXGroupID: i % 2 === 0 ? 'E' : 'O' },
    });
  }
  await waitFor(() => a.length + b.length === 6, 'six messages');
  for (const side of [a, b]) assert.equal(new Set(side.map((m) => m.headers['JMSXGroupID'])).size, 1);
});
