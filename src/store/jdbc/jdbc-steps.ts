import type pg from 'pg';
import type { Message } from '../../model/message.js';
import type { StoreOperation } from '../persistence-adapter.js';
import type { StoreIndex } from '../store-index.js';
import type { RowRef } from './jdbc-persistence-adapter.js';
import type { JdbcMessageFormat } from './message-format.js';
import { messageIdColumns, type Statements } from './statements.js';

/** One ACTIVEMQ_MSGS row as DefaultJDBCAdapter.doAddMessage writes it. */
interface MsgRow {
  readonly id: number;
  readonly producer: string;
  readonly sequence: number;
  readonly container: string;
  readonly expiration: number;
  readonly priority: number;
  readonly msg: Uint8Array;
}

/** What one group of writes does to the database, in the order it must be done. */
export interface Step {
  readonly sql: { text: string; values: unknown[] }[];
  readonly inserts: MsgRow[];
  readonly redeliveries: { id: number; count: number }[];
  readonly deletes: number[];
  readonly lastAcks: { text: string; values: unknown[] }[];
}

export interface PlanContext {
  readonly statements: Statements;
  readonly index: StoreIndex<RowRef>;
  readonly hasNoLocal: boolean;
  takeReleased(): number[];
  addBytes(n: number): void;
  encodePrepared(ops: readonly StoreOperation[]): Uint8Array;
}

interface PlannedBatch {
  readonly batch: readonly StoreOperation[];
  readonly encoded: Map<Message, Uint8Array>;
}

/**
 * Applies a group's operations to the index and says what the database must do for them. The subscription and
 * destination rows change in operation order; message rows are inserted before any is deleted (a row deleted in
 * the group was either there before or inserted earlier in it); the durable subscriptions' LAST_ACKED_ID marks
 * are set last, from the index's final state.
 */
export function planSteps(ctx: PlanContext, group: readonly PlannedBatch[]): Step[] {
  const s = ctx.statements;
  const step: Step = { sql: [], inserts: [], redeliveries: [], deletes: [], lastAcks: [] };
  const dirtySubs = new Map<string, { container: string; key: string }>();
  for (const p of group) {
    for (const op of p.batch) {
      switch (op.op) {
        case 'add': {
          const bytes = p.encoded.get(op.message)!;
          const ref: RowRef = { id: ctx.index.nextSeq, bytes: bytes.length, stored: false };
          ctx.addBytes(bytes.length);
          const entry = ctx.index.apply(op, ref, ref.id);
          if (entry === null) break;
          ref.stored = true;
          op.message.storeSequence = entry.seq;
          const ids = messageIdColumns(op.message.messageId);
          step.inserts.push({
            id: ref.id,
            producer: ids.producer,
            sequence: ids.sequence,
            container: op.destination.key,
            expiration: op.message.expiration,
            priority: op.message.priority,
            msg: bytes,
          });
          break;
        }
        case 'remove':
          ctx.index.apply(op, null);
          if (op.subscription !== null && op.destination.isTopic) {
            dirtySubs.set(`${op.destination.key}|${op.subscription}`, {
              container: op.destination.key,
              key: op.subscription,
            });
          }
          break;
        case 'redelivered': {
          const m = ctx.index.destinations.get(op.destination.key)?.messages.get(op.messageId);
          ctx.index.apply(op, null);
          if (m !== undefined) step.redeliveries.push({ id: m.ref.id, count: op.count });
          break;
        }
        case 'add-subscription': {
          const sub = op.subscription;
          const d = ctx.index.destinations.get(sub.destination.key);
          const existed = d?.subscriptions.has(sub.key) === true;
          ctx.index.apply(op, null);
          const noLocal = sub.noLocal ? 1 : 0;
          if (existed) {
            step.sql.push({
              text:
                `UPDATE ${s.ackTable} SET SELECTOR=$1, SUB_DEST=$2${ctx.hasNoLocal ? ', NO_LOCAL=$6' : ''} ` +
                'WHERE CONTAINER=$3 AND CLIENT_ID=$4 AND SUB_NAME=$5',
              values: [
                sub.selector,
                sub.destination.key,
                sub.destination.key,
                sub.clientId,
                sub.subscriptionName,
                ...(ctx.hasNoLocal ? [noLocal] : []),
              ],
            });
          } else {
            // DefaultJDBCAdapter.doSetSubscriberEntry for a non-retroactive subscription: everything already
            // stored counts as consumed; one row at PRIORITY 0 (prioritizedMessages off).
            step.sql.push({
              text:
                `INSERT INTO ${s.ackTable}(CONTAINER, CLIENT_ID, SUB_NAME, SELECTOR, LAST_ACKED_ID, SUB_DEST, PRIORITY` +
                `${ctx.hasNoLocal ? ', NO_LOCAL' : ''}) VALUES ($1, $2, $3, $4, $5, $6, 0${ctx.hasNoLocal ? ', $7' : ''}) ON CONFLICT DO NOTHING`,
              values: [
                sub.destination.key,
                sub.clientId,
                sub.subscriptionName,
                sub.selector,
                ctx.index.nextSeq - 1,
                sub.destination.key,
                ...(ctx.hasNoLocal ? [noLocal] : []),
              ],
            });
          }
          break;
        }
        case 'remove-subscription': {
          const sub = ctx.index.destinations.get(op.destination.key)?.subscriptions.get(op.key);
          ctx.index.apply(op, null);
          if (sub !== undefined) {
            step.sql.push({
              text: `DELETE FROM ${s.ackTable} WHERE CONTAINER=$1 AND CLIENT_ID=$2 AND SUB_NAME=$3`,
              values: [op.destination.key, sub.clientId, sub.subscriptionName],
            });
          }
          break;
        }
        case 'add-destination':
          ctx.index.apply(op, null);
          step.sql.push({
            text: `INSERT INTO ${s.destinationTable}(CONTAINER) VALUES ($1) ON CONFLICT DO NOTHING`,
            values: [op.destination.key],
          });
          break;
        case 'remove-destination':
          ctx.index.apply(op, null);
          step.sql.push(
            { text: `DELETE FROM ${s.ackTable} WHERE CONTAINER=$1`, values: [op.destination.key] },
            { text: `DELETE FROM ${s.destinationTable} WHERE CONTAINER=$1`, values: [op.destination.key] },
          );
          break;
        case 'prepare': {
          const bytes = ctx.encodePrepared(op.operations);
          const ref: RowRef = { id: -1, bytes: bytes.length, stored: false };
          ctx.addBytes(bytes.length);
          ctx.index.apply(op, ref);
          step.sql.push({
            text: `INSERT INTO ${s.preparedTable}(XID, OPS) VALUES ($1, $2) ON CONFLICT (XID) DO UPDATE SET OPS = EXCLUDED.OPS`,
            values: [op.transactionId, Buffer.from(bytes)],
          });
          break;
        }
        case 'forget-prepared':
          ctx.index.apply(op, null);
          step.sql.push({ text: `DELETE FROM ${s.preparedTable} WHERE XID=$1`, values: [op.transactionId] });
          break;
      }
      for (const id of ctx.takeReleased()) step.deletes.push(id);
    }
  }
  for (const { container, key } of dirtySubs.values()) {
    const d = ctx.index.destinations.get(container);
    const sub = d?.subscriptions.get(key);
    if (d === undefined || sub === undefined) continue;
    // LAST_ACKED_ID is a high-water mark: everything at or below it is consumed. It stops below the oldest
    // message this subscription still waits for, so an ack out of order is remembered only once the ones before
    // it are acked too (a restart redelivers it at worst, never loses one).
    let oldest = Infinity;
    for (const m of d.messages.values()) if (m.waiting?.has(key) === true && m.seq < oldest) oldest = m.seq;
    const mark = oldest === Infinity ? ctx.index.nextSeq - 1 : oldest - 1;
    step.lastAcks.push({
      text: `UPDATE ${s.ackTable} SET LAST_ACKED_ID=$1, XID = NULL WHERE CONTAINER=$2 AND CLIENT_ID=$3 AND SUB_NAME=$4`,
      values: [mark, container, sub.clientId, sub.subscriptionName],
    });
  }
  return [step];
}

