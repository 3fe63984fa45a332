import os from 'node:os';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Logger } from '../util/logger.js';

/** ActiveMQ's launcher starts the JVM with -Xmx1G (ACTIVEMQ_OPTS_MEMORY in bin/env), the heap percentOfJvmHeap is of. */
export const DEFAULT_HEAP_BASE = 1024 * 1024 * 1024;
/** BrokerService's memoryUsage when systemUsage gives neither limit nor percentOfJvmHeap. */
const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;

/** What the heap base is computed from; the defaults read this process and machine. */
export interface HeapBaseInputs {
  /** Node's own flags (process.execArgv). */
  execArgv?: readonly string[];
  /** The NODE_OPTIONS environment variable. */
  nodeOptions?: string | undefined;
  /** Physical memory (os.totalmem()). */
  totalMemory?: number;
  /** The cgroup's memory limit (process.constrainedMemory()); 0, undefined or ≥ physical memory = none. */
  constrainedMemory?: number | undefined;
}

export interface HeapBase {
  bytes: number;
  /** Where the figure comes from, for the start-up log line. */
  source: string;
}

/**
 * What `percentOfJvmHeap` is a percentage of. Java's is of -Xmx, a figure the operator set; Node's own heap
 * limit is not (V8 derives it from the machine, 4 GiB here), so taking the percentage of it let the stock
 * percentOfJvmHeap="70" grow the broker to several GB. The base is, in this order:
 *  1. --max-old-space-size given to Node (in its flags or NODE_OPTIONS): the operator's -Xmx;
 *  2. otherwise 1 GiB, ActiveMQ's launcher default -Xmx1G, so the stock files mean what they mean on ActiveMQ,
 *     lowered to the cgroup's memory limit or the physical memory when either is smaller.
 */
export function heapBase(inputs: HeapBaseInputs = {}): HeapBase {
  const flags = [
    ...(inputs.execArgv ?? process.execArgv),
    ...splitOptions(inputs.nodeOptions ?? process.env['NODE_OPTIONS']),
  ];
  const explicit = maxOldSpaceSize(flags);
  if (explicit !== null) return { bytes: explicit * 1024 * 1024, source: `--max-old-space-size=${explicit}` };
  const total = inputs.totalMemory ?? os.totalmem();
  const constrained = 'constrainedMemory' in inputs ? inputs.constrainedMemory : process.constrainedMemory?.();
  const limits: HeapBase[] = [{ bytes: DEFAULT_HEAP_BASE, source: "1 GiB, ActiveMQ's default -Xmx1G" }];
  if (constrained !== undefined && constrained > 0 && constrained < total) {
    limits.push({ bytes: constrained, source: 'the cgroup memory limit' });
  }
  limits.push({ bytes: total, source: 'the physical memory' });
  return limits.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}

/** The last --max-old-space-size (MiB) in Node's flags, as V8 takes the last one; null when absent. */
export function maxOldSpaceSize(flags: readonly string[]): number | null {
  let found: number | null = null;
  for (let i = 0; i < flags.length; i++) {
    const m = /^--max[-_]old[-_]space[-_]size(?:=(.*))?$/.exec(flags[i]!);
    if (m === null) continue;
    const text = m[1] ?? flags[i + 1];
    const n = Number(text);
    if (text !== undefined && /^\d+$/.test(text) && n > 0) found = n;
  }
  return found;
}

function splitOptions(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(/\s+/).filter((s) => s.length > 0);
}

/**
 * systemUsage memoryUsage in bytes: its limit, or percentOfJvmHeap of the heap base above, or BrokerService's
 * 1 GiB. The result and where it comes from are logged at start, so an operator sees the figure and how to move it.
 */
export function memoryLimitOf(config: BrokerConfig, log: Logger, inputs: HeapBaseInputs = {}): number {
  const m = config.systemUsage.memoryUsage;
  const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (m.limit !== null) {
    log.info(`Memory limit ${mib(m.limit)} (systemUsage memoryUsage limit)`);
    return m.limit;
  }
  if (m.percentOfJvmHeap !== null) {
    const base = heapBase(inputs);
    const limit = Math.floor((base.bytes * m.percentOfJvmHeap) / 100);
    log.info(
      `Memory limit ${mib(limit)}: percentOfJvmHeap ${m.percentOfJvmHeap}% of ${mib(base.bytes)} (${base.source}; ` +
        'give Node --max-old-space-size=<MiB> to change the base)',
    );
    return limit;
  }
  log.info(`Memory limit ${mib(DEFAULT_MEMORY_LIMIT)} (ActiveMQ's default; set systemUsage memoryUsage to change it)`);
  return DEFAULT_MEMORY_LIMIT;
}
