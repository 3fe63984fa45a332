import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Destination } from '../../src/model/destination.js';
import { Message } from '../../src/model/message.js';
import { OpenWireJdbcMessageFormat } from '../../src/protocol/openwire/jdbc-message-format.js';
import { JdbcPersistenceAdapter } from '../../src/store/jdbc/jdbc-persistence-adapter.js';
import type { BrokerSetup } from '../interop/harness/broker.js';
import { buildInteropClasses } from '../interop/harness/java-build.js';
import { JavaDriver } from '../interop/harness/java-driver.js';
import { startTideMQ } from '../interop/harness/tidemq-broker.js';
import { TcpProxy } from '../support/net/tcp-proxy.js';
import { testDatabase, type TestDatabase } from '../support/pg.js';

// Faults around the PostgreSQL store: the database going away under load (through a proxy the test cuts, so the
// shared server keeps running for other test files), refused credentials, a schema that is not there.
const { db, skip } = await testDatabase('faults');

const Q = Destination.queue('faults.q');
let n = 0;
function msg(): Message {
  const m = new Message();
  m.messageId = `ID:faults-${process.pid}-1:1:1:${++n}`;
  m.destination = Q;
  m.persistent = true;
  m.bodyType = 'text';
  m.body = Buffer.from(`m${n}`);
  return m;
}

function viaProxy(d: TestDatabase, proxy: TcpProxy) {
  return {
    host: '127.0.0.1',
    port: proxy.port,
    user: decodeURIComponent(d.url.username),
    password: decodeURIComponent(d.url.password),
    database: d.url.pathname.slice(1),
    options: d.pool.options,
    connectionTimeoutMillis: 2000,
  };
}

function adapter(d: TestDatabase, pool = d.pool, reconnectTimeout = 0): JdbcPersistenceAdapter {
  return new JdbcPersistenceAdapter({
    pool,
    dataSourceName: `faults ${d.schema}`,
    format: new OpenWireJdbcMessageFormat(),
    reconnectTimeout,
    reconnectInterval: 100,
  });
}

async function recoveredIds(d: TestDatabase): Promise<string[]> {
  const a = adapter(d);
  await a.start();
  try {
    const state = await a.recover();
    return (state.messages.get(Q.key) ?? []).map((m) => m.messageId);
  } finally {
    await a.stop();
  }
}

const pgHost = (d: TestDatabase) => ({ host: d.url.hostname, port: Number(d.url.port || 5432) });

