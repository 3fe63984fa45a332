import type { ConsumerInfo } from '../../model/commands.js';
import type { Clock } from '../../util/clock.js';
import type { ConsumerSink } from '../broker.js';
import type { MessageReference } from './message-reference.js';
import type { MessageSelector } from './selector-support.js';

/**
 * A QueueBrowser: a snapshot of the queue's pending messages at the time it attached, sent without locking
 * or consuming them, then an end-of-browse marker (`deliver(null)`), as ActiveMQ's browser dispatch does.
 */
export class BrowserSubscription {
  private index = 0;
  private done = false;

  constructor(
    readonly info: ConsumerInfo,
    readonly sink: ConsumerSink,
    private readonly selector: MessageSelector | null,
    private readonly refs: MessageReference[],
    private readonly clock: Clock,
  ) {}

  pump(): void {
    if (this.done) return;
    const now = this.clock.now();
    while (this.index < this.refs.length && this.sink.ready) {
      const ref = this.refs[this.index++]!;
      if (ref.dropped || ref.message.isExpired(now)) continue;
      if (this.selector !== null && !this.selector.matches(ref.message, ref.deliveryCount + 1)) continue;
      this.sink.deliver({
        consumerId: this.info.consumerId,
        message: ref.message,
        redelivered: ref.deliveryCount > 0,
        redeliveryCount: ref.deliveryCount,
      });
    }
    if (this.index >= this.refs.length) {
      this.done = true;
      this.sink.deliver(null);
    }
  }

  close(): void {
    this.done = true;
    this.refs.length = 0;
  }
}
