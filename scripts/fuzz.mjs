#!/usr/bin/env node
// The long fuzz run: `npm run fuzz -- --runs 1000000 [--seed N] [--only name,name] [--progress]`. Runs every target of
// test/fuzz/targets.ts (compiled to dist/) for --runs inputs each, in batches with consecutive seeds, and prints
// per target the inputs tried, the time taken, the process's max RSS so far and any finding (with the seed
// and path that replay it). Findings do not stop the run; the exit code is 1 if there was any.
import fc from 'fast-check';
import { targets } from '../dist/test/fuzz/targets.js';

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const runs = Number(option('runs', '100000'));
const baseSeed = Number(option('seed', String(Date.now() % 0x7fffffff)));
const only = option('only', '')
  .split(',')
  .filter((s) => s.length > 0);
// fast-check runs a batch synchronously; between batches the event loop turns, so what Node frees on the next tick
// (a zlib engine that failed is destroyed with a nextTick error) is freed, as it is in the broker between frames.
const batch = 1_000;
const budgetMs = Number(option('budget', '2000'));
const progress = args.includes('--progress');

let findings = 0;
console.log(`fuzz: ${runs} inputs per target, base seed ${baseSeed}, ${budgetMs} ms bound per input`);
for (const target of targets) {
  if (only.length > 0 && !only.includes(target.name)) continue;
  const start = performance.now();
  let done = 0;
  let seed = baseSeed;
  const found = [];
  while (done < runs) {
    const n = Math.min(batch, runs - done);
    const r = fc.check(target.property(budgetMs), { numRuns: n, seed });
    done += r.numRuns;
    if (r.failed) {
      found.push({ seed, path: r.counterexamplePath, error: String(r.errorInstance ?? r.error).split('\n')[0] });
      if (found.length >= 5) break;
    }
    seed++;
    await new Promise((resolve) => setImmediate(resolve));
    if (progress && done % 20_000 === 0) {
      const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
      const secs = ((performance.now() - start) / 1000).toFixed(0);
      console.log(`  ${target.name} ${done} inputs ${secs} s rss ${rss} MiB findings ${found.length}`);
    }
  }
  const secs = (performance.now() - start) / 1000;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  findings += found.length;
  console.log(
    `${target.name.padEnd(24)} ${String(done).padStart(9)} inputs ${secs.toFixed(1).padStart(8)} s ` +
      `${Math.round(done / secs)
        .toString()
        .padStart(7)}/s  max RSS ${rssMiB.toFixed(0)} MiB  findings ${found.length}`,
  );
  for (const f of found) console.log(`  seed ${f.seed} path ${f.path}: ${f.error}`);
}
process.exit(findings > 0 ? 1 : 0);
