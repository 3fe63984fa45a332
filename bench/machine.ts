/** The machine and software versions a run happened on, recorded in the JSON and printed in the chart. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { activemqVersion } from './activemq.js';
import { tidemqVersion } from './tidemq.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
}

export interface Versions {
  node: string;
  tidemq: string;
  activemq: string;
  java: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model.trim() ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m !== null) cpu = m[1]!.trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { cpu, cores: cpus().length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10 };
}

function javaVersion(): string {
  // `java -version` prints to stderr: openjdk version "17.0.15" 2025-04-15
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const line = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n')[0]?.trim() ?? '';
  return line === '' ? 'unknown' : line;
}

function gitRevision(repoRoot: string): string {
  try {
    return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function versions(repoRoot: string): Versions {
  const java = javaVersion();
  const m = /version "([^"]+)"/.exec(java);
  const rev = gitRevision(repoRoot);
  return {
    node: process.version,
    tidemq: tidemqVersion(repoRoot) + (rev === '' ? '' : ` (${rev})`),
    activemq: activemqVersion(),
    java: m === null ? java : m[1]!,
  };
}
