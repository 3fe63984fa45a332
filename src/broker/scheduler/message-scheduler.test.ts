import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../model/destination.js';
import { Message } from '../../model/message.js';
import { typed, typedToString } from '../../model/properties.js';
import { ManualClock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import type { StoreOperation } from '../../store/persistence-adapter.js';
import { MessageScheduler } from './message-scheduler.js';
import { mayBeScheduled, scheduleOf } from './scheduled-message.js';

function msg(props: Record<string, ReturnType<typeof typed.string>>, persistent = false): Message {
  const m = new Message();
  m.messageId = 'ID:p-1:1:1:1';
  m.destination = Destination.queue('S');
  m.persistent = persistent;
  m.properties = new Map(Object.entries(props));
  return m;
}

function setup(): { clock: ManualClock; sent: Message[]; ops: StoreOperation[][]; s: MessageScheduler } {
  const clock = new ManualClock();
  const sent: Message[] = [];
  const ops: StoreOperation[][] = [];
  const s = new MessageScheduler({
    clock,
    logger: Logger.silent(),
    send: async (m) => void sent.push(m),
    write: async (o) => void ops.push([...o]),
  });
  return { clock, sent, ops, s };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('scheduleOf reads numbers or STOMP text; scheduledJobId (AMQ_SCHEDULED_ID) means already scheduled', () => {
  assert.equal(scheduleOf(msg({})), null);
  assert.deepEqual(
    {
      ...scheduleOf(msg({ AMQ_SCHEDULED_DELAY: typed.string('1500'), AMQ_SCHEDULED_REPEAT: typed.int(2) }))!,
      cron: null,
    },
    { delay: 1500, period: 0, repeat: 2, cron: null },
  );
  assert.equal(scheduleOf(msg({ AMQ_SCHEDULED_DELAY: typed.long(5n), scheduledJobId: typed.string('x') })), null);
  assert.throws(() => scheduleOf(msg({ AMQ_SCHEDULED_DELAY: typed.string('soon') })), /not a whole number/);
  assert.throws(() => scheduleOf(msg({ AMQ_SCHEDULED_CRON: typed.string('* *') })), /wrong number of tokens/);
  assert.throws(
    () => scheduleOf(msg({ AMQ_SCHEDULED_PERIOD: typed.int(1), AMQ_SCHEDULED_REPEAT: typed.int(5000) })),
    /too large/,
  );
});

test('mayBeScheduled looks into encoded properties without decoding them', () => {
  const m = new Message();
  m.setEncodedProperties(Buffer.from('....AMQ_SCHEDULED_DELAY....'), () => {
    throw new Error('must not decode');
  });
  assert.equal(mayBeScheduled(m), true);
  const n = new Message();
  n.setEncodedProperties(Buffer.from('....color....'), () => {
    throw new Error('must not decode');
  });
  assert.equal(mayBeScheduled(n), false);
});

test('a delayed message is sent once after the delay, without its schedule, stamped with scheduledJobId', async () => {
  const { clock, sent, s } = setup();
  const m = msg({ AMQ_SCHEDULED_DELAY: typed.long(1000n), color: typed.string('red') });
  await s.schedule(m, scheduleOf(m)!);
  clock.advance(999);
  await flush();
  assert.equal(sent.length, 0);
  clock.advance(1);
  await flush();
  assert.equal(sent.length, 1);
  const out = sent[0]!;
  assert.equal(out.messageId, m.messageId);
  assert.equal(out.properties.has('AMQ_SCHEDULED_DELAY'), false);
  assert.equal(out.properties.get('color')?.value, 'red');
  assert.match(typedToString(out.properties.get('scheduledJobId')!), /^ID:scheduler-/);
  assert.equal(s.size, 0);
});

test('delay + period + repeat sends repeat+1 copies, each with its own message id', async () => {
  const { clock, sent, s } = setup();
  const m = msg({
    AMQ_SCHEDULED_DELAY: typed.long(100n),
    AMQ_SCHEDULED_PERIOD: typed.long(50n),
    AMQ_SCHEDULED_REPEAT: typed.int(2),
  });
  await s.schedule(m, scheduleOf(m)!);
  for (let i = 0; i < 10; i++) {
    clock.advance(25);
    await flush();
  }
  assert.equal(sent.length, 3);
  assert.equal(new Set(sent.map((x) => x.messageId)).size, 3);
  clock.advance(1000);
  await flush();
  assert.equal(sent.length, 3);
});

test('a cron entry fires at each matching minute until stopped', async () => {
  const { clock, sent, s } = setup();
  const m = msg({ AMQ_SCHEDULED_CRON: typed.string('* * * * *') });
  await s.schedule(m, scheduleOf(m)!);
  // Jobs re-arm after their send settles, so time moves in steps as a real clock would.
  for (let i = 0; i < 6; i++) {
    clock.advance(30_000);
    await flush();
  }
  assert.equal(sent.length, 3);
  s.stop();
  clock.advance(10 * 60_000);
  await flush();
  assert.equal(sent.length, 3);
});

test('persistent jobs are stored in the reserved queue, restored after a restart, removed when done', async () => {
  const a = setup();
  const m = msg({ AMQ_SCHEDULED_DELAY: typed.long(5000n) }, true);
  await a.s.schedule(m, scheduleOf(m)!);
  const add = a.ops[0]![0]!;
  assert.equal(add.op, 'add');
  assert.equal(add.op === 'add' && add.destination.name, 'ActiveMQ.Scheduler.TideMQ.Jobs');
  const stored = add.op === 'add' ? add.message : null;
  a.s.stop();
  // "Restart": a new scheduler on the same clock takes the stored job back.
  const b = setup();
  b.clock.advance(a.clock.now() - b.clock.now() + 1000);
  b.s.restore(stored!);
  b.clock.advance(3999);
  await flush();
  assert.equal(b.sent.length, 0);
  b.clock.advance(1);
  await flush();
  assert.equal(b.sent.length, 1);
  assert.equal(b.sent[0]!.properties.has('TideMQ.Scheduler.NextTime'), false);
  assert.deepEqual(
    b.ops.flat().map((o) => o.op),
    ['remove'],
  );
});
