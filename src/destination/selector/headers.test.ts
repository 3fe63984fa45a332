import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../model/destination.js';
import { typed } from '../../model/properties.js';
import { parseSelector } from './selector.js';
import { evaluate, message } from '../../../test/support/destination/selector/test-fixtures.js';

test('JMS header identifiers read the message fields with ActiveMQ types', () => {
  const m = message(
    { JMSXUserID: typed.string('from-property') },
    {
      messageId: 'ID:host-1:1:1:1',
      type: 'order',
      correlationId: 'corr-1',
      priority: 7,
      timestamp: 1_700_000_000_123,
      expiration: 1_700_000_060_000,
      persistent: true,
      groupId: 'g1',
      groupSequence: 3,
      replyTo: Destination.queue('replies'),
      brokerInTime: 5,
      brokerOutTime: 6,
      redeliveryCounter: 2,
    },
  );
  const truths = [
    "JMSMessageID = 'ID:host-1:1:1:1'",
    "JMSType = 'order'",
    "JMSCorrelationID = 'corr-1'",
    'JMSPriority = 7',
    'JMSPriority BETWEEN 5 AND 9',
    'JMSTimestamp = 1700000000123',
    'JMSTimestamp > 1700000000000 AND JMSExpiration - JMSTimestamp < 60000',
    "JMSDeliveryMode = 'PERSISTENT'",
    "JMSXGroupID = 'g1'",
    'JMSXGroupSeq = 3',
    "JMSReplyTo = 'queue://replies'",
    "JMSDestination = 'topic://FOO.BAR'",
    'JMSActiveMQBrokerInTime = 5 AND JMSActiveMQBrokerOutTime = 6',
    "JMSActiveMQBrokerPath = 'null'",
    "JMSXUserID = 'from-property'",
    'JMSXProducerTXID IS NULL',
    'NOT JMSXGroupFirstForConsumer',
    // No delivery count given: redeliveryCounter + 1, as ActiveMQ computes JMSXDeliveryCount.
    'JMSXDeliveryCount = 3 AND JMSRedelivered',
  ];
  for (const text of truths) assert.equal(evaluate(text, m), true, text);
  // JMSPriority is an Integer: an Integer literal matches, a string does not.
  assert.equal(evaluate("JMSPriority = '7'", m), false);
  // Names are case-sensitive: this is an ordinary (missing) property.
  assert.equal(evaluate('jmspriority = 7', m), null);
});

test('header defaults and the delivery count argument', () => {
  const m = message({}, { persistent: false });
  assert.equal(evaluate("JMSDeliveryMode = 'NON_PERSISTENT'", m), true);
  assert.equal(evaluate('JMSType IS NULL AND JMSCorrelationID IS NULL AND JMSReplyTo IS NULL', m), true);
  assert.equal(evaluate('JMSMessageID IS NULL', m), true);
  assert.equal(evaluate('JMSXUserID IS NULL', m), true);
  assert.equal(evaluate('JMSXDeliveryCount = 1 AND NOT JMSRedelivered', m), true);
  const sel = parseSelector('JMSXDeliveryCount > 2');
  assert.equal(sel.matches(m, 1), false);
  assert.equal(sel.matches(m, 3), true);
  assert.equal(parseSelector('JMSRedelivered').matches(m, 2), true);
  m.userId = 'alice';
  m.brokerPath = ['b1', 'b2'];
  m.originalDestination = Destination.queue('VirtualTopic.orders');
  assert.equal(evaluate("JMSXUserID = 'alice'", m), true);
  assert.equal(evaluate("JMSActiveMQBrokerPath = '[b1, b2]'", m), true);
  assert.equal(evaluate("JMSDestination = 'queue://VirtualTopic.orders'", m), true);
});

test('one compiled selector gives fresh answers for each message (no stale scratch values)', () => {
  const sel = parseSelector('JMSTimestamp + JMSPriority = 1004 OR JMSTimestamp = 7');
  const a = message({}, { timestamp: 1000, priority: 4 });
  const b = message({}, { timestamp: 7, priority: 0 });
  const c = message({}, { timestamp: 8, priority: 0 });
  assert.deepEqual(
    [a, b, c, a].map((m) => sel.matches(m)),
    [true, true, false, true],
  );
});

test('a property block that fails to decode makes the selector not match', () => {
  const m = message();
  m.setEncodedProperties(new Uint8Array([1]), () => {
    throw new Error('corrupt');
  });
  assert.equal(parseSelector("color = 'red'").matches(m), false);
  assert.equal(parseSelector('JMSPriority = 4').matches(m), true, 'headers need no property decoding');
});
