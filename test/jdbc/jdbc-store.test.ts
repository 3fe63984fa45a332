import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Destination } from '../../src/model/destination.js';
import { Message } from '../../src/model/message.js';
import { typed } from '../../src/model/properties.js';
import { OpenWireJdbcMessageFormat } from '../../src/protocol/openwire/jdbc-message-format.js';
import {
  JdbcPersistenceAdapter,
  type JdbcPersistenceAdapterOptions,
} from '../../src/store/jdbc/jdbc-persistence-adapter.js';
import { Statements } from '../../src/store/jdbc/statements.js';
import type { StoreOperation } from '../../src/store/persistence-adapter.js';
import { subscriptionAckKey } from '../../src/store/store-index.js';
import { testDatabase, type TestDatabase } from '../support/pg.js';

// What the PostgreSQL store does beyond the shared contract: ActiveMQ's row layout, the store cursor's paged
// reads, group commit, LAST_ACKED_ID marks for durable subscriptions, tablePrefix, deleteAllMessagesOnStartup.
const { db, skip } = await testDatabase('store');

const Q = Destination.queue('store.q');
const T = Destination.topic('store.t');
let n = 0;
function msg(d: Destination = Q): Message {
  const m = new Message();
  m.messageId = `ID:store-test-${process.pid}-1:1:1:${++n}`;
  m.producerId = `ID:store-test-${process.pid}-1:1:1`;
  m.destination = d;
  m.persistent = true;
  m.bodyType = 'text';
  m.body = Buffer.from(`m${n}`);
  m.priority = 7;
  m.expiration = 1_900_000_000_000;
  m.properties = new Map([['colour', typed.string('blue')]]);
  return m;
}
const add = (m: Message): StoreOperation => ({ op: 'add', destination: m.destination, message: m });

function open(d: TestDatabase, extra: Partial<JdbcPersistenceAdapterOptions> = {}): JdbcPersistenceAdapter {
  return new JdbcPersistenceAdapter({
    pool: d.pool,
    dataSourceName: d.schema,
    format: new OpenWireJdbcMessageFormat(),
    ...extra,
  });
}

