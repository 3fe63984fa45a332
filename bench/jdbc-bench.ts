/**
 * The PostgreSQL store side by side with ActiveMQ 5.17's JDBC store on the same database server:
 *   npm run build && node dist/bench/jdbc-bench.js [--rounds 3] [--count 4000] [--size 1024]
 * For 1 and 8 producers, each broker in turn (alternating who goes first) starts on a fresh schema with the same
 * activemq.xml (PGSimpleDataSource, lease-database-locker), the real Java client sends `count` persistent messages
 * synchronously while one consumer receives them, and the broker stops. Prints the median sends/s and end-to-end
 * messages/s per broker and the TideMQ/ActiveMQ ratio. Needs PostgreSQL (TIDEMQ_TEST_PG), Debian's activemq and
 * libpostgresql-jdbc-java. Not part of `npm test`.
 */
import { startActiveMQ } from '../test/interop/harness/activemq-broker.js';
import type { BrokerSetup, InteropBroker } from '../test/interop/harness/broker.js';
import { buildInteropClasses } from '../test/interop/harness/java-build.js';
import { JavaDriver } from '../test/interop/harness/java-driver.js';
import { startTideMQ } from '../test/interop/harness/tidemq-broker.js';
import { testDatabase, type TestDatabase } from '../test/support/pg.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const rounds = option('--rounds', 3);
const count = option('--count', 4000);
const size = option('--size', 1024);

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function setup(d: TestDatabase): BrokerSetup {
  return {
    xml: ({ dataDir, openwirePort, stompPort }) => `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <bean id="postgres-ds" class="org.postgresql.ds.PGSimpleDataSource">
    <property name="url" value="${esc(d.jdbcUrl)}"/>
    <property name="user" value="${esc(decodeURIComponent(d.url.username))}"/>
    <property name="password" value="${esc(decodeURIComponent(d.url.password))}"/>
  </bean>
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="true"
          schedulerSupport="false" dataDirectory="${esc(dataDir)}">
    <persistenceAdapter>
      <jdbcPersistenceAdapter dataSource="#postgres-ds" createTablesOnStartup="true">
        <locker><lease-database-locker lockAcquireSleepInterval="10000"/></locker>
      </jdbcPersistenceAdapter>
    </persistenceAdapter>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`,
    javaOptions: ['-Dactivemq.classpath=/usr/share/java/postgresql.jar'],
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const { db, skip } = await testDatabase('bench');
  if (db === null) throw new Error(skip);
  const classes = await buildInteropClasses();
  const driver = new JavaDriver(classes.clientClasspath);
  const results = new Map<string, { send: number[]; total: number[] }>();
  try {
    for (const producers of [1, 8]) {
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? (['tidemq', 'activemq'] as const) : (['activemq', 'tidemq'] as const);
        for (const kind of order) {
          const schema = await db.freshSchema(`${kind}_${producers}_${round}`);
          let broker: InteropBroker | undefined;
          try {
            broker =
              kind === 'activemq' ? await startActiveMQ(classes, setup(schema)) : await startTideMQ(setup(schema));
            const out = await driver.run(
              'jdbc-throughput',
              [broker.openwireUrl, 'bench.jdbc', String(producers), String(count), String(size)],
              300_000,
            );
            const m = /send_ms=(\d+) total_ms=(\d+)/.exec(out);
            if (m === null) throw new Error(`no figures in: ${out}`);
            const key = `${kind} ${producers}p`;
            const r = results.get(key) ?? { send: [], total: [] };
            r.send.push((count * 1000) / Math.max(1, Number(m[1])));
            r.total.push((count * 1000) / Math.max(1, Number(m[2])));
            results.set(key, r);
            process.stderr.write(`[jdbc-bench] ${key} round ${round + 1}: ${out}\n`);
          } finally {
            await broker?.stop();
            await schema.drop();
          }
        }
      }
    }
  } finally {
    await driver.close();
    await db.drop();
  }
  console.log(`jdbc-bench: ${count} persistent ${size} B messages, median of ${rounds} rounds, msgs/s`);
  console.log('scenario     | TideMQ send | ActiveMQ send | ratio | TideMQ e2e | ActiveMQ e2e | ratio');
  for (const producers of [1, 8]) {
    const t = results.get(`tidemq ${producers}p`)!;
    const a = results.get(`activemq ${producers}p`)!;
    const [ts, as, te, ae] = [median(t.send), median(a.send), median(t.total), median(a.total)];
    console.log(
      `persistent ${producers}p | ${ts.toFixed(0).padStart(11)} | ${as.toFixed(0).padStart(13)} | ${(ts / as).toFixed(2).padStart(5)} | ` +
        `${te.toFixed(0).padStart(10)} | ${ae.toFixed(0).padStart(12)} | ${(te / ae).toFixed(2).padStart(5)}`,
    );
  }
}

await main();
