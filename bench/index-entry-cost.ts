/**
 * Bytes per pending queue message in the store's index (issue 11), the Map index (memory and JDBC stores, and
 * the journal store before the compact index) next to the journal's compact chunks:
 *   node --expose-gc --import tsx bench/index-entry-cost.ts [--messages 1000000] [--compact-only]
 * Each index gets N adds with ids shaped as the Java client makes them; the figure is the growth of V8 heap plus
 * array buffers (where typed arrays live) after a full GC, divided by N. The ids themselves are made per add and
 * dropped, as the broker's messages are once paged out.
 */
import { Destination } from '../src/model/destination.js';
import type { Location } from '../src/store/journal/checkpoint.js';
import { QueueChunks } from '../src/store/journal/queue-chunks.js';
import { StoreIndex } from '../src/store/store-index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const argAt = process.argv.indexOf('--messages');
const n = argAt > 0 ? Number(process.argv[argAt + 1]) : 1_000_000;
const q = Destination.queue('bench.index');

function used(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function measure(name: string, make: () => StoreIndex<Location>): void {
  const before = used();
  const began = performance.now();
  const index = make();
  for (let i = 0; i < n; i++) {
    const id = `ID:bench-host-40123-1733230000000-1:1:1:1:${i + 1}`;
    index.addMessage(q, id, { segment: 1 + Math.floor(i / 30000), offset: (i % 30000) * 1100, length: 1090 }, i + 1);
  }
  const ms = performance.now() - began;
  const after = used();
  console.log(
    `${name}: ${n} pending, ${((after - before) / n).toFixed(1)} B per entry ` +
      `(${((after - before) / 2 ** 20).toFixed(1)} MiB), ${(ms / 1000).toFixed(2)} s to add`,
  );
  if (index.messageCount() !== n) throw new Error('lost entries');
}

// --compact-only: the Map index at 10M takes minutes and 2 GiB.
if (!process.argv.includes('--compact-only')) measure('Map index (before)', () => new StoreIndex<Location>());
let id = 1;
measure(
  'compact chunks (journal store now)',
  () =>
    new StoreIndex<Location>(
      () => {},
      () => new QueueChunks(() => id++),
    ),
);
