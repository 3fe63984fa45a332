import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionContext } from '../broker/broker.js';
import { RegionBroker } from '../broker/region/region-broker.js';
import { consumerInfo, message, settle, TestSink } from '../broker/region/test-support.js';
import { Destination } from '../model/destination.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { AuthorizationBroker } from './authorization-broker.js';
import { AuthorizationMap, entryCovers, groupSet } from './authorization-map.js';

/**
 * Wildcard consumers under authorization (issue 12.1) in the broker itself; test/interop/security-wildcards.test.ts
 * shows the same through STOMP against both brokers.
 */

const seg = (s: string): string[] => s.split('.');

test('which entries cover a wildcard name is ActiveMQ’s lookup, not every overlapping entry', () => {
  // [entry, consumer's destination, does ActiveMQ's DefaultAuthorizationMap.get return the entry]
  const cases: [string, string, boolean][] = [
    // Plain names: the ordinary wildcard match.
    ['ActiveMQ.Advisory.>', 'ActiveMQ.Advisory.Queue', true],
    ['A.>', 'A', true],
    ['A.*', 'A', false],
    ['A.*.C', 'A.B.C', true],
    ['nodes>', 'nodes>', true],
    ['nodes>', 'nodes.x', false],
    // `>` in the name is looked up literally: only an entry as broad covers it.
    ['ActiveMQ.Advisory.>', '>', false],
    ['>', '>', true],
    ['*', '>', true],
    ['VirtualTopic.alfresco.repo.events.nodes', 'VirtualTopic.>', false],
    ['VirtualTopic.>', 'VirtualTopic.>', true],
    ['A.B.>', 'A.>', false],
    ['A.>', 'A.B.>', true],
    // `*` walks every entry at its level.
    ['VirtualTopic.alfresco.repo.events.nodes', '*.*.*.*.*', true],
    ['secret.>', '*.*', true],
    ['A.B.C', '*.*', false],
    ['A.B', '*.B.>', false],
    // Below an entry's `*` the lookup turns deep: a later `>` collects every longer entry.
    ['*.B.C', 'X.B.>', true],
    ['*.B', 'X.>', true],
  ];
  for (const [entry, key, expected] of cases) {
    assert.equal(entryCovers(seg(entry), seg(key)), expected, `${entry} for ${key}`);
  }
});

const users = new Map([
  ['system', groupSet('users,admins')],
  ['user', groupSet('users')],
  ['guest', groupSet('guests')],
]);

const rights = (read: string) => ({ read: groupSet(read), write: groupSet(read), admin: groupSet(read) });
const map = new AuthorizationMap([
  { destination: Destination.topic('ActiveMQ.Advisory.>'), ...rights('guests,users') },
  { destination: Destination.topic('VirtualTopic.alfresco.repo.events.nodes'), ...rights('guests,users') },
  { destination: Destination.topic('secret.>'), ...rights('admins') },
  { destination: Destination.queue('secret.>'), ...rights('admins') },
  { destination: Destination.queue('app.>'), ...rights('users') },
]);
const VT = Destination.topic('VirtualTopic.alfresco.repo.events.nodes');

let n = 0;
function login(user: string, clientId: string | null = null): ConnectionContext {
  return {
    info: {
      connectionId: `c${++n}`,
      clientId,
      userName: user,
      password: 'x',
      remoteAddress: '10.0.0.7:4242',
      protocol: 'test',
    },
    security: { userName: user, groups: users.get(user)!, isBrokerInternal: false },
    control: { close: () => {} },
  };
}

async function broker(store = new MemoryPersistenceAdapter(), logger?: Logger) {
  const region = new RegionBroker({ store, clock: new ManualClock() });
  const b = new AuthorizationBroker(region, map, logger);
  await b.start();
  return b;
}

