import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { startActiveMQ } from '../interop/harness/activemq-broker.js';
import type { BrokerSetup, InteropBroker } from '../interop/harness/broker.js';
import { buildInteropClasses } from '../interop/harness/java-build.js';
import { JavaDriver } from '../interop/harness/java-driver.js';
import { startTideMQ } from '../interop/harness/tidemq-broker.js';
import { LeaseDatabaseLocker } from '../../src/store/jdbc/lease-database-locker.js';
import { Statements } from '../../src/store/jdbc/statements.js';
import { testDatabase, type TestDatabase } from '../support/pg.js';

/**
 * The migration path in both directions, on one PostgreSQL schema: ActiveMQ 5.17 (Debian's, with the PostgreSQL
 * JDBC driver on its class path) writes a backlog and a durable subscription's state, stops; TideMQ starts on the
 * same database and delivers all of it to the real Java client, then writes its own backlog; ActiveMQ starts again
 * and delivers that. The activemq.xml is one file for both brokers.
 */
const { db, skip } = await testDatabase('interop');
const PG_JAR = '/usr/share/java/postgresql.jar';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function jdbcSetup(d: TestDatabase): BrokerSetup {
  const url = d.url;
  return {
    xml: ({ dataDir, openwirePort, stompPort }) => `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <bean id="postgres-ds" class="org.postgresql.ds.PGSimpleDataSource">
    <property name="url" value="${esc(d.jdbcUrl)}"/>
    <property name="user" value="${esc(decodeURIComponent(url.username))}"/>
    <property name="password" value="${esc(decodeURIComponent(url.password))}"/>
  </bean>
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="true"
          schedulerSupport="false" dataDirectory="${esc(dataDir)}">
    <persistenceAdapter>
      <jdbcPersistenceAdapter dataSource="#postgres-ds" createTablesOnStartup="true" lockKeepAlivePeriod="1000">
        <locker><lease-database-locker lockAcquireSleepInterval="3000"/></locker>
      </jdbcPersistenceAdapter>
    </persistenceAdapter>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`,
    javaOptions: [`-Dactivemq.classpath=${PG_JAR}`],
  };
}

const missingJar = existsSync(PG_JAR) ? false : `${PG_JAR} not found: install Debian's libpostgresql-jdbc-java`;

describe('JDBC store interop with ActiveMQ 5.17 on one PostgreSQL', { skip: db === null ? skip : missingJar }, () => {
  const d = db!;
  let driver: JavaDriver | undefined;
  let broker: InteropBroker | undefined;
  after(async () => {
    await broker?.stop();
    await driver?.close();
    await d.drop();
  });

  it('ActiveMQ → TideMQ → ActiveMQ: backlogs with properties and a durable subscription survive each hand-over', async () => {
    const classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
    const setup = jdbcSetup(d);
    const run = (scenario: string, ...args: string[]): Promise<string> =>
      driver!.run(scenario, [broker!.openwireUrl, ...args], 120_000);
    const [Q1, Q2, T] = ['jdbc.interop.q1', 'jdbc.interop.q2', 'jdbc.interop.t'];

    // 1. ActiveMQ writes: a durable subscription, a queue backlog, ten topic messages of which four are consumed.
    broker = await startActiveMQ(classes, setup);
    await run('jdbc-durable-subscribe', T, 'c1', 's1');
    await run('jdbc-send-backlog', Q1, '40', 'amq');
    await run('jdbc-publish', T, '0', '10', 'amq');
    await run('jdbc-durable-receive', T, 'c1', 's1', '0', '4', 'amq', 'more');
    // ActiveMQ is a live master on its lease: TideMQ's lease-database-locker waits through more than one lease
    // length (ActiveMQ renews it every second), and takes the lease once ActiveMQ has stopped and released it.
    const lease = await d.query(`SELECT BROKER_NAME FROM ACTIVEMQ_LOCK WHERE ID = 1`);
    assert.equal((lease.rows[0] as { broker_name: string }).broker_name, 'interop');
    const slave = new LeaseDatabaseLocker({
      pool: d.pool,
      dataSourceName: d.schema,
      statements: new Statements(),
      leaseHolderId: 'tidemq-slave',
      lockAcquireSleepInterval: 500,
      failIfLocked: false,
    });
    let master = false;
    const acquiring = slave.acquire(new AbortController().signal).then(() => (master = true));
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(master, false, 'TideMQ must not take the lease of a live ActiveMQ master');
    await broker.stop();
    broker = undefined;
    await acquiring;
    await slave.release();
    const rows = await d.query(`SELECT CONTAINER, COUNT(*)::int AS n FROM ACTIVEMQ_MSGS GROUP BY CONTAINER ORDER BY 1`);
    assert.deepEqual(rows.rows, [
      { container: `queue://${Q1}`, n: 40 },
      { container: `topic://${T}`, n: 10 },
    ]);

    // 2. TideMQ takes the database over: every message, its properties, and the subscription's position.
    broker = await startTideMQ(setup);
    await run('jdbc-receive-backlog', Q1, '40', 'amq');
    await run('jdbc-durable-receive', T, 'c1', 's1', '4', '10', 'amq', 'none');
    await run('jdbc-send-backlog', Q2, '30', 'tmq');
    await run('jdbc-publish', T, '0', '6', 'tmq');
    await run('jdbc-durable-receive', T, 'c1', 's1', '0', '2', 'tmq', 'more');
    await broker.stop();
    broker = undefined;
    const written = await d.query(`SELECT COUNT(*)::int AS n FROM ACTIVEMQ_MSGS WHERE CONTAINER = $1`, [
      `queue://${Q2}`,
    ]);
    assert.equal((written.rows[0] as { n: number }).n, 30, "TideMQ's backlog is in ActiveMQ's table");

    // 3. ActiveMQ reads what TideMQ wrote.
    broker = await startActiveMQ(classes, setup);
    await run('jdbc-receive-backlog', Q2, '30', 'tmq');
    await run('jdbc-durable-receive', T, 'c1', 's1', '2', '6', 'tmq', 'none');
    await broker.stop();
    broker = undefined;
  });
});