describe('PostgreSQL store', { skip: db === null ? skip : false }, () => {
  const d = db!;
  after(() => d.drop());

  it("writes rows as ActiveMQ's JDBC store does", async () => {
    const s = await d.freshSchema('rows');
    const store = open(s);
    await store.start();
    await store.recover();
    const m = msg();
    await store.write([add(m)], true);
    await store.stop();
    const r = await s.query(
      `SELECT ID, CONTAINER, MSGID_PROD, MSGID_SEQ, EXPIRATION, PRIORITY, XID, MSG FROM ACTIVEMQ_MSGS`,
    );
    const row = r.rows[0] as Record<string, unknown>;
    assert.equal(Number(row['id']), m.storeSequence);
    assert.equal(row['container'], 'queue://store.q');
    assert.equal(row['msgid_prod'], m.producerId);
    assert.equal(Number(row['msgid_seq']), n);
    assert.equal(Number(row['expiration']), 1_900_000_000_000);
    assert.equal(Number(row['priority']), 7);
    assert.equal(row['xid'], null);
    // OpenWireFormat.marshal at the store version: 4-byte size prefix, then the ActiveMQTextMessage type (28).
    const bytes = row['msg'] as Buffer;
    assert.equal(bytes.readInt32BE(0), bytes.length - 4);
    assert.equal(bytes[4], 28);
  });

  it('recovers queues deferred and pages them for the store cursor, with redelivery counts', async () => {
    const s = await d.freshSchema('cursor');
    let store = open(s);
    await store.start();
    await store.recover();
    const ms = Array.from({ length: 250 }, () => msg());
    await store.write(ms.map(add), true);
    await store.write([{ op: 'remove', destination: Q, messageId: ms[0]!.messageId, subscription: null }], true);
    await store.write([{ op: 'redelivered', destination: Q, messageId: ms[1]!.messageId, count: 2 }], true);
    await store.stop();
    store = open(s);
    await store.start();
    const state = await store.recover({ deferQueueMessages: true });
    assert.equal(state.messages.get(Q.key), undefined, 'queue messages stay in the database');
    assert.equal(state.deferred?.get(Q.key)?.count, 249);
    const seen: Message[] = [];
    let after = 0;
    for (;;) {
      const page = await store.readMessages(Q, after, 100);
      if (page.length === 0) break;
      seen.push(...page);
      after = page[page.length - 1]!.storeSequence;
    }
    assert.deepEqual(
      seen.map((m) => m.messageId),
      ms.slice(1).map((m) => m.messageId),
    );
    assert.equal(seen[0]!.redeliveryCounter, 2);
    assert.equal(seen[0]!.properties.get('colour')?.value, 'blue');
    await store.stop();
  });

  it('commits concurrent writes in shared transactions (group commit)', async () => {
    const s = await d.freshSchema('group');
    const store = open(s);
    await store.start();
    await store.recover();
    const ms = Array.from({ length: 200 }, () => msg());
    await Promise.all(ms.map((m) => store.write([add(m)], true)));
    assert.ok(store.transactions < 50, `${store.transactions} transactions for 200 concurrent writes`);
    await store.stop();
  });

  it("keeps a durable subscription's position as LAST_ACKED_ID, below any message it still waits for", async () => {
    const s = await d.freshSchema('acks');
    let store = open(s);
    await store.start();
    await store.recover();
    const sub = { destination: T, key: 'c:s', clientId: 'c', subscriptionName: 's', selector: null, noLocal: false };
    await store.write([{ op: 'add-subscription', subscription: sub }], true);
    const [m1, m2, m3] = [msg(T), msg(T), msg(T)];
    await store.write([add(m1), add(m2), add(m3)], true);
    const lastAcked = async (): Promise<number> =>
      Number(
        ((await s.query(`SELECT LAST_ACKED_ID FROM ACTIVEMQ_ACKS`)).rows[0] as { last_acked_id: string }).last_acked_id,
      );
    // Acknowledged out of order: m2 first. The mark stays below m1, which is still pending.
    await store.write([{ op: 'remove', destination: T, messageId: m2.messageId, subscription: sub.key }], true);
    assert.equal(await lastAcked(), m1.storeSequence - 1);
    await store.write([{ op: 'remove', destination: T, messageId: m1.messageId, subscription: sub.key }], true);
    assert.equal(await lastAcked(), m2.storeSequence, 'past m1 and m2, below m3');
    await store.stop();
    store = open(s);
    await store.start();
    const state = await store.recover();
    assert.deepEqual(
      (state.messages.get(T.key) ?? []).map((m) => m.messageId),
      [m3.messageId],
    );
    assert.deepEqual([...state.subscriptionAcks.get(subscriptionAckKey(T, sub.key))!], []);
    const rows = await s.query(`SELECT COUNT(*)::int AS n FROM ACTIVEMQ_MSGS`);
    assert.equal((rows.rows[0] as { n: number }).n, 1, 'consumed topic rows are deleted');
    await store.stop();
  });

  it('tablePrefix keeps two stores apart in one schema', async () => {
    const s = await d.freshSchema('prefix');
    const a = open(s, { statements: new Statements('A_') });
    const b = open(s, { statements: new Statements('B_') });
    for (const x of [a, b]) {
      await x.start();
      await x.recover();
    }
    await a.write([add(msg())], true);
    await a.stop();
    await b.stop();
    const counts = await s.query(
      `SELECT (SELECT COUNT(*) FROM A_ACTIVEMQ_MSGS)::int AS a, (SELECT COUNT(*) FROM B_ACTIVEMQ_MSGS)::int AS b`,
    );
    assert.deepEqual(counts.rows[0], { a: 1, b: 0 });
  });

  it('storeUsage: a full store refuses with sendFailIfNoSpace, or makes the producer wait for space', async () => {
    const s = await d.freshSchema('limit');
    const big = (): Message => {
      const m = msg();
      m.body = Buffer.alloc(3000, 120);
      return m;
    };
    const refusing = open(s, { storeLimit: 8000, sendFailIfNoSpace: true });
    await refusing.start();
    await refusing.recover();
    const kept = [big(), big()];
    await refusing.write(kept.map(add), true);
    await assert.rejects(refusing.write([add(big())], true), (e: Error) => {
      assert.equal(e.name, 'StoreFullError');
      assert.match(e.message, /^Persistent store is Full, 100% of 8000\. Stopping producer \(ID:store-test-/);
      return true;
    });
    await refusing.stop();

    const waiting = open(s, { storeLimit: 8000 });
    await waiting.start();
    await waiting.recover();
    let landed = false;
    const third = big();
    const blocked = waiting.write([add(third)], true).then(() => (landed = true));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(landed, false, 'the producer waits while the store is full');
    await waiting.write([{ op: 'remove', destination: Q, messageId: kept[0]!.messageId, subscription: null }], true);
    await blocked;
    assert.equal(landed, true);
    await waiting.stop();
  });

  it('a row whose MSG is not an OpenWire message is reported with its ID, not delivered as garbage', async () => {
    const s = await d.freshSchema('corrupt');
    const store = open(s);
    await store.start();
    await store.recover();
    await store.write([add(msg())], true);
    // A frame claiming more bytes than the row holds, and bytes that are no frame at all.
    await s.query(
      `INSERT INTO ACTIVEMQ_MSGS(ID, CONTAINER, MSGID_PROD, MSGID_SEQ, EXPIRATION, PRIORITY, MSG) VALUES
         (900, 'queue://store.q', 'ID:x:1:1', 1, 0, 4, '\\x7fffffff1c00'::bytea),
         (901, 'queue://store.q', 'ID:x:1:1', 2, 0, 4, '\\x00000003ffffff'::bytea)`,
    );
    const page = await store.readMessages(Q, 0, 1);
    assert.equal(page.length, 1, 'the good row reads');
    await assert.rejects(store.readMessages(Q, page[0]!.storeSequence, 10), (e: Error) => {
      assert.equal(e.name, 'StoreCorruptError');
      assert.match(e.message, /^ACTIVEMQ_MSGS row ID=900 does not hold an OpenWire message: frame size 2147483647/);
      return true;
    });
    await assert.rejects(store.readMessages(Q, 900, 10), /ACTIVEMQ_MSGS row ID=901 does not hold an OpenWire message/);
    await store.stop();
  });

  it('deleteAllMessagesOnStartup starts empty', async () => {
    const s = await d.freshSchema('wipe');
    let store = open(s);
    await store.start();
    await store.recover();
    await store.write([add(msg()), { op: 'add-destination', destination: Q }], true);
    await store.stop();
    store = open(s, { deleteAllMessagesOnStartup: true });
    await store.start();
    const state = await store.recover();
    assert.equal(state.messages.size, 0);
    assert.deepEqual(state.destinations, []);
    await store.stop();
  });
});
