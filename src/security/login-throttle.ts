import type { Clock } from '../util/clock.js';

/**
 * Slows down password guessing per remote host: after a few failures each further attempt from that host
 * waits longer (doubling, capped), while other hosts are not affected. Only the guessing connection waits.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly freeAttempts = 3,
    private readonly baseDelayMs = 250,
    private readonly maxDelayMs = 5000,
    /** Failures older than this are forgotten. */
    private readonly windowMs = 10 * 60_000,
    private readonly maxTrackedHosts = 10_000,
  ) {}

  /** The wait imposed on the next attempt from this address. */
  delayFor(remoteAddress: string): number {
    const host = hostOf(remoteAddress);
    const f = this.failures.get(host);
    if (f === undefined) return 0;
    if (this.clock.now() - f.last > this.windowMs) {
      this.failures.delete(host);
      return 0;
    }
    const over = f.count - this.freeAttempts;
    if (over < 0) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(over, 20));
  }

  beforeAttempt(remoteAddress: string): Promise<void> {
    const delay = this.delayFor(remoteAddress);
    if (delay === 0) return Promise.resolve();
    return new Promise((resolve) => this.clock.setTimeout(resolve, delay));
  }

  failed(remoteAddress: string): void {
    const host = hostOf(remoteAddress);
    const f = this.failures.get(host);
    if (f !== undefined) {
      f.count++;
      f.last = this.clock.now();
      return;
    }
    if (this.failures.size >= this.maxTrackedHosts) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(host, { count: 1, last: this.clock.now() });
  }

  succeeded(remoteAddress: string): void {
    this.failures.delete(hostOf(remoteAddress));
  }
}

/** `127.0.0.1:5544` → `127.0.0.1`; `[::1]:5544` → `::1`. */
function hostOf(remoteAddress: string): string {
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(remoteAddress);
  return m ? m[1]! : remoteAddress;
}
