import type { Clock, Timer } from '../../util/clock.js';
import { StompProtocolError } from './protocol-error.js';

/**
 * The CONNECT `heart-beat` header, `cx,cy`: the client sends every cx ms and wants to hear from the server
 * every cy ms. ActiveMQ (ProtocolConverter.configureInactivityMonitor) answers `cy,cx` in CONNECTED, i.e. it
 * sends every cy ms and reads with a check period of cx × hbGracePeriodMultiplier; absent means `0,0`.
 */
export function parseHeartBeat(value: string | undefined): { clientSend: number; clientWants: number } {
  const text = (value ?? '0,0').trim();
  const parts = text.split(',');
  const valid = parts.length === 2 && parts.every((p) => /^\s*\d{1,15}\s*$/.test(p));
  if (!valid) throw new StompProtocolError(`Invalid heart-beat header:${text}`);
  return { clientSend: Number(parts[0]), clientWants: Number(parts[1]) };
}

export interface HeartbeatCallbacks {
  /** Nothing was written during a write period: send an EOL. */
  ping(): void;
  /** Nothing was read during a read period. */
  timeout(readCheckMs: number): void;
}

/**
 * Both heart-beat directions on the injected clock. The converter tells it about every byte read and every
 * frame written; it only asks for a ping or reports silence.
 *
 * The read side is a deadline, not a flag checked every period: the connection is dropped once nothing has
 * been read for `readCheckMs` (the client's interval × transport.hbGracePeriodMultiplier). A flag checked on
 * a fixed period drops a client that beats exactly at the interval whenever timer jitter puts two beats on
 * either side of one check (issue 12.7); a deadline measures the real silence.
 */
export class HeartbeatMonitor {
  private readTimer: Timer | null = null;
  private writeTimer: Timer | null = null;
  private readCheckMs = 0;
  private lastRead = 0;
  private wroteSinceCheck = false;

  constructor(
    private readonly clock: Clock,
    private readonly callbacks: HeartbeatCallbacks,
  ) {}

  start(readCheckMs: number, writeMs: number): void {
    this.stop();
    if (readCheckMs > 0) {
      this.readCheckMs = readCheckMs;
      this.lastRead = this.clock.now();
      this.armReadCheck(readCheckMs);
    }
    if (writeMs > 0) {
      this.writeTimer = this.clock.setInterval(() => {
        // Like ActiveMQ's write check: ping only when nothing else went out during the period. The flag is
        // cleared after the ping so the ping itself does not count for the next period.
        if (!this.wroteSinceCheck) this.callbacks.ping();
        this.wroteSinceCheck = false;
      }, writeMs);
    }
  }

  private armReadCheck(delay: number): void {
    this.readTimer = this.clock.setTimeout(() => {
      this.readTimer = null;
      const silent = this.clock.now() - this.lastRead;
      if (silent >= this.readCheckMs) this.callbacks.timeout(this.readCheckMs);
      else this.armReadCheck(this.readCheckMs - silent);
    }, delay);
  }

  onRead(): void {
    if (this.readTimer !== null) this.lastRead = this.clock.now();
  }

  onWrite(): void {
    this.wroteSinceCheck = true;
  }

  stop(): void {
    this.readTimer?.cancel();
    this.writeTimer?.cancel();
    this.readTimer = null;
    this.writeTimer = null;
  }
}