test('a refusal is logged at warn level with ActiveMQ’s text, the user and the remote address', async () => {
  const lines: string[] = [];
  const b = await broker(undefined, Logger.create({ write: (l) => lines.push(l), format: 'json' }));
  const guest = login('guest');
  await b.addConnection(guest);
  await assert.rejects(b.addConsumer(guest, consumerInfo(Destination.topic('>')), new TestSink()), {
    message: 'User guest is not authorized to read from: topic://>',
  });
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 'warn');
  assert.equal(logged.length, 1);
  assert.equal(
    logged[0]!['msg'],
    'Security Error occurred on connection to: 10.0.0.7:4242, User guest is not authorized to read from: topic://>',
  );
  assert.equal(logged[0]!['user'], 'guest');
});

test('a queue browser on a wildcard sees only the queues its user may read', async () => {
  const b = await broker();
  const system = login('system');
  const user = login('user');
  await b.addConnection(system);
  await b.addConnection(user);
  await b.send(system, message(Destination.queue('secret.q'), 'secret'), null);
  await b.send(system, message(Destination.queue('app.q'), 'allowed'), null);
  const sink = new TestSink();
  await b.addConsumer(user, consumerInfo(Destination.queue('*.q'), { browser: true }), sink);
  await settle();
  assert.deepEqual(sink.bodies, ['allowed']);
});

test('a composite consumer that names a destination its user may not read is refused', async () => {
  const b = await broker();
  const user = login('user');
  await b.addConnection(user);
  await assert.rejects(b.addConsumer(user, consumerInfo(Destination.queue('app.a,secret.b')), new TestSink()), {
    message: 'User user is not authorized to read from: queue://secret.b',
  });
});

test('a durable wildcard subscription recovered after a restart is cut back to what its user may read', async () => {
  const store = new MemoryPersistenceAdapter();
  const first = await broker(store);
  const system = login('system');
  await first.addConnection(system);
  await first.send(system, message(Destination.topic('secret.a.b.c.d'), 'before', { persistent: true }), null);
  const guest = login('guest', 'g1');
  await first.addConnection(guest);
  const durable = { subscriptionName: 'wild' };
  const sub = consumerInfo(Destination.topic('*.*.*.*.*'), durable);
  await first.addConsumer(guest, sub, new TestSink());
  await first.removeConsumer(guest, sub.consumerId);
  await first.removeConnection(guest);
  await first.stop();

  // After the restart the subscription is rebuilt from the store, without its user: it spans every topic again.
  const second = await broker(store);
  const admin = login('system');
  await second.addConnection(admin);
  await second.send(admin, message(Destination.topic('secret.a.b.c.d'), 'secret-offline', { persistent: true }), null);
  await second.send(admin, message(VT, 'allowed', { persistent: true }), null);
  const back = login('guest', 'g1');
  await second.addConnection(back);
  const sink = new TestSink();
  await second.addConsumer(back, consumerInfo(Destination.topic('*.*.*.*.*'), durable), sink);
  await settle();
  assert.deepEqual(sink.bodies, ['allowed']);
  await second.send(admin, message(Destination.topic('secret.a.b.c.d'), 'secret-online', { persistent: true }), null);
  await settle();
  assert.deepEqual(sink.bodies, ['allowed']);
});

test('another user taking over a durable wildcard subscription does not inherit its topics', async () => {
  const b = await broker();
  const system = login('system', 'shared');
  await b.addConnection(system);
  const durable = { subscriptionName: 'wild' };
  const first = consumerInfo(Destination.topic('*.*.*.*.*'), durable);
  await b.send(system, message(Destination.topic('secret.a.b.c.d'), 'exists'), null);
  await b.addConsumer(system, first, new TestSink());
  await b.removeConsumer(system, first.consumerId);
  await b.send(system, message(Destination.topic('secret.a.b.c.d'), 'kept-for-system', { persistent: true }), null);
  await b.removeConnection(system);
  const guest = login('guest', 'shared');
  await b.addConnection(guest);
  const sink = new TestSink();
  await b.addConsumer(guest, consumerInfo(Destination.topic('*.*.*.*.*'), durable), sink);
  const admin = login('system');
  await b.addConnection(admin);
  await b.send(admin, message(Destination.topic('secret.a.b.c.d'), 'later'), null);
  await b.send(admin, message(VT, 'allowed'), null);
  await settle();
  assert.deepEqual(sink.bodies, ['allowed']);
});
