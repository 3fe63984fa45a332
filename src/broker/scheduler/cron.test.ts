import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CronExpression } from './cron.js';

/** Local time, as the cron entry is read in the broker's time zone. */
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number =>
  new Date(y, mo - 1, d, h, mi, s).getTime();
const next = (cron: string, from: number): string => {
  const t = new Date(CronExpression.parse(cron).next(from));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}`;
};

test('every minute fires at the top of the next minute', () => {
  assert.equal(next('* * * * *', at(2024, 3, 10, 12, 30, 15)), '2024-03-10 12:31');
  assert.equal(next('* * * * *', at(2024, 3, 10, 12, 30, 0)), '2024-03-10 12:31');
});

test('fixed minute and hour roll over to the next hour or day', () => {
  assert.equal(next('15 * * * *', at(2024, 3, 10, 12, 30)), '2024-03-10 13:15');
  assert.equal(next('0 9 * * *', at(2024, 3, 10, 12, 30)), '2024-03-11 09:00');
  assert.equal(next('59 23 31 12 *', at(2024, 12, 31, 23, 59)), '2025-12-31 23:59');
});

test('ranges, lists and steps (a step keeps multiples, as ActiveMQ CronParser)', () => {
  assert.equal(next('*/15 * * * *', at(2024, 3, 10, 12, 31)), '2024-03-10 12:45');
  assert.equal(next('1-10/3 * * * *', at(2024, 3, 10, 12, 3)), '2024-03-10 12:06');
  assert.equal(next('5,50 8-9 * * *', at(2024, 3, 10, 8, 51)), '2024-03-10 09:05');
});

test('months and day of month, including short months', () => {
  assert.equal(next('0 0 31 * *', at(2024, 4, 1)), '2024-05-31 00:00');
  assert.equal(next('0 0 29 2 *', at(2024, 3, 1)), '2028-02-29 00:00');
  assert.equal(next('0 12 1 6 *', at(2024, 3, 10)), '2024-06-01 12:00');
});

test('day of week (0 = Sunday); both day fields restricted means either', () => {
  // 2024-03-10 is a Sunday.
  assert.equal(next('0 8 * * 1', at(2024, 3, 10, 9)), '2024-03-11 08:00');
  assert.equal(next('0 8 * * 0', at(2024, 3, 10, 9)), '2024-03-17 08:00');
  assert.equal(next('0 8 15 * 5', at(2024, 3, 10, 9)), '2024-03-15 08:00');
  assert.equal(next('0 8 13 * 5', at(2024, 3, 10, 9)), '2024-03-13 08:00');
});

test('bad entries are refused with ActiveMQ-style messages', () => {
  assert.throws(() => CronExpression.parse('* * * *'), /wrong number of tokens\(4\)/);
  assert.throws(() => CronExpression.parse('60 * * * *'), /Invalid token: Minutes/);
  assert.throws(() => CronExpression.parse('* * * * 7'), /Invalid token: DayOfWeek/);
  assert.throws(() => CronExpression.parse('* * 0 * *'), /Invalid token: DayOfMonth/);
  assert.throws(() => CronExpression.parse('*/0 * * * *'), /step must be positive/);
  assert.throws(() => CronExpression.parse('a * * * *'), /Invalid token/);
  assert.throws(() => CronExpression.parse('5-1 * * * *'), /backwards/);
  assert.throws(() => CronExpression.parse('0 0 30 2 *').next(at(2024, 1, 1)), /Unable to compute/);
});
