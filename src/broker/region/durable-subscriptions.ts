import type { ConsumerInfo } from '../../model/commands.js';
import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type {
  PersistenceAdapter,
  RecoveredState,
  StoreOperation,
  DurableSubscriptionRecord,
} from '../../store/persistence-adapter.js';
import { BrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ConnectionContext, ConsumerSink } from '../broker.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import { DurableCursor } from './durable-cursor.js';
import type { MessageSelector } from './selector-support.js';
import type { SubscriptionHost } from './subscription.js';
import { DurableTopicSubscription, durableKey, type DurableHost, type Topic, type TopicSubscription } from './topic.js';
import type { TopicRegion } from './topic-region.js';

export interface DurableSubscriptionsOptions {
  store: PersistenceAdapter;
  topics: TopicRegion;
  /** What each subscription reports its acks, expiries and consumptions to (the region broker). */
  host: SubscriptionHost & DurableHost;
  logger: Logger;
  policyFor(destination: Destination): ResolvedPolicy;
  compileSelector(text: string | null): MessageSelector | null;
  nextBrokerSequence(): number;
  /** The broker's own context, which an offline subscription holds. */
  internalContext(): ConnectionContext;
  /** The subscription has twice its prefetch pending without an ack (BaseDestination.slowConsumer). */
  slowConsumer(sub: TopicSubscription): void;
}

/**
 * Durable topic subscriptions by JMS identity (clientId + subscription name), online and offline: their creation
 * and store records, their recovery at start, JMS unsubscribe, and which of them a persistent topic message is
 * stored for. ActiveMQ's TopicRegion keeps them in durableSubscriptions for the same reasons.
 */
export class DurableSubscriptions {
  private readonly subs = new Map<string, DurableTopicSubscription>();

  constructor(private readonly o: DurableSubscriptionsOptions) {}

  /** A subscription by its JMS identity (ActiveMQ's SubscriptionKey), online or offline. */
  find(clientId: string, subscriptionName: string): DurableTopicSubscription | undefined {
    return this.subs.get(durableKey(clientId, subscriptionName));
  }

  values(): IterableIterator<DurableTopicSubscription> {
    return this.subs.values();
  }

  /**
   * Recreates the subscriptions the store recorded, each with its backlog (left in the store for its cursor
   * to page in, where it has one and the store can read a subscription a page at a time).
   */
  async recover(state: RecoveredState, deferDurable: boolean): Promise<void> {
    // A wildcard durable subscription has one record for its own destination and one per physical topic it
    // covers (the store keeps a topic's messages only for subscriptions recorded on it), as ActiveMQ's
    // TopicRegion adds the subscription to each matching topic's store.
    const byKey = new Map<string, typeof state.subscriptions>();
    for (const rec of state.subscriptions) {
      const list = byKey.get(rec.key) ?? [];
      list.push(rec);
      byKey.set(rec.key, list);
    }
    for (const records of byKey.values()) {
      const main = records.find((r) => r.destination.isWildcard || r.destination.isComposite) ?? records[0]!;
      const sub = this.create(main.clientId, main.subscriptionName, main.destination, main.selector, main.noLocal);
      if (deferDurable && sub.cursor !== null) {
        // Its backlog stays in the store; the cursor pages it in once a consumer attaches.
        sub.cursor.storeBacklog = state.deferredSubscriptions?.get(`${main.destination.key}|${main.key}`) ?? 0;
        continue;
      }
      const recovered: Message[] = [];
      for (const rec of records) {
        if (deferDurable) {
          recovered.push(...(await this.readBacklog(rec.destination, rec.key)));
          continue;
        }
        const acked = state.subscriptionAcks.get(`${rec.destination.key}|${rec.key}`) ?? new Set<string>();
        for (const m of state.messages.get(rec.destination.key) ?? []) {
          if (!acked.has(m.messageId)) recovered.push(m);
        }
      }
      if (records.length > 1) recovered.sort((a, b) => a.timestamp - b.timestamp);
      for (const m of recovered) void sub.enqueue(m); // a durable subscription never spools
    }
  }

  /** All of a durable subscription's messages on one topic, for a subscription that keeps them in memory. */
  private async readBacklog(topic: Destination, key: string): Promise<Message[]> {
    const out: Message[] = [];
    let after = 0;
    for (;;) {
      const page = await this.o.store.readSubscriptionMessages!(topic, key, after, 1000);
      for (const m of page) {
        m.brokerSequence = this.o.nextBrokerSequence();
        out.push(m);
      }
      if (page.length < 1000) return out;
      after = page[page.length - 1]!.storeSequence;
    }
  }

