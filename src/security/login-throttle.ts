import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** Limits of the login throttle; every figure bounds either the guessing rate or the work an attacker causes. */
export interface LoginThrottleOptions {
  /** Failures of one user from one source answered without delay (a few typos). */
  freeFailures: number;
  /** Failures of one user from all sources together answered without delay. */
  freeUserFailures: number;
  /** First delay of a failure answer once the free failures are spent; it doubles per further failure. */
  baseDelayMs: number;
  /** Longest delay of a failure answer for one user from one source. */
  maxDelayMs: number;
  /** Longest delay of a failure answer for one user from a source it has not logged in from. */
  maxUserDelayMs: number;
  /** Failures older than this (since the last one) are forgotten. */
  windowMs: number;
  /** How long a source that logged in as a user stays trusted for that user. */
  trustMs: number;
  /** Attempts in progress for one user from one source with recent failures; more are refused unchecked. */
  maxPendingPerSource: number;
  /**
   * Attempts in progress for one user with recent failures, from sources it has not logged in from (before its
   * first failure: its free failures, so a burst of parallel guesses gains nothing either).
   */
  maxPendingPerUser: number;
  /** Attempts in progress in the whole broker from sources not trusted for their user. */
  maxPending: number;
  /** Size of each table (per source, per user, trusted sources); the oldest entries go first. */
  maxTracked: number;
}

export const defaultLoginThrottleOptions: LoginThrottleOptions = {
  freeFailures: 3,
  freeUserFailures: 10,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxUserDelayMs: 10_000,
  windowMs: 10 * 60_000,
  trustMs: 24 * 60 * 60_000,
  maxPendingPerSource: 3,
  maxPendingPerUser: 4,
  maxPending: 256,
  maxTracked: 10_000,
};

interface FailureRecord {
  failures: number;
  last: number;
  /** Attempts admitted and not finished: being checked, or a failure waiting for its answer. */
  pending: number;
  /** The lock-out of this episode was logged (once, not per attempt). */
  logged: boolean;
}

/** One admitted login attempt; hand it back through `succeeded`, `failed` or `abandoned`. */
export interface LoginAttempt {
  readonly user: string;
  readonly source: string;
  readonly trusted: boolean;
  done: boolean;
}

/**
 * Slows down password guessing without locking out the clients that know their password.
 *
 * - The password is checked at once and a correct one is answered at once: only failures wait (250 ms doubling up
 *   to 5 s once a user has failed 3 times from one source; up to 10 s once it has failed 10 times from sources it
 *   has not logged in from), so the answer a guesser waits for is the one that tells it nothing.
 * - Guessing faster by trying in parallel is what the pending caps stop: while a user has recent failures, at most
 *   3 attempts for it from one source, and 4 from all sources it has not logged in from, may be in progress; one
 *   more is refused without checking its password. Rotating the source address therefore gains nothing: the
 *   per-user cap bounds it to 4 attempts per 10 s for a user, whatever the number of addresses (IPv6 sources
 *   count per /64). The broker as a whole has at most 256 attempts in progress from untrusted sources.
 * - Failures are counted per (user, source) and per user, so a guesser from a shared host or NAT address never
 *   delays another user's login from it, and a success clears only that user's record for that source. A source
 *   that logged in as a user in the last 24 h is trusted for that user: the per-user delay and caps (the ones a
 *   guesser elsewhere fills) do not apply to it.
 * - Each lock-out is logged once per episode; tables are bounded and forget their oldest entries.
 *
 * What it cannot tell apart: a guesser on the same host, guessing the same user, as a legitimate client. While
 * such a guesser keeps 3 attempts in progress, that client's logins are refused (not delayed) until they finish.
 * (ActiveMQ has no throttle at all.)
 */
export class LoginThrottle {
  private readonly o: LoginThrottleOptions;
  private readonly bySource = new Map<string, FailureRecord>();
  private readonly byUser = new Map<string, FailureRecord>();
  /** `user\0source` → when it last logged in successfully. */
  private readonly trusted = new Map<string, number>();
  private pending = 0;
  private held = 0;

  constructor(
    private readonly clock: Clock,
    options: Partial<LoginThrottleOptions> = {},
    private readonly logger?: Logger,
  ) {
    this.o = { ...defaultLoginThrottleOptions, ...options };
  }

