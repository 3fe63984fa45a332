/** The plain-text table `npm run bench` prints: one block per scenario, a row per broker, then the ratios. */
import type { BrokerName } from './options.js';
import type { BrokerSummary, RunResult } from './results.js';

const columns = ['broker', 'ok', 'sent/s', 'recv/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'RSS MiB', 'CPU s', 'lost', 'dup'];

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined) return '-';
  if (digits === 0) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

function row(name: BrokerName, s: BrokerSummary): string[] {
  if (s.roundsOk === 0) {
    return [name, `0/${s.rounds}`, 'failed', '', '', '', '', '', '', String(s.lost), String(s.duplicates)];
  }
  return [
    name,
    `${s.roundsOk}/${s.rounds}`,
    fmt(s.sendRate),
    fmt(s.receiveRate),
    fmt(s.p50Ms, 2),
    fmt(s.p99Ms, 2),
    fmt(s.p999Ms, 2),
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

const x = (r: number | undefined): string => (r === undefined ? 'n/a' : r.toFixed(2) + 'x');

export function formatTable(run: RunResult): string {
  const out: string[] = [];
  const mode = run.quick ? 'quick mode, ' : '';
  out.push(`TideMQ benchmark ${run.date} (${mode}${run.rounds} round${run.rounds === 1 ? '' : 's'}, medians)`);
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
    for (const [name, b] of Object.entries(s.brokers) as [BrokerName, { summary: BrokerSummary }][]) {
      if (b.summary.memPerConnectionKiB !== undefined) {
        out.push(`  ${name}: ${b.summary.memPerConnectionKiB.toFixed(1)} KiB RSS per idle connection`);
      }
    }
    out.push(...errors);
  }
  return out.join('\n');
}
