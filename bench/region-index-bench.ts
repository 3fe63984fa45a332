/**
 * The regions' DestinationMap index (docs/region.md): what a wildcard consumer costs when many destinations
 * exist, and what creating a destination costs when many wildcard subscriptions exist.
 *   npm run build && node dist/bench/region-index-bench.js [--queues 20000] [--wildcards 500]
 * One in-process RegionBroker (memory store). Queues are `APP.<group>.<n>` over 100 groups; each wildcard consumer
 * covers one group (`APP.<group>.>`), so each matches 1% of the queues. Figures are the median of 5 rounds.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { RegionBroker } from '../src/broker/region/region-broker.js';
import { MemoryPersistenceAdapter } from '../src/store/memory/memory-persistence-adapter.js';
import { Destination } from '../src/model/destination.js';
import { consumerInfoFor, type ConsumerInfo } from '../src/model/commands.js';
import type { ConnectionContext } from '../src/broker/broker.js';

const { values } = parseArgs({
  options: { queues: { type: 'string', default: '20000' }, wildcards: { type: 'string', default: '500' } },
});
const queues = Number(values.queues);
const wildcards = Number(values.wildcards);
const GROUPS = 100;

function info(id: string, dest: Destination): ConsumerInfo {
  return consumerInfoFor(id, dest, { prefetch: 100 });
}

async function round(): Promise<{ attachMs: number; createMs: number }> {
  const b = new RegionBroker({ store: new MemoryPersistenceAdapter() });
  await b.start();
  const ctx: ConnectionContext = {
    info: {
      connectionId: 'bench',
      clientId: null,
      userName: null,
      password: null,
      remoteAddress: 'bench',
      protocol: 'bench',
    },
    security: null,
    control: { close: () => {} },
  };
  await b.addConnection(ctx);
  for (let i = 0; i < queues; i++) await b.addDestination(ctx, Destination.queue(`APP.g${i % GROUPS}.${i}`));
  const sink = { deliver: () => {}, ready: true };
  let t = performance.now();
  for (let w = 0; w < wildcards; w++) {
    await b.addConsumer(ctx, info(`w${w}`, Destination.queue(`APP.g${w % GROUPS}.>`)), sink);
  }
  const attachMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < queues; i++) await b.addDestination(ctx, Destination.queue(`APP.g${i % GROUPS}.new${i}`));
  const createMs = performance.now() - t;
  await b.stop();
  return { attachMs, createMs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds = [];
for (let r = 0; r < 5; r++) rounds.push(await round());
console.log(
  `${queues} queues, ${wildcards} wildcard consumers (each covering ${queues / GROUPS} queues); median of 5:\n` +
    `  attach ${wildcards} wildcard consumers to the existing queues: ${median(rounds.map((r) => r.attachMs)).toFixed(0)} ms\n` +
    `  create ${queues} more queues (each joined by its ${wildcards / GROUPS} wildcard consumers): ${median(rounds.map((r) => r.createMs)).toFixed(0)} ms`,
);
