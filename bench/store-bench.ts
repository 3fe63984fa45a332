/**
 * Journal store micro-benchmark, for the record (not a test):
 *   node --import tsx bench/store-bench.ts [pendingMessages=100000] [seconds=2]
 * Prints sync writes/s for 1 and 8 concurrent writers of 1 KiB messages, then the restart time with
 * N messages pending: from the checkpoint a clean stop leaves, and by replaying the whole journal.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Destination } from '../src/model/destination.js';
import { Message } from '../src/model/message.js';
import { Logger } from '../src/util/logger.js';
import { JournalPersistenceAdapter } from '../src/store/journal/journal-persistence-adapter.js';

const pending = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 2);
if (!Number.isSafeInteger(pending) || pending < 0 || !(seconds > 0)) {
  console.error('usage: store-bench.ts [pendingMessages] [seconds]');
  process.exit(2);
}
const q = Destination.queue('bench.q');
const body = Buffer.alloc(1024, 'x');
let ids = 0;

function message(): Message {
  const m = new Message();
  m.messageId = `ID:bench-${++ids}`;
  m.destination = q;
  m.persistent = true;
  m.bodyType = 'bytes';
  m.body = body;
  m.timestamp = Date.now();
  return m;
}

function open(directory: string): JournalPersistenceAdapter {
  return new JournalPersistenceAdapter({ directory, logger: Logger.silent() });
}

async function syncWrites(writers: number): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'tidemq-bench-'));
  try {
    const store = open(directory);
    await store.start();
    await store.recover();
    let done = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < end) {
          const m = message();
          await store.write([{ op: 'add', destination: q, message: m }], true);
          done++;
        }
      }),
    );
    const elapsed = seconds;
    await store.stop();
    console.log(`sync writes, ${writers} writer(s), 1 KiB: ${Math.round(done / elapsed)} writes/s`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function recovery(n: number): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'tidemq-bench-'));
  try {
    const store = open(directory);
    await store.start();
    await store.recover();
    const batch = 100;
    for (let i = 0; i < n; i += batch) {
      const ops = [];
      for (let k = 0; k < Math.min(batch, n - i); k++)
        ops.push({ op: 'add' as const, destination: q, message: message() });
      await store.write(ops, false);
    }
    await store.stop();
    const mb = (store.size() / 1024 / 1024).toFixed(1);
    for (const mode of ['from checkpoint', 'full replay (no checkpoint)'] as const) {
      if (mode !== 'from checkpoint') await unlink(join(directory, 'checkpoint.dat'));
      const again = open(directory);
      const t0 = performance.now();
      await again.start();
      const state = await again.recover();
      const ms = performance.now() - t0;
      const count = state.messages.get(q.key)?.length ?? 0;
      console.log(
        `recovery ${mode}: ${count} pending messages (${mb} MiB) in ${ms.toFixed(0)} ms` +
          ` (${again.lastRecovery?.replayedRecords} records replayed)`,
      );
      await again.stop();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

console.log(`node ${process.version}, ${tmpdir()}`);
await syncWrites(1);
await syncWrites(8);
await recovery(pending);
