import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Connection } from '../../src/client/index.js';
import { T, brokerIdToString, type ConsumerInfo } from '../../src/protocol/openwire/codec/index.js';
import { startFakeBroker } from '../support/client/fake-broker.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/client/broker.js';

/**
 * What a network bridge (issue 13, built on this client later) needs of it: advisories carrying the broker's
 * ConsumerInfo, a message forwarded unchanged (id, properties, brokerPath), keep-alives on an idle connection, and a
 * standing backup connection for failover.
 */
let broker: TestBroker;
before(async () => {
  broker = await startTestBroker();
});
after(() => broker.stop());

test('a consumer on an advisory topic receives the ConsumerInfo of a new queue consumer', async () => {
  const bridge = await Connection.connect(broker.url);
  const app = await Connection.connect(broker.url);
  try {
    const s = await bridge.createSession();
    const advisories = await s.createConsumer('topic://ActiveMQ.Advisory.Consumer.Queue.bridge.demand', {
      prefetch: 10,
      priority: -5,
    });
    await (await app.createSession()).createConsumer('queue://bridge.demand', { selector: "x = 'y'" });
    const m = (await advisories.receive(5000))!;
    const info = m.raw.dataStructure as ConsumerInfo;
    assert.equal(info.type, T.CONSUMER_INFO);
    assert.equal(info.destination?.physicalName, 'bridge.demand');
    assert.equal(info.selector, "x = 'y'");
  } finally {
    await app.close();
    await bridge.close();
  }
});

test('forward() resends a received message unchanged to another broker: id, properties, body; brokerPath as given', async () => {
  const remote = await startTestBroker({ name: 'remote' });
  const local = await Connection.connect(broker.url);
  const out = await Connection.connect(remote.url);
  try {
    const s = await local.createSession('client');
    const p = await s.createProducer('queue://bridge.in');
    const id = await p.send('payload', { properties: { hop: 1, tag: 'x' }, correlationId: 'corr' });
    const inbound = await s.createConsumer('queue://bridge.in', { prefetch: 1, priority: -1 });
    const m = (await inbound.receive(5000))!;
    const os = await out.createSession();
    const forwarder = await os.createProducer(null);
    await forwarder.forward(m.raw, {
      destination: 'queue://bridge.out',
      brokerPath: [...(m.raw.brokerPath ?? []), { type: T.BROKER_ID, value: 'ID:local-broker' }],
    });
    await m.acknowledge(); // acked at the source once the remote broker has it
    const f = (await (await os.createConsumer('queue://bridge.out')).receive(5000))!;
    assert.equal(f.messageId, id);
    assert.equal(f.text, 'payload');
    assert.deepEqual(f.properties, { hop: 1, tag: 'x' });
    assert.equal(f.correlationId, 'corr');
    assert.equal(f.timestamp, m.timestamp);
    assert.deepEqual((f.raw.brokerPath ?? []).map(brokerIdToString), ['ID:local-broker']);
    assert.equal(await (await s.createConsumer('queue://bridge.in')).receive(300), null, 'consumed at the source');
  } finally {
    await out.close();
    await local.close();
    await remote.stop();
  }
});

test('an idle connection outlives maxInactivityDuration on keep-alives', async () => {
  const c = await Connection.connect(
    `${broker.url}?wireFormat.maxInactivityDuration=300&wireFormat.maxInactivityDurationInitalDelay=0`,
  );
  try {
    await new Promise((r) => setTimeout(r, 1200)); // four inactivity periods with nothing to send
    const s = await c.createSession();
    const p = await s.createProducer('queue://bridge.idle');
    await p.send('still here');
    assert.equal((await (await s.createConsumer('queue://bridge.idle')).receive(5000))?.text, 'still here');
  } finally {
    await c.close();
  }
});

test('backup=true keeps a standing connection to the next broker and fails over onto it', async () => {
  const a = await startTestBroker({ name: 'A' });
  const b = await startFakeBroker('answer');
  const c = await Connection.connect(`failover:(${a.url},${b.url})?randomize=false&backup=true`);
  try {
    assert.equal(c.connectedUri, a.url);
    await waitFor(() => b.connections === 1, 'the backup connection');
    await a.stop();
    await waitFor(() => c.connectedUri === b.url, 'failover onto the backup');
    assert.equal(b.connections, 1, 'no new connection was needed');
  } finally {
    await c.close();
    await a.stop();
    await b.stop();
  }
});
