import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConnectorUri } from '../../transport/uri/index.js';
import { harness, settle, type Harness } from '../../../test/support/protocol/stomp/test-support.js';

/**
 * Issue 12.7: a client that heart-beats exactly at the agreed interval must stay connected. Timer jitter puts
 * some beats a millisecond or two late; the read check allows the interval × transport.hbGracePeriodMultiplier
 * of real silence, with the multiplier a connector gets from its URI when none is written.
 */
async function beatingClient(): Promise<Harness> {
  const multiplier = parseConnectorUri('stomp://0.0.0.0:61613').options.transport.hbGracePeriodMultiplier;
  const h = harness({ heartbeatGraceMultiplier: multiplier });
  await h.client.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '1000,0' });
  return h;
}

/** Moves the clock to `at` (ms since connect), then lets the connection run. */
async function at(h: Harness, start: number, ms: number): Promise<void> {
  h.clock.advance(start + ms - h.clock.now());
  await settle();
}

describe('STOMP read heart-beat grace (12.7)', () => {
  it('keeps a client that beats at exactly the interval, some beats a little late, for many intervals', async () => {
    const h = await beatingClient();
    const start = h.clock.now();
    // Beats at 1000 ms steps, every third one 2 ms late and the next on time again: two beats fall on either
    // side of a check made on the interval, the pattern that dropped clients (Channel was inactive...).
    for (let i = 1; i <= 30; i++) {
      await at(h, start, i * 1000 + (i % 3 === 0 ? 2 : -1));
      h.client.raw('\n');
      await settle();
    }
    await at(h, start, 30_500);
    assert.equal(h.client.closed, false);
    assert.equal(h.client.frames.filter((f) => f.command === 'ERROR').length, 0);
  });

  it('drops a client that stops beating once interval × multiplier has passed', async () => {
    const h = await beatingClient();
    const start = h.clock.now();
    for (let i = 1; i <= 5; i++) {
      await at(h, start, i * 1000);
      h.client.raw('\n');
      await settle();
    }
    // Last beat at 5000: still connected just before 5000 + 1500.
    await at(h, start, 6499);
    assert.equal(h.client.closed, false);
    await at(h, start, 6500);
    const error = await h.client.next();
    assert.equal(error.command, 'ERROR');
    assert.equal(error.headers.get('message'), 'Channel was inactive for too (>1500) long: 127.0.0.1:50001');
  });
});
