/**
 * Runs one load-generator process (Java JMS or Node STOMP) for one scenario round and collects its RESULT line.
 * PHASE lines are answered on stdin after the harness's hook has sampled the broker. A generator that exceeds its
 * time limit is killed, so the benchmark never hangs on a broker that stopped answering.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What each generator prints after "RESULT " (bench/java/BenchClient.java and bench/stomp/load.ts). */
export interface GeneratorResult {
  sent: number;
  received: number;
  lost: number;
  duplicates: number;
  /** From the first send to the last send returning. */
  sendMs: number;
  /** From the first send to the last delivery. */
  receiveMs: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
  errors: string[];
}

export interface GeneratorRun {
  command: string;
  args: string[];
  /** Killed (SIGKILL) after this long. */
  killAfterMs: number;
  /** Called at each PHASE line; the generator waits until the returned promise settles. */
  onPhase: (name: string) => Promise<void> | void;
}

const keepLines = 40;

/** Checks that a parsed RESULT has the shape above; a generator bug must not become a silently wrong figure. */
export function parseResult(json: string): GeneratorResult {
  const r = JSON.parse(json) as Partial<GeneratorResult>;
  const nums = ['sent', 'received', 'lost', 'duplicates', 'sendMs', 'receiveMs'] as const;
  for (const k of nums) {
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) throw new Error(`RESULT field ${k} is not a number`);
  }
  const l = r.latencyMs;
  if (l === undefined || [l.p50, l.p99, l.p999, l.max].some((x) => typeof x !== 'number')) {
    throw new Error('RESULT latencyMs is incomplete');
  }
  if (!Array.isArray(r.errors)) throw new Error('RESULT errors is not an array');
  return r as GeneratorResult;
}

export function runGenerator(run: GeneratorRun): Promise<GeneratorResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const remember = (line: string): void => {
      tail.push(line);
      if (tail.length > keepLines) tail.shift();
    };
    let result: GeneratorResult | undefined;
    let parseError: Error | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.killAfterMs);
    child.stdin.on('error', () => {}); // the generator may exit before reading its last answer
    createInterface({ input: child.stderr }).on('line', remember);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('RESULT ')) {
        try {
          result = parseResult(line.slice(7));
        } catch (e) {
          parseError = e as Error;
        }
      } else if (line.startsWith('PHASE ')) {
        void Promise.resolve()
          .then(() => run.onPhase(line.slice(6).trim()))
          .catch((e: Error) => remember(`phase hook failed: ${e.message}`))
          .finally(() => {
            if (child.stdin.writable) child.stdin.write('go\n');
          });
      } else remember(line);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${run.command}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else if (timedOut) reject(new Error(`generator killed after ${run.killAfterMs} ms\n${tail.join('\n')}`));
      else {
        const why = parseError?.message ?? `exited with ${signal ?? code} and no RESULT`;
        reject(new Error(`generator ${why}\n${tail.join('\n')}`));
      }
    });
  });
}
