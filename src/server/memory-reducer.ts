import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MemoryUsage } from '../broker/region/memory-usage.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** How often the broker's memory usage is looked at. */
const CHECK_MS = 5_000;
/** A drain counts once usage fell from above HIGH to below LOW percent of the limit. */
const HIGH = 50;
const LOW = 10;

/**
 * Gives memory back after a backlog drains (issue 18.4). V8 collects the freed messages in its own time and keeps
 * the heap it grew to; after a queue that held hundreds of megabytes is consumed, the process stayed at its peak
 * RSS (617 MiB idle after 250,000 messages drained; 347 MiB with one full collection). When the broker's memory
 * usage falls from above half its limit to below a tenth, one full collection runs, so the heap shrinks and the
 * freed buffers go back to the allocator. At most once per drain: a collection costs a pause proportional to
 * what is still alive, which is little at that point.
 */
export class MemoryReducer {
  private timer: Timer | null = null;
  private wasHigh = false;

  constructor(
    private readonly usage: MemoryUsage,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The full collection; the process's own unless a test passes one. */
    private readonly collect: () => void = fullCollection(),
  ) {}

  start(): void {
    if (this.usage.limit <= 0 || this.timer !== null) return;
    this.timer = this.clock.setInterval(() => this.check(), CHECK_MS);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** One look at the usage (the timer's tick; tests call it directly). */
  check(): void {
    // The peak since the last look: a backlog can fill and drain between two of them.
    if (this.usage.takePeakPercent() >= HIGH) this.wasHigh = true;
    const percent = this.usage.percentUsage;
    if (percent >= HIGH) {
      this.wasHigh = true;
      return;
    }
    if (!this.wasHigh || percent >= LOW) return;
    this.wasHigh = false;
    const before = process.memoryUsage().rss;
    this.collect();
    const after = process.memoryUsage().rss;
    this.logger.info('Memory usage fell after a backlog drained; heap collected', {
      rssBeforeMiB: Math.round(before / 1048576),
      rssAfterMiB: Math.round(after / 1048576),
    });
  }
}

/**
 * V8's full collection, without running Node with --expose-gc: the flag is set at run time and `gc` taken from a
 * fresh context, where V8 installs it.
 */
function fullCollection(): () => void {
  let gc: (() => void) | null = null;
  return () => {
    if (gc === null) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
    gc();
  };
}
