import type { ConnectionContext } from '../broker/broker.js';
import type { Queue } from '../broker/region/queue.js';
import type { Topic, DurableTopicSubscription } from '../broker/region/topic.js';
import type { ConnectionState } from '../broker/region/region-broker.js';
import { parseOptionalSelector } from '../destination/selector/index.js';
import { Destination } from '../model/destination.js';
import { IdGenerator } from '../model/ids.js';
import { Message } from '../model/message.js';
import { typed, type Properties } from '../model/properties.js';
import { BrokerError } from '../util/errors.js';
import { managementContext } from './management-context.js';
import type { ManagementHost } from './management-host.js';

/** Most messages one browse page returns (QueueViewMBean.browse returns maxBrowsePageSize, 400 by default). */
export const MAX_PAGE = 1000;
/** How deep into a queue an operation by message id looks (memory first, then the store backlog). */
export const MAX_SCAN = 100_000;

export interface BrowseOptions {
  offset?: number;
  limit?: number;
  selector?: string | null;
}

/**
 * The operations of ActiveMQ's BrokerViewMBean and QueueViewMBean on a running broker, independent of HTTP,
 * so the JSON API, Jolokia, the CLI and the console share one implementation. Every method names destinations
 * by physical name, as the MBean operations do.
 */
export class BrokerManagement {
  private readonly ids = new IdGenerator('ID:management-');
  private statsResetAt = 0;

  constructor(readonly host: ManagementHost) {}

  get brokerName(): string {
    return this.host.region.brokerName;
  }

  queues(): Queue[] {
    return [...this.host.region.managedQueues()];
  }

  topics(): Topic[] {
    return [...this.host.region.managedTopics()];
  }

  durables(): DurableTopicSubscription[] {
    return [...this.host.region.managedDurables()];
  }

  connections(): Readonly<ConnectionState>[] {
    return [...this.host.region.managedConnections()];
  }

  queue(name: string): Queue {
    for (const q of this.host.region.managedQueues()) if (q.destination.name === name) return q;
    throw new BrokerError('ERR_MANAGEMENT_INSTANCE_NOT_FOUND', `No queue named ${name}`);
  }

  topic(name: string): Topic {
    for (const t of this.host.region.managedTopics()) if (t.destination.name === name) return t;
    throw new BrokerError('ERR_MANAGEMENT_INSTANCE_NOT_FOUND', `No topic named ${name}`);
  }

  /** Producers that named each destination (anonymous producers count nowhere, as in ActiveMQ). */
  producerCounts(): Map<Destination, number> {
    const counts = new Map<Destination, number>();
    for (const c of this.host.region.managedConnections()) {
      for (const p of c.producers.values()) {
        if (p.destination !== null) counts.set(p.destination, (counts.get(p.destination) ?? 0) + 1);
      }
    }
    return counts;
  }

  private context(user: string | null): ConnectionContext {
    return managementContext(this.host.region.brokerId, user);
  }

  // ---- BrokerViewMBean ---------------------------------------------------------------------------

  async addQueue(name: string): Promise<void> {
    await this.host.broker.addDestination(this.context(null), Destination.queue(checkName(name)));
  }

  async addTopic(name: string): Promise<void> {
    await this.host.broker.addDestination(this.context(null), Destination.topic(checkName(name)));
  }

  /** BrokerView.removeQueue; refused while consumers are attached (ActiveMQ closes them instead, see docs). */
  async removeQueue(name: string): Promise<void> {
    await this.host.broker.removeDestination(this.context(null), Destination.queue(checkName(name)));
  }

  async removeTopic(name: string): Promise<void> {
    await this.host.broker.removeDestination(this.context(null), Destination.topic(checkName(name)));
  }

  /** BrokerView.destroyDurableSubscriber(clientId, subscriberName). */
  async destroyDurableSubscriber(clientId: string, subscriptionName: string): Promise<void> {
    await this.host.broker.removeSubscription(this.context(null), clientId, subscriptionName);
  }