  /**
   * Admits an attempt, or returns the reason it is refused without checking its password (logged once per
   * episode). Every admitted attempt must be finished with `succeeded`, `failed` or `abandoned`.
   */
  admit(userName: string | null, remoteAddress: string): LoginAttempt | string {
    const user = userName ?? '';
    const source = sourceOf(remoteAddress);
    const pairKey = `${user}\0${source}`;
    const trusted = this.isTrusted(pairKey);
    const pair = this.record(this.bySource, pairKey);
    const perUser = this.record(this.byUser, user);
    let refusal: string | null = null;
    if (pair !== undefined && pair.failures > 0 && pair.pending >= this.o.maxPendingPerSource) {
      refusal = `too many attempts in progress for user ${userName ?? 'null'} from ${source}`;
      this.logOnce(pair, refusal);
    } else if (!trusted && perUser !== undefined && perUser.pending >= this.userCap(perUser)) {
      refusal = `too many attempts in progress for user ${userName ?? 'null'} from sources it has not logged in from`;
      this.logOnce(perUser, refusal);
    } else if (!trusted && this.pending >= this.o.maxPending) {
      refusal = 'too many login attempts in progress';
      this.logger?.warn(`Authentication refused without checking the password: ${refusal}`, { user: userName, source });
    }
    if (refusal !== null) return refusal;
    this.ensure(this.bySource, pairKey).pending++;
    if (!trusted) {
      this.ensure(this.byUser, user).pending++;
      this.pending++;
    }
    return { user, source, trusted, done: false };
  }

  /**
   * The password (or certificate) was right: answered at once. This user's record for this source is cleared
   * (unless other attempts for it are in progress) and the source becomes trusted for the user.
   */
  succeeded(attempt: LoginAttempt, proved: boolean): void {
    if (!this.finish(attempt)) return;
    const pairKey = `${attempt.user}\0${attempt.source}`;
    // Only a login that proved something: anonymous or guest logins must not reset a guesser's count. Nor does a
    // success while other attempts for the user from this source are still in progress: that is a guesser on the
    // same host, whose count a legitimate client's reconnects must not keep resetting.
    if (!proved) return;
    const pair = this.bySource.get(pairKey);
    if (pair === undefined || pair.pending === 0) this.bySource.delete(pairKey);
    this.trusted.delete(pairKey);
    this.evict(this.trusted);
    this.trusted.set(pairKey, this.clock.now());
  }

  /** The attempt was wrong: resolves when its answer may be sent (after this user's and source's delay). */
  failed(attempt: LoginAttempt): Promise<void> {
    if (attempt.done) return Promise.resolve();
    const now = this.clock.now();
    const pairKey = `${attempt.user}\0${attempt.source}`;
    const pair = this.ensure(this.bySource, pairKey);
    pair.failures++;
    pair.last = now;
    let delay = this.delay(pair.failures - this.o.freeFailures, this.o.maxDelayMs);
    if (delay > 0) this.logOnce(pair, `${pair.failures} failed logins for user ${attempt.user} from ${attempt.source}`);
    // A trusted source is the user's own: failures there do not count against the user everywhere.
    if (!attempt.trusted) {
      const perUser = this.ensure(this.byUser, attempt.user);
      perUser.failures++;
      perUser.last = now;
      const userDelay = this.delay(perUser.failures - this.o.freeUserFailures, this.o.maxUserDelayMs);
      if (userDelay > 0) this.logOnce(perUser, `${perUser.failures} failed logins for user ${attempt.user}`);
      delay = Math.max(delay, userDelay);
    }
    if (delay === 0) {
      this.finish(attempt);
      return Promise.resolve();
    }
    this.held++;
    return new Promise((resolve) =>
      this.clock.setTimeout(() => {
        this.held--;
        this.finish(attempt);
        resolve();
      }, delay),
    );
  }

  /** The attempt ended without a verdict on the password (another error): it no longer counts as pending. */
  abandoned(attempt: LoginAttempt): void {
    this.finish(attempt);
  }

  /** Attempts in progress from untrusted sources, for tests and management. */
  get inProgress(): number {
    return this.pending;
  }

  /** Failed attempts waiting for their answer, for tests and management. */
  get waiting(): number {
    return this.held;
  }

  /** Entries in the three tables, for tests and management. */
  get trackedEntries(): number {
    return this.bySource.size + this.byUser.size + this.trusted.size;
  }

