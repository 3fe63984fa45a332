import type { DiscoveredService } from './discovery-agent.js';
import type { MulticastDiscoveryOptions } from './multicast-options.js';

/** A failed service that has not failed again for this long is considered recovered (updateHeartBeat). */
const RECOVERED_AFTER_MS = 60_000;

type BackOff = Pick<
  MulticastDiscoveryOptions,
  'initialReconnectDelay' | 'maxReconnectDelay' | 'useExponentialBackOff' | 'backOffMultiplier' | 'maxReconnectAttempts'
>;

/**
 * What a multicast agent knows of one announced service (ActiveMQ's RemoteBrokerData): when it was last heard,
 * and whether a bridge to it failed and its announcements are being ignored until `recoveryTime`.
 */
export class RemoteService {
  readonly event: DiscoveredService;
  lastHeartBeat: number;
  recoveryTime = 0;
  failureCount = 0;
  failed = false;

  constructor(
    event: DiscoveredService,
    now: number,
    private readonly backOff: BackOff,
  ) {
    this.event = event;
    this.lastHeartBeat = now;
  }

  updateHeartBeat(now: number): void {
    this.lastHeartBeat = now;
    if (!this.failed && this.failureCount > 0 && now - this.recoveryTime > RECOVERED_AFTER_MS) {
      this.failureCount = 0;
      this.recoveryTime = 0;
    }
  }

  /**
   * Marks the service failed; returns the delay before it may be offered again, or null if it already was.
   * The exponential delay is initialReconnectDelay × backOffMultiplier^(failures−1), capped at maxReconnectDelay.
   * ActiveMQ 5.17 computes backOffMultiplier^failures milliseconds there (2 ms, 4 ms, …, which retries a dead
   * peer almost at once and ignores initialReconnectDelay); its other agents and the failover transport grow from
   * initialReconnectDelay, as here.
   */
  markFailed(now: number): number | null {
    if (this.failed) return null;
    this.failed = true;
    this.failureCount++;
    const b = this.backOff;
    const delay = b.useExponentialBackOff
      ? Math.min(b.initialReconnectDelay * b.backOffMultiplier ** (this.failureCount - 1), b.maxReconnectDelay)
      : b.initialReconnectDelay;
    this.recoveryTime = now + delay;
    return delay;
  }

  /** True once, when a failed service may be offered again (it must be heard after recoveryTime). */
  doRecovery(now: number): boolean {
    if (!this.failed) return false;
    if (this.backOff.maxReconnectAttempts > 0 && this.failureCount > this.backOff.maxReconnectAttempts) return false;
    if (now < this.recoveryTime) return false;
    this.failed = false;
    return true;
  }
}
