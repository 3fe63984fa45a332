import { BrokerFilter } from '../broker-filter.js';
import type { ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
import type { BrokerError } from '../../util/errors.js';
import type { ConsumerInfo } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { compileNameFilter, type NameMatcher } from '../../destination/destination-filter.js';

/** Queues that hold a shared subscription's messages are named `$share/<group>/<topic>`. */
export const SHARED_QUEUE_PREFIX = '$share/';

/** `*`, `>` and `%` would make the queue name a wildcard or ambiguous; `/` would end the group. */
function escapeName(s: string, slash: boolean): string {
  let out = s.replace(/%/g, '%25').replace(/\*/g, '%2A').replace(/>/g, '%3E');
  if (slash) out = out.replace(/\//g, '%2F');
  return out;
}

function holderKey(context: ConnectionContext, subscriptionName: string): string {
  return `${context.info.clientId ?? context.info.connectionId}\0${subscriptionName}`;
}

/** The queue behind the shared subscription `group` on `topic` (a topic name or a wildcard filter). */
export function sharedQueue(group: string, topic: Destination): Destination {
  return Destination.queue(`${SHARED_QUEUE_PREFIX}${escapeName(group, true)}/${escapeName(topic.name, false)}`);
}

interface Member {
  readonly connectionId: string;
  /** The authorization filter's verdict per concrete topic (absent: every topic the filter covers). */
  readonly accepts: ((d: Destination) => boolean) | undefined;
}

interface Group {
  readonly queue: Destination;
  readonly topic: Destination;
  readonly matches: NameMatcher;
  readonly members: Map<string, Member>;
  /**
   * Sessions that hold the subscription while none of their consumers is attached (an MQTT persistent session),
   * by `<clientId>\0<subscription name>`, with the read verdict of the consumer that made them holders.
   */
  readonly holders: Map<string, Member['accepts']>;
}

/**
 * Shared subscriptions (MQTT 5 `$share/<group>/<filter>`; the concept JMS 2.0 calls a shared subscription):
 * consumers that subscribe to the same topic filter under the same group name share its messages, each message
 * going to one of them. ActiveMQ Classic has no such thing; its nearest relative is the virtual topic, and this
 * works the same way: a message sent to a topic is also sent to the queue `$share/<group>/<topic filter>` of each
 * group whose filter matches it, and the members are ordinary consumers of that queue, so the core's queue
 * semantics do the sharing (round-robin dispatch, per-consumer prefetch, redelivery to the others of what a
 * member that left had not acknowledged, the store for persistent messages).
 *
 * A consumer joins a group by carrying `shareGroup` in its ConsumerInfo with the topic as its destination, so
 * the authorization filter (outside this one) checks read access on the topic; the queue is internal. A message
 * is copied into the queue only when every current member may read its topic (a wildcard filter is authorized
 * per topic). The group lasts while it has members, or holders: a member whose ConsumerInfo names a subscription
 * (an MQTT persistent session's `<QoS>:$share/<group>/<filter>`) keeps the group, and its queue filling, after
 * it detaches, until that subscription is removed (removeSubscription, as for a durable subscription). The
 * holders' names are listed by durableSubscriptions() with the durable subscriptions, so a protocol resumes or
 * ends them with the rest of a session. Holders are kept in memory: a broker restart forgets them (the queue and
 * its messages stay, and are fed again once a member subscribes). When the group has neither, its queue is removed.
 */
export class SharedSubscriptionBroker extends BrokerFilter {
  private readonly groups = new Map<string, Group>();
  /** Consumer id → the queue name of its group. */
  private readonly memberOf = new Map<string, string>();

  override async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    await super.send(context, message, transactionId);
    const dest = message.destination;
    if (this.groups.size === 0 || dest.type !== 'topic' || dest.isComposite || dest.isWildcard) return;
    for (const g of this.groups.values()) {
      if (!g.matches(dest.name)) continue;
      let allowed = true;
      for (const m of g.members.values()) if (m.accepts !== undefined && !m.accepts(dest)) allowed = false;
      for (const accepts of g.holders.values()) if (accepts !== undefined && !accepts(dest)) allowed = false;
      if (!allowed) continue;
      const copy = message.copy();
      copy.destination = g.queue;
      copy.originalDestination = dest;
      await super.send(context, copy, transactionId);
    }
  }

  override async addConsumer(
    context: ConnectionContext,
    info: ConsumerInfo,
    sink: ConsumerSink,
  ): Promise<ConsumerHandle> {
    const group = info.shareGroup;
    if (group === undefined || group === null || info.destination.type !== 'topic') {
      return super.addConsumer(context, info, sink);
    }
    const queue = sharedQueue(group, info.destination);
    let g = this.groups.get(queue.name);
    if (g === undefined) {
      g = {
        queue,
        topic: info.destination,
        matches: compileNameFilter(info.destination.name),
        members: new Map(),
        holders: new Map(),
      };
      this.groups.set(queue.name, g);
    }
    if (info.subscriptionName !== null) g.holders.set(holderKey(context, info.subscriptionName), info.accepts);
    // Joined before the queue consumer exists, so nothing sent meanwhile misses the queue.
    g.members.set(info.consumerId, { connectionId: context.info.connectionId, accepts: info.accepts });
    this.memberOf.set(info.consumerId, queue.name);
    const queueInfo: ConsumerInfo = {
      ...info,
      destination: queue,
      // A queue consumer: retained/retroactive recovery, durable names and no-local are topic notions.
      retroactive: false,
      subscriptionName: null,
      noLocal: false,
      shareGroup: null,
    };
    delete (queueInfo as { accepts?: unknown }).accepts;
    try {
      return await super.addConsumer(context, queueInfo, sink);
    } catch (e) {
      await this.leave(context, info.consumerId);
      throw e;
    }
  }

  override async removeConsumer(context: ConnectionContext, consumerId: string, last?: number): Promise<void> {
    await super.removeConsumer(context, consumerId, last);
    await this.leave(context, consumerId);
  }

  override async removeConnection(context: ConnectionContext, error?: BrokerError): Promise<void> {
    await super.removeConnection(context, error);
    // The region removes a connection's consumers itself, without removeConsumer calls through the chain.
    const id = context.info.connectionId;
    for (const [consumerId, queueName] of [...this.memberOf]) {
      if (this.groups.get(queueName)?.members.get(consumerId)?.connectionId === id) {
        await this.leave(context, consumerId);
      }
    }
  }

  /** The durable subscriptions, and the shared subscriptions this client id holds (see the class comment). */
  override durableSubscriptions(clientId: string): string[] {
    const names = super.durableSubscriptions(clientId);
    const prefix = `${clientId}\0`;
    for (const g of this.groups.values()) {
      for (const key of g.holders.keys()) if (key.startsWith(prefix)) names.push(key.slice(prefix.length));
    }
    return names;
  }

  override async removeSubscription(context: ConnectionContext, clientId: string, name: string): Promise<void> {
    const key = `${clientId}\0${name}`;
    let held = false;
    for (const g of [...this.groups.values()]) {
      if (!g.holders.delete(key)) continue;
      held = true;
      await this.dropIfUnused(context, g);
    }
    if (!held) await super.removeSubscription(context, clientId, name);
  }

  /** Consumers of one group, for management and tests. */
  groupMembers(group: string, topic: Destination): number {
    return this.groups.get(sharedQueue(group, topic).name)?.members.size ?? 0;
  }

  private async leave(context: ConnectionContext, consumerId: string): Promise<void> {
    const queueName = this.memberOf.get(consumerId);
    if (queueName === undefined) return;
    this.memberOf.delete(consumerId);
    const g = this.groups.get(queueName);
    if (g === undefined) return;
    g.members.delete(consumerId);
    await this.dropIfUnused(context, g);
  }

  /** A group with neither members nor holders ends: its queue (and anything no member took) goes with it. */
  private async dropIfUnused(context: ConnectionContext, g: Group): Promise<void> {
    if (g.members.size > 0 || g.holders.size > 0) return;
    this.groups.delete(g.queue.name);
    await super.removeDestination(context, g.queue).catch(() => {});
  }
}
