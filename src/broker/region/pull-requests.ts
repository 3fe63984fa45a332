import type { Clock, Timer } from '../../util/clock.js';
import type { Subscription } from './subscription.js';

/**
 * MessagePull for prefetch-0 consumers (ActiveMQ's PrefetchSubscription.pullMessage): one message if one can be
 * dispatched now, else the consumer waits up to the pull's timeout and then gets an empty answer.
 */
export class PullRequests {
  private readonly timers = new Map<string, Timer>();

  constructor(private readonly clock: Clock) {}

  /** `timeoutMs`: 0 answers at once, -1 waits for ever. `wakeup` lets the subscription's destinations dispatch. */
  pull(consumerId: string, sub: Subscription, timeoutMs: number, wakeup: () => void): void {
    if (sub.info.prefetch > 0) return; // only prefetch-0 consumers pull
    sub.addPull();
    wakeup();
    if (!sub.cancelPull()) return; // a message went out
    if (timeoutMs === 0) {
      sub.sink.deliver(null);
      return;
    }
    sub.addPull();
    if (timeoutMs > 0) {
      this.timers.get(consumerId)?.cancel();
      this.timers.set(
        consumerId,
        this.clock.setTimeout(() => {
          this.timers.delete(consumerId);
          if (sub.cancelPull()) sub.sink.deliver(null);
        }, timeoutMs),
      );
    }
  }

  /** The consumer went: its pending pull's timer goes too. */
  cancel(consumerId: string): void {
    this.timers.get(consumerId)?.cancel();
    this.timers.delete(consumerId);
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
