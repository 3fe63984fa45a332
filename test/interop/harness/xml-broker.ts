import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ACTIVEMQ_HOME, LOG4J_PROPERTIES } from './activemq-broker.js';
import type { BrokerKind } from './broker.js';
import { canConnect, freePort } from './free-port.js';
import type { InteropClasses } from './java-build.js';
import { forEachLine, OutputTail } from './output-tail.js';
import { repoRoot } from './paths.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Writes the activemq.xml a test supplies: given a port per connector name (0 for TideMQ, which reports what
 * it bound; a free port for ActiveMQ, which the launcher picks) and the run's data directory.
 */
export type XmlFactory = (ports: Readonly<Record<string, number>>, dataDir: string) => string;

/** A broker started from a test's own activemq.xml; connector URLs by name, as `scheme://127.0.0.1:port`. */
export interface XmlBroker {
  readonly kind: BrokerKind;
  readonly urls: ReadonlyMap<string, string>;
  /** Everything the broker printed so far. */
  readonly output: readonly string[];
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no shutdown hook runs; then the same clean-up as stop(). */
  kill(): Promise<void>;
}

/**
 * Small additions for brokers that must know each other's ports before any of them starts (a network of
 * brokers names its peers in its activemq.xml) and survive a restart.
 */
export interface XmlBrokerOptions {
  /** The port of every connector, chosen by the caller; TideMQ binds them too instead of 0. */
  readonly ports?: Readonly<Record<string, number>>;
  /**
   * A directory the caller owns and removes: the broker keeps its store (and, for ActiveMQ, conf/ and tmp/) there,
   * and stop() leaves it, so a restart on the same directory recovers what the broker had stored.
   */
  readonly dataDir?: string;
}

/**
 * Starts the broker of the given kind on the same activemq.xml: TideMQ through `tidemq start --config` (the
 * built dist/), Debian's ActiveMQ through its console Main as activemq-broker.ts does. `connectors` names the
 * transportConnectors to wait for.
 */
export function startXmlBroker(
  kind: BrokerKind,
  classes: InteropClasses,
  connectors: readonly string[],
  xml: XmlFactory,
  options: XmlBrokerOptions = {},
): Promise<XmlBroker> {
  return kind === 'activemq' ? startActiveMQ(classes, connectors, xml, options) : startTideMQ(connectors, xml, options);
}

interface Child {
  readonly output: string[];
  readonly exited: Promise<void>;
  hasExited(): boolean;
  stop(): Promise<void>;
  kill(): Promise<void>;
  waitFor(done: () => boolean, what: string): Promise<void>;
}

function watch(child: ReturnType<typeof spawn>, stopChild: () => void, cleanup: () => void): Child {
  const output: string[] = [];
  const tail = new OutputTail(120);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });
  const listeners = new Set<() => void>();
  const onLine = (line: string): void => {
    output.push(line);
    tail.push(line);
    for (const l of listeners) l();
  };
  forEachLine(child.stdout!, onLine);
  forEachLine(child.stderr!, onLine);
  return {
    output,
    exited: exit,
    hasExited: () => exited,
    async stop() {
      if (!exited) {
        stopChild();
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      cleanup();
    },
    async kill() {
      if (!exited) {
        child.kill('SIGKILL');
        await exit;
      }
      cleanup();
    },
    waitFor(done, what) {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = (): void => {
          if (done()) finish();
        };
        const timer = setTimeout(
          () => finish(new Error(`interop: ${what} not seen within ${START_TIMEOUT_MS} ms\n${tail.text()}`)),
          START_TIMEOUT_MS,
        );
        listeners.add(check);
        void exit.then(() => finish(new Error(`interop: the broker exited during start-up\n${tail.text()}`)));
        child.once('error', (err) => finish(new Error(`interop: cannot start the broker: ${err.message}`)));
        check();
      });
    },
  };
}

