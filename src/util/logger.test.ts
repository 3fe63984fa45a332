import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreCorruptError, StoreFailedError } from '../store/store-errors.js';
import { BrokerError, toBrokerError } from './errors.js';
import { Logger } from './logger.js';

/** Issue 12.8: a logged error keeps its stack and its cause; codes name the cause, not a Java class. */

function capture(format: 'json' | 'text') {
  const lines: string[] = [];
  return { lines, log: Logger.create({ format, write: (l) => lines.push(l) }) };
}

function failedWrite(): BrokerError {
  const io = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
  return new StoreFailedError('journal write failed', { cause: io });
}

test('JSON lines carry the error’s name, code, stack and cause chain', () => {
  const { lines, log } = capture('json');
  log.error('Store write failed', { error: failedWrite() });
  const entry = JSON.parse(lines[0]!) as { error: Record<string, unknown> };
  assert.equal(entry.error['message'], 'journal write failed');
  assert.equal(entry.error['code'], 'ERR_STORE_IO');
  assert.match(String(entry.error['stack']), /StoreFailedError: journal write failed\n\s+at /);
  const cause = entry.error['cause'] as Record<string, unknown>;
  assert.equal(cause['message'], 'EIO: i/o error, fsync');
  assert.equal(cause['code'], 'EIO');
  assert.match(String(cause['stack']), /\n\s+at /);
});

test('text lines keep the message on the line and print the stack and causes below it', () => {
  const { lines, log } = capture('text');
  log.error('Store write failed', { error: failedWrite(), destination: 'queue://A' });
  const [first, ...rest] = lines[0]!.split('\n');
  assert.match(
    first!,
    /ERROR Store write failed error="journal write failed" errorCode=ERR_STORE_IO destination=queue:\/\/A$/,
  );
  const trace = rest.join('\n');
  assert.match(trace, /^StoreFailedError: journal write failed\n\s+at /);
  assert.match(trace, /\nCaused by: Error: EIO: i\/o error, fsync\n\s+at /);
});

test('a cycle of causes does not hang the logger', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  const { lines, log } = capture('json');
  log.error('loop', { error: a });
  const { lines: text, log: textLog } = capture('text');
  textLog.error('loop', { error: a });
  assert.equal(lines.length, 1);
  assert.equal(text[0]!.split('Caused by:').length - 1, 8);
});

test('store failures have codes of their own, still sent to Java clients as IOException', () => {
  const io = new StoreFailedError('fsync failed');
  const corrupt = new StoreCorruptError('checkpoint: checksum mismatch');
  assert.equal(io.code, 'ERR_STORE_IO');
  assert.equal(corrupt.code, 'ERR_STORE_CORRUPT');
  assert.equal(io.javaClassName, 'java.io.IOException');
  assert.equal(corrupt.javaClassName, 'java.io.IOException');
  assert.ok(io.isBrokerFault && corrupt.isBrokerFault && toBrokerError(new Error('x')).isBrokerFault);
  assert.equal(new BrokerError('ERR_SECURITY_NOT_AUTHORIZED', 'no').isBrokerFault, false);
});
