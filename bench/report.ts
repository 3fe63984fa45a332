/** The plain-text table `npm run bench` prints: one block per scenario, a row per broker, then the ratios. */
import type { BrokerName } from './options.js';
import type { BrokerSummary, RoundResult, RunResult } from './results.js';

const columns = ['broker', 'ok', 'sent/s', 'recv/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'RSS MiB', 'CPU s', 'lost', 'dup'];

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined) return '-';
  if (digits === 0) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

/** "12,345 (11,000–13,000)": the median and, over several rounds, the range behind it. */
function withRange(median: number | undefined, range: [number, number] | undefined, digits: number): string {
  if (range === undefined || range[0] === range[1]) return fmt(median, digits);
  return `${fmt(median, digits)} (${fmt(range[0], digits)}–${fmt(range[1], digits)})`;
}

function row(name: BrokerName, s: BrokerSummary): string[] {
  // A busy round's figures are suspect: the row says how many of its rounds shared the machine.
  const label = s.busyRounds !== undefined ? `${name} *${s.busyRounds}` : name;
  if (s.roundsOk === 0) {
    return [label, `0/${s.rounds}`, 'failed', '', '', '', '', '', '', String(s.lost), String(s.duplicates)];
  }
  return [
    label,
    `${s.roundsOk}/${s.rounds}`,
    fmt(s.sendRate),
    withRange(s.receiveRate, s.range?.receiveRate, 0),
    withRange(s.p50Ms, s.range?.p50Ms, 2),
    withRange(s.p99Ms, s.range?.p99Ms, 2),
    withRange(s.p999Ms, s.range?.p999Ms, 2),
    fmt(s.rssPeakMiB),
    fmt(s.cpuSeconds, 2),
    String(s.lost),
    String(s.duplicates),
  ];
}

function layout(rows: string[][]): string[] {
  const widths = columns.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
}

/** "tidemq#1 0.52, activemq#1 0.80, activemq#2 2.31*": the load each round started with, busy ones starred. */
function loadLine(brokers: RunResult['scenarios'][number]['brokers'], maxLoad: number | undefined): string {
  const parts: { round: number; text: string }[] = [];
  for (const [name, b] of Object.entries(brokers) as [BrokerName, { rounds: RoundResult[] }][]) {
    for (const r of b.rounds) {
      if (r.load1 === undefined) continue;
      parts.push({ round: r.round, text: `${name}#${r.round} ${r.load1.toFixed(2)}${r.busy === true ? '*' : ''}` });
    }
  }
  if (parts.length === 0) return '';
  parts.sort((a, b) => a.round - b.round);
  const legend = maxLoad === undefined ? '' : ` (* = above ${maxLoad}: busy, figures suspect)`;
  return parts.map((p) => p.text).join(', ') + legend;
}

const x = (r: number | undefined): string => (r === undefined ? 'n/a' : r.toFixed(2) + 'x');

export function formatTable(run: RunResult): string {
  const out: string[] = [];
  const mode = run.quick ? 'quick mode, ' : '';
  out.push(
    `TideMQ benchmark ${run.date} (${mode}${run.rounds} round${run.rounds === 1 ? '' : 's'}, medians (min–max))`,
  );
  out.push(
    `${run.machine.cpu}, ${run.machine.cores} cores, ${run.machine.memoryGiB} GiB; node ${run.versions.node}, ` +
      `TideMQ ${run.versions.tidemq}, ActiveMQ ${run.versions.activemq}, Java ${run.versions.java}`,
  );
  for (const s of run.scenarios) {
    out.push('', `${s.name} [${s.client}]: ${s.description}`);
    const rows: string[][] = [columns];
    const errors: string[] = [];
    for (const [name, b] of Object.entries(s.brokers) as [BrokerName, { summary: BrokerSummary }][]) {
      rows.push(row(name, b.summary));
      if (b.summary.error !== undefined) errors.push(`  ${name}: ${b.summary.error.split('\n')[0]}`);
    }
    out.push(...layout(rows).map((l) => '  ' + l));
    if (s.brokers.tidemq !== undefined && s.brokers.activemq !== undefined) {
      const r = s.ratio;
      out.push(
        `  TideMQ/ActiveMQ: throughput ${x(r.receiveRate)}, p99 ${x(r.p99Ms)}, RSS ${x(r.rssPeakMiB)}` +
          (r.memPerConnectionKiB !== undefined ? `, memory per connection ${x(r.memPerConnectionKiB)}` : ''),
      );
    }
    const loads = loadLine(s.brokers, run.maxLoad);
    if (loads !== '') out.push(`  load before each round: ${loads}`);
    for (const [name, b] of Object.entries(s.brokers) as [BrokerName, { summary: BrokerSummary }][]) {
      if (b.summary.memPerConnectionKiB !== undefined) {
        out.push(`  ${name}: ${b.summary.memPerConnectionKiB.toFixed(1)} KiB RSS per idle connection`);
      }
    }
    out.push(...errors);
  }
  return out.join('\n');
}
