/**
 * Bytes of pending messages, with a limit (ActiveMQ's MemoryUsage). A destination's usage has the broker's
 * system usage as parent: adding to one adds to both, and a destination is full when either is. Producers
 * blocked by flow control wait here; each waiter is re-checked whenever usage falls anywhere in the tree.
 */
export class MemoryUsage {
  private used = 0;
  /** The highest `used` since the last takePeak(). */
  private peak = 0;
  private readonly waiters: Set<(abort?: boolean) => void>;

  constructor(
    readonly name: string,
    /** Bytes; 0 = no limit of its own. */
    readonly limit: number,
    readonly parent: MemoryUsage | null = null,
  ) {
    this.waiters = parent === null ? new Set() : parent.root.waiters;
  }

  get root(): MemoryUsage {
    return this.parent === null ? this : this.parent.root;
  }

  get usage(): number {
    return this.used;
  }

  get isFull(): boolean {
    return (this.limit > 0 && this.used >= this.limit) || (this.parent !== null && this.parent.isFull);
  }

  /** The highest percent of its own limit used since the last call (0 without a limit); starts over from now. */
  takePeakPercent(): number {
    const p = this.limit > 0 ? (this.peak * 100) / this.limit : 0;
    this.peak = this.used;
    return p;
  }

  /** Percent of the limit in use, here or in any parent (whichever is fuller); 0 without any limit. */
  get percentUsage(): number {
    const own = this.limit > 0 ? (this.used * 100) / this.limit : 0;
    return this.parent === null ? own : Math.max(own, this.parent.percentUsage);
  }

  increase(bytes: number): void {
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    if (this.parent !== null) this.parent.increase(bytes);
  }

  decrease(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) this.used = 0;
    if (this.parent !== null) this.parent.decrease(bytes);
    else if (this.waiters.size > 0) for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves true once this usage is no longer full, or false after `timeoutMs` (when given and > 0).
   * `setTimer` lets the caller use the broker's clock.
   */
  waitForSpace(timeoutMs: number, setTimer: (fn: () => void, ms: number) => { cancel(): void }): Promise<boolean> {
    if (!this.isFull) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: { cancel(): void } | null = null;
      const check = (abort = false): void => {
        if (!abort && this.isFull) return;
        this.waiters.delete(check);
        timer?.cancel();
        resolve(!abort);
      };
      this.waiters.add(check);
      if (timeoutMs > 0) {
        timer = setTimer(() => {
          this.waiters.delete(check);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  /** Gives up every wait (the broker is stopping): each resolves false. */
  abortWaiters(): void {
    for (const w of [...this.waiters]) w(true);
  }
}
