import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../util/clock.js';
import { AbortSlowConsumerStrategy, type SlowSubscription } from './abort-slow-consumer-strategy.js';

class Sub implements SlowSubscription {
  slow = true;
  constructor(
    readonly consumerId: string,
    readonly connectionId = 'conn-1',
  ) {}
}

function setup(config: ConstructorParameters<typeof AbortSlowConsumerStrategy>[0]) {
  const clock = new ManualClock();
  const aborted: string[] = [];
  const connections: { subs: string[]; reason: string }[] = [];
  const strategy = new AbortSlowConsumerStrategy<Sub>(config, clock, {
    abortConsumer: (s) => aborted.push(s.consumerId),
    abortConnection: (subs, reason) => connections.push({ subs: subs.map((s) => s.consumerId), reason }),
  });
  return { clock, strategy, aborted, connections };
}

test('maxSlowDuration: aborted at the check where markCount × checkPeriod reaches it', () => {
  const { clock, strategy, aborted } = setup({ type: 'abortSlowConsumer', maxSlowDuration: 300, checkPeriod: 100 });
  const sub = new Sub('c1');
  strategy.slowConsumer(sub);
  clock.advance(200);
  assert.deepEqual(aborted, []);
  clock.advance(100);
  assert.deepEqual(aborted, ['c1']);
  assert.deepEqual(strategy.tracked, []);
  clock.advance(1000);
  assert.deepEqual(aborted, ['c1'], 'aborted once');
  strategy.stop();
});

test('a subscription no longer slow at a check is forgotten', () => {
  const { clock, strategy, aborted } = setup({ type: 'abortSlowConsumer', maxSlowDuration: 200, checkPeriod: 100 });
  const sub = new Sub('c1');
  strategy.slowConsumer(sub);
  clock.advance(100);
  sub.slow = false;
  clock.advance(100);
  assert.deepEqual(strategy.tracked, []);
  sub.slow = true;
  clock.advance(500);
  assert.deepEqual(aborted, [], 'a new episode has to be reported again');
  strategy.stop();
});

test('maxSlowCount: episodes are counted from 1; abort at the next check once reached', () => {
  const { clock, strategy, aborted } = setup({
    type: 'abortSlowConsumer',
    maxSlowCount: 3,
    maxSlowDuration: -1,
    checkPeriod: 100,
  });
  const sub = new Sub('c1');
  strategy.slowConsumer(sub);
  strategy.slowConsumer(sub);
  clock.advance(100);
  assert.deepEqual(aborted, []);
  strategy.slowConsumer(sub);
  clock.advance(100);
  assert.deepEqual(aborted, ['c1']);
  strategy.stop();
});

test('abortConnection: one abort per connection with ActiveMQ’s InactivityIOException text', () => {
  const { clock, strategy, connections, aborted } = setup({
    type: 'abortSlowConsumer',
    abortConnection: true,
    maxSlowDuration: 100,
    checkPeriod: 100,
  });
  strategy.slowConsumer(new Sub('a', 'conn-1'));
  strategy.slowConsumer(new Sub('b', 'conn-1'));
  strategy.slowConsumer(new Sub('c', 'conn-2'));
  clock.advance(100);
  assert.deepEqual(aborted, []);
  assert.deepEqual(connections, [
    { subs: ['a', 'b'], reason: '2 Consumers was slow too often (>-1) or too long (>100): ' },
    { subs: ['c'], reason: '1 Consumers was slow too often (>-1) or too long (>100): ' },
  ]);
  strategy.stop();
});

test('no limits: nothing is tracked; a bad checkPeriod is refused', () => {
  const { strategy } = setup({ type: 'abortSlowConsumer', maxSlowDuration: -1, maxSlowCount: -1 });
  strategy.slowConsumer(new Sub('c1'));
  assert.deepEqual(strategy.tracked, []);
  assert.throws(() => setup({ type: 'abortSlowConsumer', checkPeriod: 0 }), /checkPeriod must be a number > 0, got 0/);
});
