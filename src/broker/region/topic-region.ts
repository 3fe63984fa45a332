import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { PersistenceAdapter, StoreOperation } from '../../store/persistence-adapter.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import { AbstractRegion, allowed, isMultiDestination } from './abstract-region.js';
import { MemoryUsage } from './memory-usage.js';
import type { MessageAdvisories } from './message-advisories.js';
import { DurableTopicSubscription, Topic, type TopicSubscription } from './topic.js';

export interface TopicRegionOptions {
  store: PersistenceAdapter;
  policyFor(destination: Destination): ResolvedPolicy;
  /** The broker's memoryUsage, parent of every topic's own. */
  memoryUsage: MemoryUsage;
  /**
   * A durable wildcard subscription joined a topic created after it: the store must record it on that topic,
   * or it would not keep the topic's messages for it (TopicRegion adds the subscription to the topic's store).
   */
  durableJoined(sub: DurableTopicSubscription, topic: Destination): void;
  /**
   * Whether a durable subscription of the topic takes the message (null: none does, nothing is stored), and the
   * keys of those it passes by (DurableSubscriptions.passedBy).
   */
  durablesPassedBy(topic: Topic, message: Message): readonly string[] | null;
  /** Where advisoryForDelivery and sendAdvisoryIfNoConsumers report a message. */
  advisories: MessageAdvisories;
}

/**
 * The topics (and temporary topics) and their subscriptions: ActiveMQ's TopicRegion. Creates each topic with its
 * policy and attaches subscriptions (wildcard ones to every topic they cover, now and later). Durable
 * subscriptions' identity and store records are DurableSubscriptions' business; this region only attaches them.
 */
export class TopicRegion extends AbstractRegion<Topic, TopicSubscription> {
  constructor(private readonly options: TopicRegionOptions) {
    super();
  }

  protected override create(physical: Destination): Topic {
    const t = new Topic(physical);
    this.configure(t);
    return t;
  }

  protected override join(sub: TopicSubscription, t: Topic): void {
    attach(sub, t);
    if (sub instanceof DurableTopicSubscription) this.options.durableJoined(sub, t.destination);
  }

  /** PolicyEntry.configure(Topic). */
  private configure(t: Topic): void {
    const policy = this.options.policyFor(t.destination);
    const recovery = policy.subscriptionRecoveryPolicy;
    t.recoveryCount =
      recovery === null
        ? 0
        : recovery.type === 'fixedCount'
          ? recovery.maximumSize
          : recovery.type === 'lastImage'
            ? 1
            : 0;
    t.alwaysRetroactive = policy.alwaysRetroactive;
    t.noConsumerAdvisory = policy.sendAdvisoryIfNoConsumers;
    t.deliveryAdvisory = policy.advisoryForDelivery;
    t.usage = new MemoryUsage(`${t.destination.key}:memory`, policy.memoryLimit, this.options.memoryUsage);
  }

  /**
   * Topic.send for a message to one topic (created if need be): stored first when `store`, persistent and some
   * durable subscription wants it (synced when the producer waits for an answer), then given to every
   * subscription; the delivery advisory follows, as in ActiveMQ's Topic.send.
   */
  async send(message: Message, store: boolean): Promise<void> {
    const o = this.options;
    const dest = message.destination;
    const topic = this.ensure(dest);
    const passedBy = store && message.persistent ? o.durablesPassedBy(topic, message) : null;
    const stored = passedBy !== null;
    if (passedBy !== null) {
      topic.storing.add(message.messageId);
      try {
        const batch: StoreOperation[] = [{ op: 'add', destination: dest, message }];
        // The store keeps a topic message for every durable subscription of the topic until each removed it;
        // the ones whose selector (or noLocal) refuses it never will, so they are taken off it at once, or it
        // would stay on disk for as long as they exist.
        for (const key of passedBy)
          batch.push({ op: 'remove', destination: dest, messageId: message.messageId, subscription: key });
        await o.store.write(batch, message.responseRequired);
      } catch (e) {
        topic.storing.delete(message.messageId);
        throw e;
      }
    }
    if (topic.subscriptions.length === 0 && topic.noConsumerAdvisory) o.advisories.noConsumer(dest, message);
    const spilled = topic.add(message, stored);
    if (spilled !== undefined) await spilled;
    // Topic.send: messageDelivered after the message went to the subscriptions.
    if (topic.deliveryAdvisory) o.advisories.delivered(dest, message);
  }

  /**
   * Attaches a subscription (non-durable, or a durable one being created) to the topics its destination names or
   * covers, creating the named ones; a wildcard or composite one also joins topics created later.
   */
  subscribe(sub: TopicSubscription): void {
    const dest = sub.info.destination;
    for (const m of dest.members()) if (!m.isWildcard) this.ensure(m);
    if (isMultiDestination(dest)) this.addWildcard(sub);
    for (const t of this.matching(dest)) {
      if (allowed(sub.info, t.destination)) attach(sub, t);
    }
  }

  protected override activeConsumers(t: Topic): string[] {
    return t.subscriptions.filter((s) => s.active).map((s) => s.consumerId);
  }

  /** The subscription is gone for good: later topics no longer join it. */
  unsubscribe(sub: TopicSubscription): void {
    this.removeWildcard(sub);
  }

  /** Deletes a topic: its subscriptions are closed (a durable one's record stays with DurableSubscriptions). */
  override remove(destination: Destination): void {
    const t = this.lookup(destination.name);
    if (t === undefined) return;
    for (const s of [...t.subscriptions]) s.close();
    this.forget(t);
  }
}

function attach(sub: TopicSubscription, t: Topic): void {
  sub.topics.push(t);
  t.attach(sub);
}
