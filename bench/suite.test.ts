import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { companionCommand, companions, runCompanion } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));

test('each companion runs its own script with the rounds and sizes of the run', () => {
  const by = new Map(companions.map((c) => [c.name, c]));
  const backlog = companionCommand(here, by.get('deep-backlog')!, 3, false);
  assert.match(backlog.find((a) => /backlog-bench\.(js|ts)$/.test(a)) ?? '', /backlog-bench/);
  assert.deepEqual(backlog.slice(-4), ['--rounds', '3', '--messages', '1000000']);
  assert.deepEqual(companionCommand(here, by.get('flood')!, 1, true).slice(-4), [
    '--rounds',
    '1',
    '--messages',
    '20000',
  ]);
  assert.deepEqual(companionCommand(here, by.get('mqtt')!, 3, false).slice(-4), [
    '--rounds',
    '3',
    '--messages',
    '20000',
  ]);
  assert.deepEqual(companionCommand(here, by.get('amqp')!, 3, true).slice(-1), ['5000']);
});

test('a companion that overruns its time limit is killed and reported', async () => {
  // The limit leaves node (started on a busy shared machine) ample time to print before it is killed.
  const r = await runCompanion(['-e', 'console.log("table"); setTimeout(() => {}, 60000)'], here, 3000);
  assert.equal(r.stdout, 'table\n');
  assert.match(r.error ?? '', /killed by SIGKILL/);
  const ok = await runCompanion(['-e', 'console.log("done")'], here, 10_000);
  assert.equal(ok.code, 0);
  assert.equal(ok.error, undefined);
});
