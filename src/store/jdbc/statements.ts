/**
 * ActiveMQ's JDBC schema and the SQL TideMQ runs on it, as activemq-jdbc-store's Statements with the
 * PostgresqlJDBCAdapter's settings (BYTEA for the message, `DROP CONSTRAINT "activemq_acks_pkey"`). The table and
 * column names are ActiveMQ 5.17's so that either broker can take over a database the other wrote; `tablePrefix`
 * is prepended to every table name as `<statements tablePrefix=…>` does.
 *
 * TideMQ keeps two things ActiveMQ's schema has no place for in tables of its own, which ActiveMQ never reads:
 * destinations that exist without a message (ActiveMQ lists only the CONTAINERs that hold rows) and prepared XA
 * transactions (see docs/jdbc-store.md). A durable subscription's noLocal flag goes in an extra ACTIVEMQ_ACKS
 * column, NO_LOCAL, which ActiveMQ's statements ignore because they name their columns.
 */
export class Statements {
  readonly messageTable: string;
  readonly ackTable: string;
  readonly lockTable: string;
  readonly destinationTable: string;
  readonly preparedTable: string;

  constructor(readonly tablePrefix = '') {
    if (!/^[A-Za-z0-9_]*$/.test(tablePrefix)) {
      throw new Error(`tablePrefix "${tablePrefix}" may hold letters, digits and _ only`);
    }
    this.messageTable = `${tablePrefix}ACTIVEMQ_MSGS`;
    this.ackTable = `${tablePrefix}ACTIVEMQ_ACKS`;
    this.lockTable = `${tablePrefix}ACTIVEMQ_LOCK`;
    this.destinationTable = `${tablePrefix}TIDEMQ_DESTINATIONS`;
    this.preparedTable = `${tablePrefix}TIDEMQ_PREPARED`;
  }

  /**
   * Statements.getCreateSchemaStatements with the PostgreSQL adapter's types, in ActiveMQ's order. ActiveMQ runs
   * each on its own and ignores failures (the tables may exist; the later ALTERs upgrade older schemas); so does
   * TideMQ, so both leave the same schema behind.
   */
  createSchemaStatements(): string[] {
    const m = this.messageTable;
    const a = this.ackTable;
    const id = 'VARCHAR(250)';
    return [
      `CREATE TABLE ${m}(ID BIGINT NOT NULL, CONTAINER ${id} NOT NULL, MSGID_PROD ${id}, MSGID_SEQ BIGINT, EXPIRATION BIGINT, MSG BYTEA, PRIMARY KEY ( ID ) )`,
      `CREATE INDEX ${m}_MIDX ON ${m} (MSGID_PROD,MSGID_SEQ)`,
      `CREATE INDEX ${m}_CIDX ON ${m} (CONTAINER)`,
      `CREATE INDEX ${m}_EIDX ON ${m} (EXPIRATION)`,
      `CREATE TABLE ${a}(CONTAINER ${id} NOT NULL, SUB_DEST ${id}, CLIENT_ID ${id} NOT NULL, SUB_NAME ${id} NOT NULL, SELECTOR ${id}, LAST_ACKED_ID BIGINT, CONSTRAINT PK_${a} PRIMARY KEY ( CONTAINER, CLIENT_ID, SUB_NAME))`,
      `ALTER TABLE ${m} ADD PRIORITY BIGINT`,
      `CREATE INDEX ${m}_PIDX ON ${m} (PRIORITY)`,
      `ALTER TABLE ${m} ADD XID ${id}`,
      `ALTER TABLE ${a} ADD PRIORITY BIGINT DEFAULT 5 NOT NULL`,
      `ALTER TABLE ${a} ADD XID ${id}`,
      `ALTER TABLE ${a} DROP CONSTRAINT "activemq_acks_pkey"`,
      `ALTER TABLE ${a} ADD PRIMARY KEY (CONTAINER, CLIENT_ID, SUB_NAME, PRIORITY)`,
      `CREATE INDEX ${m}_XIDX ON ${m} (XID)`,
      `CREATE INDEX ${a}_XIDX ON ${a} (XID)`,
      `CREATE INDEX ${m}_IIDX ON ${m} (ID ASC, XID, CONTAINER)`,
      ...this.createLockSchemaStatements(),
    ];
  }

  /** Statements.getCreateLockSchemaStatements: the lease row the lease-database-locker updates. */
  createLockSchemaStatements(): string[] {
    return [
      `CREATE TABLE ${this.lockTable}( ID BIGINT NOT NULL, TIME BIGINT, BROKER_NAME VARCHAR(250), PRIMARY KEY (ID) )`,
      `INSERT INTO ${this.lockTable}(ID) VALUES (1)`,
    ];
  }

  /** TideMQ's own additions (see the class comment); idempotent, so they run on every start that creates tables. */
  createTideMQStatements(): string[] {
    return [
      `ALTER TABLE ${this.ackTable} ADD COLUMN IF NOT EXISTS NO_LOCAL SMALLINT`,
      `CREATE TABLE IF NOT EXISTS ${this.destinationTable}(CONTAINER VARCHAR(250) NOT NULL PRIMARY KEY)`,
      `CREATE TABLE IF NOT EXISTS ${this.preparedTable}(XID VARCHAR(250) NOT NULL PRIMARY KEY, OPS BYTEA NOT NULL)`,
    ];
  }

  /** Every table the store needs, for the check made when createTablesOnStartup is false. */
  requiredTables(): string[] {
    return [this.messageTable, this.ackTable, this.lockTable, this.destinationTable, this.preparedTable];
  }
}

/**
 * DefaultJDBCAdapter.doAddMessage's columns: MSGID_PROD is the producer id and MSGID_SEQ its sequence
 * (`ID:host-1:2:3:4` → `ID:host-1:2:3`, 4). An id not of that shape (one set from outside) is kept whole in
 * MSGID_PROD with MSGID_SEQ -1, which no ActiveMQ producer sequence uses.
 */
export function messageIdColumns(messageId: string): { producer: string; sequence: number } {
  const p = messageId.lastIndexOf(':');
  if (p > 0) {
    const tail = messageId.substring(p + 1);
    if (/^\d{1,15}$/.test(tail)) return { producer: messageId.substring(0, p), sequence: Number(tail) };
  }
  return { producer: messageId, sequence: -1 };
}

export function messageIdFromColumns(producer: string, sequence: number): string {
  return sequence < 0 ? producer : `${producer}:${sequence}`;
}