/** Rows per INSERT statement: PostgreSQL takes up to 65535 parameters, 7 per row. */
const INSERT_CHUNK = 1000;

/**
 * Runs planned steps in one transaction (BEGIN … COMMIT), rolling back on any failure. Every step can run twice:
 * a connection lost while COMMIT was under way leaves the writer not knowing whether it committed, so it runs the
 * same steps again once the database is back. Rows are inserted with ON CONFLICT DO NOTHING (their IDs are this
 * store's own, so a conflict can only be the earlier attempt), updates and deletes set absolute values.
 */
export async function runSteps(
  client: pg.PoolClient,
  s: Statements,
  steps: readonly Step[],
  format: JdbcMessageFormat,
): Promise<void> {
  // One statement is atomic on its own (autocommit): a lone send costs one round trip instead of three.
  let statements = 0;
  for (const step of steps) {
    statements += step.sql.length + Math.ceil(step.inserts.length / INSERT_CHUNK) + step.redeliveries.length * 2;
    statements += (step.deletes.length > 0 ? 1 : 0) + step.lastAcks.length;
  }
  const transaction = statements > 1;
  if (transaction) await client.query('BEGIN');
  try {
    for (const step of steps) {
      for (const q of step.sql) await client.query(q.text, q.values);
      for (let i = 0; i < step.inserts.length; i += INSERT_CHUNK) {
        const rows = step.inserts.slice(i, i + INSERT_CHUNK);
        const values: unknown[] = [];
        const tuples = rows.map((r, n) => {
          values.push(r.id, r.producer, r.sequence, r.container, r.expiration, r.priority, Buffer.from(r.msg));
          const b = n * 7;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, NULL)`;
        });
        await client.query(
          `INSERT INTO ${s.messageTable}(ID, MSGID_PROD, MSGID_SEQ, CONTAINER, EXPIRATION, PRIORITY, MSG, XID) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
          values,
        );
      }
      // ActiveMQ's updateMessage (persistJMSRedelivered): the message is rewritten with its new count.
      for (const r of step.redeliveries) {
        const row = await client.query<{ msg: Buffer }>(`SELECT MSG FROM ${s.messageTable} WHERE ID=$1 FOR UPDATE`, [
          r.id,
        ]);
        const bytes = row.rows[0]?.msg;
        if (bytes === undefined) continue;
        const m = format.decode(bytes);
        m.redeliveryCounter = r.count;
        await client.query(`UPDATE ${s.messageTable} SET MSG=$1 WHERE ID=$2`, [Buffer.from(format.encode(m)), r.id]);
      }
      if (step.deletes.length > 0) {
        await client.query(`DELETE FROM ${s.messageTable} WHERE ID = ANY($1::bigint[])`, [step.deletes]);
      }
      for (const q of step.lastAcks) await client.query(q.text, q.values);
    }
    if (transaction) await client.query('COMMIT');
  } catch (e) {
    if (transaction) await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
