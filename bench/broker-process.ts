/**
 * One broker under test as a child process: start it, wait until every connector accepts TCP connections (or the
 * time limit passes, or it exits), and stop it (SIGTERM, then SIGKILL). The last lines of its output are kept for
 * the error report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

export interface BrokerPorts {
  openwire: number;
  stomp: number;
}

/** What a broker adapter (activemq.ts, tidemq.ts) produces for one scenario round. */
export interface BrokerLaunch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output lines that must be seen before the broker counts as started (besides its ports accepting). */
  readyWhen?: (lines: readonly string[]) => boolean;
}

export class BrokerProcess {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private exited = false;
  private exitInfo = '';
  private readonly exitPromise: Promise<void>;

  constructor(
    readonly name: string,
    launch: BrokerLaunch,
  ) {
    this.child = spawn(launch.command, launch.args, {
      env: launch.env ?? process.env,
      cwd: launch.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (line: string): void => {
      this.lines.push(line);
      if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
    };
    createInterface({ input: this.child.stdout! }).on('line', keep);
    createInterface({ input: this.child.stderr! }).on('line', keep);
    this.exitPromise = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.exited = true;
        this.exitInfo = `cannot start: ${e.message}`;
        resolve();
      });
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        this.exitInfo = `exited with ${signal ?? code}`;
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  /** The last lines the broker printed, for error reports. */
  tail(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }

  /** Resolves when all ports accept connections and readyWhen holds; rejects on exit or after timeoutMs. */
  async waitReady(ports: readonly number[], timeoutMs: number, readyWhen?: (lines: readonly string[]) => boolean) {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(ports);
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} ${this.exitInfo} before it was ready\n${this.tail()}`);
      if (readyWhen === undefined || readyWhen(this.lines)) {
        for (const p of [...pending]) if (await canConnect(p)) pending.delete(p);
        if (pending.size === 0) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not start within ${timeoutMs} ms\n${this.tail()}`);
  }

  /** Stops the broker: SIGTERM for a clean shutdown (which writes a CPU profile), SIGKILL after graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const killed = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(killed);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
