import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLoad,
  formatSpread,
  intFlag,
  parseBrokers,
  parseFlags,
  roundOrder,
  settleLoad,
  spread,
} from './side-by-side.js';

test('brokers alternate who goes first, as in npm run bench', () => {
  assert.deepEqual(roundOrder(1, ['tidemq', 'activemq']), ['tidemq', 'activemq']);
  assert.deepEqual(roundOrder(2, ['tidemq', 'activemq']), ['activemq', 'tidemq']);
  assert.deepEqual(roundOrder(3, ['tidemq', 'activemq']), ['tidemq', 'activemq']);
  assert.deepEqual(roundOrder(2, ['activemq']), ['activemq']);
});

test('a figure is the median of the rounds that gave one, with its range', () => {
  assert.deepEqual(spread([30, undefined, 10, 20]), { median: 20, min: 10, max: 30, n: 3 });
  assert.deepEqual(spread([4, 2]), { median: 3, min: 2, max: 4, n: 2 });
  assert.equal(spread([undefined, NaN]), undefined);
  assert.equal(formatSpread(spread([12000, 9000, 15000.4])), '12,000 (9,000–15,000)');
  assert.equal(formatSpread(spread([1.234]), 2), '1.23');
  assert.equal(formatSpread(undefined), 'failed');
});

test('a run that started above the core count is marked', () => {
  assert.equal(formatLoad({ load1: 3.5, cores: 2, overloaded: true }), '3.50 *');
  assert.equal(formatLoad({ load1: 0.4, cores: 2, overloaded: false }), '0.40');
});

test('flags: known ones with values, in both spellings; anything else refused by name', () => {
  const f = parseFlags(['--messages', '1_000', '--memory-limit=64 mb'], ['--messages', '--memory-limit']);
  assert.equal(intFlag(f, '--messages', 5, 1), 1000);
  assert.equal(f.get('--memory-limit'), '64 mb');
  assert.equal(intFlag(f, '--rounds', 3, 1), 3);
  assert.throws(() => parseFlags(['--nope', '1'], ['--messages']), /unknown option --nope/);
  assert.throws(() => parseFlags(['--messages'], ['--messages']), /--messages needs a value/);
  assert.throws(() => intFlag(parseFlags(['--messages', '0'], ['--messages']), '--messages', 1, 1), />= 1/);
  assert.deepEqual(parseBrokers('activemq, tidemq'), ['activemq', 'tidemq']);
  assert.throws(() => parseBrokers('rabbit'), /--brokers/);
});

test('settleLoad waits while the load is above the threshold, and not past its time', async () => {
  const loads = [3.5, 2.8, 1.4, 0.9];
  const sample = (max?: number) => {
    const load1 = loads.length > 1 ? loads.shift()! : loads[0]!;
    return { load1, cores: 2, overloaded: load1 > (max ?? 2) };
  };
  let waited = 0;
  const settled = await settleLoad(5, 2, () => waited++, 1, sample);
  assert.equal(settled.load1, 1.4);
  assert.equal(waited, 1, 'told once that it waits');
  const busy = () => ({ load1: 9, cores: 2, overloaded: true });
  const t0 = Date.now();
  assert.equal((await settleLoad(0.05, 2, () => {}, 5, busy)).overloaded, true, 'gives up after its time');
  assert.ok(Date.now() - t0 < 2000);
  assert.equal((await settleLoad(0, 2, () => {}, 1, busy)).overloaded, true, '0 s: no wait at all');
});
