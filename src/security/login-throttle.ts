import type { Clock } from '../util/clock.js';

interface HostRecord {
  count: number;
  last: number;
  /** When the latest admitted attempt from this host may run; later ones queue behind it. */
  nextSlot: number;
}

/**
 * Slows down password guessing per remote host: after a few failures each further attempt from that host
 * waits longer (doubling, capped), while other hosts are not affected. Attempts from a throttled host also queue
 * behind each other (each waits its own delay after the previous one), so opening many connections at once does
 * not multiply the guessing rate; one whose turn would come later than `maxQueueMs` is refused without checking
 * its password. Only the guessing connections wait: nothing here blocks the event loop or other hosts.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, HostRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly freeAttempts = 3,
    private readonly baseDelayMs = 250,
    private readonly maxDelayMs = 5000,
    /** Failures older than this are forgotten. */
    private readonly windowMs = 10 * 60_000,
    private readonly maxTrackedHosts = 10_000,
    private readonly maxQueueMs = 60_000,
  ) {}

  /** The wait imposed on the next attempt from this address, ignoring attempts already queued. */
  delayFor(remoteAddress: string): number {
    const f = this.record(hostOf(remoteAddress));
    if (f === undefined) return 0;
    const over = f.count - this.freeAttempts;
    if (over < 0) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(over, 20));
  }

  /** Waits this host's turn; resolves false when the queue is too long and the attempt must be refused. */
  beforeAttempt(remoteAddress: string): Promise<boolean> {
    const delay = this.delayFor(remoteAddress);
    if (delay === 0) return Promise.resolve(true);
    const f = this.failures.get(hostOf(remoteAddress))!;
    const now = this.clock.now();
    const at = Math.max(now, f.nextSlot) + delay;
    if (at - now > this.maxQueueMs) return Promise.resolve(false);
    f.nextSlot = at;
    return new Promise((resolve) => this.clock.setTimeout(() => resolve(true), at - now));
  }

  failed(remoteAddress: string): void {
    const host = hostOf(remoteAddress);
    const f = this.record(host);
    if (f !== undefined) {
      f.count++;
      f.last = this.clock.now();
      return;
    }
    if (this.failures.size >= this.maxTrackedHosts) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(host, { count: 1, last: this.clock.now(), nextSlot: 0 });
  }

  succeeded(remoteAddress: string): void {
    this.failures.delete(hostOf(remoteAddress));
  }

  private record(host: string): HostRecord | undefined {
    const f = this.failures.get(host);
    if (f !== undefined && this.clock.now() - f.last > this.windowMs && f.nextSlot <= this.clock.now()) {
      this.failures.delete(host);
      return undefined;
    }
    return f;
  }
}

/** `127.0.0.1:5544` → `127.0.0.1`; `[::1]:5544` → `::1`; `::ffff:10.0.0.1:5544` → `10.0.0.1`. */
export function hostOf(remoteAddress: string): string {
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(remoteAddress);
  const host = m ? m[1]! : remoteAddress;
  // One host reached over IPv4 and IPv4-mapped IPv6 is one host.
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}
