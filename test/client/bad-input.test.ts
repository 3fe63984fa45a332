import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, Connection } from '../../src/client/index.js';
import { startFakeBroker } from '../support/client/fake-broker.js';

/**
 * A broker that misbehaves: the client fails with a clear, coded error within its time limits, and never hangs
 * or buffers without bound. Each case fails without the defence it names.
 */
async function expectFailure(
  mode: Parameters<typeof startFakeBroker>[0],
  query: string,
  code: string,
  pattern: RegExp,
): Promise<void> {
  const fake = await startFakeBroker(mode);
  try {
    const started = Date.now();
    await assert.rejects(Connection.connect(`${fake.url}${query}`, { requestTimeout: 1000 }), (e: unknown) => {
      assert.ok(e instanceof ClientError, `not a ClientError: ${String(e)}`);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      return true;
    });
    assert.ok(Date.now() - started < 5000, 'failed promptly');
  } finally {
    await fake.stop();
  }
}

test('a peer that is not an OpenWire broker is refused at the handshake', () =>
  expectFailure('not-openwire', '', 'ERR_PROTOCOL', /./));

test('garbage after the handshake fails the connection with ERR_PROTOCOL', () =>
  expectFailure('garbage', '', 'ERR_PROTOCOL', /127\.0\.0\.1/));

test('a frame declaring 2 GiB is refused from its size prefix (wireFormat.maxFrameSize)', () =>
  expectFailure('huge-frame', '', 'ERR_FRAME_TOO_LARGE', /exceeds the maximum/));

test('a truncated frame followed by a close fails the connection, not hangs', () =>
  expectFailure('truncated', '', 'ERR_CLIENT_TRANSPORT', /closed/));

test('a broker that never sends its WireFormatInfo: connectionTimeout', () =>
  expectFailure('silent', '?connectionTimeout=300', 'ERR_CLIENT_TIMEOUT', /timed out after 300 ms/));

test('a broker that never answers a request: the request times out', () =>
  expectFailure('stall', '', 'ERR_CLIENT_TIMEOUT', /No response from the broker within 1000 ms/));

test('a broker that stalls under failover: the failover timeout option ends the wait', async () => {
  const fake = await startFakeBroker('silent');
  try {
    await assert.rejects(
      Connection.connect(`failover:(${fake.url}?connectionTimeout=200)?timeout=500&initialReconnectDelay=50`),
      /Failover timeout of 500 ms reached\./,
    );
  } finally {
    await fake.stop();
  }
});

test('a broker that goes silent after the handshake: the inactivity monitor fails the connection', async () => {
  const fake = await startFakeBroker('stall', { maxInactivityDuration: 400 });
  try {
    await assert.rejects(
      Connection.connect(`${fake.url}?wireFormat.maxInactivityDurationInitalDelay=0`, { requestTimeout: 10_000 }),
      (e: unknown) => {
        assert.ok(e instanceof ClientError);
        assert.equal(e.code, 'ERR_INACTIVITY');
        assert.match(e.message, /Channel was inactive for too \(>400\) long/);
        return true;
      },
    );
  } finally {
    await fake.stop();
  }
});
