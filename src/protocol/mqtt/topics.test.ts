import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeMQToMqtt, isWellFormed, mqttToActiveMQ, parseSharedFilter, validateTopicFilter } from './topics.js';

test("ActiveMQ's mapping: / ⇄ ., + ⇄ *, # ⇄ >, both ways", () => {
  assert.equal(mqttToActiveMQ('home/+/temp/#'), 'home.*.temp.>');
  assert.equal(mqttToActiveMQ('v1.2/x*'), 'v1/2.x+');
  assert.equal(activeMQToMqtt('orders.eu.>'), 'orders/eu/#');
  assert.equal(activeMQToMqtt(mqttToActiveMQ('a.b/c+d#')), 'a.b/c+d#');
});

test('filters are validated with the texts ActiveMQ uses', () => {
  for (const ok of ['#', '+', 'a/#', '+/b/+', '/', 'a//b']) validateTopicFilter(ok);
  assert.throws(() => validateTopicFilter('a#'), /multi level wildcard must stand alone/);
  assert.throws(() => validateTopicFilter('a/#/b'), /must be at the end/);
  assert.throws(() => validateTopicFilter('a/b+'), /single level wildcard must stand alone/);
  assert.throws(() => validateTopicFilter(''), /invliad length/);
});

test('shared subscriptions are recognised', () => {
  assert.deepEqual(parseSharedFilter('$share/g1/a/+'), { group: 'g1', filter: 'a/+' });
  assert.equal(parseSharedFilter('a/b'), null);
  assert.throws(() => parseSharedFilter('$share/g1'), /Invalid shared subscription/);
});

test('a replaced bad UTF-8 sequence is told from a genuine U+FFFD', () => {
  assert.equal(isWellFormed('a\uFFFD', Buffer.from([0x00, 0x04, 0x61, 0xef, 0xbf, 0xbd])), true);
  assert.equal(isWellFormed('\uFFFD(', Buffer.from([0x00, 0x02, 0xc3, 0x28])), false);
});
