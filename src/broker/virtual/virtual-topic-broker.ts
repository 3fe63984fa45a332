import { BrokerFilter } from '../broker-filter.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
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
  /** Virtual topic name → its consumer queues; rebuilt when queues come and go. */
  private readonly targets = new Map<string, Destination[]>();

  constructor(next: Broker, configs: readonly VirtualTopicConfig[] = [defaultVirtualTopic]) {
    super(next);
    this.topics = configs.map((config) => ({ config, matches: compileNameFilter(config.name) }));
  }

  override async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    const dest = message.destination;
    if (dest.type === 'queue') this.noteQueue(dest);
    await super.send(context, message, transactionId);
    if (dest.type !== 'topic' || dest.isComposite) return;
    for (const queue of this.consumerQueues(dest)) {
      const copy = message.copy();
      copy.destination = queue;
      copy.originalDestination = dest;
      await super.send(context, copy, transactionId);
    }
  }

  override addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    if (info.destination.type === 'queue') this.noteQueue(info.destination);
    return super.addConsumer(context, info, sink);
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
