import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddHold, HOLD_MS } from './add-hold.js';

describe('AddHold: holding dispatched adds while it pays', () => {
  it('holds while withdrawals keep coming', () => {
    const h = new AddHold();
    for (let i = 0; i < 100; i++) {
      assert.equal(h.next(), HOLD_MS);
      h.hit();
    }
  });

  it('stops holding when holds keep expiring, and probes one in 64 until withdrawals return', () => {
    const h = new AddHold();
    let misses = 0;
    while (h.next() > 0) {
      h.miss();
      misses++;
      assert.ok(misses < 50, 'holding never stopped');
    }
    assert.ok(misses >= 8, `stopped after ${misses} expired holds: one slow acknowledgement must not stop it`);
    const holds = Array.from({ length: 128 }, () => h.next()).filter((ms) => ms > 0).length;
    assert.equal(holds, 2, 'a probe in every 64');
    // Consumers become quick again: the probes are withdrawn and holding resumes.
    let probes = 0;
    for (;;) {
      const ms = h.next();
      if (ms === 0) continue;
      h.hit();
      probes++;
      if (h.next() > 0) break;
      assert.ok(probes < 64, 'holding never resumed');
    }
  });
});
