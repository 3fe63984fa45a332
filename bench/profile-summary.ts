/**
 * Self time by function from a V8 `.cpuprofile` (what `npm run bench -- --profile` writes): the summary
 * docs/benchmark.md quotes before and after each optimisation.
 *
 *   node dist/bench/profile-summary.js bench/results/profiles/<file>.cpuprofile [--top 15]
 *
 * Self time is estimated the way DevTools does: each sample is charged to the node it landed in, and each sample
 * lasts its `timeDeltas` entry. Idle and garbage-collector samples are kept as their own rows ("(idle)",
 * "(garbage collector)"), so the shares add up to the whole recording.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTimeRow {
  /** `function (file:line)`, the file relative to the repository when it is one of ours. */
  name: string;
  selfMs: number;
  /** Share of the recording, 0..1. */
  share: number;
}

function label(n: ProfileNode, root: string): string {
  const f = n.callFrame;
  const fn = f.functionName === '' ? '(anonymous)' : f.functionName;
  if (f.url === '') return fn;
  let file = f.url.startsWith('file://') ? fileURLToPath(f.url) : f.url;
  if (root !== '' && file.startsWith(root)) file = relative(root, file);
  return `${fn} (${file}:${f.lineNumber + 1})`;
}

/** The functions with the most self time, largest first; `root` shortens file names under it. */
export function selfTime(profile: CpuProfile, top = 15, root = ''): { totalMs: number; rows: SelfTimeRow[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    // timeDeltas[i] is the time since the previous sample: the sample before this one ran that long.
    const us = Math.max(0, deltas[i + 1] ?? 0);
    if (node === undefined) continue;
    const key = label(node, root);
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  }
  const rows = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: total > 0 ? us / total : 0 }));
  return { totalMs: total / 1000, rows };
}

/** A Markdown table of the rows, as docs/benchmark.md shows them. */
export function formatSelfTime(summary: { totalMs: number; rows: SelfTimeRow[] }): string {
  const lines = ['| self ms | share | function |', '| ---: | ---: | --- |'];
  for (const r of summary.rows) {
    lines.push(`| ${r.selfMs.toFixed(0)} | ${(r.share * 100).toFixed(1)}% | \`${r.name}\` |`);
  }
  lines.push(`| ${summary.totalMs.toFixed(0)} | 100% | (recorded) |`);
  return lines.join('\n');
}

function main(argv: string[]): number {
  let top = 15;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') {
      top = Number(argv[++i]);
      if (!Number.isInteger(top) || top < 1) {
        process.stderr.write('--top needs a positive integer\n');
        return 2;
      }
    } else files.push(argv[i]!);
  }
  if (files.length === 0) {
    process.stderr.write('usage: node dist/bench/profile-summary.js FILE.cpuprofile [--top N]\n');
    return 2;
  }
  const root = process.cwd() + '/';
  for (const f of files) {
    const profile = JSON.parse(readFileSync(f, 'utf8')) as CpuProfile;
    process.stdout.write(`${f}\n${formatSelfTime(selfTime(profile, top, root))}\n\n`);
  }
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
