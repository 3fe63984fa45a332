import type pg from 'pg';

/** A Spring data source bean as activemq.xml declares it, properties resolved. */
export interface DataSourceBean {
  readonly id: string;
  readonly className: string | null;
  readonly properties: Readonly<Record<string, string>>;
}

/** Connection settings for `pg`, and how logs name the database (never with its password). */
export interface PgDataSource {
  readonly pool: pg.PoolConfig;
  readonly description: string;
}

/** A data source TideMQ cannot use; `property` names the bean property at fault, when one is. */
export class DataSourceError extends Error {
  constructor(
    message: string,
    readonly property: string | null = null,
  ) {
    super(message);
    this.name = 'DataSourceError';
  }
}

const PG_CLASSES = new Set([
  'org.postgresql.ds.PGSimpleDataSource',
  'org.postgresql.ds.PGPoolingDataSource',
  'org.postgresql.ds.PGConnectionPoolDataSource',
]);
const DBCP_CLASSES = new Set(['org.apache.commons.dbcp2.BasicDataSource', 'org.apache.commons.dbcp.BasicDataSource']);

/** Properties each kind of bean may set that change nothing for TideMQ (pooling details of the Java side). */
const IGNORED = new Set([
  'driverClassName',
  'poolPreparedStatements',
  'maxIdle',
  'minIdle',
  'initialSize',
  'maxWaitMillis',
  'maxWait',
  'testOnBorrow',
  'validationQuery',
  'defaultAutoCommit',
  'prepareThreshold',
  'applicationName',
  'loginTimeout',
  'socketTimeout',
  'tcpKeepAlive',
]);

/**
 * The Spring bean → `pg` settings. PGSimpleDataSource takes serverName/portNumber/databaseName/user/password
 * (or `url`); commons-dbcp's BasicDataSource takes url/username/password and maxTotal (dbcp 1's maxActive) for the
 * pool size. The URL is the JDBC driver's: `jdbc:postgresql://host:port/database?user=…&password=…&currentSchema=…`.
 * Any other class is refused, since only PostgreSQL is implemented.
 */
