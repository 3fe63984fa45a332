import { BrokerFilter } from '../broker-filter.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
import type { MessageSelector } from '../region/selector-support.js';
import { parseOptionalSelector } from '../../destination/selector/index.js';
import type { BrokerError } from '../../util/errors.js';
import type { ConsumerInfo } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { compileNameFilter, type NameMatcher } from '../../destination/destination-filter.js';

/** One `<virtualTopic>` of a virtualDestinationInterceptor. */
export interface VirtualTopicConfig {
  /** Topics that are virtual (default `VirtualTopic.>`). */
  name: string;
  /** Consumer queue prefix with a wildcard for the consumer's name (default `Consumer.*.`). */
  prefix: string;
  /**
   * ActiveMQ's selectorAware (SelectorAwareVirtualTopicInterceptor): forward a message to a consumer queue only
   * when one of that queue's current consumers would select it, so a queue whose consumers never take it (or
   * that has no consumer at all) does not fill up. Default false.
   */
  selectorAware?: boolean;
}

export const defaultVirtualTopic: VirtualTopicConfig = { name: 'VirtualTopic.>', prefix: 'Consumer.*.' };

/**
 * ActiveMQ's virtual topics: a message sent to topic `VirtualTopic.Orders` is delivered to the topic's own
 * subscribers and also to every existing queue `Consumer.<name>.VirtualTopic.Orders`, so each consuming
 * application gets a queue of its own with queue semantics (load balancing, persistence while offline).
 * Forwarding happens inside the broker, in the sender's transaction, without a second authorization check,
 * as ActiveMQ's VirtualTopicInterceptor does.
 */
export class VirtualTopicBroker extends BrokerFilter {
  private readonly topics: { config: VirtualTopicConfig; matches: NameMatcher }[];
  /** Queue name → its consumers' selectors (null = selects everything); kept only when a topic is selectorAware. */
  private readonly queueConsumers = new Map<string, Map<string, MessageSelector | null>>();
  /** Connection id → the queues its consumers are on, by consumer id (RegionBroker removes them itself). */
  private readonly connectionConsumers = new Map<string, Map<string, string[]>>();
  private readonly selectorAware: boolean;
  /** Virtual topic name → its consumer queues; rebuilt when queues come and go. */
  private readonly targets = new Map<string, Destination[]>();

  constructor(next: Broker, configs: readonly VirtualTopicConfig[] = [defaultVirtualTopic]) {
    super(next);
    this.topics = configs.map((config) => ({ config, matches: compileNameFilter(config.name) }));
    this.selectorAware = configs.some((c) => c.selectorAware === true);
  }

  override async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    const dest = message.destination;
    if (dest.type === 'queue') this.noteQueue(dest);
    await super.send(context, message, transactionId);
    if (dest.type !== 'topic' || dest.isComposite) return;
    const selective = this.selectorAware && this.isSelectorAware(dest);
    for (const queue of this.consumerQueues(dest)) {
      if (selective && !this.selectedBySomeConsumer(queue, message)) continue;
      const copy = message.copy();
      copy.destination = queue;
      copy.originalDestination = dest;
      await super.send(context, copy, transactionId);
    }
  }

  override async addConsumer(
    context: ConnectionContext,
    info: ConsumerInfo,
    sink: ConsumerSink,
  ): Promise<ConsumerHandle> {
    if (info.destination.type === 'queue') this.noteQueue(info.destination);
    const handle = await super.addConsumer(context, info, sink);
    if (this.selectorAware) this.trackConsumer(context.info.connectionId, info);
    return handle;
  }

  override async removeConsumer(context: ConnectionContext, consumerId: string, last?: number): Promise<void> {
    await super.removeConsumer(context, consumerId, last);
    this.untrackConsumer(context.info.connectionId, consumerId);
  }

  override async removeConnection(context: ConnectionContext, error?: BrokerError): Promise<void> {
    await super.removeConnection(context, error);
    const byConsumer = this.connectionConsumers.get(context.info.connectionId);
    if (byConsumer === undefined) return;
    for (const id of [...byConsumer.keys()]) this.untrackConsumer(context.info.connectionId, id);
  }

  private isSelectorAware(topic: Destination): boolean {
    return this.topics.some((t) => t.config.selectorAware === true && t.matches(topic.name));
  }

  /** SelectorAwareVirtualTopicInterceptor.shouldDispatch: some consumer of the queue selects the message. */
  private selectedBySomeConsumer(queue: Destination, message: Message): boolean {
    const consumers = this.queueConsumers.get(queue.name);
    if (consumers === undefined) return false;
    for (const selector of consumers.values()) if (selector === null || selector.matches(message)) return true;
    return false;
  }

  private trackConsumer(connectionId: string, info: ConsumerInfo): void {
    const queues = info.destination
      .members()
      .filter((m) => m.type === 'queue' && !m.isWildcard)
      .map((m) => m.name);
    if (queues.length === 0) return;
    // The region accepted this selector already, so it compiles.
    const selector = parseOptionalSelector(info.selector);
    for (const q of queues) {
      let consumers = this.queueConsumers.get(q);
      if (consumers === undefined) this.queueConsumers.set(q, (consumers = new Map<string, MessageSelector | null>()));
      consumers.set(info.consumerId, selector);
    }
    let byConsumer = this.connectionConsumers.get(connectionId);
    if (byConsumer === undefined)
      this.connectionConsumers.set(connectionId, (byConsumer = new Map<string, string[]>()));
    byConsumer.set(info.consumerId, queues);
  }

  private untrackConsumer(connectionId: string, consumerId: string): void {
    const byConsumer = this.connectionConsumers.get(connectionId);
    const queues = byConsumer?.get(consumerId);
    if (byConsumer === undefined || queues === undefined) return;
    byConsumer.delete(consumerId);
    if (byConsumer.size === 0) this.connectionConsumers.delete(connectionId);
    for (const q of queues) {
      const consumers = this.queueConsumers.get(q);
      consumers?.delete(consumerId);
      if (consumers?.size === 0) this.queueConsumers.delete(q);
    }
  }

  override addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    if (destination.type === 'queue') this.noteQueue(destination);
    return super.addDestination(context, destination);
  }

  override async removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    await super.removeDestination(context, destination);
    if (destination.type === 'queue') this.targets.clear();
  }

  /** The consumer queues of a virtual topic (empty when the topic is not virtual). */
  consumerQueues(topic: Destination): Destination[] {
    const cached = this.targets.get(topic.name);
    if (cached !== undefined) return cached;
    const patterns: NameMatcher[] = [];
    for (const t of this.topics)
      if (t.matches(topic.name)) patterns.push(compileNameFilter(t.config.prefix + topic.name));
    let found: Destination[] = [];
    if (patterns.length > 0) {
      found = this.getDestinations().filter((d) => d.type === 'queue' && patterns.some((p) => p(d.name)));
    }
    if (this.targets.size > 10_000) this.targets.clear();
    this.targets.set(topic.name, found);
    return found;
  }

  /** A queue may have just been created: forget cached targets it could belong to. */
  private noteQueue(queue: Destination): void {
    if (this.targets.size === 0 || queue.isWildcard) return;
    for (const [topicName, list] of this.targets) {
      if (list.includes(queue)) continue;
      for (const t of this.topics) {
        if (t.matches(topicName) && compileNameFilter(t.config.prefix + topicName)(queue.name)) {
          this.targets.delete(topicName);
          break;
        }
      }
    }
  }
}
