import { compileNameFilter } from '../../destination/destination-filter.js';
import { BrokerFilter } from '../broker-filter.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
import { consumerInfoFor, type ConsumerInfo, type ProducerInfo } from '../../model/commands.js';
import { Advisory, type AdvisoryPayload } from '../../model/advisory.js';
import { Destination } from '../../model/destination.js';
import { IdGenerator } from '../../model/ids.js';
import { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import type { BrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { destinationMatches } from '../../destination/destination-filter.js';
import type { BrokerEventSource } from '../broker-events.js';
import {
  VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX,
  virtualDestinationConsumerAdvisory,
  type VirtualDestinationMatcher,
} from './virtual-destination-advisories.js';

interface Tracked {
  readonly context: ConnectionContext;
  readonly consumers: Map<string, ConsumerInfo>;
  readonly producers: Map<string, ProducerInfo>;
  readonly temporary: Set<Destination>;
}

/**
 * ActiveMQ's advisory messages: the broker reports connections, consumers, producers and destinations coming
 * and going on `ActiveMQ.Advisory.*` topics. The Java client depends on them — it learns which temporary
 * destinations exist from ActiveMQ.Advisory.TempQueue/TempTopic and refuses to send to one it has not seen.
 * A consumer that subscribes to an advisory topic is first sent the current state, addressed to it alone, as
 * ActiveMQ's AdvisoryBroker does. Turned off with advisorySupport="false" (the filter is then not installed).
 */
export class AdvisoryBroker extends BrokerFilter {
  private readonly connections = new Map<string, Tracked>();
  private readonly ids = new IdGenerator('ID:advisory-');
  private readonly producerId: string;
  private sequence = 0;
  private readonly internal: ConnectionContext;
  /** Destinations of the consumers listening to advisories; nothing is sent where nobody listens. */
  private readonly listeners = new Map<string, Destination>();
  /**
   * useVirtualDestSubs: consumers reported on a VirtualDestination consumer advisory topic, by consumer id, as
   * AdvisoryBroker.virtualDestinationConsumers (their ConsumerInfo names the virtual destination).
   */
  private readonly virtualConsumers = new Map<string, { readonly connectionId: string; readonly info: ConsumerInfo }>();
  /** useVirtualDestSubsOnCreation: consumer queues → the id of the demand their creation made (brokerConsumerDests). */
  private readonly virtualQueues = new Map<Destination, string>();

  constructor(
    next: Broker,
    private readonly options: {
      brokerUrl?: string;
      logger?: Logger;
      events?: BrokerEventSource;
      /** Set with `<broker useVirtualDestSubs="true">`: the virtual destinations consumers create demand for. */
      virtualDestinations?: VirtualDestinationMatcher;
      /** `<broker useVirtualDestSubsOnCreation="true">`: a new consumer queue is demand before any consumer. */
      virtualDestSubsOnCreation?: boolean;
    } = {},
  ) {
    super(next);
    const events = options.events;
    events?.addEventListener({
      // AdvisoryBroker.messageExpired / sendToDeadLetterQueue / messageDiscarded / isFull and
      // BaseDestination.onMessageWithNoConsumers, with the properties each sets in ActiveMQ 5.17 (sic:
      // "orignal"). The message advisories carry a copy of the message as their dataStructure.
      messageExpired: (d, m) =>
        this.fireAbout(Advisory.expired(d), d, m, { orignalMessageId: typed.string(m.messageId) }),
      messageDeadLettered: (d, m) => this.fireAbout(Advisory.dlq(d), d, m),
      noConsumer: (d, m) => this.forwardNoConsumer(d, m),
      messageDiscarded: (d, m, consumerId, count) =>
        this.fireAbout(Advisory.discarded(d), d, m, {
          discardedCount: typed.int(count),
          orignalMessageId: typed.string(m.messageId),
          consumerId: typed.string(consumerId),
          orignalDestination: typed.string(d.key),
        }),
      full: (d, usageName, usage) =>
        this.fireAbout(Advisory.full(d), d, null, {
          usageName: typed.string(usageName),
          usageCount: typed.long(BigInt(usage)),
        }),
      // AdvisoryBroker.messageDelivered / messageConsumed: a copy of the message, its id and its
      // destination's qualified name.
      messageDelivered: (d, m) =>
        this.fireAbout(Advisory.delivered(d), d, m, {
          orignalMessageId: typed.string(m.messageId),
          orignalDestination: typed.string(d.key),
        }),
      messageConsumed: (d, m) =>
        this.fireAbout(Advisory.consumed(d), d, m, {
          orignalMessageId: typed.string(m.messageId),
          orignalDestination: typed.string(d.key),
        }),
      // AdvisoryBroker.slowConsumer / fastProducer: the ConsumerInfo / ProducerInfo as the dataStructure and
      // its id as a property.
      slowConsumer: (d, connectionId, info) => {
        if (Advisory.isAdvisory(d)) return;
        this.fire(Advisory.slowConsumer(d), { kind: 'consumer', connectionId, info }, {}, null, {
          consumerId: typed.string(info.consumerId),
        });
      },
      fastProducer: (d, connectionId, info) => {
        if (Advisory.isAdvisory(d)) return;
        this.fire(Advisory.fastProducer(d), { kind: 'producer', connectionId, info }, {}, null, {
          producerId: typed.string(info.producerId),
        });
      },
    });
    this.producerId = `${this.ids.next()}:1:1`;
    this.internal = {
      info: {
        connectionId: `${this.producerId}:advisory`,
        clientId: null,
        userName: null,
        password: null,
        remoteAddress: 'vm://advisory',
        protocol: 'internal',
      },
      security: { userName: null, groups: new Set(), isBrokerInternal: true },
      control: { close: () => {} },
    };
  }

  override async addConnection(context: ConnectionContext): Promise<void> {
    await super.addConnection(context);
    this.connections.set(context.info.connectionId, {
      context,
      consumers: new Map(),
      producers: new Map(),
      temporary: new Set(),
    });
    this.fire(Advisory.connection, { kind: 'connection', info: context.info });
  }

  override async removeConnection(context: ConnectionContext, error?: BrokerError): Promise<void> {
    const tracked = this.connections.get(context.info.connectionId);
    await super.removeConnection(context, error);
    if (tracked === undefined) return;
    this.connections.delete(context.info.connectionId);
    for (const [id, info] of tracked.consumers) {
      this.listeners.delete(id);
      this.consumerGone(id, info);
    }
    for (const [id, info] of tracked.producers) this.producerGone(id, info);
    for (const d of tracked.temporary) this.destinationGone(d, context.info.connectionId);
    this.fire(Advisory.connection, { kind: 'remove', what: 'connection', id: context.info.connectionId });
  }

  override async addConsumer(
    context: ConnectionContext,
    info: ConsumerInfo,
    sink: ConsumerSink,
  ): Promise<ConsumerHandle> {
    const created = this.missing(info.destination);
    const handle = await super.addConsumer(context, info, sink);
    for (const d of created) this.destinationAdded(d, null);
    this.connections.get(context.info.connectionId)?.consumers.set(info.consumerId, info);
    if (!Advisory.isAdvisory(info.destination)) {
      // AdvisoryBroker.addConsumer fires the virtual destination advisory first, then the consumer's own.
      this.virtualConsumerAdded(context.info.connectionId, info);
      this.fire(
        Advisory.consumer(info.destination),
        { kind: 'consumer', connectionId: context.info.connectionId, info, clientId: context.info.clientId },
        {
          consumerCount: this.consumerCount(info.destination),
        },
      );
    } else {
      this.listeners.set(info.consumerId, info.destination);
      this.replayTo(info);
    }
    return handle;
  }

  /**
   * An unsubscribe is reported on the subscription's consumer advisory topic (AdvisoryBroker.removeSubscription),
   * so a network bridge that keeps a durable subscription for it can let go of that too.
   */
  override async removeSubscription(
    context: ConnectionContext,
    clientId: string,
    subscriptionName: string,
  ): Promise<void> {
    const info = this.next.durableSubscriptionInfo?.(clientId, subscriptionName) ?? null;
    await super.removeSubscription(context, clientId, subscriptionName);
    if (info === null) return;
    this.fire(
      Advisory.consumer(info.destination),
      { kind: 'removeSubscription', connectionId: context.info.connectionId, clientId, subscriptionName },
      {},
    );
  }

  override async removeConsumer(context: ConnectionContext, consumerId: string, last?: number): Promise<void> {
    await super.removeConsumer(context, consumerId, last);
    this.listeners.delete(consumerId);
    const tracked = this.connections.get(context.info.connectionId);
    const info = tracked?.consumers.get(consumerId);
    if (tracked === undefined || info === undefined) return;
    tracked.consumers.delete(consumerId);
    this.consumerGone(consumerId, info);
  }

  override async addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void> {
    await super.addProducer(context, info);
    this.connections.get(context.info.connectionId)?.producers.set(info.producerId, info);
    if (info.destination !== null && !Advisory.isAdvisory(info.destination)) {
      this.fire(
        Advisory.producer(info.destination),
        { kind: 'producer', connectionId: context.info.connectionId, info },
        {
          producerCount: this.producerCount(info.destination),
        },
      );
    }
  }

  override async removeProducer(context: ConnectionContext, producerId: string): Promise<void> {
    await super.removeProducer(context, producerId);
    const tracked = this.connections.get(context.info.connectionId);
    const info = tracked?.producers.get(producerId);
    if (tracked === undefined || info === undefined) return;
    tracked.producers.delete(producerId);
    this.producerGone(producerId, info);
  }

  override async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    const created = this.missing(message.destination);
    await super.send(context, message, transactionId);
    for (const d of created) this.destinationAdded(d, null);
  }

  override async addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    const created = this.missing(destination);
    await super.addDestination(context, destination);
    if (destination.isTemporary) this.connections.get(context.info.connectionId)?.temporary.add(destination);
    for (const d of created) this.destinationAdded(d, context.info.connectionId);
  }

  override async removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    const existed = this.next.destinationExists(destination);
    await super.removeDestination(context, destination);
    this.connections.get(context.info.connectionId)?.temporary.delete(destination);
    if (existed) this.destinationGone(destination, context.info.connectionId);
  }

  // ---------------------------------------------------------------------------------------------------

  /** Concrete, non-advisory destinations a call is about to create. */
  private missing(destination: Destination): Destination[] {
    const out: Destination[] = [];
    for (const m of destination.members()) {
      if (m.isWildcard || Advisory.isAdvisory(m) || this.next.destinationExists(m)) continue;
      out.push(m);
    }
    return out;
  }

  private destinationAdded(d: Destination, connectionId: string | null): void {
    if (this.options.virtualDestSubsOnCreation === true && d.isQueue && !d.isTemporary) this.virtualQueueCreated(d);
    this.fire(Advisory.destinations(d), { kind: 'destination', operation: 'add', destination: d, connectionId });
  }

  private destinationGone(d: Destination, connectionId: string | null): void {
    // AdvisoryBroker.removeDestination: the demand a destination made on its creation goes with it.
    const created = this.virtualQueues.get(d);
    if (created !== undefined) {
      this.virtualQueues.delete(d);
      this.virtualConsumerGone(created);
    }
    this.fire(Advisory.destinations(d), { kind: 'destination', operation: 'remove', destination: d, connectionId });
  }

  /**
   * AdvisoryBroker.fireVirtualDestinationAddAdvisory for a consumer coming online: a copy of its ConsumerInfo with
   * the virtual destination it feeds from, on that destination's VirtualDestination consumer advisory topic.
   */
  private virtualConsumerAdded(connectionId: string, info: ConsumerInfo): void {
    const virtual = this.options.virtualDestinations?.demandFor(info.destination) ?? null;
    if (virtual === null || this.virtualConsumers.has(info.consumerId)) return;
    const copy: ConsumerInfo = { ...info, destination: virtual };
    this.virtualConsumers.set(info.consumerId, { connectionId, info: copy });
    this.fire(virtualDestinationConsumerAdvisory(virtual), { kind: 'consumer', connectionId, info: copy });
  }

  /**
   * AdvisoryBroker.fireVirtualDestinationAddAdvisory without a consumer (useVirtualDestSubsOnCreation): a queue that
   * a virtual destination feeds was created, so the virtual destination has demand before the queue has a consumer,
   * and messages sent elsewhere in the network meanwhile wait in the queue. The ConsumerInfo is a new one, with an
   * id of its own and the virtual destination.
   */
  private virtualQueueCreated(queue: Destination): void {
    const virtual = this.options.virtualDestinations?.demandFor(queue) ?? null;
    if (virtual === null || this.virtualQueues.has(queue)) return;
    const info = consumerInfoFor(`${this.ids.next()}:1:1`, virtual, { prefetch: 0, ackMode: 'auto' });
    this.virtualQueues.set(queue, info.consumerId);
    this.virtualConsumers.set(info.consumerId, { connectionId: this.internal.info.connectionId, info });
    this.fire(virtualDestinationConsumerAdvisory(virtual), {
      kind: 'consumer',
      connectionId: this.internal.info.connectionId,
      info,
    });
  }

  /**
   * AdvisoryBroker.fireVirtualDestinationRemoveAdvisory: the consumer's RemoveInfo on the topic its add went to.
   * (ActiveMQ 5.17 sends it to the topic named after the virtual destination's own name, `…Topic.VirtualTopic.>`
   * for the default virtual topic, which a bridge's `…VirtualDestination.Consumer.>` subscription hears as well;
   * TideMQ never sends to a wildcard name, and the add's topic reaches the same subscribers.)
   */
  private virtualConsumerGone(id: string): void {
    const tracked = this.virtualConsumers.get(id);
    if (tracked === undefined) return;
    this.virtualConsumers.delete(id);
    this.fire(virtualDestinationConsumerAdvisory(tracked.info.destination), { kind: 'remove', what: 'consumer', id });
  }

  private consumerGone(id: string, info: ConsumerInfo): void {
    this.virtualConsumerGone(id);
    if (Advisory.isAdvisory(info.destination)) return;
    this.fire(
      Advisory.consumer(info.destination),
      { kind: 'remove', what: 'consumer', id },
      {
        consumerCount: this.consumerCount(info.destination),
      },
    );
  }

  private producerGone(id: string, info: ProducerInfo): void {
    if (info.destination === null || Advisory.isAdvisory(info.destination)) return;
    this.fire(
      Advisory.producer(info.destination),
      { kind: 'remove', what: 'producer', id },
      {
        producerCount: this.producerCount(info.destination),
      },
    );
  }

  /** A new advisory consumer first hears the current state, addressed to it alone. */
  private replayTo(info: ConsumerInfo): void {
    for (const topic of info.destination.members()) {
      const name = topic.name;
      const target = info.consumerId;
      if (
        name === Advisory.tempQueue ||
        name === Advisory.tempTopic ||
        name === Advisory.queue ||
        name === Advisory.topic
      ) {
        for (const d of this.getDestinations()) {
          if (Advisory.destinations(d) !== name || Advisory.isAdvisory(d)) continue;
          const owner = [...this.connections.values()].find((c) => c.temporary.has(d));
          this.fire(
            name,
            {
              kind: 'destination',
              operation: 'add',
              destination: d,
              connectionId: owner?.context.info.connectionId ?? null,
            },
            {},
            target,
          );
        }
      } else if (name === Advisory.connection) {
        for (const c of this.connections.values())
          this.fire(name, { kind: 'connection', info: c.context.info }, {}, target);
      } else if (name.startsWith(VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX)) {
        // AdvisoryBroker.addConsumer replays virtualDestinationConsumers to a new subscriber.
        const matches = compileNameFilter(name);
        for (const { connectionId, info: vi } of this.virtualConsumers.values()) {
          const advisory = virtualDestinationConsumerAdvisory(vi.destination);
          if (matches(advisory)) this.fire(advisory, { kind: 'consumer', connectionId, info: vi }, {}, target);
        }
      } else if (name.startsWith('ActiveMQ.Advisory.Consumer.')) {
        // A wildcard subscription (a network bridge's ActiveMQ.Advisory.Consumer.>) hears every matching one.
        const matches = compileNameFilter(name);
        for (const c of this.connections.values()) {
          for (const ci of c.consumers.values()) {
            const advisory = Advisory.consumer(ci.destination);
            if (!matches(advisory)) continue;
            const payload = {
              kind: 'consumer',
              connectionId: c.context.info.connectionId,
              info: ci,
              clientId: c.context.info.clientId,
            } as const;
            this.fire(advisory, payload, {}, target);
          }
        }
      } else if (name.startsWith('ActiveMQ.Advisory.Producer.')) {
        const matches = compileNameFilter(name);
        for (const c of this.connections.values()) {
          for (const pi of c.producers.values()) {
            if (pi.destination === null) continue;
            const advisory = Advisory.producer(pi.destination);
            if (!matches(advisory)) continue;
            this.fire(advisory, { kind: 'producer', connectionId: c.context.info.connectionId, info: pi }, {}, target);
          }
        }
      }
    }
  }

  private consumerCount(d: Destination): number {
    let n = 0;
    for (const c of this.connections.values()) for (const ci of c.consumers.values()) if (ci.destination === d) n++;
    return n;
  }

  private producerCount(d: Destination): number {
    let n = 0;
    for (const c of this.connections.values()) for (const pi of c.producers.values()) if (pi.destination === d) n++;
    return n;
  }

  private listened(topic: Destination): boolean {
    for (const d of this.listeners.values()) {
      for (const m of d.members()) if (destinationMatches(m, topic)) return true;
    }
    return false;
  }

  /**
   * An advisory about one message (expired, dead-lettered, discarded): its dataStructure is a copy of the
   * message, without its body unless the destination's policy says includeBodyForAdvisory (AdvisoryBroker
   * clears it). The copy is a new value, so the converter builds its wire form from it, not from the original's.
   */
  private fireAbout(
    topic: string,
    destination: Destination,
    message: Message | null,
    props: Record<string, ReturnType<typeof typed.string>> = {},
  ): void {
    let payload: AdvisoryPayload | null = null;
    if (message !== null) {
      const copy = message.copy();
      if (this.options.events?.includeBodyForAdvisory?.(destination) !== true) {
        copy.body = null;
        copy.origin = null;
      }
      payload = { kind: 'message', message: copy };
    }
    this.fire(topic, payload, {}, null, props);
  }

  /**
   * BaseDestination.onMessageWithNoConsumers: the "advisory" is the message itself, readdressed to
   * ActiveMQ.Advisory.NoConsumer.Queue|Topic.<name> (same id, body and properties; an originalDestination it
   * had becomes the destination it was sent to), sent without flow control.
   */
  private forwardNoConsumer(destination: Destination, message: Message): void {
    const topic = Destination.topic(Advisory.noConsumer(destination));
    if (!this.listened(topic)) return;
    const copy = message.copy();
    if (copy.originalDestination !== null) copy.originalDestination = copy.destination;
    copy.destination = topic;
    copy.targetConsumerId = null;
    this.next
      .send(this.internal, copy, null)
      .catch((e: unknown) => this.options.logger?.warn('Could not send an advisory', { topic: topic.name, error: e }));
  }

  private fire(
    topic: string,
    payload: AdvisoryPayload | null,
    counts: Record<string, number> = {},
    target: string | null = null,
    extra: Record<string, ReturnType<typeof typed.string>> = {},
  ): void {
    const destination = Destination.topic(topic);
    if (target === null && !this.listened(destination)) return;
    const m = new Message();
    m.messageId = `${this.producerId}:${++this.sequence}`;
    m.producerId = this.producerId;
    m.destination = destination;
    m.timestamp = Date.now();
    m.persistent = false;
    m.type = Advisory.messageType;
    m.advisory = payload;
    m.targetConsumerId = target;
    const props = new Map([
      ['originBrokerName', typed.string(this.brokerName)],
      ['originBrokerId', typed.string(this.brokerId)],
      ['originBrokerURL', typed.string(this.options.brokerUrl ?? `vm://${this.brokerName}`)],
    ]);
    for (const [k, v] of Object.entries(counts)) props.set(k, typed.int(v));
    for (const [k, v] of Object.entries(extra)) props.set(k, v);
    m.properties = props;
    this.next
      .send(this.internal, m, null)
      .catch((e: unknown) => this.options.logger?.warn('Could not send an advisory', { topic, error: e }));
  }
}
