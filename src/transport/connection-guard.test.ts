import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { ConnectionGuard, defaultConnectionLimits, type ConnectionLimits } from './connection-guard.js';
import type { Transport } from './transport.js';

/** A transport whose output buffer the test fills and drains by hand. */
class FakeTransport implements Transport {
  readonly remoteAddress = '10.0.0.1:4242';
  readonly scheme = 'tcp';
  readonly secure = false;
  readonly peerCertificates: readonly Uint8Array[] = [];
  bufferedBytes = 0;
  ended = false;
  destroyed = false;
  paused = false;
  private readonly data: ((c: Buffer) => void)[] = [];
  private readonly drain: (() => void)[] = [];
  private readonly close: ((e?: Error) => void)[] = [];
  get writable(): boolean {
    return this.bufferedBytes < 16_384;
  }
  write(chunk: Uint8Array): boolean {
    this.bufferedBytes += chunk.byteLength;
    return this.writable;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const l of this.close) l();
  }
  onData(l: (c: Buffer) => void): void {
    this.data.push(l);
  }
  onDrain(l: () => void): void {
    this.drain.push(l);
  }
  onClose(l: (e?: Error) => void): void {
    this.close.push(l);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  /** The client read `n` bytes; 'drain' when the buffer empties. */
  read(n: number): void {
    this.bufferedBytes = Math.max(0, this.bufferedBytes - n);
    if (this.bufferedBytes === 0) for (const l of this.drain) l();
  }
  push(bytes: string): void {
    for (const l of this.data) l(Buffer.from(bytes));
  }
}

function guarded(limits: Partial<ConnectionLimits> = {}): {
  inner: FakeTransport;
  guard: ConnectionGuard;
  clock: ManualClock;
  logs: string[];
} {
  const inner = new FakeTransport();
  const clock = new ManualClock();
  const logs: string[] = [];
  const logger = Logger.create({ level: 'debug', write: (l) => logs.push(l), debugChannels: '' });
  const guard = new ConnectionGuard(inner, { ...defaultConnectionLimits, ...limits }, clock, logger);
  return { inner, guard, clock, logs };
}

describe('ConnectionGuard', () => {
  it('destroys an ended connection whose peer does not close within the grace period (18.1)', () => {
    const { inner, guard, clock } = guarded({ closeGraceMs: 5000 });
    guard.end();
    assert.equal(inner.ended, true);
    clock.advance(4999);
    assert.equal(inner.destroyed, false);
    clock.advance(1);
    assert.equal(inner.destroyed, true);
  });

  it('reports the connect-attempt timeout to the protocol, then ends and destroys', () => {
    const { inner, guard, clock, logs } = guarded({ connectAttemptTimeoutMs: 1000, closeGraceMs: 100 });
    const reported: string[] = [];
    guard.watch.onTimeout((reason) => reported.push(reason));
    clock.advance(1000);
    assert.deepEqual(reported, [
      'Channel was inactive (no connection attempt made) for too (>1000) long: 10.0.0.1:4242',
    ]);
    assert.equal(inner.ended, true);
    clock.advance(100);
    assert.equal(inner.destroyed, true);
    assert.ok(logs.some((l) => l.includes('no connection attempt made')));
  });

  it('stops the connect check once the protocol is connected', () => {
    const { inner, guard, clock } = guarded({ connectAttemptTimeoutMs: 1000 });
    guard.watch.connected();
    clock.advance(60_000);
    assert.equal(inner.ended, false);
  });

  it('times a half-received frame from its first byte, whatever trickles in after (12.3)', () => {
    const { inner, guard, clock } = guarded({ connectAttemptTimeoutMs: 0, frameTimeoutMs: 1000 });
    let partial = false;
    guard.watch.watchFrames(() => partial);
    guard.onData(() => {});
    partial = true;
    for (let i = 0; i < 9; i++) {
      inner.push('x');
      clock.advance(100);
    }
    assert.equal(inner.ended, false);
    inner.push('x');
    clock.advance(100);
    assert.equal(inner.ended, true);
  });

  it('does not time a connection whose frames complete', () => {
    const { inner, guard, clock } = guarded({ connectAttemptTimeoutMs: 0, frameTimeoutMs: 1000 });
    let partial = false;
    guard.watch.watchFrames(() => partial);
    guard.onData(() => {});
    for (let i = 0; i < 20; i++) {
      partial = i % 2 === 0;
      inner.push('x');
      clock.advance(600);
    }
    assert.equal(inner.ended, false);
  });

  it('pauses input while the client leaves output unread, and keeps the protocol pause (12.4)', () => {
    const { inner, guard } = guarded({ pauseReadingAtBytes: 1000, writeTimeoutMs: 0 });
    guard.write(Buffer.alloc(999));
    assert.equal(inner.paused, false);
    guard.write(Buffer.alloc(1));
    assert.equal(inner.paused, true);
    guard.pause();
    inner.read(1000);
    assert.equal(inner.paused, true, 'the protocol still wants input paused');
    guard.resume();
    assert.equal(inner.paused, false);
  });

  it('cuts a client that takes no output for soWriteTimeout, logging why at WARN', () => {
    const { inner, guard, clock, logs } = guarded({ writeTimeoutMs: 1000 });
    guard.write(Buffer.alloc(20_000));
    clock.advance(999);
    assert.equal(inner.destroyed, false);
    clock.advance(1);
    assert.equal(inner.destroyed, true);
    const line = logs.find((l) => l.includes('does not read'))!;
    assert.match(line, /WARN/);
    assert.match(line, /10\.0\.0\.1:4242/);
    assert.match(line, /soWriteTimeout \(1000 ms\)/);
  });

  it('keeps a client that reads slowly but steadily while output stays backed up', () => {
    const { inner, guard, clock } = guarded({ writeTimeoutMs: 1000 });
    for (let i = 0; i < 10; i++) {
      guard.write(Buffer.alloc(20_000));
      clock.advance(900);
      inner.read(10_000);
    }
    assert.equal(inner.destroyed, false);
  });

  it('cuts a client over maxPendingWriteBytes, but lets one large frame through', () => {
    const { inner, guard } = guarded({ maxPendingWriteBytes: 1000, writeTimeoutMs: 0 });
    guard.write(Buffer.alloc(5000));
    assert.equal(inner.destroyed, false, 'one frame larger than the limit is written');
    guard.write(Buffer.alloc(1));
    assert.equal(inner.destroyed, true);
  });

  it('checks maxPendingWriteBytes once per batch: a frame split around a referenced body is not cut in the middle', () => {
    const { inner, guard } = guarded({ maxPendingWriteBytes: 1000, writeTimeoutMs: 0 });
    // Frame head, a 5,000-byte body kept by reference, frame tail: one batch (OpenWireConnection's flush).
    guard.writev([Buffer.alloc(40), Buffer.alloc(5000), Buffer.alloc(8)]);
    assert.equal(inner.destroyed, false, 'the whole batch is written');
    assert.equal(inner.bufferedBytes, 5048);
    guard.writev([Buffer.alloc(1)]);
    assert.equal(inner.destroyed, true, 'the next batch on top of unread output is refused');
  });
});
