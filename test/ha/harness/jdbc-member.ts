import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDatabase } from '../../support/pg.js';
import { OPENWIRE_OPEN, STARTED, spawnConfigured } from './ha-broker.js';
import type { PairMember } from './failover-rounds.js';

/**
 * TideMQ on the PostgreSQL store as a member of a master/slave pair: both brokers share one schema and
 * `<lease-database-locker>` (each its own leaseHolderId), as ActiveMQ users configure the JDBC master/slave.
 * The kahaDB directory the harness hands out is unused; the temp store lives under each broker's own directory.
 */
export function jdbcMember(db: TestDatabase): PairMember {
  return {
    label: 'TideMQ (PostgreSQL)',
    async spawn(t, store, name, lockAcquireSleepInterval, ports) {
      const config = join(store.root, `${name}.xml`);
      writeFileSync(
        config,
        `<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="postgres-ds" class="org.postgresql.ds.PGSimpleDataSource">
    <property name="url" value="${db.jdbcUrl}"/>
    <property name="user" value="${decodeURIComponent(db.url.username)}"/>
    <property name="password" value="${decodeURIComponent(db.url.password)}"/>
  </bean>
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="ha-${name}" dataDirectory="${join(store.root, name)}">
    <persistenceAdapter>
      <jdbcPersistenceAdapter dataSource="#postgres-ds" lockKeepAlivePeriod="${Math.max(200, Math.floor(lockAcquireSleepInterval / 2))}">
        <locker><lease-database-locker lockAcquireSleepInterval="${lockAcquireSleepInterval}" leaseHolderId="ha-${name}"/></locker>
      </jdbcPersistenceAdapter>
    </persistenceAdapter>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:0"/><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
    </transportConnectors>
  </broker>
</beans>`,
      );
      return spawnConfigured(t, config, name, ports);
    },
    started: STARTED,
    slaveWaiting: /waiting for the lease held by/,
    openwireOpen: OPENWIRE_OPEN,
  };
}
