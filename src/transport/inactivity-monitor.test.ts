import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../util/clock.js';
import { InactivityMonitor } from './inactivity-monitor.js';

function monitor(): { clock: ManualClock; m: InactivityMonitor; events: string[] } {
  const clock = new ManualClock();
  const events: string[] = [];
  const m = new InactivityMonitor(clock, {
    keepAlive: () => events.push(`keepAlive@${clock.now() - start}`),
    inactive: (ms) => events.push(`inactive(${ms})@${clock.now() - start}`),
  });
  const start = clock.now();
  return { clock, m, events };
}

describe('InactivityMonitor', () => {
  it('reports silence exactly when the read timeout has passed since the last byte', () => {
    const { clock, m, events } = monitor();
    m.start(1000, 0);
    clock.advance(700);
    m.onRead();
    clock.advance(999);
    assert.deepEqual(events, []);
    clock.advance(1);
    assert.deepEqual(events, ['inactive(1000)@1700']);
  });

  it('waits out the initial delay before either check starts', () => {
    const { clock, m, events } = monitor();
    m.start(1000, 300, 500);
    clock.advance(500);
    assert.deepEqual(events, []);
    clock.advance(300);
    assert.deepEqual(events, ['keepAlive@800']);
    m.onWrite();
    clock.advance(300);
    assert.deepEqual(events, ['keepAlive@800'], 'no keep-alive after a period with a write');
    clock.advance(400);
    assert.equal(events.at(-1), 'inactive(1000)@1500');
  });

  it('stops everything on stop', () => {
    const { clock, m, events } = monitor();
    m.start(1000, 300, 100);
    m.stop();
    clock.advance(10_000);
    assert.deepEqual(events, []);
  });
});
