import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LeaseDatabaseLocker } from '../../src/store/jdbc/lease-database-locker.js';
import { Statements } from '../../src/store/jdbc/statements.js';
import { testDatabase, type TestDatabase } from '../support/pg.js';

// The lease-database-locker against a real PostgreSQL, driven through the Locker interface as the broker's
// master/slave start-up drives it (acquire, keepAlive every lockKeepAlivePeriod, release).
const { db, skip } = await testDatabase('lease');

const statements = new Statements();

async function lockSchema(d: TestDatabase): Promise<void> {
  for (const sql of statements.createLockSchemaStatements()) await d.query(sql);
}

function locker(
  d: TestDatabase,
  id: string,
  extra: Partial<ConstructorParameters<typeof LeaseDatabaseLocker>[0]> = {},
) {
  return new LeaseDatabaseLocker({
    pool: d.pool,
    dataSourceName: d.schema,
    statements,
    leaseHolderId: id,
    lockAcquireSleepInterval: 300,
    failIfLocked: false,
    ...extra,
  });
}

async function holder(d: TestDatabase): Promise<{ name: string | null; time: number }> {
  const r = await d.query(`SELECT BROKER_NAME, TIME FROM ACTIVEMQ_LOCK WHERE ID = 1`);
  const row = r.rows[0] as { broker_name: string | null; time: string | null };
  return { name: row.broker_name, time: Number(row.time ?? 0) };
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  const until = Date.now() + ms;
  while (!done && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return done;
}

describe('lease-database-locker', { skip: db === null ? skip : false }, () => {
  const d = db!;
  after(() => d.drop());

  it('one broker holds the lease; the other waits until it is released, then takes it', async () => {
    const s = await d.freshSchema('handover');
    await lockSchema(s);
    const a = locker(s, 'brokerA');
    const b = locker(s, 'brokerB');
    await a.acquire(new AbortController().signal);
    assert.equal((await holder(s)).name, 'brokerA');
    const waiting = b.acquire(new AbortController().signal);
    // A live master renews well within the lease: B keeps waiting through several of its attempts.
    for (let i = 0; i < 4; i++) {
      assert.equal(await a.keepAlive(), true);
      assert.equal(await settlesWithin(waiting, 150), false, 'B must not become master while A renews');
    }
    await a.release();
    assert.equal(await settlesWithin(waiting, 3000), true);
    await waiting;
    assert.equal((await holder(s)).name, 'brokerB');
    // A has lost it: its keep-alive says so, and its release leaves B's lease alone.
    assert.equal(await a.keepAlive(), false);
    await a.release();
    assert.equal((await holder(s)).name, 'brokerB');
    await b.release();
  });

  it('a master that stops renewing (killed) loses the lease once it expires', async () => {
    const s = await d.freshSchema('expiry');
    await lockSchema(s);
    const dead = locker(s, 'dead');
    await dead.acquire(new AbortController().signal);
    const started = Date.now();
    const b = locker(s, 'survivor');
    await b.acquire(new AbortController().signal);
    assert.equal((await holder(s)).name, 'survivor');
    assert.ok(Date.now() - started < 3000);
    assert.equal(await dead.keepAlive(), false, 'the old master learns it is no longer master');
    await b.release();
  });

  it('stops waiting when the broker stops (abort), and failIfLocked refuses at once', async () => {
    const s = await d.freshSchema('abort');
    await lockSchema(s);
    const a = locker(s, 'a');
    await a.acquire(new AbortController().signal);
    const ac = new AbortController();
    const waiting = locker(s, 'b').acquire(ac.signal);
    ac.abort(new Error('broker stopping'));
    await assert.rejects(waiting, /broker stopping/);
    assert.equal(await a.keepAlive(), true);
    await assert.rejects(
      locker(s, 'c', { failIfLocked: true }).acquire(new AbortController().signal),
      /the lease on .* is held by a and failIfLocked is set/,
    );
    await a.release();
  });

  it('with maxAllowableDiffFromDBTime, a skewed host clock writes leases on the database clock', async () => {
    const s = await d.freshSchema('skew');
    await lockSchema(s);
    const hour = 3_600_000;
    const skewed = {
      now: () => Date.now() + hour,
      setTimeout: (fn: () => void, ms: number) => {
        const t = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(t) };
      },
      setInterval: (fn: () => void, ms: number) => {
        const t = setInterval(fn, ms);
        return { cancel: () => clearInterval(t) };
      },
    };
    const naive = locker(s, 'naive', { clock: skewed });
    await naive.acquire(new AbortController().signal);
    assert.ok((await holder(s)).time > Date.now() + hour - 5000, 'without the setting the host clock is used');
    await naive.release();
    const adjusted = locker(s, 'adjusted', { clock: skewed, maxAllowableDiffFromDBTime: 1000 });
    await adjusted.acquire(new AbortController().signal);
    const t = (await holder(s)).time;
    assert.ok(Math.abs(t - (Date.now() + 300)) < 5000, `lease end ${t} should be near the database's now + 300`);
    await adjusted.release();
  });

  it("waits, and can be stopped, while an ActiveMQ master holds the row with its default locker's FOR UPDATE", async () => {
    const s = await d.freshSchema('rowlock');
    await lockSchema(s);
    const pg = await import('pg');
    const activemq = new pg.default.Client(s.pool);
    await activemq.connect();
    // DefaultDatabaseLocker: a transaction kept open with the lock row selected FOR UPDATE.
    await activemq.query('BEGIN');
    await activemq.query('SELECT * FROM ACTIVEMQ_LOCK FOR UPDATE');
    const ac = new AbortController();
    const waiting = locker(s, 'tidemq').acquire(ac.signal);
    assert.equal(await settlesWithin(waiting, 1200), false, 'no lease while the row is locked');
    ac.abort(new Error('broker stopping'));
    await assert.rejects(waiting, /broker stopping/);
    const second = locker(s, 'tidemq');
    const acquiring = second.acquire(new AbortController().signal);
    await activemq.query('COMMIT');
    await activemq.end();
    await acquiring;
    assert.equal((await holder(s)).name, 'tidemq');
    await second.release();
  });

  it('takes ACTIVEMQ_LOCK as ActiveMQ left it (TIME null) and creates it through prepare', async () => {
    const s = await d.freshSchema('prepare');
    let prepared = 0;
    const a = locker(s, 'a', {
      prepare: async () => {
        prepared++;
        if (prepared === 1) await lockSchema(s);
      },
    });
    await a.acquire(new AbortController().signal);
    assert.equal((await holder(s)).name, 'a');
    await a.release();
    assert.deepEqual(await holder(s), { name: null, time: 0 });
  });
});
