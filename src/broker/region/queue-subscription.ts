import type { MessageReference } from './message-reference.js';
import type { Queue } from './queue.js';
import { Subscription } from './subscription.js';

/** A consumer on one queue, or on every queue a wildcard covers. */
export class QueueSubscription extends Subscription {
  readonly queues: Queue[] = [];

  /** Lets each queue offer more messages (after credit was freed or the sink drained). */
  wakeup(): void {
    if (!this.available) return;
    for (const q of this.queues) {
      q.dispatch();
      if (!this.available) return;
    }
  }

  override close(): MessageReference[] {
    const refs = super.close();
    for (const q of this.queues) q.detach(this);
    // Unacknowledged messages go back to their queues for another consumer (ActiveMQ marks them redelivered).
    for (const ref of refs) ref.owner.returned(ref);
    const queues = this.queues.splice(0);
    for (const q of queues) q.dispatch();
    return refs;
  }
}
