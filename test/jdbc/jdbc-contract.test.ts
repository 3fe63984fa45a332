import { after, describe, it } from 'node:test';
import { OpenWireJdbcMessageFormat } from '../../src/protocol/openwire/jdbc-message-format.js';
import { JdbcPersistenceAdapter } from '../../src/store/jdbc/jdbc-persistence-adapter.js';
import {
  contractPropertyDecoder,
  runPersistenceAdapterContract,
} from '../support/store/persistence-adapter.contract.js';
import { testDatabase } from '../support/pg.js';

// The PersistenceAdapter contract against a real PostgreSQL: every test on a schema of its own, reopened by a
// new adapter object on each restart (the database is the only thing that survives).
const { db, skip } = await testDatabase('contract');
if (db === null) {
  describe('PersistenceAdapter contract: jdbc (PostgreSQL)', () => {
    it('needs PostgreSQL', { skip }, () => {});
  });
} else {
  after(() => db.drop());
  runPersistenceAdapterContract('jdbc (PostgreSQL)', async () => {
    const schema = await db.freshSchema('c');
    return {
      open: () =>
        new JdbcPersistenceAdapter({
          pool: schema.pool,
          dataSourceName: `test schema ${schema.schema}`,
          format: new OpenWireJdbcMessageFormat(),
          propertyDecoder: contractPropertyDecoder,
        }),
      destroy: () => schema.drop(),
    };
  });
}
