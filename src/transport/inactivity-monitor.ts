import type { Clock, Timer } from '../util/clock.js';

export interface InactivityCallbacks {
  /** Nothing was written for a write period: send the protocol's keep-alive (STOMP EOL, KeepAliveInfo). */
  keepAlive(): void;
  /** Nothing at all was read for `readTimeoutMs`. */
  inactive(readTimeoutMs: number): void;
  /**
   * The protocol stopped reading on purpose (back-pressure on a producer it holds back): silence then is not the
   * peer's, as ActiveMQ's monitor counts a command still being processed as activity.
   */
  holdingBack?(): boolean;
}

/**
 * ActiveMQ's AbstractInactivityMonitor, once for every protocol: the protocol reports each byte read and each
 * frame written, and negotiates the periods (OpenWire wireFormat.maxInactivityDuration, STOMP heart-beat ×
 * hbGracePeriodMultiplier); this class only asks for a keep-alive or reports silence, on the injected clock.
 *
 * The read side is a deadline on the time since the last byte, where ActiveMQ tests a flag once per period:
 * a flag tested on a period equal to the peer's interval drops a peer that writes exactly on time whenever
 * jitter puts two of its writes on either side of one check (issue 12.7), and tolerates anything between one
 * and two periods of silence. The write side is ActiveMQ's: a keep-alive goes out when nothing else did
 * during the period.
 */
export class InactivityMonitor {
  private readTimer: Timer | null = null;
  private writeTimer: Timer | null = null;
  private startTimer: Timer | null = null;
  private readTimeoutMs = 0;
  private lastRead = 0;
  private wroteSinceCheck = false;

  constructor(
    private readonly clock: Clock,
    private readonly callbacks: InactivityCallbacks,
  ) {}

  /**
   * Starts both checks after `initialDelayMs` (OpenWire's maxInactivityDurationInitalDelay); 0 for either
   * period turns that side off.
   */
  start(readTimeoutMs: number, writeIntervalMs: number, initialDelayMs = 0): void {
    this.stop();
    const begin = (): void => {
      this.startTimer = null;
      if (readTimeoutMs > 0) {
        this.readTimeoutMs = readTimeoutMs;
        this.lastRead = this.clock.now();
        this.armReadCheck(readTimeoutMs);
      }
      if (writeIntervalMs > 0) {
        this.writeTimer = this.clock.setInterval(() => {
          // The flag is cleared after the keep-alive so the keep-alive itself does not count for the next period.
          if (!this.wroteSinceCheck) this.callbacks.keepAlive();
          this.wroteSinceCheck = false;
        }, writeIntervalMs);
      }
    };
    if (initialDelayMs > 0) this.startTimer = this.clock.setTimeout(begin, initialDelayMs);
    else begin();
  }

  private armReadCheck(delay: number): void {
    this.readTimer = this.clock.setTimeout(() => {
      this.readTimer = null;
      if (this.callbacks.holdingBack?.() === true) this.lastRead = this.clock.now();
      const silent = this.clock.now() - this.lastRead;
      if (silent >= this.readTimeoutMs) this.callbacks.inactive(this.readTimeoutMs);
      else this.armReadCheck(this.readTimeoutMs - silent);
    }, delay);
  }

  onRead(): void {
    if (this.readTimer !== null) this.lastRead = this.clock.now();
  }

  onWrite(): void {
    this.wroteSinceCheck = true;
  }

  stop(): void {
    this.startTimer?.cancel();
    this.readTimer?.cancel();
    this.writeTimer?.cancel();
    this.startTimer = null;
    this.readTimer = null;
    this.writeTimer = null;
  }
}
