/**
 * `npm run bench -- --suite all`: the stand-alone side-by-side benches other issues brought (deep-backlog, flood,
 * MQTT, AMQP) run after the scenarios, each as its own process exactly as its own npm script runs it, with the
 * run's --rounds (and small sizes under --quick). They keep their own options, output and JSON files; the suite
 * only sequences them, prints their tables after the scenarios' and reports which ones failed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const companionNames = ['deep-backlog', 'flood', 'mqtt', 'amqp'] as const;
export type CompanionName = (typeof companionNames)[number];

export interface Companion {
  name: CompanionName;
  /** The script under bench/ (without extension): dist/bench/<script>.js, or bench/<script>.ts through tsx. */
  script: string;
  /** What it compares, printed before its output. */
  title: string;
  args(rounds: number, quick: boolean): string[];
}

export const companions: readonly Companion[] = [
  {
    name: 'deep-backlog',
    script: 'backlog-bench',
    title: 'deep-backlog: persistent backlog load, restart and drain (TideMQ and ActiveMQ 5.17)',
    args: (rounds, quick) => ['--rounds', String(rounds), '--messages', quick ? '20000' : '1000000'],
  },
  {
    name: 'flood',
    script: 'flood-bench',
    title: 'flood: non-persistent flood without a consumer, a healthy client beside it (TideMQ and ActiveMQ 5.17)',
    args: (rounds, quick) => ['--rounds', String(rounds), '--messages', quick ? '20000' : '500000'],
  },
  {
    name: 'mqtt',
    script: 'mqtt-bench',
    title: 'MQTT: QoS 0/1 1→1 and QoS 0 1→100 (TideMQ and Mosquitto)',
    args: (rounds, quick) => ['--rounds', String(rounds), '--messages', quick ? '2000' : '20000'],
  },
  {
    name: 'amqp',
    script: 'amqp/queue-1to1',
    // One run per invocation: the suite runs it once per round.
    title: 'AMQP 1.0: queue 1→1 with rhea, settled and unsettled (TideMQ only: Debian ActiveMQ has no AMQP)',
    args: (_rounds, quick) => [quick ? '5000' : '50000'],
  },
];

/** The command that runs a companion: its compiled .js beside this file, or its .ts through tsx from source. */
export function companionCommand(here: string, c: Companion, rounds: number, quick: boolean): string[] {
  const js = join(here, `${c.script}.js`);
  const script = existsSync(js) ? [js] : ['--import', 'tsx', join(here, `${c.script}.ts`)];
  return [...script, ...c.args(rounds, quick)];
}

/**
 * Runs one companion to completion: its stdout (the table) is collected and returned, its stderr (progress)
 * passed through. Killed after `limitMs` so the suite never hangs.
 */
export function runCompanion(
  args: string[],
  cwd: string,
  limitMs: number,
): Promise<{ code: number | null; stdout: string; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: out, error: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const error = signal !== null ? `killed by ${signal} (time limit ${limitMs / 1000} s)` : undefined;
      resolve({ code, stdout: out, ...(error === undefined ? {} : { error }) });
    });
  });
}
