import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostAndPort, type BrokerSetup, type InteropBroker } from './broker.js';
import { forEachLine, OutputTail } from './output-tail.js';
import { repoRoot } from './paths.js';
import { ACTIVEMQ_USER, activemqXml } from './activemq-broker.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** A connector the TideMQ CLI announced: `Connector openwire started at tcp://127.0.0.1:40123`. */
export interface AnnouncedConnector {
  readonly name: string;
  readonly url: string;
}

export function parseConnectorLine(line: string): AnnouncedConnector | undefined {
  const match = /Connector (\S+) started at (\S+)/.exec(line);
  return match === null ? undefined : { name: match[1]!, url: match[2]! };
}

/**
 * Starts the built TideMQ (dist/src/cli/main.js) as a child process on loopback with OpenWire and STOMP on port 0,
 * and learns the ports from its "Connector <name> started at <url>" lines (stdout or stderr). It runs the very
 * activemq.xml the ActiveMQ launcher gives the real broker (simpleAuthenticationPlugin with anonymous access),
 * with the connector ports overridden to 0 — the same file drives both brokers.
 */
export async function startTideMQ(setup?: BrokerSetup): Promise<InteropBroker> {
  // INTEROP_TIDEMQ_FROM_SOURCE=1 runs src/cli/main.ts through tsx instead of the build (no npm run build needed).
  const fromSource = process.env['INTEROP_TIDEMQ_FROM_SOURCE'] === '1';
  const cli = fromSource
    ? join(repoRoot(), 'src', 'cli', 'main.ts')
    : join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) {
    throw new Error(
      `interop: ${cli} not found; build TideMQ first (npm run build) or run with INTEROP_BROKER=activemq`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemq-interop-data-'));
  const config = join(dataDir, 'activemq.xml');
  writeFileSync(config, (setup?.xml ?? activemqXml)({ dataDir, openwirePort: 61616, stompPort: 61613 }));
  // Beside activemq.xml, where TideMQ (like ActiveMQ's launcher) looks for login.config.
  for (const [name, text] of Object.entries(setup?.confFiles ?? {})) writeFileSync(join(dataDir, name), text);
  const child = spawn(
    process.execPath,
    [
      ...(fromSource ? ['--import', 'tsx'] : []),
      cli,
      'start',
      '--config',
      config,
      '--bind',
      '127.0.0.1',
      '--openwire-port',
      '0',
      '--stomp-port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot(), env: { ...process.env, ...setup?.env } },
  );
  const tail = new OutputTail(120);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const connectors = new Map<string, string>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `interop: TideMQ did not announce both openwire and stomp connectors within ${START_TIMEOUT_MS} ms ` +
                `(got ${[...connectors.keys()].join(', ') || 'none'})\n${tail.text()}`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      let grace: NodeJS.Timeout | undefined;
      const onLine = (line: string): void => {
        tail.push(line);
        // Once the broker says it has started, every connector has announced itself: give stragglers a moment,
        // then fail at once instead of waiting out the timeout for a connector that does not exist.
        if (grace === undefined && /\bBroker \S+ started\b/.test(line)) {
          grace = setTimeout(() => {
            clearTimeout(timer);
            reject(
              new Error(
                `interop: TideMQ started without ${connectors.has('openwire') ? 'a stomp' : 'an openwire'} connector ` +
                  `(got ${[...connectors.keys()].join(', ') || 'none'})\n${tail.text()}`,
              ),
            );
          }, 2000);
        }
        const connector = parseConnectorLine(line);
        if (connector === undefined) return;
        connectors.set(connector.name, connector.url);
        if (connectors.has('openwire') && connectors.has('stomp')) {
          clearTimeout(timer);
          clearTimeout(grace);
          resolve();
        }
      };
      forEachLine(child.stdout, onLine);
      forEachLine(child.stderr, onLine);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`interop: cannot start TideMQ: ${err.message}`));
      });
      void exit.then(() => {
        clearTimeout(timer);
        clearTimeout(grace);
        reject(
          new Error(`interop: TideMQ exited during start-up (${child.exitCode ?? child.signalCode})\n${tail.text()}`),
        );
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const openwire = hostAndPort(connectors.get('openwire')!);
  return {
    kind: 'tidemq',
    openwireUrl: `tcp://${openwire.host.includes(':') ? `[${openwire.host}]` : openwire.host}:${openwire.port}`,
    stomp: hostAndPort(connectors.get('stomp')!),
    auth: setup === undefined ? ACTIVEMQ_USER : setup.auth,
    stop,
  };
}
