/**
 * Journal store micro-benchmark, for the record (not a test):
 *   node --import tsx bench/store-bench.ts [pendingMessages=100000] [seconds=2] [--body BYTES] [--no-writes] [--broker]
 * Prints sync writes/s for 1 and 8 concurrent writers of 1 KiB messages (unless --no-writes), then the
 * restart time with N messages of BYTES (default 1024) pending: from the checkpoint a clean stop leaves, and
 * by replaying the whole journal (checkpoint deleted; a crash replays only what follows the last periodic
 * checkpoint, so it lies between the two). With --broker it also starts `tidemq start --data-dir` on the same N messages and times
 * spawn → "Broker … started" (node start-up and tsx compilation included, so an empty store is timed too).
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Destination } from '../src/model/destination.js';
import { Message } from '../src/model/message.js';
import { Logger } from '../src/util/logger.js';
import { JournalPersistenceAdapter } from '../src/store/journal/journal-persistence-adapter.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const skipWrites = flag('--no-writes');
const viaBroker = flag('--broker');
const bodyBytes = option('--body', 1024);
const pending = Number(args[0] ?? 100_000);
const seconds = Number(args[1] ?? 2);
if (
  !Number.isSafeInteger(pending) ||
  pending < 0 ||
  !(seconds > 0) ||
  !Number.isSafeInteger(bodyBytes) ||
  bodyBytes < 0
) {
  console.error('usage: store-bench.ts [pendingMessages] [seconds] [--body BYTES] [--no-writes] [--broker]');
  process.exit(2);
}
const q = Destination.queue('bench.q');
const body = Buffer.alloc(bodyBytes, 'x');
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

/** Fills a store with `n` pending messages in batches of 100 and stops it cleanly. */
async function fill(directory: string, n: number): Promise<number> {
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
  return store.size();
}

async function timedRecovery(directory: string, mode: string, mb: string): Promise<void> {
  const again = open(directory);
  const t0 = performance.now();
  await again.start();
  const state = await again.recover();
  const ms = performance.now() - t0;
  const count = state.messages.get(q.key)?.length ?? 0;
  const heap = (process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0);
  console.log(
    `recovery ${mode}: ${count} pending messages (${mb} MiB) in ${ms.toFixed(0)} ms` +
      ` (${again.lastRecovery?.replayedRecords} records replayed, heap ${heap} MiB)`,
  );
  await again.stop();
}

async function recovery(n: number): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'tidemq-bench-'));
  try {
    const mb = ((await fill(directory, n)) / 1024 / 1024).toFixed(1);
    await timedRecovery(directory, 'from checkpoint', mb);
    await unlink(join(directory, 'checkpoint.dat'));
    await timedRecovery(directory, 'full replay (no checkpoint)', mb);
    if (viaBroker) await brokerStart(directory, n);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Spawns the CLI on a data directory and resolves with the ms until its "Broker … started" line. */
function timeBrokerStart(dataDir: string): Promise<{ ms: number; store: string }> {
  const began = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'),
      'start',
      '--data-dir',
      dataDir,
      '--openwire-port',
      '0',
      '--stomp-port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let store = '';
    child.once('exit', (code) => reject(new Error(`the broker exited (${code}) before it started`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('journal store started')) store = /durationMs=([\d.]+)/.exec(line)?.[1] ?? '';
      if (/\bBroker \S+ started\b/.test(line)) {
        const ms = performance.now() - began;
        child.removeAllListeners('exit');
        child.once('exit', () => resolve({ ms, store: `${Number(store).toFixed(0)} ms in the store` }));
        child.kill('SIGTERM');
      }
    });
  });
}

async function brokerStart(storeDir: string, n: number): Promise<void> {
  const empty = await mkdtemp(join(tmpdir(), 'tidemq-bench-broker-'));
  const full = await mkdtemp(join(tmpdir(), 'tidemq-bench-broker-'));
  try {
    const base = await timeBrokerStart(empty);
    console.log(`broker start, empty store: ${base.ms.toFixed(0)} ms to "Broker started" (${base.store})`);
    // The embedded configuration keeps the store in <data-dir>/<brokerName>/KahaDB.
    await mkdir(join(full, 'localhost'), { recursive: true });
    // (The full replay above left a fresh checkpoint again, so this is a start after a clean stop.)
    await cp(storeDir, join(full, 'localhost', 'KahaDB'), { recursive: true });
    const loaded = await timeBrokerStart(full);
    console.log(`broker start, ${n} pending: ${loaded.ms.toFixed(0)} ms to "Broker started" (${loaded.store})`);
  } finally {
    await rm(empty, { recursive: true, force: true });
    await rm(full, { recursive: true, force: true });
  }
}

console.log(`node ${process.version}, ${tmpdir()}, body ${bodyBytes} bytes`);
if (!skipWrites) {
  await syncWrites(1);
  await syncWrites(8);
}
await recovery(pending);
