import { Deque } from '../util/deque.js';

/** What an InboundQueue needs from its connection. */
export interface InboundQueueHost<T> {
  /** The connection is going away: what is still queued is dropped. */
  isClosing(): boolean;
  /**
   * Whether `item` is itself a send nobody waits for, which may run while earlier such sends are still in the
   * broker; anything else waits for them first, so it sees them done (a receipt or an ack keeps its meaning).
   */
  joinsAsyncSends(item: T): boolean;
  handle(item: T): Promise<void>;
  /** `item` (or the codec failure queued in its place, `item` null) ended in an error. */
  fail(error: unknown, item: T | null): void;
}

/**
 * One connection's inbound frames, handled strictly in order, each after the broker calls of the one before —
 * except sends nobody waits for (a STOMP SEND without receipt, an MQTT PUBLISH), which run alongside the next
 * ones up to `maxAsyncSends`, so a producer that does not wait shares group commits. Beyond `pauseAt` queued
 * frames the transport is paused until the queue is down to `resumeAt` (inbound back-pressure by TCP).
 * Shared by the STOMP and MQTT converters.
 */
export class InboundQueue<T> {
  private readonly queue = new Deque<T | Error>();
  private pumping = false;
  private paused = false;
  private readonly asyncSends = new Set<Promise<unknown>>();

  constructor(
    private readonly host: InboundQueueHost<T>,
    private readonly transport: { pause(): void; resume(): void },
    private readonly pauseAt = 256,
    private readonly resumeAt = 16,
    private readonly maxAsyncSends = 256,
  ) {}

  /** Queues a frame, or the codec failure that ended the input (handed to `fail` in its turn). */
  push(item: T | Error): void {
    this.queue.push(item);
    if (!this.paused && this.queue.length >= this.pauseAt) {
      this.paused = true;
      this.transport.pause();
    }
    if (!this.pumping) void this.pump();
  }

  /**
   * Lets a send that nobody waits for run on; the caller has attached its own handling of the outcome (a failure
   * here is not reported again). Resolves at once, or once the sends in flight are done when there are
   * `maxAsyncSends` of them.
   */
  async runAlongside(send: Promise<unknown>): Promise<void> {
    const done = () => {
      this.asyncSends.delete(tracked);
    };
    const tracked: Promise<void> = send.then(done, done);
    this.asyncSends.add(tracked);
    if (this.asyncSends.size >= this.maxAsyncSends) await this.drainSends();
  }

  /** Waits until no send is running alongside. */
  async drainSends(): Promise<void> {
    while (this.asyncSends.size > 0) await Promise.all([...this.asyncSends]);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        if (this.host.isClosing()) {
          this.queue.clear();
          break;
        }
        const item = this.queue.shift()!;
        if (this.paused && this.queue.length <= this.resumeAt) {
          this.paused = false;
          this.transport.resume();
        }
        if (item instanceof Error) {
          this.host.fail(item, null);
          continue;
        }
        try {
          if (this.asyncSends.size > 0 && !this.host.joinsAsyncSends(item)) await this.drainSends();
          await this.host.handle(item);
        } catch (e) {
          this.host.fail(e, item);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
