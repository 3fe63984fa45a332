import pg from 'pg';

/**
 * The PostgreSQL the JDBC store's tests run against: TIDEMQ_TEST_PG, or the role and database .ci/run creates.
 * Each test file gets a schema of its own (search_path), dropped when the file is done, so files running at
 * the same time never see each other's tables.
 *
 * When the server cannot be reached, the tests fail under CI (CI=true: .ci/run installs and starts it, so its
 * absence is a broken machine) and are skipped elsewhere with one line naming the missing server — never a
 * quiet pass.
 */
export const TEST_PG_URL = process.env['TIDEMQ_TEST_PG'] ?? 'postgres://tidemq:tidemq@127.0.0.1:5432/tidemq_test';

export interface TestDatabase {
  /** Connection settings with this file's schema first on the search path. */
  readonly pool: pg.PoolConfig;
  readonly schema: string;
  readonly url: URL;
  /** JDBC URL of the same schema, for ActiveMQ's data source. */
  readonly jdbcUrl: string;
  /** Runs SQL in this schema (a short-lived connection). */
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** A fresh schema inside the database, dropped with the rest at `drop`. */
  freshSchema(tag: string): Promise<TestDatabase>;
  drop(): Promise<void>;
}

export type TestDatabaseOrSkip = { db: TestDatabase; skip: false } | { db: null; skip: string };

let counter = 0;

/** Opens this test file's schema, or says why the tests cannot run (failing instead under CI). */
export async function testDatabase(tag: string): Promise<TestDatabaseOrSkip> {
  const url = new URL(TEST_PG_URL);
  const base: pg.PoolConfig = { connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 };
  const probe = new pg.Client(base);
  try {
    await probe.connect();
  } catch (e) {
    await probe.end().catch(() => {});
    const line = `PostgreSQL not reachable at ${redact(url)} (${(e as Error).message}): set TIDEMQ_TEST_PG or start the server (see .ci/run)`;
    if (process.env['CI'] === 'true') throw new Error(line);
    console.log(`# SKIP jdbc tests: ${line}`);
    return { db: null, skip: line };
  }
  await probe.end();
  return { db: await makeSchema(url, base, tag), skip: false };
}

async function makeSchema(url: URL, base: pg.PoolConfig, tag: string): Promise<TestDatabase> {
  const schema = `t_${tag.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
  await run(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await run(base, `CREATE SCHEMA ${schema}`);
  const children: TestDatabase[] = [];
  const pool: pg.PoolConfig = { ...base, options: `-c search_path=${schema}` };
  return {
    pool,
    schema,
    url,
    jdbcUrl: `jdbc:postgresql://${url.host}${url.pathname}?currentSchema=${schema}`,
    query: (text, values) => run(pool, text, values),
    async freshSchema(t) {
      const child = await makeSchema(url, base, `${tag}_${t}`);
      children.push(child);
      return child;
    },
    async drop() {
      for (const c of children) await c.drop();
      await run(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

async function run(config: pg.PoolConfig, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  const c = new pg.Client(config);
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

function redact(url: URL): string {
  const u = new URL(url.href);
  if (u.password !== '') u.password = '***';
  return u.href;
}
