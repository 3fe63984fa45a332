import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryUsage } from '../broker/region/memory-usage.js';
import { ManualClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { MemoryReducer } from './memory-reducer.js';

test('one full collection after usage falls from above half the limit to below a tenth, once per drain', () => {
  const usage = new MemoryUsage('test', 1000);
  const clock = new ManualClock();
  let collections = 0;
  const reducer = new MemoryReducer(usage, clock, Logger.silent(), () => collections++);
  reducer.start();
  usage.increase(300);
  clock.advance(5_000);
  usage.decrease(250);
  clock.advance(5_000);
  assert.equal(collections, 0, 'never above half: nothing to give back');
  usage.increase(650); // 700
  clock.advance(5_000);
  usage.decrease(600); // 100: not below a tenth yet
  clock.advance(5_000);
  assert.equal(collections, 0);
  usage.decrease(50); // 50
  clock.advance(5_000);
  assert.equal(collections, 1);
  clock.advance(20_000);
  assert.equal(collections, 1, 'once per drain');
  reducer.stop();
});

test('the real collection runs without --expose-gc', () => {
  const usage = new MemoryUsage('test', 1000);
  const reducer = new MemoryReducer(usage, new ManualClock(), Logger.silent());
  usage.increase(900);
  reducer.check();
  usage.decrease(900);
  assert.doesNotThrow(() => reducer.check());
});

test('a backlog that fills and drains between two looks still counts (the peak is kept)', () => {
  const usage = new MemoryUsage('test', 1000);
  const clock = new ManualClock();
  let collections = 0;
  const reducer = new MemoryReducer(usage, clock, Logger.silent(), () => collections++);
  reducer.start();
  usage.increase(800);
  usage.decrease(790);
  clock.advance(5_000);
  assert.equal(collections, 1);
  reducer.stop();
});
