import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuTicks, parseHwm, parseRss, peakRss, sampleProcess } from './proc.js';

test('reads VmRSS in bytes', () => {
  assert.equal(parseRss('Name:\tjava\nVmPeak:\t  100 kB\nVmRSS:\t   2048 kB\nThreads: 3\n'), 2048 * 1024);
  assert.equal(parseRss('Name:\tzombie\n'), undefined);
});

test('reads the peak resident set (VmHWM), not the current one', () => {
  assert.equal(parseHwm('VmPeak:\t  100 kB\nVmHWM:\t   4096 kB\nVmRSS:\t   2048 kB\n'), 4096 * 1024);
  assert.equal(parseHwm('Name:\tzombie\n'), undefined);
  assert.ok((peakRss(process.pid) ?? 0) >= (sampleProcess(process.pid)?.rssBytes ?? Infinity) - 1024 * 1024);
});

test('reads utime + stime even when the command name has spaces and parentheses', () => {
  const line = '4242 (we ird) (x)) S 1 2 3 4 5 6 7 8 9 10 150 25 0 0 20 0 1 0 100 0 0';
  assert.equal(parseCpuTicks(line), 175);
  assert.throws(() => parseCpuTicks('garbage'), /malformed/);
});

test('samples this very process', () => {
  const s = sampleProcess(process.pid);
  assert.ok(s !== undefined && s.rssBytes > 0 && s.cpuSeconds >= 0);
  assert.equal(sampleProcess(2 ** 22 + 1), undefined);
});
