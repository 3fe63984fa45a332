import type { ConsumerInfo } from '../../model/commands.js';
import { Advisory } from '../../model/advisory.js';
import type { Destination } from '../../model/destination.js';
import type { PersistenceAdapter } from '../../store/persistence-adapter.js';
import type { Clock } from '../../util/clock.js';
import { BrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ConnectionContext } from '../broker.js';
import type { BrokerEventListener } from '../broker-events.js';
import { AbortSlowConsumerStrategy, type SlowConsumerStrategyConfig } from '../policy/abort-slow-consumer-strategy.js';
import { DEFAULT_PREFETCH, type ResolvedPolicy } from '../policy/policy-entry.js';
import type { CursorStores } from './queue-cursor.js';
import { SubscriberSpool, type SpoolStore } from './subscriber-spool.js';
import { spoolStoreFor } from './temp-stores.js';
import type { TopicSubscription } from './topic.js';

export interface SubscriptionPoliciesOptions {
  clock: Clock;
  logger: Logger;
  listeners: readonly BrokerEventListener[];
  policyFor(destination: Destination): ResolvedPolicy;
  /** True when the broker was given a PolicyMap: prefetch rules apply only then. */
  customPolicies: boolean;
  /** The temp store a non-durable subscriber spools to (fileCursor), or null. */
  tempStore: PersistenceAdapter | null;
  cursorStores: CursorStores;
  nextBrokerSequence(): number;
  /** Removes a consumer through the region (an aborted slow consumer whose protocol cannot close it itself). */
  removeConsumer(context: ConnectionContext, consumerId: string): Promise<void>;
}

/**
 * What a destination's policy does to a consumer (ActiveMQ's PolicyEntry.configure(Subscription) and its
 * slowConsumerStrategy): prefetch defaults, a non-durable subscriber's pending limit and spool, discard
 * advisories, and what happens to a slow consumer.
 */
export class SubscriptionPolicies {
  /** One slow-consumer strategy per policy entry that names one, as each PolicyEntry owns its instance. */
  private readonly slowStrategies = new Map<SlowConsumerStrategyConfig, AbortSlowConsumerStrategy<TopicSubscription>>();
  private spools: SpoolStore | null = null;

  constructor(private readonly o: SubscriptionPoliciesOptions) {}

  /**
   * PolicyEntry.configurePrefetch: a consumer that kept its client's default prefetch gets the policy's
   * queuePrefetch / queueBrowserPrefetch / topicPrefetch / durableTopicPrefetch; an explicit one stays.
   */
  configurePrefetch(info: ConsumerInfo): void {
    if (!this.o.customPolicies) return;
    const policy = this.o.policyFor(info.destination);
    const current = info.prefetch;
    if (info.browser) {
      if (current === DEFAULT_PREFETCH.queueBrowser) info.prefetch = policy.queueBrowserPrefetch;
    } else if (info.destination.isQueue) {
      if (current === DEFAULT_PREFETCH.queue) info.prefetch = policy.queuePrefetch;
    } else if (info.subscriptionName !== null && info.subscriptionName !== '') {
      if (current === DEFAULT_PREFETCH.durableTopic || current === DEFAULT_PREFETCH.optimizedDurableTopic) {
        info.prefetch = policy.durableTopicPrefetch;
      }
    } else if (current === DEFAULT_PREFETCH.topic) {
      info.prefetch = policy.topicPrefetch;
    }
  }

