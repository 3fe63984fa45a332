import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './config-error.js';
import { loadBrokerConfigText } from './load-config.js';
import { pgDataSource, parseJdbcUrl } from '../store/jdbc/data-source.js';

const AMQ = 'http://activemq.apache.org/schema/core';
const BEANS = 'http://www.springframework.org/schema/beans';
const FILE = '/cfg/conf/activemq.xml';

function doc(bean: string, adapter: string): string {
  return `<beans xmlns="${BEANS}">
${bean}
<broker xmlns="${AMQ}" brokerName="b1"><persistenceAdapter>${adapter}</persistenceAdapter></broker>
</beans>`;
}

function load(text: string) {
  return loadBrokerConfigText(text, FILE, { env: {}, properties: { pw: 's3cret' } });
}

function errorOf(text: string): string {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const PG_BEAN = `<bean id="postgres-ds" class="org.postgresql.ds.PGSimpleDataSource">
  <property name="serverName" value="db.example"/><property name="portNumber" value="5433"/>
  <property name="databaseName" value="activemq"/><property name="user" value="amq"/><property name="password" value="\${pw}"/>
</bean>`;

test('the README set-up: PGSimpleDataSource, createTablesOnStartup, lockKeepAlivePeriod and a lease-database-locker', () => {
  const { config, warnings } = load(
    doc(
      PG_BEAN,
      `<jdbcPersistenceAdapter dataSource="#postgres-ds" createTablesOnStartup="true" lockKeepAlivePeriod="5000">
        <locker><lease-database-locker lockAcquireSleepInterval="10000" leaseHolderId="node-a" maxAllowableDiffFromDBTime="1000"/></locker>
        <statements><statements tablePrefix="AMQ_"/></statements>
      </jdbcPersistenceAdapter>`,
    ),
  );
  assert.deepEqual(warnings, []);
  const pa = config.persistenceAdapter;
  assert.equal(pa.type, 'jdbc');
  if (pa.type !== 'jdbc') return;
  assert.equal(pa.lockKeepAlivePeriod, 5000);
  assert.equal(pa.tablePrefix, 'AMQ_');
  assert.deepEqual(pa.lease, {
    lockAcquireSleepInterval: 10000,
    leaseHolderId: 'node-a',
    failIfLocked: false,
    maxAllowableDiffFromDBTime: 1000,
  });
  const ds = pgDataSource(pa.dataSource!);
  assert.equal(ds.pool.host, 'db.example');
  assert.equal(ds.pool.port, 5433);
  assert.equal(ds.pool.database, 'activemq');
  assert.equal(ds.pool.user, 'amq');
  assert.equal(ds.pool.password, 's3cret');
  assert.ok(!ds.description.includes('s3cret'), 'the description never shows the password');
});

test("commons-dbcp2's BasicDataSource with url/username/password/maxTotal, and useLock=false", () => {
  const { config } = load(
    doc(
      `<bean id="ds" class="org.apache.commons.dbcp2.BasicDataSource" destroy-method="close">
        <property name="driverClassName" value="org.postgresql.Driver"/>
        <property name="url" value="jdbc:postgresql://[::1]:6543/amq?currentSchema=broker1&amp;sslmode=require"/>
        <property name="username" value="u"/><property name="password" value="p"/>
        <property name="maxTotal" value="4"/><property name="poolPreparedStatements" value="true"/>
      </bean>`,
      '<jdbcPersistenceAdapter dataSource="#ds" useLock="false"/>',
    ),
  );
  const pa = config.persistenceAdapter;
  if (pa.type !== 'jdbc') throw new Error('not jdbc');
  assert.equal(pa.lease, null);
  const ds = pgDataSource(pa.dataSource!);
  assert.deepEqual(
    { host: ds.pool.host, port: ds.pool.port, db: ds.pool.database, user: ds.pool.user, max: ds.pool.max },
    { host: '::1', port: 6543, db: 'amq', user: 'u', max: 4 },
  );
  assert.equal(ds.pool.options, '-c search_path=broker1');
  assert.deepEqual(ds.pool.ssl, { rejectUnauthorized: false });
});

test('an unknown data source class is a config error at the bean, naming what works', () => {
  assert.equal(
    errorOf(
      doc(
        '<bean id="ds" class="com.mysql.cj.jdbc.MysqlDataSource"><property name="url" value="jdbc:mysql://db/amq"/></bean>',
        '<jdbcPersistenceAdapter dataSource="#ds"/>',
      ),
    ),
    `${FILE}:2:1: data source <bean id="ds"> has class com.mysql.cj.jdbc.MysqlDataSource, which TideMQ cannot use: ` +
      'its JDBC store runs on PostgreSQL through org.postgresql.ds.PGSimpleDataSource or org.apache.commons.dbcp2.BasicDataSource',
  );
});

test('a bad url, an unknown property and another locker are refused where they are written', () => {
  assert.match(
    errorOf(
      doc(
        '<bean id="ds" class="org.apache.commons.dbcp2.BasicDataSource"><property name="url" value="jdbc:oracle:thin:@db:1521:x"/></bean>',
        '<jdbcPersistenceAdapter dataSource="#ds"/>',
      ),
    ),
    /:2:\d+: url "jdbc:oracle:thin:@db:1521:x" is not a PostgreSQL JDBC URL/,
  );
  assert.match(
    errorOf(
      doc(
        '<bean id="ds" class="org.postgresql.ds.PGSimpleDataSource"><property name="colour" value="red"/></bean>',
        '<jdbcPersistenceAdapter dataSource="#ds"/>',
      ),
    ),
    /:2:\d+: property "colour" of org.postgresql.ds.PGSimpleDataSource is not supported by TideMQ/,
  );
  assert.match(
    errorOf(
      doc(
        PG_BEAN,
        '<jdbcPersistenceAdapter dataSource="#postgres-ds"><locker><shared-file-locker/></locker></jdbcPersistenceAdapter>',
      ),
    ),
    /<shared-file-locker> is not available for <jdbcPersistenceAdapter> in TideMQ; use <lease-database-locker>/,
  );
});

test('a jdbcPersistenceAdapter without a dataSource is refused where it stands (no embedded Derby)', () => {
  assert.match(
    errorOf(doc('', '<jdbcPersistenceAdapter createTablesOnStartup="true"/>')),
    /^\/cfg\/conf\/activemq.xml:3:\d+: <jdbcPersistenceAdapter> needs dataSource="#bean-id" naming a PostgreSQL data source bean/,
  );
});

test('table prefixes and schema names cannot carry SQL or server options', () => {
  assert.match(
    errorOf(
      doc(
        PG_BEAN,
        '<jdbcPersistenceAdapter dataSource="#postgres-ds"><statements><statements tablePrefix="X; DROP TABLE ACTIVEMQ_MSGS; --"/></statements></jdbcPersistenceAdapter>',
      ),
    ),
    /:6:\d+: tablePrefix "X; DROP TABLE ACTIVEMQ_MSGS; --" may hold letters, digits and _ only/,
  );
  assert.throws(
    () =>
      pgDataSource({
        id: 'ds',
        className: 'org.postgresql.ds.PGSimpleDataSource',
        properties: { url: 'jdbc:postgresql://h/db?currentSchema=a%20-c%20log_statement=all' },
      }),
    /currentSchema "a -c log_statement=all" is not a plain schema name/,
  );
});

test('JDBC URLs as the PostgreSQL driver reads them', () => {
  assert.deepEqual(parseJdbcUrl('jdbc:postgresql://h/db?user=a&password=b%26c'), {
    config: { host: 'h', database: 'db', user: 'a', password: 'b&c' },
    schema: null,
    ssl: null,
  });
  assert.deepEqual(parseJdbcUrl('jdbc:postgresql:db').config, { database: 'db' });
  assert.deepEqual(parseJdbcUrl('jdbc:postgresql://h1:5433,h2:5434/db').config, {
    host: 'h1',
    port: 5433,
    database: 'db',
  });
  assert.throws(() => parseJdbcUrl('jdbc:postgresql://h:99999/db'), /port "99999" is not a TCP port/);
});
