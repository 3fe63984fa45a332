import type { Clock, Timer } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';

/**
 * `<slowConsumerStrategy><abortSlowConsumerStrategy …/>`: the attributes of ActiveMQ's AbortSlowConsumerStrategy,
 * with its defaults (maxSlowCount -1 = unused, maxSlowDuration 30 s, checkPeriod 30 s, abortConnection false).
 */
export interface AbortSlowConsumerStrategyConfig {
  readonly type: 'abortSlowConsumer';
  /** Close the slow consumer's whole connection instead of only the consumer. */
  readonly abortConnection?: boolean;
  /** ms between checks of the slow subscriptions. */
  readonly checkPeriod?: number;
  /** Slow episodes after which a consumer is aborted (< 0: not used). */
  readonly maxSlowCount?: number;
  /** ms a consumer may stay slow, counted in whole check periods (< 0: not used). */
  readonly maxSlowDuration?: number;
  /** Leave network-bridge consumers alone (TideMQ has none yet; kept for the configuration). */
  readonly ignoreNetworkConsumers?: boolean;
}

export type SlowConsumerStrategyConfig = AbortSlowConsumerStrategyConfig;

/** What the strategy needs of a subscription. */
export interface SlowSubscription {
  readonly consumerId: string;
  /** Whether the subscription is still in its slow episode. */
  readonly slow: boolean;
  /** Its connection, as a key for grouping (abortConnection closes each connection once). */
  readonly connectionId: string;
}

/** How the region carries out an abort. */
export interface SlowConsumerAborter<S extends SlowSubscription> {
  /** Close these subscriptions' connection; `reason` is ActiveMQ's InactivityIOException text. */
  abortConnection(subscriptions: readonly S[], reason: string): void;
  /** Close one consumer (ActiveMQ: ConsumerControl close=true to the client, then a local remove). */
  abortConsumer(subscription: S): void;
}

interface Entry {
  /** Episodes reported so far (SlowConsumerEntry starts at 1). */
  slowCount: number;
  /** Checks that found it still slow. */
  markCount: number;
}

/**
 * ActiveMQ's AbortSlowConsumerStrategy: a subscription reported slow is remembered; every checkPeriod the
 * ones still slow are marked, and one is aborted once markCount × checkPeriod reaches maxSlowDuration or it
 * has been reported slow maxSlowCount times. One that is no longer slow at a check is forgotten. The check
 * timer starts with the first report, as ActiveMQ schedules it lazily.
 */
export class AbortSlowConsumerStrategy<S extends SlowSubscription> {
  readonly abortConnection: boolean;
  readonly checkPeriod: number;
  readonly maxSlowCount: number;
  readonly maxSlowDuration: number;
  private readonly entries = new Map<S, Entry>();
  private timer: Timer | null = null;

  constructor(
    config: AbortSlowConsumerStrategyConfig,
    private readonly clock: Clock,
    private readonly aborter: SlowConsumerAborter<S>,
    private readonly logger?: Logger,
  ) {
    this.abortConnection = config.abortConnection ?? false;
    this.checkPeriod = config.checkPeriod ?? 30_000;
    this.maxSlowCount = config.maxSlowCount ?? -1;
    this.maxSlowDuration = config.maxSlowDuration ?? 30_000;
    if (!Number.isFinite(this.checkPeriod) || this.checkPeriod <= 0) {
      throw new RangeError(`abortSlowConsumerStrategy checkPeriod must be a number > 0, got ${this.checkPeriod}`);
    }
  }

  /** Subscriptions currently remembered as slow (for tests and management). */
  get tracked(): readonly S[] {
    return [...this.entries.keys()];
  }

  /** A subscription has become slow (once per episode). */
  slowConsumer(sub: S): void {
    if (this.maxSlowCount < 0 && this.maxSlowDuration < 0) {
      this.logger?.info('no limits set, slowConsumer strategy has nothing to do');
      return;
    }
    if (this.timer === null) this.timer = this.clock.setInterval(() => this.check(), this.checkPeriod);
    const entry = this.entries.get(sub);
    if (entry === undefined) this.entries.set(sub, { slowCount: 1, markCount: 0 });
    else if (this.maxSlowCount > 0) entry.slowCount++;
  }

  /** The subscription is gone (closed by its client): nothing left to abort. */
  forget(sub: S): void {
    this.entries.delete(sub);
  }

  /** One periodic check (AbortSlowConsumerStrategy.run). */
  check(): void {
    if (this.maxSlowDuration > 0) for (const e of this.entries.values()) e.markCount++;
    const toAbort: S[] = [];
    for (const [sub, e] of this.entries) {
      if (!sub.slow) {
        this.logger?.info(`sub: ${sub.consumerId} is no longer slow`);
        this.entries.delete(sub);
        continue;
      }
      const tooLong = this.maxSlowDuration > 0 && e.markCount * this.checkPeriod >= this.maxSlowDuration;
      const tooOften = this.maxSlowCount > 0 && e.slowCount >= this.maxSlowCount;
      if (tooLong || tooOften) {
        toAbort.push(sub);
        this.entries.delete(sub);
      }
    }
    if (toAbort.length === 0) return;
    if (this.abortConnection) {
      const byConnection = new Map<string, S[]>();
      for (const sub of toAbort) {
        const list = byConnection.get(sub.connectionId) ?? [];
        list.push(sub);
        byConnection.set(sub.connectionId, list);
      }
      for (const [connectionId, subs] of byConnection) {
        this.logger?.info(`aborting connection:${connectionId} with ${subs.length} slow consumers`);
        // InactivityIOException's text in AbortSlowConsumerStrategy.abortSubscription.
        this.aborter.abortConnection(
          subs,
          `${subs.length} Consumers was slow too often (>${this.maxSlowCount}) or too long (>${this.maxSlowDuration}): `,
        );
      }
    } else {
      for (const sub of toAbort) {
        this.logger?.info(`aborting slow consumer: ${sub.consumerId}`);
        this.aborter.abortConsumer(sub);
      }
    }
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.entries.clear();
  }
}