  /** BrokerView.gc(): a collection when Node runs with --expose-gc; true when one ran. */
  gc(): boolean {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g !== 'function') return false;
    g();
    return true;
  }

  resetStatistics(): void {
    for (const q of this.host.region.managedQueues()) q.statistics.reset();
    for (const t of this.host.region.managedTopics()) t.statistics.reset();
    this.statsResetAt = this.host.clock.now();
  }

  get statisticsResetAt(): number {
    return this.statsResetAt;
  }

  /** BrokerView.stop(): answered first, then the broker stops (shortly, so the answer reaches the caller). */
  stop(): void {
    setTimeout(() => this.host.stop(), 100).unref();
  }

  // ---- QueueViewMBean ----------------------------------------------------------------------------

  async purge(name: string): Promise<number> {
    const q = this.queue(name);
    return this.host.region.purgeQueue(q.destination);
  }

  pause(name: string): void {
    this.queue(name).paused = true;
  }

  resume(name: string): void {
    const q = this.queue(name);
    q.paused = false;
    q.dispatch();
  }

  /**
   * A page of the queue's waiting messages, oldest first: those in memory, then the store backlog (in-flight
   * messages are with their consumers and not listed, as ActiveMQ's browse skips locked messages).
   */
  async browse(name: string, options: BrowseOptions = {}): Promise<{ total: number; messages: Message[] }> {
    const q = this.queue(name);
    const offset = clampInt(options.offset ?? 0, 0, MAX_SCAN);
    const limit = clampInt(options.limit ?? 100, 1, MAX_PAGE);
    const selector = parseOptionalSelector(options.selector ?? null);
    if (selector === null) {
      const refs = await q.browse(offset + limit);
      return { total: q.pending.length + q.cursor.backlog, messages: refs.slice(offset).map((r) => r.message) };
    }
    const refs = await q.browse(MAX_SCAN);
    const matching = refs.filter((r) => selector.matches(r.message, r.deliveryCount + 1));
    return { total: matching.length, messages: matching.slice(offset, offset + limit).map((r) => r.message) };
  }

  /** QueueView.getMessage(id): the waiting message with this id, or null. */
  async findMessage(name: string, messageId: string): Promise<Message | null> {
    const q = this.queue(name);
    for (const ref of await q.browse(MAX_SCAN)) if (ref.message.messageId === messageId) return ref.message;
    return null;
  }

  async removeMessage(name: string, messageId: string): Promise<boolean> {
    return (await this.host.region.removeQueueMessage(this.queue(name).destination, messageId)) !== null;
  }

  /** QueueView.copyMessageTo: the message, same id, also sent to `target` (a queue name, or topic://name). */
  async copyMessageTo(name: string, messageId: string, target: string): Promise<boolean> {
    const m = await this.findMessage(name, messageId);
    if (m === null) return false;
    await this.resend(m, Destination.parse(target), true);
    return true;
  }

  /** QueueView.moveMessageTo: copied to `target`, then removed here (BrokerSupport.resend, then removeMessage). */
  async moveMessageTo(name: string, messageId: string, target: string): Promise<boolean> {
    const m = await this.findMessage(name, messageId);
    if (m === null) return false;
    await this.resend(m, Destination.parse(target), true);
    await this.removeMessage(name, messageId);
    return true;
  }

  /** QueueView.retryMessage: a dead letter goes back to the destination it was dead-lettered from. */
  async retryMessage(name: string, messageId: string): Promise<boolean> {
    const m = await this.findMessage(name, messageId);
    if (m === null) return false;
    if (m.originalDestination === null) {
      throw new BrokerError('ERR_MANAGEMENT_BAD_REQUEST', `Message ${messageId} has no original destination`);
    }
    await this.resend(m, m.originalDestination, false);
    await this.removeMessage(name, messageId);
    return true;
  }

  /** QueueView.retryMessages: every message of a DLQ that knows its original destination; returns how many. */
  async retryMessages(name: string): Promise<number> {
    const q = this.queue(name);
    let n = 0;
    for (const ref of await q.browse(MAX_SCAN)) {
      const m = ref.message;
      if (m.originalDestination === null) continue;
      await this.resend(m, m.originalDestination, false);
      if ((await this.host.region.removeQueueMessage(q.destination, m.messageId)) !== null) n++;
    }
    return n;
  }

  /**
   * BrokerSupport.resend: the same message (same id) readdressed, redelivery count reset, sent to the region
   * without producer flow control. It bypasses the producer audit, which would take the unchanged id for a
   * failover resend; `keepOrigin` records where it came from (copy/move set originalDestination, retry clears it).
   */
  private async resend(m: Message, to: Destination, keepOrigin: boolean): Promise<void> {
    const copy = m.copy();
    copy.originalDestination = keepOrigin ? m.destination : null;
    copy.destination = to;
    copy.redeliveryCounter = 0;
    copy.storeSequence = 0;
    await this.host.region.send(this.context(null), copy, null);
  }

  /**
   * DestinationView.sendTextMessage(headers, body, user, password) and REST sends: a text message sent through
   * the whole filter chain under `context` (REST passes the HTTP user's connection, so broker authorization
   * applies). Returns its JMSMessageID.
   */
  async sendText(
    context: ConnectionContext,
    destination: Destination,
    body: string,
    headers: MessageHeaders = {},
  ): Promise<string> {
    const m = new Message();
    m.messageId = this.ids.next();
    m.destination = destination;
    m.bodyType = 'text';
    m.body = Buffer.from(body, 'utf8');
    m.timestamp = this.host.clock.now();
    m.persistent = headers.persistent ?? true;
    m.priority = headers.priority ?? 4;
    if (headers.timeToLive !== undefined && headers.timeToLive > 0) m.expiration = m.timestamp + headers.timeToLive;
    m.correlationId = headers.correlationId ?? null;
    m.replyTo = headers.replyTo ?? null;
    m.type = headers.type ?? null;
    m.groupId = headers.groupId ?? null;
    const props: Properties = new Map();
    for (const [k, v] of Object.entries(headers.properties ?? {})) props.set(k, typed.string(v));
    m.properties = props;
    await this.host.broker.send(context, m, null);
    return m.messageId;
  }

  /** A context for one-off sends by management itself (sendTextMessage over Jolokia). */
  internalContext(user: string | null): ConnectionContext {
    return this.context(user);
  }
}

/** The JMS headers a REST or JMX send may set; anything else becomes a string property. */
export interface MessageHeaders {
  persistent?: boolean;
  priority?: number;
  timeToLive?: number;
  correlationId?: string;
  replyTo?: Destination;
  type?: string;
  groupId?: string;
  properties?: Record<string, string>;
}

function checkName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024 || /[\0\n\r]/.test(name)) {
    throw new BrokerError(
      'ERR_MANAGEMENT_BAD_REQUEST',
      `Invalid destination name: ${JSON.stringify(name).slice(0, 80)}`,
    );
  }
  return name;
}

function clampInt(n: number, lo: number, hi: number): number {
  if (!Number.isFinite(n)) return lo;
  return Math.min(hi, Math.max(lo, Math.trunc(n)));
}
