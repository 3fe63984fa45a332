/**
 * Runs the built CLI (`node dist/src/cli/main.js start --config <file>`) as users do, for the start-up
 * tests. Build first with `npx tsc -p .`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../interop/harness/paths.js';

const WAIT_MS = 20_000;

export interface CliRun {
  readonly child: ChildProcess;
  /** Every line printed so far, stdout and stderr. */
  readonly lines: string[];
  /** Resolves with the first line (already printed or to come) that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  /** Connector URLs announced so far, by name. */
  readonly connectors: Map<string, string>;
  stop(): Promise<void>;
}

export function cliPath(): string {
  const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`${cli} not found: build with \`npx tsc -p .\` first`);
  return cli;
}

/** Writes `xml` to a temp activemq.xml and starts `tidemq start --config` on it. */
export async function startCli(
  xml: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemq-cli-'));
  const config = join(dir, 'activemq.xml');
  await writeFile(config, xml);
  const child = spawn(
    process.execPath,
    [cliPath(), 'start', '--config', config, '--data-dir', join(dir, 'data'), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
      env: { ...process.env, TIDEMQ_DEBUG: '', TIDEMQ_TLS_DEBUG: '', ...env },
    },
  );
  const lines: string[] = [];
  const connectors = new Map<string, string>();
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const onLine = (line: string): void => {
    lines.push(line);
    const announced = /Connector (\S+) started at (\S+)/.exec(line);
    if (announced) connectors.set(announced[1]!, announced[2]!);
    for (const w of waiters) {
      if (w.pattern.test(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  // Read the streams to their end before reporting the exit, so the last lines are in `lines`.
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const waitForLine = (pattern: RegExp, timeoutMs = WAIT_MS): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`));
      }, timeoutMs);
      waiters.add(waiter);
      void closed.then(() => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`the broker exited (${exitCode}) without printing ${pattern}; output:\n${lines.join('\n')}`));
      });
    });
  };

  const stop = async (): Promise<void> => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  return { child, lines, waitForLine, exited: closed, connectors, stop };
}

/** Starts the CLI on `xml` and waits until it has started every connector, or fails with its output. */
export async function startedCli(
  xml: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const run = await startCli(xml, args, env);
  try {
    await run.waitForLine(/Broker \S+ started/);
  } catch (e) {
    await run.stop();
    throw e;
  }
  return run;
}

/** Runs the CLI on `xml`, expecting it to refuse to start; resolves with its exit code and output. */
export async function failedStart(xml: string): Promise<{ code: number | null; output: string }> {
  const run = await startCli(xml);
  const code = await Promise.race([
    run.exited,
    new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), WAIT_MS).unref()),
  ]);
  const output = run.lines.join('\n');
  await run.stop();
  if (code === 'running') throw new Error(`the broker started although it should not have:\n${output}`);
  return { code, output };
}

/** A minimal activemq.xml around the given broker children. */
export function brokerXml(children: string, brokerName = 'tls-test'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="${brokerName}" useJmx="false"
          persistent="false" schedulerSupport="false">
    ${children}
  </broker>
</beans>
`;
}
