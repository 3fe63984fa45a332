import { spawn } from 'node:child_process';
import { forEachLine, OutputTail } from '../../interop/harness/output-tail.js';

export interface LineChild {
  /** Resolves with the exit code once the process ended (killed after `timeoutMs`). */
  readonly done: Promise<number | null>;
  readonly stderr: OutputTail;
  /** SIGKILL (a test giving up on the client). */
  kill(): void;
}

/**
 * Runs a client process whose stdout is one event per line, handing each line to `onLine`. A process that
 * outlives `timeoutMs` is killed, so a hung client cannot hang the test run.
 */
export function runLines(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  timeoutMs: number,
): LineChild {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new OutputTail(80);
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, (l) => stderr.push(l));
  const done = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args[0] ?? ''} did not finish within ${timeoutMs} ms\n${stderr.text()}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  // A rejected `done` nobody awaits any more (the test already failed) must not become an unhandled rejection.
  done.catch(() => {});
  return { done, stderr, kill: () => child.kill('SIGKILL') };
}

/** Polls `condition` until it holds (house rule: poll, never sleep a fixed time and hope). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A small seeded generator (mulberry32), so a failing run's kill moments can be replayed with CRASH_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function crashSeed(): number {
  const env = process.env['CRASH_SEED'];
  return env !== undefined && /^\d+$/.test(env) ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}
