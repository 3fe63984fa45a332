import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBrokerConfigText } from '../config/load-config.js';
import { Logger } from '../util/logger.js';
import { heapBase, maxOldSpaceSize, memoryLimitOf } from './assemble-memory.js';

const GiB = 1024 * 1024 * 1024;
const none = { execArgv: [], nodeOptions: undefined };

function configWith(memoryUsage: string) {
  return loadBrokerConfigText(
    `<broker xmlns="http://activemq.apache.org/schema/core"><systemUsage><systemUsage><memoryUsage>${memoryUsage}</memoryUsage></systemUsage></systemUsage></broker>`,
    '/cfg/activemq.xml',
    { env: {}, cwd: '/work' },
  ).config;
}

test('--max-old-space-size is the base, from Node flags or NODE_OPTIONS, the last one winning', () => {
  assert.equal(maxOldSpaceSize(['--max-old-space-size=2048']), 2048);
  assert.equal(maxOldSpaceSize(['--max_old_space_size', '512', '--max-old-space-size=300']), 300);
  assert.equal(maxOldSpaceSize(['--inspect']), null);
  assert.deepEqual(heapBase({ execArgv: [], nodeOptions: '--enable-source-maps --max-old-space-size=2048' }), {
    bytes: 2 * GiB,
    source: '--max-old-space-size=2048',
  });
});

test('without it the base is 1 GiB (ActiveMQ -Xmx1G), lowered to a smaller cgroup limit or physical memory', () => {
  assert.equal(heapBase({ ...none, totalMemory: 64 * GiB, constrainedMemory: undefined }).bytes, GiB);
  // Node reports 2^64 when no cgroup limit applies.
  assert.equal(heapBase({ ...none, totalMemory: 64 * GiB, constrainedMemory: 2 ** 64 }).bytes, GiB);
  assert.deepEqual(heapBase({ ...none, totalMemory: 64 * GiB, constrainedMemory: 512 * 1024 * 1024 }), {
    bytes: 512 * 1024 * 1024,
    source: 'the cgroup memory limit',
  });
  assert.equal(heapBase({ ...none, totalMemory: 768 * 1024 * 1024, constrainedMemory: 0 }).bytes, 768 * 1024 * 1024);
});

test('stock percentOfJvmHeap="70" is 70% of 1 GiB whatever the machine, and the limit is logged with its source', () => {
  const logs: string[] = [];
  const log = Logger.create({ level: 'info', write: (l) => logs.push(l), debugChannels: '' });
  const limit = memoryLimitOf(configWith('<memoryUsage percentOfJvmHeap="70"/>'), log, {
    ...none,
    totalMemory: 256 * GiB,
    constrainedMemory: undefined,
  });
  assert.equal(limit, Math.floor(0.7 * GiB));
  assert.match(logs.join('\n'), /Memory limit 716\.8 MiB: percentOfJvmHeap 70% of 1024\.0 MiB/);
});

test('on this process, percentOfJvmHeap is no longer a share of the V8 heap limit', () => {
  // The old rule took 70% of v8.getHeapStatistics().heap_size_limit (4 GiB on a 25 GB machine: 2.9 GiB).
  const limit = memoryLimitOf(configWith('<memoryUsage percentOfJvmHeap="70"/>'), Logger.silent());
  assert.ok(limit <= Math.floor(0.7 * GiB) || maxOldSpaceSize(process.execArgv) !== null, `limit ${limit}`);
});

test('an explicit limit is used as written', () => {
  assert.equal(memoryLimitOf(configWith('<memoryUsage limit="64 mb"/>'), Logger.silent()), 64 * 1024 * 1024);
});
