/**
 * Restart of the journal store with a deep queue backlog (issue 11: "restart with 10M pending in under 3 s"),
 * measured in the store itself, without the broker or the network:
 *   node --import tsx bench/index-restart.ts fill DIR [--messages 10000000] [--body 100]
 *   node --import tsx bench/index-restart.ts open DIR
 *   node --import tsx bench/index-restart.ts drain DIR
 * `fill` writes N persistent messages to one queue (batches of 1,000, one sync at the end) and stops cleanly
 * (the checkpoint). `open`, in a fresh process, times start() + recover({ deferQueueMessages }) as the broker
 * calls them, then prints RSS and heap, the checkpoint's files, and the time of one more checkpoint after a
 * head remove and a tail add (what a draining and filling backlog costs per checkpoint). `drain` reads the
 * backlog back in pages of 500 (the store cursor's read) and removes each page by id, as consumers' acks do,
 * with a checkpoint every 100 pages, and prints the rate. Body size does not
 * change the index; a small body keeps the journal on disk small.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Destination } from '../src/model/destination.js';
import { Message } from '../src/model/message.js';
import { JournalPersistenceAdapter } from '../src/store/journal/journal-persistence-adapter.js';
import type { StoreOperation } from '../src/store/persistence-adapter.js';
import { Logger } from '../src/util/logger.js';

const [mode, dir] = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : dflt;
};
if ((mode !== 'fill' && mode !== 'open' && mode !== 'drain') || dir === undefined) {
  throw new Error('usage: index-restart.ts fill|open|drain DIR [--messages N] [--body BYTES]');
}
const q = Destination.queue('bench.restart');
const store = new JournalPersistenceAdapter({ directory: dir, logger: Logger.silent() });
const MiB = 2 ** 20;

function message(i: number, body: Buffer): Message {
  const m = new Message();
  m.messageId = `ID:bench-host-40123-1733230000000-1:1:1:1:${i}`;
  m.destination = q;
  m.persistent = true;
  m.bodyType = 'bytes';
  m.body = body;
  return m;
}

if (mode === 'fill') {
  const n = flag('--messages', 10_000_000);
  const body = Buffer.alloc(flag('--body', 100), 7);
  await store.start();
  await store.recover({ deferQueueMessages: true });
  const began = performance.now();
  let pending: Promise<void>[] = [];
  for (let i = 0; i < n; i += 1000) {
    const batch: StoreOperation[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++)
      batch.push({ op: 'add', destination: q, message: message(j + 1, body) });
    pending.push(store.write(batch, false));
    if (pending.length >= 16) {
      await Promise.all(pending);
      pending = [];
    }
    if (i % 1_000_000 === 0 && i > 0)
      console.log(`${i} written, rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`);
  }
  await Promise.all(pending);
  await store.write([], true);
  const written = performance.now() - began;
  const t = performance.now();
  await store.stop();
  console.log(
    `filled ${n} x ${body.length} B in ${(written / 1000).toFixed(1)} s (${Math.round(n / (written / 1000))} msg/s), ` +
      `clean stop ${((performance.now() - t) / 1000).toFixed(2)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
} else if (mode === 'drain') {
  await store.start();
  const state = await store.recover({ deferQueueMessages: true });
  const pending = state.deferred?.get(q.key)?.count ?? 0;
  const began = performance.now();
  let after = 0;
  let drained = 0;
  for (let pages = 1; ; pages++) {
    const page = await store.readMessages(q, after, 500);
    if (page.length === 0) break;
    after = page[page.length - 1]!.storeSequence;
    const removes = page.map((m): StoreOperation => ({
      op: 'remove',
      destination: q,
      messageId: m.messageId,
      subscription: null,
    }));
    await store.write(removes, false);
    drained += page.length;
    if (pages % 100 === 0) await store.checkpointNow();
  }
  await store.write([], true);
  const s = (performance.now() - began) / 1000;
  console.log(`drained ${drained} of ${pending} in ${s.toFixed(1)} s (${Math.round(drained / s)} msg/s)`);
  await store.stop();
} else {
  const began = performance.now();
  await store.start();
  const state = await store.recover({ deferQueueMessages: true });
  const ms = performance.now() - began;
  const pending = state.deferred?.get(q.key)?.count ?? 0;
  const mu = process.memoryUsage();
  const files = await readdir(dir);
  let indexBytes = 0;
  let chunks = 0;
  for (const f of files) {
    if (!f.startsWith('index-') && f !== 'checkpoint.dat') continue;
    indexBytes += (await stat(join(dir, f))).size;
    if (f.startsWith('index-')) chunks++;
  }
  console.log(
    `open: ${pending} pending in ${(ms / 1000).toFixed(2)} s (start + recover), replayed ${store.lastRecovery?.replayedRecords} records; ` +
      `RSS ${(mu.rss / MiB).toFixed(0)} MiB (peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}), heap ${(mu.heapUsed / MiB).toFixed(0)} MiB, ` +
      `array buffers ${(mu.arrayBuffers / MiB).toFixed(0)} MiB; checkpoint ${chunks} chunk files + manifest, ${(indexBytes / MiB).toFixed(1)} MiB`,
  );
  const page = await store.readMessages(q, 0, 100);
  const t = performance.now();
  await store.write(
    [
      ...page.map((m): StoreOperation => ({
        op: 'remove',
        destination: q,
        messageId: m.messageId,
        subscription: null,
      })),
      { op: 'add', destination: q, message: message(pending + 1_000_000_000, Buffer.alloc(100)) },
    ],
    true,
  );
  await store.checkpointNow();
  console.log(`checkpoint after 100 head removes and a tail add: ${(performance.now() - t).toFixed(0)} ms`);
  await store.stop();
}
