/**
 * Issue 12.10, newcomer traps, through the built CLI as a user runs it: ACTIVEMQ_DATA is used, and Debian's
 * activemq.xml (dataDirectory="${activemq.base}/data", in a folder under /etc) writes under ACTIVEMQ_BASE or
 * the working directory, never beside the configuration file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath } from '../tls/cli.js';

interface Started {
  lines: string[];
}

/** Runs `tidemq start` until the broker says it started (or exits), then stops it with SIGTERM. */
async function runUntilStarted(args: string[], cwd: string, env: Record<string, string>): Promise<Started> {
  const clean = { ...process.env };
  for (const k of ['ACTIVEMQ_HOME', 'ACTIVEMQ_BASE', 'ACTIVEMQ_CONF', 'ACTIVEMQ_DATA']) delete clean[k];
  const child = spawn(process.execPath, [cliPath(), 'start', ...args], {
    cwd,
    env: { ...clean, TIDEMQ_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${lines.join('\n')}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => /Broker \S+ started/.test(l))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited early:\n${lines.join('\n')}`));
    });
  });
  child.kill('SIGTERM');
  await exited;
  return { lines };
}

function storeLine(run: Started): string {
  const line = run.lines.find((l) => l.includes('Persistent messages are kept in'));
  assert.ok(line !== undefined, run.lines.join('\n'));
  return line;
}

test("Debian's ${activemq.base}/data goes to the working directory or ACTIVEMQ_BASE, never beside the file", async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-newcomer-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const etc = path.join(root, 'etc', 'activemq', 'instances-available', 'main');
  const work = path.join(root, 'work');
  fs.mkdirSync(etc, { recursive: true });
  fs.mkdirSync(work);
  const config = path.join(etc, 'activemq.xml');
  fs.writeFileSync(
    config,
    `<beans xmlns="http://www.springframework.org/schema/beans">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="localhost" dataDirectory="\${activemq.base}/data">
    <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>
  </broker>
</beans>`,
  );
  const here = await runUntilStarted(['--config', config], work, {});
  assert.ok(storeLine(here).includes(path.join(work, 'data', 'localhost')), storeLine(here));
  assert.equal(fs.existsSync(path.join(etc, 'data')), false, 'nothing written beside the configuration');

  const base = path.join(root, 'var', 'lib', 'tidemq');
  const there = await runUntilStarted(['--config', config], work, { ACTIVEMQ_BASE: base });
  assert.ok(storeLine(there).includes(path.join(base, 'data', 'localhost')), storeLine(there));

  // --data-dir sets ${activemq.data}, which this file does not use: said so instead of ignored.
  const flagged = await runUntilStarted(['--config', config, '--data-dir', path.join(root, 'elsewhere')], work, {});
  assert.ok(
    flagged.lines.some((l) => l.includes('--data-dir sets ${activemq.data}, which this configuration does not use')),
    flagged.lines.join('\n'),
  );
});

test('ACTIVEMQ_DATA places the store of the embedded default configuration', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-newcomer-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const data = path.join(root, 'amq-data');
  const run = await runUntilStarted(['--openwire-port', '0', '--stomp-port', '0'], root, { ACTIVEMQ_DATA: data });
  assert.ok(storeLine(run).includes(path.join(data, 'localhost')), storeLine(run));
});
