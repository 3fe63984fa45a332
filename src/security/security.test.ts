import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from '../broker/region/region-broker.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../util/clock.js';
import { Destination } from '../model/destination.js';
import { Message } from '../model/message.js';
import type { ConnectionContext } from '../broker/broker.js';
import { SimpleAuthenticationBroker } from './simple-authentication-broker.js';
import { AuthorizationBroker } from './authorization-broker.js';
import { AuthorizationMap, groupSet } from './authorization-map.js';
import { defaultPasswordVerifier, hashPassword } from './password.js';

let n = 0;
function ctx(userName: string | null, password: string | null, remote = '10.0.0.1:1000'): ConnectionContext {
  return {
    info: { connectionId: `c${++n}`, clientId: null, userName, password, remoteAddress: remote, protocol: 'test' },
    security: null,
    control: { close: () => {} },
  };
}

// The seed's configuration (activemq-advanced-settings.md), entry for entry.
const seedUsers = [
  { username: 'system', password: 'manager', groups: groupSet('users,admins') },
  { username: 'user', password: 'password', groups: groupSet('users') },
  { username: 'guest', password: 'password', groups: groupSet('guests') },
];
const entry = (topic: string, read: string, write: string, admin: string) => ({
  destination: Destination.topic(topic),
  read: groupSet(read),
  write: groupSet(write),
  admin: groupSet(admin),
});
const seedMap = new AuthorizationMap([
  entry('Consumer.*.VirtualTopic.alfresco.repo.events.nodes>', 'users', 'users', 'users'),
  entry('ActiveMQ.Advisory.>', 'guests,users', 'guests,users', 'guests,users'),
  entry('VirtualTopic.alfresco.repo.events.nodes', 'guests,users', 'guests,users', 'guests,users'),
]);

async function securedBroker() {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const authz = new AuthorizationBroker(region, seedMap);
  const broker = new SimpleAuthenticationBroker(authz, { users: seedUsers, verifier: defaultPasswordVerifier });
  await broker.start();
  return broker;
}

function msg(dest: Destination): Message {
  const m = new Message();
  m.messageId = `ID:m${++n}`;
  m.destination = dest;
  return m;
}

test('bad or missing credentials get ActiveMQ’s exact text', async () => {
  const b = await securedBroker();
  await assert.rejects(b.addConnection(ctx(null, null)), { message: 'User name [null] or password is invalid.' });
  await assert.rejects(b.addConnection(ctx('user', 'wrong')), { message: 'User name [user] or password is invalid.' });
  await assert.rejects(b.addConnection(ctx('nobody', 'x')), { message: 'User name [nobody] or password is invalid.' });
  const ok = ctx('user', 'password');
  await b.addConnection(ok);
  assert.deepEqual([...ok.security!.groups], ['users']);
});

test('the seed’s grants: users and guests on the virtual topic and advisories', async () => {
  const b = await securedBroker();
  const user = ctx('user', 'password');
  const guest = ctx('guest', 'password');
  await b.addConnection(user);
  await b.addConnection(guest);
  await b.send(user, msg(Destination.topic('VirtualTopic.alfresco.repo.events.nodes')), null);
  await b.send(guest, msg(Destination.topic('VirtualTopic.alfresco.repo.events.nodes')), null);
  await b.send(guest, msg(Destination.topic('ActiveMQ.Advisory.Connection')), null);
});

test('a destination no entry covers is refused with ActiveMQ’s texts', async () => {
  const b = await securedBroker();
  const user = ctx('user', 'password');
  await b.addConnection(user);
  await assert.rejects(b.send(user, msg(Destination.queue('ANY')), null), {
    message: 'User user is not authorized to write to: queue://ANY',
  });
  const sink = { deliver: () => {}, ready: true };
  const info = {
    consumerId: 'x',
    destination: Destination.queue('Consumer.A.VirtualTopic.alfresco.repo.events.nodes'),
    prefetch: 3000,
    selector: null,
    ackMode: 'client' as const,
    noLocal: false,
    exclusive: false,
    priority: 0,
    retroactive: false,
    browser: false,
    subscriptionName: null,
  };
  // The seed grants `topic=` for the consumer queues, so on ActiveMQ the queue is not covered.
  await assert.rejects(b.addConsumer(user, info, sink), {
    message: 'User user is not authorized to read from: queue://Consumer.A.VirtualTopic.alfresco.repo.events.nodes',
  });
});

test('admin is needed to create a destination; existing ones need only write', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const map = new AuthorizationMap([
    { destination: Destination.queue('ORDERS.>'), read: groupSet('r'), write: groupSet('w'), admin: groupSet('a') },
  ]);
  const b = new SimpleAuthenticationBroker(new AuthorizationBroker(region, map), {
    users: [
      { username: 'writer', password: 'p', groups: groupSet('w') },
      { username: 'admin', password: 'p', groups: groupSet('w,a') },
    ],
    verifier: defaultPasswordVerifier,
  });
  await b.start();
  const writer = ctx('writer', 'p');
  const admin = ctx('admin', 'p');
  await b.addConnection(writer);
  await b.addConnection(admin);
  await assert.rejects(b.send(writer, msg(Destination.queue('ORDERS.NEW')), null), {
    message: 'User writer is not authorized to create: queue://ORDERS.NEW',
  });
  await b.send(admin, msg(Destination.queue('ORDERS.NEW')), null);
  await b.send(writer, msg(Destination.queue('ORDERS.NEW')), null);
  // Composite destinations are checked member by member.
  await assert.rejects(b.send(admin, msg(Destination.queue('ORDERS.NEW,SECRET')), null), {
    message: 'User admin is not authorized to write to: queue://SECRET',
  });
});

test('anonymous access maps to the anonymous user and group', async () => {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new SimpleAuthenticationBroker(region, {
    users: [],
    anonymousAccessAllowed: true,
    anonymousUser: 'anon',
    anonymousGroup: 'everyone',
    verifier: defaultPasswordVerifier,
  });
  const c = ctx(null, null);
  await b.addConnection(c);
  assert.equal(c.security?.userName, 'anon');
  assert.deepEqual([...c.security.groups], ['everyone']);
});

test('hashed passwords verify; a wrong one does not', async () => {
  const stored = await hashPassword('s3cret');
  assert.match(stored, /^scrypt:/);
  assert.equal(await defaultPasswordVerifier.verify('s3cret', stored), true);
  assert.equal(await defaultPasswordVerifier.verify('nope', stored), false);
});
