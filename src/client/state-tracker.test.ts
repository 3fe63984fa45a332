import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  T,
  TransactionType,
  connectionId,
  consumerId,
  destination,
  producerId,
  sessionId,
  type Command,
  type ConnectionInfo,
  type ConsumerInfo,
  type DestinationInfo,
  type ProducerInfo,
  type RemoveInfo,
  type SessionInfo,
  type TransactionInfo,
} from '../protocol/openwire/codec/index.js';
import { command } from './commands.js';
import { StateTracker } from './state-tracker.js';

const cid = connectionId('ID:c');
const conn = command<ConnectionInfo>(T.CONNECTION_INFO, { connectionId: cid, commandId: 1 });
const session = command<SessionInfo>(T.SESSION_INFO, { sessionId: sessionId('ID:c', 1) });
const consumer = (n: number): ConsumerInfo =>
  command<ConsumerInfo>(T.CONSUMER_INFO, { consumerId: consumerId('ID:c', 1, n) });
const producer = command<ProducerInfo>(T.PRODUCER_INFO, { producerId: producerId('ID:c', 1, 1) });
const temp = (op: number): DestinationInfo =>
  command<DestinationInfo>(T.DESTINATION_INFO, {
    connectionId: cid,
    destination: destination(T.ACTIVEMQ_TEMP_QUEUE, 'ID:c:1'),
    operationType: op,
  });
const tx = (type: number): TransactionInfo =>
  command<TransactionInfo>(T.TRANSACTION_INFO, {
    connectionId: cid,
    transactionId: { type: T.ACTIVEMQ_LOCAL_TRANSACTION_ID, value: 1, connectionId: cid },
    transactionType: type,
  });
const remove = (objectId: RemoveInfo['objectId']): RemoveInfo => command<RemoveInfo>(T.REMOVE_INFO, { objectId });

test('restore replays connection, temp destinations, sessions with producers and consumers, open transactions', () => {
  const t = new StateTracker();
  const sent: Command[] = [conn, temp(0), session, producer, consumer(1), consumer(2), tx(TransactionType.BEGIN)];
  for (const c of sent) assert.equal(t.track(c), true);
  assert.equal(t.track(remove(consumer(1).consumerId)), true);
  const r = t.restoreCommands();
  assert.deepEqual(
    r.map((c) => c.type),
    [T.CONNECTION_INFO, T.DESTINATION_INFO, T.SESSION_INFO, T.PRODUCER_INFO, T.CONSUMER_INFO, T.TRANSACTION_INFO],
  );
  assert.equal((r[0] as ConnectionInfo).failoverReconnect, true);
  assert.equal((r[0] as ConnectionInfo).commandId, 1, 'replayed with its command id, so a lost response comes back');
  assert.equal((r[4] as ConsumerInfo).consumerId!.value, 2);
});

test('completed transactions, deleted temp destinations and removed sessions are not replayed', () => {
  const t = new StateTracker();
  for (const c of [conn, temp(0), session, consumer(1), tx(TransactionType.BEGIN)]) t.track(c);
  t.track(tx(TransactionType.COMMIT_ONE_PHASE));
  t.track(temp(1));
  t.track(remove(session.sessionId));
  assert.deepEqual(
    t.restoreCommands().map((c) => c.type),
    [T.CONNECTION_INFO],
  );
  t.track(remove(cid));
  assert.deepEqual(t.restoreCommands(), []);
});

test('messages, acks and other commands are not state', () => {
  const t = new StateTracker();
  assert.equal(t.track(command(T.MESSAGE_ACK, {})), false);
  assert.equal(t.track(command(T.ACTIVEMQ_TEXT_MESSAGE, {})), false);
  assert.equal(
    t.track(command<DestinationInfo>(T.DESTINATION_INFO, { destination: destination(T.ACTIVEMQ_QUEUE, 'q') })),
    false,
  );
});
