import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectAmqp } from './amqp-module.js';

test('detectAmqp: the AMQP header (SASL or plain), undecided on a prefix, false otherwise', () => {
  assert.equal(detectAmqp(Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0])), true);
  assert.equal(detectAmqp(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0])), true);
  assert.equal(detectAmqp(Buffer.from('AM')), undefined);
  assert.equal(detectAmqp(Buffer.from('')), undefined);
  assert.equal(detectAmqp(Buffer.from('CONNECT')), false);
  assert.equal(detectAmqp(Buffer.from([0, 0, 0, 0x20, 1])), false);
});