  private finish(attempt: LoginAttempt): boolean {
    if (attempt.done) return false;
    attempt.done = true;
    const pairKey = `${attempt.user}\0${attempt.source}`;
    const pair = this.bySource.get(pairKey);
    if (pair !== undefined) {
      pair.pending--;
      if (pair.pending === 0 && pair.failures === 0) this.bySource.delete(pairKey);
    }
    if (!attempt.trusted) {
      this.pending--;
      const perUser = this.byUser.get(attempt.user);
      if (perUser !== undefined) {
        perUser.pending--;
        if (perUser.pending === 0 && perUser.failures === 0) this.byUser.delete(attempt.user);
      }
    }
    return true;
  }

  /**
   * Attempts one user may have in progress from untrusted sources: the free failures it has left (a burst of
   * parallel guesses cannot spend more than those unanswered), and no more than the cap once it has failed.
   */
  private userCap(perUser: FailureRecord): number {
    return perUser.failures > 0
      ? this.o.maxPendingPerUser
      : Math.max(this.o.maxPendingPerUser, this.o.freeUserFailures);
  }

  private delay(over: number, max: number): number {
    if (over <= 0) return 0;
    return Math.min(max, this.o.baseDelayMs * 2 ** Math.min(over - 1, 20));
  }

  private isTrusted(pairKey: string): boolean {
    const at = this.trusted.get(pairKey);
    if (at === undefined) return false;
    if (this.clock.now() - at <= this.o.trustMs) return true;
    this.trusted.delete(pairKey);
    return false;
  }

  /** The live record under `key`, forgetting an expired one. */
  private record(table: Map<string, FailureRecord>, key: string): FailureRecord | undefined {
    const r = table.get(key);
    if (r !== undefined && r.pending === 0 && this.clock.now() - r.last > this.o.windowMs) {
      table.delete(key);
      return undefined;
    }
    return r;
  }

  private ensure(table: Map<string, FailureRecord>, key: string): FailureRecord {
    let r = this.record(table, key);
    if (r === undefined) {
      this.evict(table);
      r = { failures: 0, last: this.clock.now(), pending: 0, logged: false };
      table.set(key, r);
    }
    return r;
  }

  /** Bounded tables: the oldest entry that has nothing in progress makes room. */
  private evict(table: Map<string, unknown>): void {
    if (table.size < this.o.maxTracked) return;
    for (const [key, value] of table) {
      if (typeof value === 'object' && value !== null && (value as FailureRecord).pending > 0) continue;
      table.delete(key);
      return;
    }
  }

  private logOnce(record: FailureRecord, what: string): void {
    if (record.logged) return;
    record.logged = true;
    this.logger?.warn(`Login throttled: ${what}; failed attempts are answered late, and extra parallel ones refused`, {
      failures: record.failures,
    });
  }
}

/**
 * The source an attempt is counted against: the host of `127.0.0.1:5544` or `[::1]:5544`, an IPv4-mapped IPv6
 * address as its IPv4 form, and an IPv6 address as its /64 (one machine can use a whole /64).
 */
export function sourceOf(remoteAddress: string): string {
  const host = hostOf(remoteAddress);
  if (!host.includes(':')) return host;
  const groups = expandIPv6(host);
  return groups === null ? host : `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * `127.0.0.1:5544` → `127.0.0.1`; `::1:5544` or `[::1]:5544` → `::1`; `::ffff:10.0.0.1:5544` → `10.0.0.1`. The
 * transports always write `address:port`, so the part after the last colon is the port.
 */
export function hostOf(remoteAddress: string): string {
  const m = /^\[?(.*?)\]?:\d+$/.exec(remoteAddress);
  const host = m ? m[1]! : remoteAddress;
  // One host reached over IPv4 and IPv4-mapped IPv6 is one host.
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

function expandIPv6(host: string): string[] | null {
  const zone = host.indexOf('%');
  const h = (zone >= 0 ? host.slice(0, zone) : host).toLowerCase();
  const parts = h.split('::');
  if (parts.length > 2) return null;
  const head = parts[0] === '' ? [] : parts[0]!.split(':');
  const tail = parts.length === 2 && parts[1] !== '' ? parts[1]!.split(':') : [];
  const fill = parts.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(0, fill)).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