describe('PostgreSQL store faults', { skip: db === null ? skip : false }, () => {
  const d = db!;
  after(() => d.drop());

  it('PostgreSQL unreachable under load: writes wait, resume when it is back, nothing lost or doubled', async () => {
    const s = await d.freshSchema('outage');
    const proxy = await TcpProxy.start(pgHost(d).host, pgHost(d).port);
    const store = adapter(s, viaProxy(s, proxy), 20_000);
    await store.start();
    await store.recover();
    const acked: string[] = [];
    let failures = 0;
    let running = true;
    const writer = async (): Promise<void> => {
      while (running) {
        const m = msg();
        try {
          await store.write([{ op: 'add', destination: Q, message: m }], true);
          acked.push(m.messageId);
        } catch {
          failures++;
        }
      }
    };
    const writers = Array.from({ length: 6 }, () => writer());
    const until = async (cond: () => boolean, what: string): Promise<void> => {
      const end = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(() => acked.length >= 100, '100 writes before the outage');
    await proxy.cut();
    const atCut = acked.length;
    await new Promise((r) => setTimeout(r, 1000));
    // During the outage at most the groups already committing finish; the writers wait, none fails.
    assert.ok(acked.length - atCut <= 6, `${acked.length - atCut} writes completed with the database away`);
    assert.equal(failures, 0);
    await proxy.resume();
    await until(() => acked.length >= atCut + 100, '100 writes after the database came back');
    running = false;
    await Promise.all(writers);
    await store.stop();
    await proxy.close();
    assert.equal(failures, 0, 'no write failed');
    const ids = await recoveredIds(s);
    assert.equal(new Set(ids).size, ids.length, 'no message stored twice');
    assert.deepEqual([...ids].sort(), [...acked].sort(), 'every acknowledged message, and only those');
  });

  it('an outage longer than the reconnect timeout fails the store with a clear error; acknowledged data survives', async () => {
    const s = await d.freshSchema('giveup');
    const proxy = await TcpProxy.start(pgHost(d).host, pgHost(d).port);
    const store = adapter(s, viaProxy(s, proxy), 300);
    await store.start();
    await store.recover();
    const kept = msg();
    await store.write([{ op: 'add', destination: Q, message: kept }], true);
    await proxy.cut();
    await assert.rejects(store.write([{ op: 'add', destination: Q, message: msg() }], true), (e: Error) => {
      assert.match(e.message, /^PostgreSQL store write failed: /);
      assert.equal((e as { code?: string }).code, 'ERR_STORE_IO');
      return true;
    });
    // The store's index no longer matches the database: it refuses writes until restarted.
    await proxy.resume();
    await assert.rejects(store.write([{ op: 'add', destination: Q, message: msg() }], true), /write failed/);
    await store.stop();
    await proxy.close();
    assert.deepEqual(await recoveredIds(s), [kept.messageId]);
  });

  it('wrong credentials and a missing schema are clear start-up errors', async () => {
    const s = await d.freshSchema('startup');
    const wrong = adapter(s, { ...s.pool, connectionString: undefined, ...credentials(s, 'not-the-password') });
    await assert.rejects(
      wrong.start(),
      /PostgreSQL refused the credentials for faults .*: password authentication failed for user/,
    );
    const noTables = new JdbcPersistenceAdapter({
      pool: s.pool,
      dataSourceName: 'pg-ds',
      createTablesOnStartup: false,
      format: new OpenWireJdbcMessageFormat(),
    });
    await assert.rejects(
      noTables.start(),
      /^JdbcStoreError: table ACTIVEMQ_MSGS does not exist in pg-ds and createTablesOnStartup is false/,
    );
    await noTables.stop();
  });

  it('the broker refuses to start on them, naming the cause (TideMQ CLI, activemq.xml)', async () => {
    const s = await d.freshSchema('cli');
    const setup = (password: string, create: boolean): BrokerSetup => ({
      xml: ({ dataDir }) => `<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="postgres-ds" class="org.postgresql.ds.PGSimpleDataSource">
    <property name="url" value="${s.jdbcUrl}"/>
    <property name="user" value="${decodeURIComponent(s.url.username)}"/>
    <property name="password" value="${password}"/>
  </bean>
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="faults" dataDirectory="${dataDir}">
    <persistenceAdapter><jdbcPersistenceAdapter dataSource="#postgres-ds" createTablesOnStartup="${create}"/></persistenceAdapter>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:0"/><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
    </transportConnectors>
  </broker>
</beans>`,
    });
    await assert.rejects(
      startTideMQ(setup('wrong', true)),
      /PostgreSQL refused the credentials for postgres-ds \(jdbc:postgresql:/,
    );
    await assert.rejects(
      startTideMQ(setup(decodeURIComponent(s.url.password), false)),
      /table ACTIVEMQ_MSGS does not exist in postgres-ds .* createTablesOnStartup is false/,
    );
  });
});

describe('PostgreSQL away under a Java producer (TideMQ CLI)', { skip: db === null ? skip : false }, () => {
  it('the broker holds the sends while the database is away and delivers every one after', async () => {
    const s = await db!.freshSchema('cli_outage');
    const proxy = await TcpProxy.start(pgHost(s).host, pgHost(s).port);
    const classes = await buildInteropClasses();
    const driver = new JavaDriver(classes.clientClasspath);
    const jdbcUrl = `jdbc:postgresql://127.0.0.1:${proxy.port}${s.url.pathname}?currentSchema=${s.schema}`;
    const broker = await startTideMQ({
      xml: ({ dataDir }) => `<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="postgres-ds" class="org.postgresql.ds.PGSimpleDataSource">
    <property name="url" value="${jdbcUrl}"/>
    <property name="user" value="${decodeURIComponent(s.url.username)}"/>
    <property name="password" value="${decodeURIComponent(s.url.password)}"/>
  </bean>
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="outage" dataDirectory="${dataDir}">
    <persistenceAdapter><jdbcPersistenceAdapter dataSource="#postgres-ds" useLock="false"/></persistenceAdapter>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:0"/><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
    </transportConnectors>
  </broker>
</beans>`,
    });
    try {
      const q = 'jdbc.faults.outage';
      const sending = driver.run('jdbc-send-backlog', [broker.openwireUrl, q, '400', 'out'], 120_000);
      const before = proxy.accepted;
      await new Promise((r) => setTimeout(r, 500));
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 2500));
      await proxy.resume();
      await sending;
      assert.ok(proxy.accepted > before, 'the store reconnected after the outage');
      await driver.run('jdbc-receive-backlog', [broker.openwireUrl, q, '400', 'out'], 120_000);
    } finally {
      await broker.stop();
      await driver.close();
      await proxy.close();
      await s.drop();
    }
  });
});

function credentials(d: TestDatabase, password: string) {
  return {
    host: d.url.hostname,
    port: Number(d.url.port || 5432),
    user: decodeURIComponent(d.url.username),
    database: d.url.pathname.slice(1),
    password,
  };
}
