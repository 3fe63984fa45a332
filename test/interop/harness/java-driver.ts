import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { forEachLine, OutputTail } from './output-tail.js';

/** JVM flags for the client: two shared cores, so one GC thread and a modest heap (the 5 MiB message fits). */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-Xmx512m', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn'];

interface Pending {
  readonly resolve: (summary: string) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly what: string;
}

/** The outcome line InteropDriver prints: `@@RESULT<TAB>id<TAB>PASS|FAIL<TAB>text`. */
export interface DriverResult {
  readonly id: string;
  readonly passed: boolean;
  readonly text: string;
}

/** Parses one stdout line of InteropDriver; undefined for any other line. */
export function parseResultLine(line: string): DriverResult | undefined {
  const parts = line.split('\t');
  if (parts.length < 3 || parts[0] !== '@@RESULT') return undefined;
  const [, id, verdict, ...rest] = parts;
  if (id === undefined || (verdict !== 'PASS' && verdict !== 'FAIL')) return undefined;
  return { id, passed: verdict === 'PASS', text: unescapeLine(rest.join('\t')) };
}

/** Reverses InteropDriver.oneLine. */
export function unescapeLine(text: string): string {
  return text.replace(/\\([\\nrt])/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : '\\',
  );
}

/**
 * One long-lived JVM running InteropDriver --serve: scenarios are sent one a line and answered with a result line.
 * A scenario that outlives its timeout gets the JVM killed (it may be stuck in a client call); the next scenario
 * starts a fresh one. close() ends stdin, on which the driver exits; it also exits by itself if this process dies.
 */
export class JavaDriver {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly tail = new OutputTail();
  private nextId = 1;

  /**
   * `mainClass` serves the same protocol as InteropDriver (SslScenarios adds its family to it); `jvmFlags` are
   * added to the JVM's command line.
   */
  constructor(
    private readonly classpath: string,
    private readonly mainClass = 'InteropDriver',
    private readonly jvmFlags: readonly string[] = [],
  ) {}

  /** Runs a scenario; resolves with its summary, rejects with the scenario's failure text and recent JVM output. */
  async run(scenario: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
    for (const value of [scenario, ...args]) {
      if (/[\t\r\n]/.test(value)) throw new Error(`interop: scenario arguments cannot hold tabs or newlines: ${value}`);
    }
    const child = await this.start();
    const id = String(this.nextId++);
    const what = `${scenario} ${args.join(' ')}`.trim();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`interop: ${what} gave no result within ${timeoutMs} ms\n--- JVM output ---\n${this.tail.text()}`),
        );
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, what });
      child.stdin.write(`${[id, scenario, ...args].join('\t')}\n`);
    });
  }

  /** Ends the JVM: closes its stdin and waits, then kills it if it lingers. */
  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    this.ready = undefined;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    child?.kill('SIGKILL');
  }

  private start(): Promise<ChildProcessWithoutNullStreams> {
    if (this.child !== undefined && this.ready !== undefined) {
      const child = this.child;
      return this.ready.then(() => child);
    }
    const child = spawn('java', [...JVM_FLAGS, ...this.jvmFlags, '-cp', this.classpath, this.mainClass, '--serve'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`interop: cannot start java: ${err.message}`)));
      child.once('exit', (code, signal) =>
        reject(new Error(`interop: Java driver exited before it was ready (${code ?? signal})\n${this.tail.text()}`)),
      );
      forEachLine(child.stdout, (line) => {
        if (line === '@@READY') {
          resolve();
          return;
        }
        const result = parseResultLine(line);
        if (result === undefined) {
          this.tail.push(line);
          return;
        }
        const waiter = this.pending.get(result.id);
        if (waiter === undefined) return;
        this.pending.delete(result.id);
        clearTimeout(waiter.timer);
        if (result.passed) waiter.resolve(result.text);
        else waiter.reject(new Error(`${waiter.what}: ${result.text}\n--- JVM output ---\n${this.tail.text()}`));
      });
    });
    forEachLine(child.stderr, (line) => this.tail.push(line));
    child.on('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${waiter.what}: Java driver exited (${code ?? signal})\n${this.tail.text()}`));
      }
    });
    // A rejected ready promise must not surface as an unhandled rejection when nobody awaits it yet.
    this.ready.catch(() => undefined);
    return this.ready.then(() => child);
  }
}
