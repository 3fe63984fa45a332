import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forEachLine, OutputTail } from '../../interop/harness/output-tail.js';
import { parseConnectorLine } from '../../interop/harness/tidemq-broker.js';
import { hostAndPort } from '../../interop/harness/broker.js';
import { repoRoot } from '../../interop/harness/paths.js';

const START_TIMEOUT_MS = 60_000;

/** A `tidemq start` child process and what it announced. */
export interface BrokerProcess {
  readonly pid: number;
  readonly openwire: { host: string; port: number };
  readonly stomp: { host: string; port: number };
  /** Milliseconds from spawn to the "Broker … started" line. */
  readonly startMs: number;
  /** Every line it printed so far (bounded to the last few hundred). */
  readonly output: OutputTail;
  /** Lines matching a pattern, kept whole for assertions (e.g. damage reports, store-full warnings). */
  linesMatching(re: RegExp): string[];
  /** SIGKILL: the process gets no chance to flush or checkpoint, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit (SIGKILL after a timeout). */
  stop(): Promise<void>;
  readonly exited: boolean;
}

/**
 * The CLI to run: the compiled one when this file runs compiled (npm test runs dist/), else the TypeScript
 * source through tsx (node --import tsx --test), so the crash tests need no build step during development.
 */
export function cliCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
    if (!existsSync(cli)) throw new Error(`crash tests: ${cli} not found; run npm run build`);
    return [cli];
  }
  return ['--import', 'tsx', join(repoRoot(), 'src', 'cli', 'main.ts')];
}

/**
 * Starts `tidemq start` with the given arguments (connector ports forced to 0 on loopback) and resolves once
 * it printed "Broker <name> started" and announced both connectors. Rejects with its output when it exits
 * first or does not start in time.
 */
export async function startBroker(args: readonly string[]): Promise<BrokerProcess> {
  const began = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...cliCommand(), 'start', ...args, '--bind', '127.0.0.1', '--openwire-port', '0', '--stomp-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot() },
  );
  const output = new OutputTail(400);
  const kept: string[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const connectors = new Map<string, string>();
  let startMs = 0;
  await new Promise<void>((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crash tests: the broker did not start within ${START_TIMEOUT_MS} ms\n${output.text()}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      if (started && connectors.has('openwire') && connectors.has('stomp')) {
        clearTimeout(timer);
        resolve();
      }
    };
    const onLine = (line: string): void => {
      output.push(line);
      if (kept.length < 10_000) kept.push(line);
      const c = parseConnectorLine(line);
      if (c !== undefined) connectors.set(c.name, c.url);
      if (!started && /\bBroker \S+ started\b/.test(line)) {
        started = true;
        startMs = performance.now() - began;
      }
      check();
    };
    forEachLine(child.stdout!, onLine);
    forEachLine(child.stderr!, onLine);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`crash tests: the broker exited during start-up (${child.exitCode})\n${output.text()}`));
    });
  });
  const pid = child.pid!;
  return {
    pid,
    openwire: hostAndPort(connectors.get('openwire')!),
    stomp: hostAndPort(connectors.get('stomp')!),
    startMs,
    output,
    linesMatching: (re) => kept.filter((l) => re.test(l)),
    get exited() {
      return exited;
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(t);
      }
    },
  };
}
