/**
 * What the stand-alone side-by-side scripts (backlog-bench.ts, flood-bench.ts) share with `npm run bench`: both
 * brokers launched from one activemq.xml, rounds in alternating order, the machine's load recorded before each
 * run, and figures reported as the median of the rounds with their range.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { activemqLaunch } from './activemq.js';
import type { BrokerLaunch, BrokerPorts } from './broker-process.js';
import { median } from './stats.js';
import { tidemqLaunch } from './tidemq.js';

export type BrokerKind = 'tidemq' | 'activemq';
export const brokerKinds: readonly BrokerKind[] = ['tidemq', 'activemq'];
export const brokerTitle = (k: BrokerKind): string => (k === 'tidemq' ? 'TideMQ' : 'ActiveMQ 5.17');

/** Both connectors, KahaDB in dataDir/kahadb, the given memoryUsage limit: the same file for either broker. */
export function launchBroker(
  kind: BrokerKind,
  repoRoot: string,
  base: string,
  ports: BrokerPorts,
  memoryLimit: string,
): BrokerLaunch {
  const dataDir = join(base, 'data');
  return kind === 'tidemq'
    ? tidemqLaunch(repoRoot, { ports, persistent: true, dataDir, memoryLimit }, ['openwire', 'stomp'])
    : activemqLaunch(base, { ports, persistent: true, dataDir, memoryLimit });
}

/** Round 1, 3, … TideMQ first; round 2, 4, … ActiveMQ first (as run.ts), so drift favours neither. */
export function roundOrder(round: number, brokers: readonly BrokerKind[]): BrokerKind[] {
  return round % 2 === 1 ? [...brokers] : [...brokers].reverse();
}

export interface MachineLoad {
  /** The 1-minute load average when the run started. */
  load1: number;
  cores: number;
  /** load1 > the threshold (the core count by default): the run shared the machine and its figures are suspect. */
  overloaded: boolean;
}

/** The load now; `maxLoad` (default: the core count) is the threshold above which the machine counts as busy. */
export function machineLoad(maxLoad?: number): MachineLoad {
  const load1 = Math.round(loadavg()[0]! * 100) / 100;
  const cores = cpus().length;
  return { load1, cores, overloaded: load1 > (maxLoad ?? cores) };
}

/**
 * Waits up to `seconds` for the 1-minute load average to fall to `maxLoad`, polling every `pollMs`: the previous
 * round's own load otherwise marks the next one busy (the average decays over about a minute). Returns the load
 * it ended with; waiting does not hide a busy machine, it only lets this benchmark's own load pass.
 */
export async function settleLoad(
  seconds: number,
  maxLoad: number | undefined,
  onWait: (load: MachineLoad) => void = () => {},
  pollMs = 2000,
  sample: (max?: number) => MachineLoad = machineLoad,
): Promise<MachineLoad> {
  let load = sample(maxLoad);
  if (!load.overloaded || seconds <= 0) return load;
  onWait(load);
  const deadline = Date.now() + seconds * 1000;
  while (load.overloaded && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    load = sample(maxLoad);
  }
  return load;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many rounds gave a value. */
  n: number;
}

/** Median and range of the defined values; undefined when there are none (every round failed). */
export function spread(values: readonly (number | undefined)[]): Spread | undefined {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  const m = median(v);
  if (m === undefined) return undefined;
  return { median: m, min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** "12,345 (11,000–13,000)"; a single round shows just the value. */
export function formatSpread(s: Spread | undefined, digits = 0, unit = ''): string {
  if (s === undefined) return 'failed';
  const f = (x: number): string =>
    x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) + unit;
  return s.n === 1 || s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** The load column of a round: "3.10" or "3.10 *" when the machine was overloaded. */
export function formatLoad(l: MachineLoad): string {
  return l.load1.toFixed(2) + (l.overloaded ? ' *' : '');
}

/** A timestamp usable in a file name: 2026-12-03T11-52-00Z. */
export function fileStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

/** Parses --brokers tidemq,activemq. */
export function parseBrokers(v: string): BrokerKind[] {
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = names.filter((n) => !brokerKinds.includes(n as BrokerKind));
  if (bad.length > 0 || names.length === 0) throw new Error(`--brokers takes tidemq and/or activemq, not '${v}'`);
  return [...new Set(names as BrokerKind[])];
}

/** A small --flag value parser: every flag must be known, every value given; positional arguments refused. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!known.includes(flag)) throw new Error(`unknown option ${a}`);
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new Error(`${flag} needs a value`);
    out.set(flag, v);
  }
  return out;
}

/** An integer flag with a lower bound; the default when absent. */
export function intFlag(flags: Map<string, string>, name: string, fallback: number, min: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, not '${v}'`);
  return n;
}
