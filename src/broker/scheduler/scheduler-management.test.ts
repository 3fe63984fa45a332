import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../model/destination.js';
import { typed } from '../../model/properties.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { RegionBroker } from '../region/region-broker.js';
import { consumer, context, message, settle } from '../../../test/support/broker/region/test-support.js';
import { isSchedulerManagement } from './scheduler-management.js';

const Q = Destination.queue;
const MANAGEMENT = Destination.topic('ActiveMQ.Scheduler.Management');

async function broker(schedulerSupport = true): Promise<{ b: RegionBroker; clock: ManualClock }> {
  const clock = new ManualClock();
  const b = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock, schedulerSupport });
  await b.start();
  return { b, clock };
}

function command(action: string, extra: Record<string, ReturnType<typeof typed.string>> = {}, replyTo?: Destination) {
  const m = message(MANAGEMENT, '');
  m.properties = new Map(Object.entries({ AMQ_SCHEDULER_ACTION: typed.string(action), ...extra }));
  if (replyTo !== undefined) m.replyTo = replyTo;
  return m;
}

test('the management destination is matched by prefix, ignoring case, on any destination type', () => {
  assert.equal(isSchedulerManagement(Destination.topic('ActiveMQ.Scheduler.Management')), true);
  assert.equal(isSchedulerManagement(Destination.queue('activemq.scheduler.management.x')), true);
  assert.equal(isSchedulerManagement(Destination.topic('ActiveMQ.Scheduler')), false);
});

test('BROWSE lists jobs (optionally by due time), REMOVE and REMOVEALL cancel them', async () => {
  const { b, clock } = await broker();
  const ctx = context();
  await b.addConnection(ctx);
  for (const [body, delay] of [
    ['a', 1000n],
    ['b', 5000n],
    ['c', 9000n],
  ] as const) {
    const m = message(Q('JOBS'), body, { persistent: true });
    m.properties = new Map([['AMQ_SCHEDULED_DELAY', typed.long(delay)]]);
    await b.send(ctx, m, null);
  }
  const replies = Q('REPLIES');
  const r = await consumer(b, ctx, replies);
  await b.send(ctx, command('BROWSE', {}, replies), null);
  await settle();
  assert.deepEqual(r.sink.bodies, ['a', 'b', 'c']);
  const browsed = r.sink.received[1]!.message;
  assert.equal(browsed.type, 'Advisory');
  assert.equal(browsed.persistent, false);
  assert.equal(browsed.originalDestination, Q('JOBS'));
  assert.equal(browsed.properties.get('AMQ_SCHEDULED_DELAY')?.value, 5000n);
  const jobOfB = browsed.properties.get('scheduledJobId')!.value as string;
  assert.equal(typeof jobOfB, 'string');

  const now = clock.now();
  await b.send(
    ctx,
    command(
      'BROWSE',
      { ACTION_START_TIME: typed.long(BigInt(now + 4000)), ACTION_END_TIME: typed.string(`${now + 9000}`) },
      replies,
    ),
    null,
  );
  await settle();
  assert.deepEqual(r.sink.bodies.slice(3), ['b', 'c'], 'jobs due in the range, ends included');

  await b.send(ctx, command('REMOVE', { scheduledJobId: typed.string(jobOfB) }), null);
  const target = await consumer(b, ctx, Q('JOBS'));
  clock.advance(6000);
  await settle();
  assert.deepEqual(target.sink.bodies, ['a'], 'b was removed');
  await b.send(ctx, command('REMOVEALL'), null);
  clock.advance(10_000);
  await settle();
  assert.deepEqual(target.sink.bodies, ['a'], 'c was removed by REMOVEALL');
  // The commands themselves went nowhere.
  assert.equal(b.destinationExists(MANAGEMENT), false);
});

test('without schedulerSupport the management destination is an ordinary topic', async () => {
  const { b } = await broker(false);
  const ctx = context();
  await b.addConnection(ctx);
  const sub = await consumer(b, ctx, MANAGEMENT);
  await b.send(ctx, command('REMOVEALL'), null);
  await settle();
  assert.equal(sub.sink.received.length, 1);
});
