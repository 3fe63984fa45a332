/** The shape of a benchmark run's results, and the medians and ratios computed from the rounds. */
import type { Machine, Versions } from './machine.js';
import type { BrokerName } from './options.js';
import type { Client } from './scenarios.js';
import { median, ratio } from './stats.js';

/** One broker's run of one scenario round. `error` is set when the round failed (start, generator, loss). */
export interface RoundResult {
  round: number;
  error?: string;
  sent: number;
  received: number;
  lost: number;
  duplicates: number;
  sendRate: number;
  receiveRate: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  rssPeakMiB: number;
  cpuSeconds: number;
  /** (RSS with the idle connections open - RSS before) / idle connections; only in scenarios with idle ones. */
  memPerConnectionKiB?: number;
  /** The machine's 1-minute load average just before the broker was started for this round. */
  load1?: number;
  /** load1 was above the run's --max-load: something else shared the machine; the figures are suspect. */
  busy?: boolean;
}

/** [min, max] over the rounds that succeeded. */
export type Range = [number, number];

export interface BrokerSummary {
  roundsOk: number;
  rounds: number;
  /** The first error, when no round succeeded (the row is then unavailable) or some failed. */
  error?: string;
  sendRate?: number;
  receiveRate?: number;
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
  rssPeakMiB?: number;
  cpuSeconds?: number;
  memPerConnectionKiB?: number;
  /** Summed over every round, failed ones included: must be zero. */
  lost: number;
  duplicates: number;
  /** Spread of the successful rounds behind each median (only with more than one). */
  range?: { receiveRate: Range; p50Ms: Range; p99Ms: Range; p999Ms: Range };
  /** Rounds (run or refused) that started on a busy machine. */
  busyRounds?: number;
}

export interface ScenarioResult {
  name: string;
  title: string;
  description: string;
  client: Client;
  brokers: Partial<Record<BrokerName, { summary: BrokerSummary; rounds: RoundResult[] }>>;
  /** TideMQ / ActiveMQ of the medians; throughput above 1 and latency/memory below 1 favour TideMQ. */
  ratio: { receiveRate?: number; p99Ms?: number; rssPeakMiB?: number; memPerConnectionKiB?: number };
}

export interface RunResult {
  date: string;
  quick: boolean;
  rounds: number;
  machine: Machine;
  versions: Versions;
  /** The --max-load a round's starting load average was compared with. */
  maxLoad?: number;
  scenarios: ScenarioResult[];
}

/** Medians over the rounds that succeeded; loss counts over all of them. */
export function summarize(rounds: readonly RoundResult[]): BrokerSummary {
  const ok = rounds.filter((r) => r.error === undefined);
  const med = (f: (r: RoundResult) => number | undefined): number | undefined => {
    const v = ok.map(f).filter((x): x is number => x !== undefined);
    return median(v);
  };
  const s: BrokerSummary = {
    roundsOk: ok.length,
    rounds: rounds.length,
    lost: rounds.reduce((a, r) => a + r.lost, 0),
    duplicates: rounds.reduce((a, r) => a + r.duplicates, 0),
  };
  const firstError = rounds.find((r) => r.error !== undefined)?.error;
  if (firstError !== undefined) s.error = firstError;
  const busy = rounds.filter((r) => r.busy === true).length;
  if (busy > 0) s.busyRounds = busy;
  if (ok.length === 0) return s;
  if (ok.length > 1) {
    const range = (f: (r: RoundResult) => number): Range => {
      const v = ok.map(f);
      return [Math.min(...v), Math.max(...v)];
    };
    s.range = {
      receiveRate: range((r) => r.receiveRate),
      p50Ms: range((r) => r.p50Ms),
      p99Ms: range((r) => r.p99Ms),
      p999Ms: range((r) => r.p999Ms),
    };
  }
  s.sendRate = med((r) => r.sendRate);
  s.receiveRate = med((r) => r.receiveRate);
  s.p50Ms = med((r) => r.p50Ms);
  s.p99Ms = med((r) => r.p99Ms);
  s.p999Ms = med((r) => r.p999Ms);
  s.rssPeakMiB = med((r) => r.rssPeakMiB);
  s.cpuSeconds = med((r) => r.cpuSeconds);
  const m = med((r) => r.memPerConnectionKiB);
  if (m !== undefined) s.memPerConnectionKiB = m;
  return s;
}

export function ratios(t: BrokerSummary | undefined, a: BrokerSummary | undefined): ScenarioResult['ratio'] {
  const out: ScenarioResult['ratio'] = {};
  const set = (k: keyof ScenarioResult['ratio']): void => {
    const r = ratio(t?.[k], a?.[k]);
    if (r !== undefined) out[k] = r;
  };
  set('receiveRate');
  set('p99Ms');
  set('rssPeakMiB');
  set('memPerConnectionKiB');
  return out;
}
