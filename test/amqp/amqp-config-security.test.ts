/**
 * AMQP connectors opened from activemq.xml exactly as `tidemq start --config` opens them (amqp://, amqp+ws://
 * and AMQP detected on auto://), and AMQP logins and links judged by the broker's security plugins with
 * ActiveMQ's conditions and texts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import rhea, { type EventContext } from 'rhea';
import WebSocket from 'ws';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { assembleBroker } from '../../src/server/assemble.js';
import { BrokerService } from '../../src/server/broker-service.js';
import '../../src/server/builtin-protocols.js';
import { Logger } from '../../src/util/logger.js';
import { amqpConnect, closeConnection, openReceiver, openSender, waitFor } from './helpers.js';

let service: BrokerService;
let logs: string[];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-amqp-'));

before(async () => {
  const xml = `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="amqp-sec" persistent="false" dataDirectory="${dataDir}">
  <plugins>
    <simpleAuthenticationPlugin>
      <users>
        <authenticationUser username="system" password="manager" groups="users,admins"/>
        <authenticationUser username="user" password="password" groups="users"/>
      </users>
    </simpleAuthenticationPlugin>
    <authorizationPlugin>
      <map>
        <authorizationMap>
          <authorizationEntries>
            <authorizationEntry topic="ActiveMQ.Advisory.>" read="users" write="users" admin="users"/>
            <authorizationEntry queue="secret.>" read="admins" write="admins" admin="admins"/>
            <authorizationEntry queue="app.>" read="users" write="users" admin="users"/>
          </authorizationEntries>
        </authorizationMap>
      </map>
    </authorizationPlugin>
  </plugins>
  <transportConnectors>
    <transportConnector name="amqp" uri="amqp://127.0.0.1:0?maximumConnections=1000&amp;wireFormat.maxFrameSize=104857600"/>
    <transportConnector name="amqp-ws" uri="amqp+ws://127.0.0.1:0"/>
    <transportConnector name="auto" uri="auto://127.0.0.1:0"/>
  </transportConnectors>
</broker>`;
  logs = [];
  const logger = Logger.create({ level: 'info', write: (l) => logs.push(l), debugChannels: '' });
  const { config } = loadBrokerConfigText(xml, path.join(dataDir, 'activemq.xml'), { properties: {}, strict: true });
  service = new BrokerService(await assembleBroker(config, { logger }));
  await service.start();
});

after(async () => {
  await service.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const user = { username: 'user', password: 'password' };

async function refusal(
  port: number,
  options: Record<string, unknown>,
): Promise<{ condition?: string; description?: string }> {
  try {
    const c = await amqpConnect(port, options);
    await closeConnection(c);
  } catch (e) {
    return e as { condition?: string; description?: string };
  }
  assert.fail('the connection was accepted');
}

test('amqp:// from activemq.xml: PLAIN login through the authentication plugin', async () => {
  assert.ok(!logs.some((l) => l.includes('is not started')), 'no connector skipped');
  const c = await amqpConnect(service.connector('amqp').port, user);
  const s = await openSender(c, { target: 'app.orders' });
  let accepted = 0;
  s.on('accepted', () => accepted++);
  s.send({ body: 'x' });
  await waitFor(() => accepted === 1, 'accepted');
  await closeConnection(c);
});

test("a wrong password is refused with amqp:unauthorized-access and ActiveMQ's text", async () => {
  const e = await refusal(service.connector('amqp').port, { username: 'user', password: 'wrong' });
  assert.equal(e.condition, 'amqp:unauthorized-access');
  assert.equal(e.description, 'User name [user] or password is invalid.');
});

test('ANONYMOUS is refused where the broker has an authentication plugin', async () => {
  const e = await refusal(service.connector('amqp').port, { username: undefined, sasl_mechanisms: anonymous() });
  assert.equal(e.condition, 'amqp:unauthorized-access');
  assert.equal(e.description, 'User name [null] or password is invalid.');
});

function anonymous(): unknown {
  const m = rhea.sasl.client_mechanisms() as unknown as { enable_anonymous(): void };
  m.enable_anonymous();
  return m;
}

test('a client without SASL is refused (allowNonSaslConnections=false, as ActiveMQ)', async () => {
  await assert.rejects(amqpConnect(service.connector('amqp').port, { username: undefined }));
});

test('authorization: a send to a queue the user may not write is rejected with amqp:unauthorized-access', async () => {
  const c = await amqpConnect(service.connector('amqp').port, user);
  try {
    await assert.rejects(
      openSender(c, { target: 'secret.plans' }),
      (e: { amqp?: { condition?: string; description?: string } }) => {
        assert.equal(e.amqp?.condition, 'amqp:unauthorized-access');
        assert.match(e.amqp?.description ?? '', /User user is not authorized to write to: queue:\/\/secret\.plans/);
        return true;
      },
    );
    await assert.rejects(openReceiver(c, { source: 'secret.plans' }), (e: { amqp?: { condition?: string } }) => {
      assert.equal(e.amqp?.condition, 'amqp:unauthorized-access');
      return true;
    });
    // Through an anonymous relay the refusal comes per message, as a rejected outcome.
    const relay = await openSender(c, { target: {} });
    const outcome = new Promise<{ error?: { condition?: string } }>((resolve) =>
      relay.once('rejected', (ctx: EventContext) =>
        resolve(ctx.delivery!.remote_state as { error?: { condition?: string } }),
      ),
    );
    relay.send({ to: 'queue://secret.plans', body: 'no' });
    assert.equal((await outcome).error?.condition, 'amqp:unauthorized-access');
  } finally {
    await closeConnection(c);
  }
});

test('a container-id already connected is refused with amqp:invalid-field naming the container-id', async () => {
  const first = await amqpConnect(service.connector('amqp').port, { ...user, container_id: 'same-id' });
  try {
    const e = await refusal(service.connector('amqp').port, { ...user, container_id: 'same-id' });
    assert.equal(e.condition, 'amqp:invalid-field');
  } finally {
    await closeConnection(first);
  }
});

test('auto:// detects AMQP', async () => {
  const c = await amqpConnect(service.connector('auto').port, user);
  const r = await openReceiver(c, { source: 'app.auto' });
  const got: unknown[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!.body));
  const s = await openSender(c, { target: 'app.auto' });
  s.send({ body: 'via auto' });
  await waitFor(() => got.length === 1, 'message');
  await closeConnection(c);
});

test('amqp+ws:// carries AMQP over WebSocket with subprotocol amqp', async () => {
  const port = service.connector('amqp-ws').port;
  const container = rhea.create_container({ id: 'ws-client' });
  const ws = container.websocket_connect(WebSocket);
  const c = container.connect({
    connection_details: ws(`ws://127.0.0.1:${port}`, ['amqp'], {}),
    reconnect: false,
    ...user,
  } as unknown as Parameters<typeof container.connect>[0]);
  c.on('error', () => {});
  c.on('disconnected', () => {});
  await new Promise((resolve, reject) => {
    c.once('connection_open', resolve);
    c.once('connection_error', reject);
  });
  const r = await openReceiver(c, { source: 'app.ws' });
  const got: unknown[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!.body));
  const s = await openSender(c, { target: 'app.ws' });
  s.send({ body: 'over websocket' });
  await waitFor(() => got.length === 1, 'message over websocket');
  await closeConnection(c);
});
