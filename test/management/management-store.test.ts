/**
 * Management operations on a queue whose messages are still on disk (the store cursor's backlog after a
 * restart): browse, remove by id and purge reach them, and what they removed stays removed after another restart.
 * Also: durable subscriptions listed and destroyed, and web users checked by the broker's own authentication.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerService } from '../../src/server/broker-service.js';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { JournalPersistenceAdapter } from '../../src/store/journal/journal-persistence-adapter.js';
import { BrokerManagement } from '../../src/management/broker-management.js';
import { MBeanRegistry } from '../../src/management/mbean-registry.js';
import { ObjectName } from '../../src/management/object-name.js';
import { managementHost } from '../../src/server/management-host.js';
import { SimpleAuthenticationBroker } from '../../src/security/simple-authentication-broker.js';
import { BrokerRealm } from '../../src/web/broker-realm.js';
import { defaultPasswordVerifier } from '../../src/security/password.js';
import { stompClient, waitFor } from '../stomp/helpers.js';

async function journalBroker(dir: string): Promise<{ service: BrokerService; mgmt: BrokerManagement; port: number }> {
  const service = new BrokerService({
    brokerName: 'disk',
    store: new JournalPersistenceAdapter({ directory: dir }),
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0 }],
  });
  await service.start();
  return { service, mgmt: new BrokerManagement(managementHost(service)), port: service.connector('stomp').port };
}

test('browse, removeMessage and purge reach the store backlog; the removals survive a restart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-mgmt-'));
  let b = await journalBroker(dir);
  t.after(async () => {
    await b.service.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const c = await stompClient(b.port);
  for (let i = 0; i < 40; i++)
    c.client.publish({
      destination: '/queue/backlog',
      body: `m${i}`,
      headers: { persistent: 'true', receipt: `r${i}` },
    });
  await waitFor(() => b.mgmt.queues().some((q) => q.destination.name === 'backlog' && q.size === 40), '40 stored');
  await c.client.deactivate();
  await b.service.stop();

  b = await journalBroker(dir);
  const q = b.mgmt.queue('backlog');
  assert.equal(q.cursor.backlog, 40, 'nothing read back at start');
  const page = await b.mgmt.browse('backlog', { offset: 35, limit: 10 });
  assert.deepEqual(
    page.messages.map((m) => Buffer.from(m.body!).toString()),
    ['m35', 'm36', 'm37', 'm38', 'm39'],
  );
  assert.equal(await b.mgmt.removeMessage('backlog', page.messages[0]!.messageId), true);
  assert.equal(q.size, 39);
  await b.service.stop();

  b = await journalBroker(dir);
  assert.equal(b.mgmt.queue('backlog').size, 39);
  assert.equal(await b.mgmt.purge('backlog'), 39);
  assert.equal(b.mgmt.queue('backlog').size, 0);
  await b.service.stop();

  b = await journalBroker(dir);
  const after = b.mgmt.queues().find((x) => x.destination.name === 'backlog');
  assert.equal(after?.size ?? 0, 0, 'purged messages do not come back');
});

test('durable subscriptions are listed (active and offline) and destroyed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-mgmt-'));
  const b = await journalBroker(dir);
  t.after(async () => {
    await b.service.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const registry = new MBeanRegistry(b.mgmt);
  const c = await stompClient(b.port, { 'client-id': 'watcher' });
  c.client.subscribe('/topic/news', () => {}, { 'activemq.subscriptionName': 'daily' });
  const durable = ObjectName.parse(
    'org.apache.activemq:type=Broker,brokerName=disk,destinationType=Topic,destinationName=news,endpoint=Consumer,clientId=watcher,consumerId=Durable(watcher_daily)',
  );
  await waitFor(() => registry.query(durable)[0]?.attributes['Active']!.get() === true, 'active durable MBean');
  const [m] = registry.query(durable);
  assert.equal(m!.attributes['SubscriptionName']!.get(), 'daily');
  await c.client.deactivate();
  await waitFor(() => m!.attributes['Active']!.get() === false, 'offline');
  const broker = registry.query(ObjectName.parse('org.apache.activemq:type=Broker,brokerName=disk'))[0]!;
  assert.equal((broker.attributes['InactiveDurableTopicSubscribers']!.get() as unknown[]).length, 1);
  await m!.operations['destroy']![0]!.invoke([]);
  assert.equal(registry.query(durable).length, 0);
  assert.equal(b.mgmt.durables().length, 0);
});

test('web users checked by the broker authentication plugin; admins group gives the admin role', async (t) => {
  const service = new BrokerService({
    brokerName: 'auth',
    connectors: [],
    plugins: [
      (next) =>
        new SimpleAuthenticationBroker(next, {
          users: [
            { username: 'ops', password: 'pw-ops', groups: new Set(['admins']) },
            { username: 'app', password: 'pw-app', groups: new Set(['users']) },
          ],
          verifier: defaultPasswordVerifier,
        }),
    ],
  });
  await service.start();
  t.after(() => service.stop());
  const realm = new BrokerRealm(service.broker);
  assert.deepEqual([...(await realm.authenticate('ops', 'pw-ops'))!.roles].sort(), ['admin', 'user']);
  assert.deepEqual([...(await realm.authenticate('app', 'pw-app'))!.roles], ['user']);
  assert.equal(await realm.authenticate('ops', 'wrong'), null);
});
