import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Destination } from '../../model/destination.js';
import { Message } from '../../model/message.js';
import { FakeFileLayer } from '../../../test/support/store/journal/fake-file-layer.js';
import { JournalPersistenceAdapter } from '../../store/journal/journal-persistence-adapter.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import type { PersistenceAdapter } from '../../store/persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { BrokerError } from '../../util/errors.js';
import { Logger } from '../../util/logger.js';
import type { Broker, ConnectionContext } from '../broker.js';
import { BrokerFilter } from '../broker-filter.js';
import { RegionBroker } from '../region/region-broker.js';
import { ProducerAudit } from './producer-audit.js';
import { ProducerAuditBroker, auditRecovered } from './producer-audit-broker.js';

const Q = Destination.queue('audit.q');
const ctx: ConnectionContext = {
  info: { connectionId: 'c1', clientId: null, userName: null, password: null, remoteAddress: 'test', protocol: 'test' },
  security: null,
  control: { close: () => {} },
};

function msg(seq: number, persistent = true): Message {
  const m = new Message();
  m.messageId = `ID:host-1-1-1:1:1:1:${seq}`;
  m.destination = Q;
  m.persistent = persistent;
  m.bodyType = 'text';
  m.body = Buffer.from(`m${seq}`);
  return m;
}

async function brokerOn(store: PersistenceAdapter, audit = new ProducerAudit()) {
  const region = new RegionBroker({
    store,
    onRecovered: auditRecovered(audit),
    clock: new ManualClock(),
    expireMessagesPeriodMs: 0,
  });
  const broker = new ProducerAuditBroker(region, audit);
  await broker.start();
  await broker.addConnection(ctx);
  return { region, broker, queued: () => region.findQueue(Q.name)?.size ?? 0 };
}

test('a persistent message resent with the same id is enqueued once; a non-persistent one is not audited', async () => {
  const { broker, queued } = await brokerOn(new MemoryPersistenceAdapter());
  await broker.send(ctx, msg(1), null);
  await broker.send(ctx, msg(1), null); // the failover transport's replay
  await broker.send(ctx, msg(2), null);
  assert.equal(queued(), 2);
  await broker.send(ctx, msg(3, false), null);
  await broker.send(ctx, msg(3, false), null);
  assert.equal(queued(), 4);
  await broker.stop();
});

/** Fails the first send of each id, as a full store would. */
class FailOnce extends BrokerFilter {
  private readonly seen = new Set<string>();
  override async send(context: ConnectionContext, message: Message, tx: string | null): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (!this.seen.has(message.messageId)) {
      this.seen.add(message.messageId);
      throw new BrokerError('ERR_RESOURCE_ALLOCATION', 'refused once');
    }
    return super.send(context, message, tx);
  }
}

test('a send that failed further down is forgotten, so its retry goes through; concurrent copies wait for it', async () => {
  const region = new RegionBroker({
    store: new MemoryPersistenceAdapter(),
    clock: new ManualClock(),
    expireMessagesPeriodMs: 0,
  });
  const broker: Broker = new ProducerAuditBroker(new FailOnce(region), new ProducerAudit(), {
    logger: Logger.silent(),
  });
  await broker.start();
  await broker.addConnection(ctx);
  await assert.rejects(broker.send(ctx, msg(1), null), /refused once/);
  await broker.send(ctx, msg(1), null);
  assert.equal(region.findQueue(Q.name)?.size, 1);
  // Three copies at once: the first fails, the second takes its place, the third is its duplicate.
  const results = await Promise.allSettled([1, 2, 3].map(() => broker.send(ctx, msg(2), null)));
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'fulfilled', 'fulfilled'],
  );
  assert.equal(region.findQueue(Q.name)?.size, 2);
  await broker.stop();
});

test('after a restart the audit knows the recovered messages: a resend of a stored send is not enqueued again', async () => {
  const fs = new FakeFileLayer();
  const journal = () =>
    new JournalPersistenceAdapter({
      directory: '/s',
      fileLayer: fs,
      clock: new ManualClock(),
      logger: Logger.silent(),
    });
  const first = await brokerOn(journal());
  await first.broker.send(ctx, msg(1), null);
  await first.broker.send(ctx, msg(2), null);
  await first.broker.stop();
  // The broker restarts with a fresh audit; the client resends 2 (it never saw the answer) and sends 3.
  const second = await brokerOn(journal());
  assert.equal(second.queued(), 2);
  await second.broker.send(ctx, msg(2), null);
  await second.broker.send(ctx, msg(3), null);
  assert.equal(second.queued(), 3);
  await second.broker.stop();
});
