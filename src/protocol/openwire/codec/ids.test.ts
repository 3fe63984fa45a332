import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../../model/destination.js';
import { CodecError } from './errors.js';
import {
  connectionId,
  consumerId,
  destinationToString,
  fromModelDestination,
  idToString,
  messageId,
  messageIdProducerKey,
  messageIdToString,
  parseConsumerId,
  parseDestination,
  parseLocalTransactionId,
  parseMessageId,
  parseProducerId,
  parseSessionId,
  parseTransactionId,
  parseXATransactionId,
  producerId,
  sessionId,
  splitDestinationOptions,
  toModelDestination,
  transactionIdToString,
  xaTransactionIdToString,
} from './ids.js';
import { T } from './types.js';

const CONN = 'ID:host-61616-1700000000000-1:1';

test("ids print as ActiveMQ's toString", () => {
  assert.equal(idToString(connectionId(CONN)), CONN);
  assert.equal(idToString(sessionId(CONN, 2)), `${CONN}:2`);
  assert.equal(idToString(consumerId(CONN, 2, 3)), `${CONN}:2:3`);
  assert.equal(idToString(producerId(CONN, 2, 4)), `${CONN}:2:4`);
  const mid = messageId(producerId(CONN, 2, 4), 17);
  assert.equal(messageIdToString(mid), `${CONN}:2:4:17`);
  assert.equal(messageIdToString({ ...mid, textView: 'custom' }), 'ID:custom');
  assert.equal(messageIdToString({ ...mid, textView: 'ID:custom' }), 'ID:custom');
  assert.equal(messageIdProducerKey({ ...mid, textView: 'ID:custom' }), `${CONN}:2:4:17`);
  assert.equal(
    transactionIdToString({ type: T.ACTIVEMQ_LOCAL_TRANSACTION_ID, value: 5, connectionId: connectionId(CONN) }),
    `TX:${CONN}:5`,
  );
});

test('XA transaction ids print like XATransactionId.getTransactionKey', () => {
  const xid = {
    type: T.ACTIVEMQ_XA_TRANSACTION_ID,
    formatId: 4660,
    globalTransactionId: Uint8Array.from([1, 2, 0x80, 0xff, 0x10]),
    branchQualifier: Uint8Array.from([0x0a, 0x7f]),
  } as const;
  const s = xaTransactionIdToString(xid);
  assert.equal(s, 'XID:[4660,globalId=12ffffff80ffffffff10,branchId=a7f]');
  // The hex form is lossy (no padding); parsing gives an id with the same string form.
  assert.equal(xaTransactionIdToString(parseXATransactionId(s)), s);
  assert.equal(parseTransactionId(s).type, T.ACTIVEMQ_XA_TRANSACTION_ID);
  // Arjuna's format prints five hex numbers.
  const arj = new Uint8Array(28);
  new DataView(arj.buffer).setBigInt64(0, -2n);
  new DataView(arj.buffer).setInt32(16, 255);
  const a = { ...xid, formatId: 131077, globalTransactionId: arj, branchQualifier: Uint8Array.from([1]) };
  const as = xaTransactionIdToString(a);
  assert.equal(as, 'XID:[131077,globalId=-2:0:ff:0:0,branchId=1]');
  assert.equal(xaTransactionIdToString(parseXATransactionId('XID:[131077,globalId=-2:0:ff:0:0,branchId=1]')), as);
});

test('parsers read the toString forms back', () => {
  assert.deepEqual(parseSessionId(`${CONN}:2`), sessionId(CONN, 2));
  assert.deepEqual(parseConsumerId(`${CONN}:2:3`), consumerId(CONN, 2, 3));
  assert.deepEqual(parseProducerId(`${CONN}:2:4`), producerId(CONN, 2, 4));
  assert.deepEqual(parseMessageId(`${CONN}:2:4:17`), messageId(producerId(CONN, 2, 4), 17));
  assert.deepEqual(parseLocalTransactionId(`TX:${CONN}:5`), {
    type: T.ACTIVEMQ_LOCAL_TRANSACTION_ID,
    value: 5,
    connectionId: connectionId(CONN),
  });
  assert.equal(transactionIdToString(parseTransactionId(`TX:${CONN}:5`)), `TX:${CONN}:5`);
  for (const bad of ['', 'nocolon', `${CONN}:x`, `${CONN}:99999999999999999999`]) {
    assert.throws(() => parseMessageId(bad), CodecError, bad);
  }
  assert.throws(() => parseLocalTransactionId('XX:1:2'), CodecError);
  assert.throws(() => parseXATransactionId('XID:[x]'), CodecError);
});

test('destinations print and parse as ActiveMQDestination does, names kept as given', () => {
  for (const s of [
    'queue://A.B',
    'topic://A.>',
    'temp-queue://ID:x:1:1',
    'temp-topic://ID:x:1:2',
    'queue://Q?consumer.prefetchSize=3000',
  ]) {
    assert.equal(destinationToString(parseDestination(s)), s);
  }
  assert.deepEqual(parseDestination('plain'), { type: T.ACTIVEMQ_QUEUE, physicalName: 'plain' });
  assert.deepEqual(parseDestination('plain', T.ACTIVEMQ_TOPIC), { type: T.ACTIVEMQ_TOPIC, physicalName: 'plain' });
  // A composite prints as its physical name alone.
  assert.equal(destinationToString(parseDestination('queue://a,topic://b')), 'a,topic://b');
  const d = toModelDestination(parseDestination('topic://X.Y?consumer.retroactive=true'));
  assert.equal(d, Destination.topic('X.Y?consumer.retroactive=true'));
  assert.deepEqual(fromModelDestination(Destination.of('temp-queue', 'T')), {
    type: T.ACTIVEMQ_TEMP_QUEUE,
    physicalName: 'T',
  });
  assert.deepEqual(splitDestinationOptions('Q?consumer.prefetchSize=3000&consumer.selector=a%3D1'), {
    name: 'Q',
    options: new Map([
      ['consumer.prefetchSize', '3000'],
      ['consumer.selector', 'a=1'],
    ]),
  });
  assert.deepEqual(splitDestinationOptions('Q'), { name: 'Q', options: new Map() });
});
