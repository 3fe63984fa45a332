/**
 * How long the journal holds a queue add that the broker is dispatching while it stores it
 * (concurrentStoreAndDispatchQueues), so that the consumer's acknowledgement can withdraw it before it is
 * written: then neither the add nor the remove reaches the disk, and a producer's sync send is answered without
 * an fsync (the message is already consumed). KahaDB gets the same effect from its queued store task, which a
 * remove cancels while it waits for the store's executor; this store's writer is idle far more often than
 * KahaDB's executor is busy, so the chance has to be made on purpose.
 *
 * A hold costs the producer up to `HOLD_MS` when the acknowledgement does not come in time (a consumer that
 * works on each message, client acknowledgement, a slow link). So holding is adaptive: it follows a moving
 * average of how often holds ended in a withdrawal, and stops while fewer than half did, trying one hold in
 * `PROBE_EVERY` so it notices when consumers become quick again.
 */
export const HOLD_MS = 2;
const PROBE_EVERY = 64;
/** Weight of the newest outcome in the moving average (about the last 16 holds count). */
const WEIGHT = 1 / 16;

export class AddHold {
  /** Share of recent holds that ended in a withdrawal. Starts optimistic. */
  private success = 1;
  private skipped = 0;
  /** Holds that ended in a withdrawal, and holds whose add was written anyway (for tests and statistics). */
  withdrawn = 0;
  expired = 0;

  /** The hold for the next dispatched add, in ms (0: write it with the next group). */
  next(): number {
    if (this.success >= 0.5) return HOLD_MS;
    if (++this.skipped < PROBE_EVERY) return 0;
    this.skipped = 0;
    return HOLD_MS;
  }

  /** A held add was withdrawn by its remove. */
  hit(): void {
    this.withdrawn++;
    this.success += (1 - this.success) * WEIGHT;
  }

  /** A held add was written: its acknowledgement did not come within the hold. */
  miss(): void {
    this.expired++;
    this.success -= this.success * WEIGHT;
  }
}
