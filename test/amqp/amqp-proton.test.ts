/**
 * Interop with Qpid Proton (Debian's python3-qpid-proton, the C engine under most non-Java AMQP clients): a
 * round trip through a queue with application properties. The package is in .ci/run's list.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoPath } from '../support/repo.js';
import { startAmqpBroker } from './helpers.js';

const run = promisify(execFile);
// Debian's interpreter: python3-qpid-proton installs into its dist-packages, not into other Pythons on PATH.
const PYTHON = '/usr/bin/python3';

test('Qpid Proton (python) sends and receives through a queue', async (t) => {
  assert.ok(existsSync(PYTHON), 'Debian python3 with python3-qpid-proton is required (see .ci/run)');
  const { service, port } = await startAmqpBroker();
  t.after(() => service.stop());
  const script = repoPath('test', 'amqp', 'fixtures', 'proton_client.py');
  const { stdout } = await run(PYTHON, [script, String(port), 'proton.roundtrip', '20'], { timeout: 30_000 });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
    accepted: number;
    received: { body: string; seq: number; subject: string }[];
  };
  assert.equal(result.accepted, 20);
  assert.equal(result.received.length, 20);
  assert.deepEqual(
    result.received.map((m) => m.seq),
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.equal(result.received[0]!.body, 'proton 0');
  assert.equal(result.received[0]!.subject, 'py');
});

test('Qpid Proton (python) transactions: an aborted send, a committed send, a transacted receive', async (t) => {
  assert.ok(existsSync(PYTHON), 'Debian python3 with python3-qpid-proton is required (see .ci/run)');
  const { service, port } = await startAmqpBroker();
  t.after(() => service.stop());
  const script = repoPath('test', 'amqp', 'fixtures', 'proton_txn.py');
  const { stdout } = await run(PYTHON, [script, String(port), 'proton.txn'], { timeout: 30_000 });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { steps: string[]; received: string[] };
  assert.deepEqual(result.steps, ['declared', 'aborted', 'declared', 'committed', 'declared', 'committed']);
  // Only the committed sends ever reached the queue; the transacted receive consumed them.
  assert.deepEqual(result.received, ['committed 1', 'committed 2']);
  assert.equal(service.region.findQueue('proton.txn')?.size ?? 0, 0);
});