  /**
   * A consumer with a subscription name attaches (TopicRegion.addConsumer for a durable subscriber): the
   * subscription is created and recorded in the store (synced) if it is new, recreated if its topic or selector
   * changed, and refused if another consumer has it.
   */
  async activate(
    context: ConnectionContext,
    info: ConsumerInfo,
    sink: ConsumerSink,
    selector: MessageSelector | null,
  ): Promise<DurableTopicSubscription> {
    const clientId = context.info.clientId;
    const name = info.subscriptionName!;
    if (clientId === null || clientId === '') {
      throw new BrokerError(
        'ERR_CLIENT_ID_INVALID',
        'You cannot create a durable subscriber without specifying a unique clientID on a Connection',
      );
    }
    if (info.destination.name.startsWith('ActiveMQ.Advisory.')) {
      throw new BrokerError('ERR_ILLEGAL_STATE', 'Cannot create a durable subscription for an advisory Topic');
    }
    const key = durableKey(clientId, name);
    let sub = this.subs.get(key);
    if (sub !== undefined && sub.active) {
      throw new BrokerError(
        'ERR_ILLEGAL_STATE',
        `Durable consumer is in use for client: ${clientId} and subscriptionName: ${name}`,
      );
    }
    if (
      sub !== undefined &&
      (sub.info.destination !== info.destination || (sub.selector?.text ?? null) !== (selector?.text ?? null))
    ) {
      // JMS: changing the topic or selector of a durable subscription deletes and recreates it.
      await this.delete(sub);
      sub = undefined;
    }
    const created = sub === undefined;
    if (sub === undefined) {
      sub = this.create(clientId, name, info.destination, info.selector, info.noLocal, selector, info.accepts);
      const destinations = [info.destination];
      if (info.destination.isWildcard || info.destination.isComposite) {
        for (const t of sub.topics) destinations.push(t.destination);
      }
      await this.write(
        destinations.map((d) => ({ op: 'add-subscription', subscription: this.record(sub!, d) })),
        true,
      );
    }
    // A recovered subscription, or one another connection made, may span topics this consumer may not read.
    if (info.accepts !== undefined) await this.detachRefused(sub, info.accepts);
    sub.context = context;
    sub.info = info;
    sub.sink = sink;
    sub.selector = selector;
    // A new retroactive durable subscription gets the topics' retained messages, as ActiveMQ's
    // RetainedMessageSubscriptionRecoveryPolicy gives them to every retroactive subscription (MQTT's retain).
    if (created && info.retroactive) for (const t of sub.topics) t.recoverRetained(sub);
    sub.active = true;
    sub.drain();
    return sub;
  }

  /** The store's record of a subscription on one topic (its own destination, or a topic a wildcard covers). */
  record(sub: DurableTopicSubscription, destination: Destination): DurableSubscriptionRecord {
    return {
      destination,
      key: sub.key,
      clientId: sub.clientId,
      subscriptionName: sub.subscriptionName,
      selector: sub.info.selector,
      noLocal: sub.info.noLocal,
    };
  }

  private create(
    clientId: string,
    name: string,
    destination: Destination,
    selectorText: string | null,
    noLocal: boolean,
    compiled?: MessageSelector | null,
    accepts?: (destination: Destination) => boolean,
  ): DurableTopicSubscription {
    const info: ConsumerInfo = {
      consumerId: `durable:${clientId}:${name}`,
      destination,
      prefetch: 100,
      selector: selectorText,
      ackMode: 'client',
      noLocal,
      exclusive: false,
      priority: 0,
      retroactive: false,
      browser: false,
      subscriptionName: name,
      ...(accepts !== undefined ? { accepts } : {}),
    };
    const offline: ConsumerSink = { deliver: () => {}, ready: false };
    const selector = compiled !== undefined ? compiled : this.o.compileSelector(selectorText);
    const sub = new DurableTopicSubscription(this.o.internalContext(), info, offline, selector, this.o.host);
    sub.cursor = this.cursorFor(destination);
    sub.clientId = clientId;
    sub.subscriptionName = name;
    sub.durableHost = this.o.host;
    sub.active = false;
    sub.onSlow = (s) => this.o.slowConsumer(s);
    this.subs.set(sub.key, sub);
    this.o.topics.subscribe(sub);
    return sub;
  }

