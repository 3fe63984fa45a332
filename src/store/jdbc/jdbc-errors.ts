import { BrokerError } from '../../util/errors.js';

/**
 * The JDBC store could not do what it was configured for (database unreachable, refused credentials, a missing
 * table): an IOException for clients, as ActiveMQ's JDBC store raises, and a start-up failure with the reason.
 */
export class JdbcStoreError extends BrokerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STORE_IO', message, options);
    this.name = 'JdbcStoreError';
  }
}

interface PgLikeError {
  code?: string;
  message?: string;
  errno?: number;
}

/**
 * Whether an error means the connection to the database is gone (the server stopped, restarted, or cannot be
 * reached) rather than that the statement was wrong: SQLSTATE class 08 (connection exception), 57P01-57P03
 * (admin shutdown, crash shutdown, cannot connect now), or a socket error from Node.
 */
export function isConnectionError(e: unknown): boolean {
  const err = e as PgLikeError | null;
  if (err === null || typeof err !== 'object') return false;
  const code = err.code ?? '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  const m = err.message ?? '';
  return /Connection terminated|connection is closed|Client has encountered a connection error|Connection ended/i.test(
    m,
  );
}

/** One line saying what went wrong with which data source, with PostgreSQL's own words. */
export function describeDatabaseError(e: unknown, dataSource: string): string {
  const err = e as PgLikeError | null;
  const code = err?.code ?? '';
  const text = err?.message ?? String(e);
  if (code === '28P01' || code === '28000') {
    return `PostgreSQL refused the credentials for ${dataSource}: ${text} (check the data source's user and password)`;
  }
  if (code === '3D000') return `${text} (${dataSource}): create the database or fix databaseName/url`;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') {
    return `cannot reach PostgreSQL for ${dataSource}: ${text}`;
  }
  if (e instanceof JdbcStoreError) return text;
  return `${text}${code !== '' ? ` (SQLSTATE ${code})` : ''} on ${dataSource}`;
}