async function startTideMQ(
  connectors: readonly string[],
  xml: XmlFactory,
  options: XmlBrokerOptions,
): Promise<XmlBroker> {
  const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`interop: ${cli} not found; build TideMQ first (npx tsc -p .)`);
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tidemq-interop-xml-'));
  mkdirSync(dataDir, { recursive: true });
  const config = join(dataDir, 'activemq.xml');
  writeFileSync(config, xml(Object.fromEntries(connectors.map((c) => [c, options.ports?.[c] ?? 0])), dataDir));
  const child = spawn(process.execPath, [cli, 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: repoRoot(),
  });
  const c = watch(
    child,
    () => child.kill('SIGTERM'),
    () => {
      if (owned) rmSync(dataDir, { recursive: true, force: true });
    },
  );
  const urls = new Map<string, string>();
  try {
    await c.waitFor(
      () => {
        for (const line of c.output) {
          const m = /Connector (\S+) started at (\S+)/.exec(line);
          if (m) urls.set(m[1]!, m[2]!);
        }
        return connectors.every((name) => urls.has(name));
      },
      `TideMQ connectors ${connectors.join(', ')}`,
    );
  } catch (err) {
    await c.stop();
    throw err;
  }
  return { kind: 'tidemq', urls, output: c.output, stop: () => c.stop(), kill: () => c.kill() };
}

async function startActiveMQ(
  classes: InteropClasses,
  connectors: readonly string[],
  xml: XmlFactory,
  options: XmlBrokerOptions,
): Promise<XmlBroker> {
  const runJar = join(ACTIVEMQ_HOME, 'bin', 'activemq.jar');
  if (!existsSync(runJar)) throw new Error(`interop: ${runJar} not found; install Debian's activemq package`);
  const owned = options.dataDir === undefined;
  const base = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tidemq-interop-activemq-xml-'));
  const conf = join(base, 'conf');
  const data = join(base, 'data');
  const tmp = join(base, 'tmp');
  for (const dir of [conf, data, tmp]) mkdirSync(dir, { recursive: true });
  const ports: Record<string, number> = {};
  for (const name of connectors) {
    const given = options.ports?.[name];
    if (given !== undefined) {
      ports[name] = given;
      continue;
    }
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[name] = port;
  }
  const file = join(conf, 'activemq.xml');
  const text = xml(ports, data);
  writeFileSync(file, text);
  writeFileSync(join(conf, 'log4j.properties'), LOG4J_PROPERTIES);
  const child = spawn(
    'java',
    [
      '-Xms64m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${tmp}`,
      `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
      `-Dactivemq.home=${ACTIVEMQ_HOME}`,
      `-Dactivemq.base=${base}`,
      `-Dactivemq.conf=${conf}`,
      `-Dactivemq.data=${data}`,
      '-cp',
      [classes.classDir, runJar].join(delimiter),
      'ParentWatchdog',
      'org.apache.activemq.console.Main',
      'start',
      `xbean:file:${file}`,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], cwd: base },
  );
  const c = watch(
    child,
    () => child.stdin.end(),
    () => {
      if (owned) rmSync(base, { recursive: true, force: true });
    },
  );
  try {
    // BrokerService logs "Apache ActiveMQ 5.17.2 (<brokerName>, ID:...) started" once every connector is up.
    await c.waitFor(() => c.output.some((l) => /Apache ActiveMQ \S+ \([^,]+, [^)]*\) started/.test(l)), 'ActiveMQ');
    for (const name of connectors) {
      if (!(await canConnect('127.0.0.1', ports[name]!))) {
        throw new Error(`interop: ActiveMQ started but connector ${name} (port ${ports[name]}) refuses connections`);
      }
    }
  } catch (err) {
    await c.stop();
    throw err;
  }
  const urls = new Map<string, string>();
  for (const name of connectors) {
    const scheme = new RegExp(`name="${name}" uri="([a-z+]+)://`).exec(text)?.[1] ?? 'tcp';
    urls.set(name, `${scheme}://127.0.0.1:${ports[name]}`);
  }
  return { kind: 'activemq', urls, output: c.output, stop: () => c.stop(), kill: () => c.kill() };
}