  /**
   * The store cursor for a new durable subscription, or null to keep its messages in memory: a wildcard or
   * composite subscription, a store that cannot read a subscription's backlog, or vmDurableCursor.
   */
  private cursorFor(destination: Destination): DurableCursor | null {
    const read = this.o.store.readSubscriptionMessages?.bind(this.o.store);
    if (read === undefined || destination.isWildcard || destination.isComposite) return null;
    const policy = this.o.policyFor(destination);
    if (policy.pendingDurableSubscriberPolicy === 'vm') return null;
    const c = new DurableCursor(
      {
        read,
        nextBrokerSequence: () => this.o.nextBrokerSequence(),
        pageFailed: (t, key, e) =>
          this.o.logger.error(
            `Failed to page in messages of durable subscription ${key} on ${t.key} from the store; paging resumes when the subscription is woken`,
            { error: e },
          ),
      },
      destination,
    );
    c.highWaterMark = policy.cursorMemoryHighWaterMark;
    c.pageSize = Math.max(1, policy.maxPageSize);
    return c;
  }

  /** Detaches a durable subscription from the topics `accepts` refuses, forgetting what it kept from them. */
  private async detachRefused(sub: DurableTopicSubscription, accepts: (d: Destination) => boolean): Promise<void> {
    const refused = new Set(sub.topics.filter((t) => !accepts(t.destination)));
    if (refused.size === 0) return;
    const ops: StoreOperation[] = [];
    for (const t of refused) {
      t.detach(sub);
      sub.topics.splice(sub.topics.indexOf(t), 1);
    }
    const gone = new Set([...refused].map((t) => t.destination));
    for (const ref of sub.pending) {
      if (ref.dropped || !gone.has(ref.message.destination)) continue;
      ref.dropped = true;
      if (ref.message.persistent) {
        ops.push({
          op: 'remove',
          destination: ref.message.destination,
          messageId: ref.message.messageId,
          subscription: sub.key,
        });
      }
    }
    // What its cursor left in the store goes with the subscription's record on the topic.
    if (sub.topics.length === 0) sub.cursor?.reset();
    // As deleteDurable orders them: the subscription's messages first, then its record on each topic.
    for (const d of gone) ops.push({ op: 'remove-subscription', destination: d, key: sub.key });
    await this.write(ops, true);
  }

  /** Names of the subscriptions a client id holds (TopicRegion.lookupSubscriptions). */
  names(clientId: string): string[] {
    const out: string[] = [];
    for (const sub of this.subs.values()) if (sub.clientId === clientId) out.push(sub.subscriptionName);
    return out;
  }

  /** What a subscription was created with (TopicRegion.lookupSubscription), or null. */
  info(clientId: string, subscriptionName: string): ConsumerInfo | null {
    return this.subs.get(durableKey(clientId, subscriptionName))?.info ?? null;
  }

  /** JMS unsubscribe: deletes an inactive subscription and its messages. */
  async remove(clientId: string, subscriptionName: string): Promise<void> {
    const sub = this.subs.get(durableKey(clientId, subscriptionName));
    if (sub === undefined) {
      throw new BrokerError(
        'ERR_DESTINATION_INVALID',
        `No durable subscription exists for clientID: ${clientId} and subscriptionName: ${subscriptionName}`,
      );
    }
    if (sub.active) throw new BrokerError('ERR_ILLEGAL_STATE', 'Durable consumer is in use');
    await this.delete(sub);
  }

  private async delete(sub: DurableTopicSubscription): Promise<void> {
    const ops: StoreOperation[] = [];
    for (const ref of sub.pending) {
      if (ref.message.persistent && !ref.dropped) {
        ops.push({
          op: 'remove',
          destination: ref.message.destination,
          messageId: ref.message.messageId,
          subscription: sub.key,
        });
      }
    }
    ops.push({ op: 'remove-subscription', destination: sub.info.destination, key: sub.key });
    if (sub.info.destination.isWildcard || sub.info.destination.isComposite) {
      for (const t of sub.topics) ops.push({ op: 'remove-subscription', destination: t.destination, key: sub.key });
    }
    sub.close();
    this.subs.delete(sub.key);
    this.o.topics.unsubscribe(sub);
    await this.write(ops, true);
  }

  /**
   * Whether a durable subscription of the topic takes the message (null: none does, nothing is stored), and the
   * keys of the durable subscriptions it passes by.
   */
  passedBy(topic: Topic, message: Message): readonly string[] | null {
    let wanted = false;
    let passed: string[] | null = null;
    for (const s of topic.subscriptions) {
      if (!(s instanceof DurableTopicSubscription)) continue;
      if (s.matches(message, 0)) wanted = true;
      else (passed ??= []).push(s.key);
    }
    return wanted ? (passed ?? NONE) : null;
  }

  private write(ops: readonly StoreOperation[], sync: boolean): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.o.store.write(ops, sync);
  }
}

const NONE: readonly string[] = [];