  /** constantPendingMessageLimitStrategy and advisoryForDiscardingMessages for a non-durable subscriber. */
  configureTopicSubscription(ts: TopicSubscription): void {
    const policy = this.o.policyFor(ts.info.destination);
    const limit = policy.pendingMessageLimitStrategy;
    if (limit !== null) ts.pendingLimit = limit.limit;
    // TopicSubscription's FilePendingMessageCursor: ActiveMQ's default for a subscriber on a non-temporary topic
    // whenever the broker has a temp store. A pending limit means the operator chose to discard instead.
    const dest = ts.info.destination;
    if (
      this.o.tempStore !== null &&
      policy.pendingSubscriberPolicy === 'file' &&
      limit === null &&
      !dest.isTemporary &&
      !Advisory.isAdvisory(dest)
    ) {
      ts.spool = new SubscriberSpool(this.spoolStore(this.o.tempStore), `ActiveMQ.Spool.${ts.consumerId}`);
      ts.spool.highWaterMark = policy.cursorMemoryHighWaterMark;
      ts.spool.pageSize = Math.max(1, policy.maxPageSize);
    }
    if (policy.advisoryForDiscardingMessages) {
      ts.onDiscard = (sub, message) => {
        if (Advisory.isAdvisory(message.destination)) return;
        for (const l of this.o.listeners)
          l.messageDiscarded?.(message.destination, message, sub.consumerId, sub.discarded);
      };
    }
    ts.onSlow = (sub) => {
      this.o.logger.warn(
        `TopicSubscription: consumer=${sub.consumerId}: has twice its prefetch limit pending, without an ack; it appears to be slow: ${sub.context.info.remoteAddress}`,
      );
      this.slowConsumer(sub);
    };
  }

  /**
   * BaseDestination.slowConsumer, for every destination the subscription spans: the SlowConsumer advisory where
   * that destination's policy has advisoryForSlowConsumers, then its slowConsumerStrategy.
   */
  slowConsumer(sub: TopicSubscription): void {
    for (const t of sub.topics) {
      const policy = this.o.policyFor(t.destination);
      if (policy.advisoryForSlowConsumers && !Advisory.isAdvisory(t.destination)) {
        for (const l of this.o.listeners) l.slowConsumer?.(t.destination, sub.context.info.connectionId, sub.info);
      }
      const config = policy.slowConsumerStrategy;
      if (config !== null) this.slowStrategy(config).slowConsumer(sub);
    }
  }

  private slowStrategy(config: SlowConsumerStrategyConfig): AbortSlowConsumerStrategy<TopicSubscription> {
    let strategy = this.slowStrategies.get(config);
    if (strategy === undefined) {
      strategy = new AbortSlowConsumerStrategy<TopicSubscription>(
        config,
        this.o.clock,
        {
          // AbortSlowConsumerStrategy.abortSubscription: the connection fails with an InactivityIOException
          // (asynchronously), or the client is told to close the consumer and it is removed locally a second later.
          abortConnection: (subs, reason) => {
            const context = subs[0]!.context;
            this.o.clock.setTimeout(() => context.control.close(new BrokerError('ERR_INACTIVITY', reason)), 0);
          },
          abortConsumer: (sub) => {
            const context = sub.context;
            const reason = new BrokerError(
              'ERR_INACTIVITY',
              `Consumer ${sub.consumerId} was aborted as a slow consumer`,
            );
            if (context.control.closeConsumer !== undefined) {
              context.control.closeConsumer(sub.consumerId, reason);
              return;
            }
            this.o.clock.setTimeout(() => {
              this.o
                .removeConsumer(context, sub.consumerId)
                .catch((e: unknown) =>
                  this.o.logger.info(`exception on local remove of slow consumer: ${sub.consumerId}`, { error: e }),
                );
            }, 1000);
          },
        },
        this.o.logger,
      );
      this.slowStrategies.set(config, strategy);
    }
    return strategy;
  }
  /** The consumer is gone: the strategies stop watching it. */
  forget(sub: TopicSubscription): void {
    for (const s of this.slowStrategies.values()) s.forget(sub);
  }

  stop(): void {
    for (const s of this.slowStrategies.values()) s.stop();
    this.slowStrategies.clear();
  }

  /** The temp store as subscribers' spools use it (made once). */
  private spoolStore(temp: PersistenceAdapter): SpoolStore {
    this.spools ??= spoolStoreFor(temp, this.o.cursorStores, this.o.logger, () => this.o.nextBrokerSequence());
    return this.spools;
  }
}
