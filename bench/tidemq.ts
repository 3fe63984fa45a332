/**
 * TideMQ under test, started through its CLI like a user would, from the same activemq.xml ActiveMQ gets:
 *   node dist/src/cli/main.js start --config <dir>/activemq.xml --bind 127.0.0.1 --openwire-port <p>
 *        --stomp-port <p> --data-dir <dir> [--persistent false]
 * Without --config, `tidemq start` uses its embedded default, which (like ActiveMQ's stock activemq.xml) limits
 * each connector to 1,000 connections; the benchmark's ActiveMQ configuration has no such limit, and
 * idle-connections opens 1,002. One file for both brokers keeps them configured alike.
 * It is ready once it has printed "Connector <name> started at <uri>" for the connectors the scenario uses.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { activemqXml } from './activemq.js';
import type { BrokerLaunch, BrokerPorts } from './broker-process.js';

const connectorLine = /Connector (\S+) started at (\S+)/;

/** Names of the connectors that reported themselves started in these output lines. */
export function startedConnectors(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    const m = connectorLine.exec(l);
    if (m !== null) out.set(m[1]!, m[2]!);
  }
  return out;
}

export function tidemqMain(repoRoot: string): string {
  return join(repoRoot, 'dist', 'src', 'cli', 'main.js');
}

export function tidemqVersion(repoRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface TideMQConfig {
  ports: BrokerPorts;
  persistent: boolean;
  dataDir: string;
  /** systemUsage memoryUsage limit written into the shared activemq.xml (see ActiveMQConfig). */
  memoryLimit?: string;
  /** When set, node writes a CPU profile (--cpu-prof) into this directory under this name when TideMQ exits. */
  profile?: { dir: string; name: string };
}

/** `needs`: the connectors this scenario uses; only they must have reported started (STOMP may land first). */
export function tidemqLaunch(repoRoot: string, c: TideMQConfig, needs: readonly string[]): BrokerLaunch {
  const main = tidemqMain(repoRoot);
  if (!existsSync(main)) throw new Error(`${main} is missing: build TideMQ first (npm run build)`);
  mkdirSync(c.dataDir, { recursive: true });
  const config = join(dirname(c.dataDir), 'activemq.xml');
  writeFileSync(
    config,
    activemqXml({
      ports: c.ports,
      persistent: c.persistent,
      dataDir: c.dataDir,
      ...(c.memoryLimit === undefined ? {} : { memoryLimit: c.memoryLimit }),
    }),
  );
  const prof =
    c.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', c.profile.dir, '--cpu-prof-name', c.profile.name];
  const args = [
    ...prof,
    main,
    'start',
    '--config',
    config,
    '--bind',
    '127.0.0.1',
    '--openwire-port',
    String(c.ports.openwire),
    '--stomp-port',
    String(c.ports.stomp),
    '--data-dir',
    c.dataDir,
  ];
  if (!c.persistent) args.push('--persistent', 'false');
  return {
    command: process.execPath,
    args,
    cwd: repoRoot,
    readyWhen: (lines) => {
      const started = startedConnectors(lines);
      return needs.every((n) => started.has(n));
    },
  };
}
