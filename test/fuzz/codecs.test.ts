import { test } from 'node:test';
import fc from 'fast-check';
import { targets } from './targets.js';

/**
 * The short fuzz run inside `npm test`: a few hundred inputs per codec, seconds in all. The seed changes with
 * every run so the suite keeps exploring; fast-check prints it with the counterexample on failure, and
 * `FUZZ_SEED=<seed> node scripts/run-tests.mjs fuzz` replays it. The long run is `npm run fuzz` (docs/fuzzing.md).
 */
const seed =
  process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : Date.now() ^ (Math.random() * 0x7fffffff);
const runs = Number(process.env['FUZZ_RUNS'] ?? 300);

for (const target of targets) {
  test(`fuzz ${target.name} (${runs} inputs, seed ${seed})`, () => {
    fc.assert(target.property(2000), { numRuns: runs, seed });
  });
}
