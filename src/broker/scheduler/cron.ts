/**
 * Five-field Unix cron entries (minute hour day-of-month month day-of-week) for AMQ_SCHEDULED_CRON, with the
 * token forms ActiveMQ's CronParser accepts: `*` or `?`, a number, a range `a-b`, a list `a,b,c`, and a step
 * `x/n`. As in CronParser a step keeps the values of `x` that are multiples of `n` (`*\/15` = 0,15,30,45,
 * `1-10/3` = 3,6,9), days of the week are 0-6 with 0 = Sunday, and times are the broker's local time.
 * When both day fields are restricted a day matching either one fires (cron's usual rule).
 */
export class CronExpression {
  private constructor(
    readonly text: string,
    private readonly minutes: ReadonlySet<number>,
    private readonly hours: ReadonlySet<number>,
    private readonly daysOfMonth: ReadonlySet<number> | null,
    private readonly months: ReadonlySet<number>,
    private readonly daysOfWeek: ReadonlySet<number> | null,
  ) {}

  /** Parses an entry; throws CronError naming the bad field. */
  static parse(text: string): CronExpression {
    if (text.length > 256) throw new CronError(`Not a valid cron entry - longer than 256 characters`);
    const tokens = text
      .trim()
      .split(/\s+/)
      .filter((t) => t.length > 0);
    if (tokens.length !== 5) {
      throw new CronError(`Not a valid cron entry - wrong number of tokens(${tokens.length}): ${text}`);
    }
    const [mi, ho, dom, mo, dow] = tokens as [string, string, string, string, string];
    return new CronExpression(
      text,
      field('Minutes', mi, 0, 59),
      field('Hours', ho, 0, 23),
      isAll(dom) ? null : field('DayOfMonth', dom, 1, 31),
      field('Month', mo, 1, 12),
      isAll(dow) ? null : field('DayOfWeek', dow, 0, 6),
    );
  }

  /** The first whole minute strictly after `after` (epoch ms) that the entry names. */
  next(after: number): number {
    const d = new Date(after);
    d.setSeconds(0, 0);
    d.setMinutes(d.getMinutes() + 1);
    // Bounded: an entry no date satisfies (31 February) must not loop for ever.
    const limit = after + 8 * 366 * 86_400_000;
    while (d.getTime() <= limit) {
      if (!this.months.has(d.getMonth() + 1)) {
        d.setMonth(d.getMonth() + 1, 1);
        d.setHours(0, 0, 0, 0);
        continue;
      }
      if (!this.dayMatches(d)) {
        d.setDate(d.getDate() + 1);
        d.setHours(0, 0, 0, 0);
        continue;
      }
      if (!this.hours.has(d.getHours())) {
        d.setHours(d.getHours() + 1, 0, 0, 0);
        continue;
      }
      if (!this.minutes.has(d.getMinutes())) {
        d.setMinutes(d.getMinutes() + 1, 0, 0);
        continue;
      }
      return d.getTime();
    }
    throw new CronError(`Unable to compute next scheduled execution time for cron entry: ${this.text}`);
  }

  private dayMatches(d: Date): boolean {
    const dom = this.daysOfMonth;
    const dow = this.daysOfWeek;
    if (dom === null && dow === null) return true;
    if (dom === null) return dow!.has(d.getDay());
    if (dow === null) return dom.has(d.getDate());
    return dom.has(d.getDate()) || dow.has(d.getDay());
  }
}

export class CronError extends Error {
  override readonly name = 'CronError';
}

function isAll(token: string): boolean {
  return token === '*' || token === '?';
}

function field(name: string, token: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const v of expand(name, token, min, max)) {
    if (v < min || v > max) throw new CronError(`Invalid token: ${name} ${token} (${min}-${max})`);
    values.add(v);
  }
  if (values.size === 0) throw new CronError(`Invalid token: ${name} ${token} names no value`);
  return values;
}

function expand(name: string, token: string, min: number, max: number): number[] {
  if (isAll(token)) return range(min, max);
  const slash = token.indexOf('/');
  if (slash >= 0) {
    const step = number(name, token.slice(slash + 1), token);
    if (step <= 0) throw new CronError(`Invalid token: ${name} ${token} (step must be positive)`);
    return expand(name, token.slice(0, slash), min, max).filter((v) => v % step === 0);
  }
  if (token.includes(',')) return token.split(',').flatMap((part) => expand(name, part, min, max));
  const dash = token.indexOf('-');
  if (dash >= 0) {
    const first = number(name, token.slice(0, dash), token);
    const last = number(name, token.slice(dash + 1), token);
    if (first > last) throw new CronError(`Invalid token: ${name} ${token} (range runs backwards)`);
    if (first < min || last > max) throw new CronError(`Invalid token: ${name} ${token} (${min}-${max})`);
    return range(first, last);
  }
  return [number(name, token, token)];
}

function number(name: string, text: string, token: string): number {
  if (!/^\d{1,4}$/.test(text)) throw new CronError(`Invalid token: ${name} ${token}`);
  return Number(text);
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}
