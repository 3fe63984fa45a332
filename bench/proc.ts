/**
 * Reads a process's resident memory and CPU time from Linux /proc, the same figures `ps` and `top` show.
 * VmRSS (proc(5), /proc/<pid>/status) counts the JVM's touched heap as well as Node's, so memory compares like for
 * like; utime + stime (fields 14 and 15 of /proc/<pid>/stat, in clock ticks) is the CPU the broker burned.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** VmRSS in bytes from the text of /proc/<pid>/status; undefined when the line is missing (a zombie). */
export function parseRss(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m === null ? undefined : Number(m[1]) * 1024;
}

/**
 * VmHWM in bytes from the text of /proc/<pid>/status: the peak resident set since the process started, which
 * catches a peak between two samples. undefined when the line is missing.
 */
export function parseHwm(status: string): number | undefined {
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return m === null ? undefined : Number(m[1]) * 1024;
}

/** The peak resident set of a live process so far (VmHWM), or undefined if it has gone. */
export function peakRss(pid: number): number | undefined {
  try {
    return parseHwm(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime + stime in clock ticks from the text of /proc/<pid>/stat. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may itself contain spaces or ')': split after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('malformed /proc stat line');
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('malformed /proc stat line');
  return utime + stime;
}

let ticksPerSecond: number | undefined;

/** USER_HZ from getconf; 100 on every mainstream Linux, used if getconf is missing. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcSample {
  rssBytes: number;
  cpuSeconds: number;
}

/** A sample of a live process, or undefined if it has gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const rss = parseRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const ticks = parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (rss === undefined) return undefined;
    return { rssBytes: rss, cpuSeconds: ticks / clockTicks() };
  } catch {
    return undefined;
  }
}
