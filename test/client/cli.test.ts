import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { repoPath } from '../support/repo.js';
import { startTestBroker, type TestBroker } from '../support/client/broker.js';

/** `tidemq producer | consumer | browse` (ActiveMQ's flags) against an in-process broker, through the built CLI. */
let broker: TestBroker;
before(async () => {
  broker = await startTestBroker();
});
after(() => broker.stop());

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [repoPath('dist/src/cli/main.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('producer, browse and consumer move messages and print JSON summaries', async () => {
  const dest = `queue://cli.${process.pid}`;
  const p = await cli([
    'producer',
    '--brokerUrl',
    broker.url,
    '--destination',
    dest,
    '--messageCount',
    '25',
    '--parallelThreads',
    '2',
    '--messageSize=100',
    '--json',
  ]);
  assert.equal(p.code, 0, p.stderr);
  const ps = JSON.parse(p.stdout) as { messages: number; bytes: number; persistent: boolean };
  assert.equal(ps.messages, 50);
  assert.equal(ps.bytes, 5000);
  assert.equal(ps.persistent, true);

  const b = await cli(['browse', '--amqurl', broker.url, '--json', dest.substring('queue://'.length)]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stdout.trim().split('\n').length, 50);

  const c = await cli([
    'consumer',
    `--brokerUrl=${broker.url}`,
    '--destination',
    dest,
    '--messageCount',
    '50',
    '--ackMode',
    'CLIENT_ACKNOWLEDGE',
    '--receiveTimeout',
    '5000',
  ]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /^Consumed: 50 messages$/m);
  // Not a terminal: progress as plain lines, every 10%.
  assert.match(c.stderr, /^consumer: 50\/50 \(\d+ msg\/s\)$/m);

  const empty = await cli(['browse', '--brokerUrl', broker.url, '--destination', dest, '--json']);
  assert.equal(empty.stdout, '');
});

test('a text --message, a transacted producer and a consumer that times out', async () => {
  const dest = `queue://cli.tx.${process.pid}`;
  const p = await cli([
    'producer',
    '--brokerUrl',
    broker.url,
    '--destination',
    dest,
    '--messageCount',
    '3',
    '--message',
    'hi',
    '--transacted',
    'true',
    '--persistent',
    'false',
  ]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^Produced: 3 messages$/m);
  const c = await cli([
    'consumer',
    '--brokerUrl',
    broker.url,
    '--destination',
    dest,
    '--messageCount',
    '5',
    '--receiveTimeout',
    '300',
    '--print',
    '--json',
  ]);
  assert.equal(c.code, 1, 'fewer messages than asked for');
  const lines = c.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 3), ['hi', 'hi', 'hi']);
  const summary = JSON.parse(lines[3]!) as { messages: number; timedOut: boolean };
  assert.equal(summary.messages, 3);
  assert.equal(summary.timedOut, true);
});

test('bad flags are usage errors (exit 2); an unreachable broker is a clear failure (exit 1)', async () => {
  const u = await cli(['producer', '--brokerURL', broker.url]);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /unknown option --brokerURL/);
  const a = await cli(['consumer', '--ackMode', 'SOMETIMES']);
  assert.equal(a.code, 2);
  const d = await cli([
    'producer',
    '--brokerUrl',
    'failover:(tcp://127.0.0.1:1)?maxReconnectAttempts=1',
    '--messageCount',
    '1',
  ]);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /Failed to connect to \[tcp:\/\/127\.0\.0\.1:1\] after: 1 attempt\(s\)/);
});