export function pgDataSource(bean: DataSourceBean): PgDataSource {
  const cls = bean.className ?? '';
  const p = bean.properties;
  const pgClass = PG_CLASSES.has(cls);
  if (!pgClass && !DBCP_CLASSES.has(cls)) {
    throw new DataSourceError(
      `data source <bean id="${bean.id}"> has class ${cls === '' ? '(none)' : cls}, which TideMQ cannot use: its JDBC ` +
        'store runs on PostgreSQL through org.postgresql.ds.PGSimpleDataSource or ' +
        'org.apache.commons.dbcp2.BasicDataSource',
    );
  }
  const known = pgClass
    ? [
        'serverName',
        'serverNames',
        'portNumber',
        'portNumbers',
        'databaseName',
        'user',
        'password',
        'url',
        'currentSchema',
        'ssl',
        'sslmode',
        'connectTimeout',
      ]
    : ['url', 'username', 'password', 'maxTotal', 'maxActive', 'connectionProperties'];
  for (const name of Object.keys(p)) {
    if (!known.includes(name) && !IGNORED.has(name)) {
      throw new DataSourceError(`property "${name}" of ${cls} is not supported by TideMQ`, name);
    }
  }
  const config: pg.PoolConfig & { host?: string; port?: number } = { connectionTimeoutMillis: 10_000 };
  let schema: string | null = null;
  let ssl: string | null = null;
  const url = p['url'];
  if (url !== undefined) {
    const parsed = parseJdbcUrl(url);
    Object.assign(config, parsed.config);
    schema = parsed.schema;
    ssl = parsed.ssl;
  }
  if (pgClass) {
    const host = p['serverName'] ?? p['serverNames'];
    if (host !== undefined) config.host = host;
    const port = p['portNumber'] ?? p['portNumbers'];
    if (port !== undefined) config.port = portOf(port, 'portNumber');
    if (p['databaseName'] !== undefined) config.database = p['databaseName'];
    if (p['user'] !== undefined) config.user = p['user'];
    if (p['password'] !== undefined) config.password = p['password'];
    if (p['currentSchema'] !== undefined) schema = p['currentSchema'];
    if (p['sslmode'] !== undefined) ssl = p['sslmode'];
    else if (p['ssl'] === 'true') ssl = 'require';
    if (p['connectTimeout'] !== undefined) config.connectionTimeoutMillis = Number(p['connectTimeout']) * 1000;
  } else {
    if (url === undefined) throw new DataSourceError(`${cls} <bean id="${bean.id}"> needs a url property`, 'url');
    if (p['username'] !== undefined) config.user = p['username'];
    if (p['password'] !== undefined) config.password = p['password'];
    const max = p['maxTotal'] ?? p['maxActive'];
    if (max !== undefined) {
      const n = Number(max);
      if (!Number.isInteger(n) || n === 0) {
        throw new DataSourceError(
          `${p['maxTotal'] !== undefined ? 'maxTotal' : 'maxActive'} must be a positive integer or -1; found "${max}"`,
          p['maxTotal'] !== undefined ? 'maxTotal' : 'maxActive',
        );
      }
      // dbcp's -1 means unbounded; a pool for one broker needs few connections, so the pg default stands.
      if (n > 0) config.max = Math.max(2, n);
    }
  }
  config.max ??= 8;
  if (schema !== null) {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*(,[A-Za-z_][A-Za-z0-9_$]*)*$/.test(schema)) {
      throw new DataSourceError(`currentSchema "${schema}" is not a plain schema name`, 'currentSchema');
    }
    config.options = `-c search_path=${schema}`;
  }
  if (ssl !== null && ssl !== 'disable') {
    // The JDBC driver's sslmode: verify-full/verify-ca check the server's certificate, require/prefer do not.
    config.ssl =
      ssl === 'verify-full' || ssl === 'verify-ca' ? { rejectUnauthorized: true } : { rejectUnauthorized: false };
  }
  const host = config.host ?? 'localhost';
  const port = config.port ?? 5432;
  const description = `${bean.id} (jdbc:postgresql://${host}:${port}/${config.database ?? ''}${schema !== null ? `?currentSchema=${schema}` : ''})`;
  return { pool: config, description };
}

/** `jdbc:postgresql://host[:port][/database][?key=value&…]`, as PostgreSQL's JDBC driver reads it. */
export function parseJdbcUrl(url: string): { config: pg.PoolConfig; schema: string | null; ssl: string | null } {
  const m = /^jdbc:postgresql:(?:\/\/([^/?]*))?\/?([^?]*)(?:\?(.*))?$/.exec(url.trim());
  if (!m) {
    throw new DataSourceError(
      `url "${url}" is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): TideMQ's JDBC store runs on PostgreSQL`,
      'url',
    );
  }
  const config: pg.PoolConfig = {};
  const hostPart = m[1] ?? '';
  if (hostPart !== '') {
    // A list of hosts is the driver's failover list; pg connects to one, so the first is taken.
    const first = hostPart.split(',')[0]!;
    const hm = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(first);
    if (!hm) throw new DataSourceError(`url "${url}": cannot read the host "${first}"`, 'url');
    config.host = hm[1]!.replace(/^\[|\]$/g, '');
    if (hm[2] !== undefined) config.port = portOf(hm[2], 'url');
  }
  if (m[2] !== undefined && m[2] !== '') config.database = decodeURIComponent(m[2]);
  let schema: string | null = null;
  let ssl: string | null = null;
  for (const kv of (m[3] ?? '').split('&')) {
    if (kv === '') continue;
    const i = kv.indexOf('=');
    const key = i < 0 ? kv : kv.substring(0, i);
    const value = i < 0 ? '' : decodeURIComponent(kv.substring(i + 1));
    if (key === 'user') config.user = value;
    else if (key === 'password') config.password = value;
    else if (key === 'currentSchema') schema = value;
    else if (key === 'sslmode') ssl = value;
    else if (key === 'ssl' && value !== 'false') ssl ??= 'require';
    else if (key === 'connectTimeout') config.connectionTimeoutMillis = Number(value) * 1000;
  }
  return { config, schema, ssl };
}

function portOf(text: string, property: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new DataSourceError(`port "${text}" is not a TCP port`, property);
  return n;
}
