import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InboundQueue } from './inbound-queue.js';

const settle = () => new Promise((r) => setImmediate(r));

test('frames run in order; sends nobody waits for run alongside, the next other frame waits for them', async () => {
  const log: string[] = [];
  const pending: (() => void)[] = [];
  let paused = 0;
  let resumed = 0;
  const q: InboundQueue<string> = new InboundQueue<string>(
    {
      isClosing: () => false,
      joinsAsyncSends: (f) => f.startsWith('send'),
      handle: async (f) => {
        log.push(`start ${f}`);
        if (f.startsWith('send')) {
          await q.runAlongside(new Promise<void>((r) => pending.push(() => (log.push(`done ${f}`), r()))));
        }
      },
      fail: (e) => log.push(`fail ${(e as Error).message}`),
    },
    { pause: () => paused++, resume: () => resumed++ },
    3,
    1,
  );
  for (const f of ['send1', 'send2', 'ack', 'send3']) q.push(f);
  await settle();
  // Both sends started without waiting; the ack waits for them (the transport paused at 3 queued).
  assert.deepEqual(log, ['start send1', 'start send2']);
  assert.equal(paused, 1);
  for (const done of pending.splice(0)) done();
  await settle();
  await settle();
  assert.deepEqual(log.slice(2), ['done send1', 'done send2', 'start ack', 'start send3']);
  assert.equal(resumed, 1);
  q.push(new Error('garbage'));
  await settle();
  assert.equal(log.at(-1), 'fail garbage');
});
