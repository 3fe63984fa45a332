/**
 * `tidemq start` with its web console, and the management commands (query, dstat, bstat, list, purge, stop,
 * --version) run as a user runs them, against it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliPath, startCli } from '../tls/cli.js';
import { REALM_TEXT } from '../support/management/web-broker.js';

const run = promisify(execFile);
const XML = `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="localhost" persistent="false">
  <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>
</broker>`;

async function tidemq(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath(), ...args], { timeout: 20_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

test('tidemq start serves the web console; query, dstat, bstat, list, purge and stop work against it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-web-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const users = join(dir, 'jetty-realm.properties');
  await writeFile(users, REALM_TEXT);
  const broker = await startCli(XML, ['--web-port', '0', '--web-users', users]);
  t.after(() => broker.stop());
  const banner = await broker.waitForLine(/TideMQ \S+ starting/);
  const url = /Web console http started at (\S+)/.exec(await broker.waitForLine(/Web console http started/))![1]!;
  const version = await tidemq(['--version']);
  assert.equal(version.out.trim(), banner.replace(/^.*(TideMQ \S+) starting.*$/, '$1'));

  const auth = ['--url', url, '--user', 'admin', '--password', 's3cret-admin'];
  for (const body of ['a', 'b']) {
    const res = await fetch(`${url}/api/message/orders?type=queue`, {
      method: 'POST',
      body: new URLSearchParams({ body }),
      headers: { Authorization: `Basic ${Buffer.from('admin:s3cret-admin').toString('base64')}` },
    });
    assert.equal(res.status, 200);
  }

  const dstat = await tidemq(['dstat', 'queues', ...auth]);
  assert.equal(dstat.code, 0, dstat.err);
  assert.match(
    dstat.out,
    /^Name {46} {2}Queue Size {2}Producer # {2}Consumer # {3}Enqueue # {3}Dequeue # {3}Forward # {4}Memory % {2}Inflight #\n/,
  );
  assert.match(dstat.out, /\norders {44} {2} {9}2 {2} {9}0 {2} {9}0 {2} {9}2 {2} {9}0 {2} {9}0 /);

  const query = await tidemq(['query', '-QQueue=orders', '--view', 'QueueSize,EnqueueCount,destinationName', ...auth]);
  assert.equal(query.out, 'QueueSize = 2\nEnqueueCount = 2\ndestinationName = orders\n\n');
  const json = JSON.parse(
    (await tidemq(['query', '-QBroker=localhost', '--view', 'BrokerName,TotalEnqueueCount', '--json', ...auth])).out,
  ) as Record<string, unknown>;
  assert.deepEqual(Object.values(json), [{ BrokerName: 'localhost', TotalEnqueueCount: 2 }]);
  assert.equal((await tidemq(['list', ...auth])).out, 'brokerName = localhost\n\n');
  const bstat = JSON.parse((await tidemq(['bstat', '--json', ...auth])).out) as Record<string, unknown>[];
  assert.ok(bstat.some((r) => r['BrokerName'] === 'localhost' && r['TotalEnqueueCount'] === 2));
  assert.ok(bstat.some((r) => r['destinationName'] === 'orders' && r['EnqueueCount'] === 2));

  const denied = await tidemq(['purge', 'orders', '--url', url, '--user', 'viewer', '--password', 's3cret-viewer']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.err, /admin role required/);
  const purge = await tidemq(['purge', 'ord*', ...auth]);
  assert.equal(purge.out, 'Purging all messages in queue: orders\n');
  assert.match((await tidemq(['query', '-QQueue=orders', '--view', 'QueueSize', ...auth])).out, /^QueueSize = 0\n/);

  const wrong = await tidemq(['list', '--url', url, '--user', 'admin', '--password', 'nope']);
  assert.match(wrong.err, /Login refused/);
  const stop = await tidemq(['stop', ...auth]);
  assert.equal(stop.out, 'Stopping broker: localhost\n');
  assert.equal(await broker.exited, 0);
});

test('tidemq start refuses the default web passwords on a non-loopback bind', async (t) => {
  const broker = await startCli(XML, ['--web-port', '0', '--web-bind', '0.0.0.0']);
  t.after(() => broker.stop());
  await broker.waitForLine(/default admin\/admin or user\/user password/);
  assert.equal(await broker.exited, 1);
});

test('tidemq purge shows its progress on a deep queue', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-web-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const users = join(dir, 'jetty-realm.properties');
  await writeFile(users, REALM_TEXT);
  const broker = await startCli(XML, ['--web-port', '0', '--web-users', users]);
  t.after(() => broker.stop());
  const url = /Web console http started at (\S+)/.exec(await broker.waitForLine(/Web console http started/))![1]!;
  const port = Number(/stomp:\/\/127\.0\.0\.1:(\d+)/.exec(await broker.waitForLine(/Connector stomp started/))![1]);
  // 12,000 SENDs in one write, the last with a receipt: the queue is deep once the RECEIPT arrives.
  const { connect } = await import('node:net');
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const frames = ['CONNECT\naccept-version:1.2\nhost:localhost\n\n\0'];
  for (let i = 0; i < 12_000; i++) {
    frames.push(`SEND\ndestination:/queue/deep\n${i === 11_999 ? 'receipt:last\n' : ''}\nm${i}\0`);
  }
  let got = '';
  const receipted = new Promise<void>((resolve) =>
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('receipt-id:last')) resolve();
    }),
  );
  socket.write(frames.join(''));
  await receipted;
  socket.destroy();
  const purge = await tidemq(['purge', 'deep', '--url', url, '--user', 'admin', '--password', 's3cret-admin']);
  assert.equal(purge.code, 0, purge.err);
  // Not a terminal: a line per tenth, the last one the whole queue.
  assert.match(purge.out, /^Purging all messages in queue: deep\n/);
  assert.match(purge.out, /purged.*12000\/12000/);
});
