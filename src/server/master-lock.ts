import type { Locker } from '../store/locker.js';
import type { Clock, Timer } from '../util/clock.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** A start that `stop` (SIGTERM, `tidemq stop`) ended while the broker was still a slave waiting for the lock. */
export class StoppedWhileSlaveError extends BrokerError {
  constructor(brokerName: string) {
    super('ERR_ILLEGAL_STATE', `Broker ${brokerName} stopped while it was a slave waiting for the store's lock`);
    this.name = 'StoppedWhileSlaveError';
  }
}

export interface MasterLockOptions {
  readonly locker: Locker;
  readonly brokerName: string;
  /** ms between keepAlive calls once master; 0: none (ActiveMQ's lockKeepAlivePeriod). */
  readonly keepAlivePeriod: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called once when a keepAlive says the lock is gone; the broker then stops, as ActiveMQ's does. */
  readonly onLost: () => void;
}

/**
 * The broker's side of master/slave (ActiveMQ's LockableServiceSupport.preStart and keepLockAlive): wait for
 * the store's locker before anything is recovered or any connector opens, then check it every
 * lockKeepAlivePeriod and give up being master when it is lost.
 */
export class MasterLock {
  private timer: Timer | null = null;
  private checking = false;
  private lost = false;

  constructor(private readonly o: MasterLockOptions) {}

  async acquire(signal: AbortSignal): Promise<void> {
    // While a slave waits, no connector is open and timers are unref'd: this keeps the process alive.
    const hold = setInterval(() => {}, 1 << 30);
    try {
      await this.o.locker.acquire(signal);
    } catch (e) {
      if (signal.aborted) throw new StoppedWhileSlaveError(this.o.brokerName);
      throw e;
    } finally {
      clearInterval(hold);
    }
    this.lost = false;
    this.o.logger.info(
      `Broker ${this.o.brokerName} is now the master: it holds the store's lock (${this.o.locker.name})`,
    );
  }

  startKeepAlive(): void {
    if (this.o.keepAlivePeriod <= 0 || this.timer !== null) return;
    this.timer = this.o.clock.setInterval(() => void this.check(), this.o.keepAlivePeriod);
  }

  /** Stops the checks and gives the lock up. */
  async release(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    await this.o.locker.release();
  }

  private async check(): Promise<void> {
    if (this.checking || this.lost) return;
    this.checking = true;
    try {
      if (await this.o.locker.keepAlive()) return;
      this.lost = true;
      this.timer?.cancel();
      this.timer = null;
      // ActiveMQ's words (LockableServiceSupport.stopBroker), then the broker stops.
      this.o.logger.error(
        `${this.o.brokerName}, no longer able to keep the exclusive lock so giving up being a master`,
      );
      this.o.onLost();
    } catch (e) {
      // ActiveMQ logs a failing keepAlive and stops only with stopOnError; the next check tries again.
      this.o.logger.warn('locker keepAlive resulted in an error', { error: e });
    } finally {
      this.checking = false;
    }
  }
}
