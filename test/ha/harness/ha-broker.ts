import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { cliCommand } from '../../crash/harness/broker-process.js';
import { brokerXml } from '../../crash/harness/broker-xml.js';
import { freePort } from '../../interop/harness/free-port.js';
import { forEachLine, OutputTail } from '../../interop/harness/output-tail.js';
import { repoRoot } from '../../interop/harness/paths.js';

/** The log lines master/slave is judged by. */
export const SLAVE_WAITING = /This broker is now in slave mode waiting a lock to be acquired/;
export const NOW_MASTER = /is now the master: it holds the store's lock/;
export const STARTED = /\bBroker \S+ started\b/;
export const OPENWIRE_OPEN = /Connector openwire started at/;
export const LOCK_LOST = /no longer able to keep the exclusive lock so giving up being a master/;

/** One `tidemq start --config` process of a master/slave pair: it may be a slave that never says it started. */
export interface HaBroker {
  readonly name: string;
  readonly pid: number;
  readonly openwirePort: number;
  readonly stompPort: number;
  readonly output: OutputTail;
  /** performance.now() when the first line matching `re` arrived, or undefined. */
  lineAt(re: RegExp): number | undefined;
  /** Resolves with the arrival time of the first line matching `re`; rejects when the process exits first. */
  waitLine(re: RegExp, timeoutMs?: number): Promise<number>;
  readonly exit: Promise<number | null>;
  readonly exited: boolean;
  signal(s: NodeJS.Signals): void;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

export interface PairOptions {
  /** ms; short so the tests run quickly (ActiveMQ's default is 10000). */
  readonly lockAcquireSleepInterval?: number;
  readonly lockKeepAlivePeriod?: number;
  readonly failIfLocked?: boolean;
  /** Connector ports (a broker restarted in a failover: URL keeps its place); picked free when absent. */
  readonly ports?: { readonly openwire: number; readonly stomp: number };
}

/** A temp directory holding one kahaDB directory for brokers to share; removed when the test ends (t given). */
export function sharedStore(t: TestContext | null): { root: string; kahadb: string } {
  const root = mkdtempSync(join(tmpdir(), 'tidemq-ha-'));
  t?.after(() => rmSync(root, { recursive: true, force: true }));
  return { root, kahadb: join(root, 'kahadb') };
}

/**
 * Starts a broker on the shared store with connector ports of its own picked in advance (a failover: URL must
 * name the slave's before it listens). Does not wait: use waitLine. Killed when the test ends.
 */
export async function spawnHaBroker(
  t: TestContext | null,
  store: { root: string; kahadb: string },
  name: string,
  o: PairOptions = {},
): Promise<HaBroker> {
  const config = join(store.root, `${name}.xml`);
  const locker = [
    o.lockAcquireSleepInterval === undefined ? '' : ` lockAcquireSleepInterval="${o.lockAcquireSleepInterval}"`,
    o.failIfLocked === undefined ? '' : ` failIfLocked="${o.failIfLocked}"`,
  ].join('');
  writeFileSync(
    config,
    brokerXml({
      directory: store.kahadb,
      ...(o.lockKeepAlivePeriod === undefined
        ? {}
        : { kahaDB: { lockKeepAlivePeriod: String(o.lockKeepAlivePeriod) } }),
      locker: `<shared-file-locker${locker}/>`,
    }),
  );
  return spawnConfigured(t, config, name, o.ports);
}

/** `tidemq start --config` on a written activemq.xml, with connector ports given or picked free in advance. */
export async function spawnConfigured(
  t: TestContext | null,
  config: string,
  name: string,
  ports?: { readonly openwire: number; readonly stomp: number },
): Promise<HaBroker> {
  const openwire = ports?.openwire ?? (await freePort());
  const stomp = ports?.stomp ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      ...cliCommand(),
      'start',
      '--config',
      config,
      '--bind',
      '127.0.0.1',
      '--openwire-port',
      String(openwire),
      '--stomp-port',
      String(stomp),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot() },
  );
  return superviseBroker(t, child, name, { openwire, stomp });
}

/**
 * Watches a broker process (TideMQ here, ActiveMQ's JVM in bench/failover-bench.ts): its output lines with their
 * arrival times, its exit, and signals. Killed when the test ends (t given).
 */
export function superviseBroker(
  t: TestContext | null,
  child: ChildProcess,
  name: string,
  ports: { readonly openwire: number; readonly stomp: number },
): HaBroker {
  const openwirePort = ports.openwire;
  const stompPort = ports.stomp;
  const output = new OutputTail(400);
  const seen: { line: string; at: number }[] = [];
  const watchers: { re: RegExp; resolve: (at: number) => void }[] = [];
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exit.then(() => (exited = true));
  const onLine = (line: string): void => {
    const at = performance.now();
    output.push(line);
    if (seen.length < 5000) seen.push({ line, at });
    for (const w of watchers.splice(0)) {
      if (w.re.test(line)) w.resolve(at);
      else watchers.push(w);
    }
  };
  forEachLine(child.stdout!, onLine);
  forEachLine(child.stderr!, onLine);
  const broker: HaBroker = {
    name,
    pid: child.pid!,
    openwirePort,
    stompPort,
    output,
    lineAt: (re) => seen.find((s) => re.test(s.line))?.at,
    waitLine(re, timeoutMs = 30_000) {
      const already = broker.lineAt(re);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms\n${output.text()}`)),
          timeoutMs,
        );
        watchers.push({
          re,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
        void exit.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) before a line matching ${re}\n${output.text()}`));
        });
      });
    },
    exit,
    get exited() {
      return exited;
    },
    signal(s) {
      if (!exited) child.kill(s);
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (!exited) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      return exit;
    },
  };
  t?.after(async () => {
    child.kill('SIGCONT');
    await broker.kill();
  });
  return broker;
}
