import { BrokerFilter } from '../broker/broker-filter.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink, SecurityContext } from '../broker/broker.js';
import type { ConsumerInfo, ProducerInfo } from '../model/commands.js';
import type { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { AuthorizationMap, Operation } from './authorization-map.js';

const verbs: Record<Operation, string> = { read: 'read from', write: 'write to', admin: 'create' };

/**
 * ActiveMQ's AuthorizationBroker: read to consume or browse, write to send, admin to create a destination
 * that does not exist yet (or remove one). Checks run in the broker for every protocol, per member of a
 * composite destination, and the error texts are ActiveMQ's.
 *
 * A wildcard consumer is checked twice, as in ActiveMQ: its own name against the map (AuthorizationBroker
 * .addConsumer, where `topic://>` needs an entry as broad as `>`), then every concrete destination the region
 * attaches it to, now or when one is created later (AuthorizationDestinationFilter.addSubscription; a refused one
 * is skipped, not an error, as AbstractRegion does for wildcard subscriptions). The second check is the
 * `accepts` predicate this filter puts on the ConsumerInfo.
 *
 * Each refusal is logged at warn level with ActiveMQ's text (TransportConnection.service:
 * `Security Error occurred on connection to: <remote>, <message>`).
 */
export class AuthorizationBroker extends BrokerFilter {
  /** Destinations each connection has already been allowed to write to, so sends skip the lookup. */
  private readonly writeCache = new WeakMap<ConnectionContext, Set<Destination>>();

  constructor(
    next: Broker,
    private readonly map: AuthorizationMap,
    private readonly logger?: Logger,
  ) {
    super(next);
  }

  private security(context: ConnectionContext): SecurityContext {
    if (context.security === null) throw new BrokerError('ERR_SECURITY_NOT_AUTHORIZED', 'User is not authenticated.');
    return context.security;
  }

  private check(context: ConnectionContext, destination: Destination, op: Operation): void {
    const sec = this.security(context);
    if (sec.isBrokerInternal) return;
    for (const member of destination.members()) {
      if (!this.map.isAllowed(member, op, sec.groups)) {
        throw this.refused(context, `User ${sec.userName ?? 'null'} is not authorized to ${verbs[op]}: ${member.key}`);
      }
    }
  }

  /** The error for a refusal, logged as ActiveMQ logs it (the client sees only the message). */
  private refused(context: ConnectionContext, message: string): BrokerError {
    this.logger?.warn(`Security Error occurred on connection to: ${context.info.remoteAddress}, ${message}`, {
      user: context.security?.userName ?? null,
      protocol: context.info.protocol,
      connectionId: context.info.connectionId,
    });
    return new BrokerError('ERR_SECURITY_NOT_AUTHORIZED', message);
  }

  /**
   * The per-destination read check for a consumer whose destination is a wildcard or composite (any other is
   * only ever attached to the destination already checked). Refusals are logged at debug level, as ActiveMQ's
   * AbstractRegion logs `Subscription denied for … to destination …`.
   */
  private readFilter(context: ConnectionContext, info: ConsumerInfo): ((d: Destination) => boolean) | undefined {
    const sec = this.security(context);
    const dest = info.destination;
    if (sec.isBrokerInternal || (!dest.isWildcard && !dest.isComposite)) return undefined;
    const map = this.map;
    const logger = this.logger;
    return (d) => {
      if (map.isAllowed(d, 'read', sec.groups)) return true;
      logger?.debug(`Subscription denied for ${info.consumerId} to destination ${d.key}`, {
        user: sec.userName,
        consumer: dest.key,
      });
      return false;
    };
  }

  /** Creating a destination implicitly (first send or subscribe) needs admin, as an explicit create does. */
  private checkCreate(context: ConnectionContext, destination: Destination): void {
    for (const member of destination.members()) {
      if (member.isWildcard || member.isTemporary) continue;
      if (!this.next.destinationExists(member)) this.check(context, member, 'admin');
    }
  }

  override addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    try {
      this.check(context, info.destination, 'read');
      this.checkCreate(context, info.destination);
      const accepts = this.readFilter(context, info);
      if (accepts !== undefined) info.accepts = accepts;
    } catch (e) {
      return Promise.reject(e);
    }
    return super.addConsumer(context, info, sink);
  }

  override addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void> {
    if (info.destination !== null) {
      try {
        this.check(context, info.destination, 'write');
        this.checkCreate(context, info.destination);
      } catch (e) {
        return Promise.reject(e);
      }
      this.cacheWrite(context, info.destination);
    }
    return super.addProducer(context, info);
  }

  override send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    const dest = message.destination;
    const cached = this.writeCache.get(context);
    if (cached === undefined || !cached.has(dest)) {
      try {
        this.check(context, dest, 'write');
        this.checkCreate(context, dest);
      } catch (e) {
        return Promise.reject(e);
      }
      this.cacheWrite(context, dest);
    }
    return super.send(context, message, transactionId);
  }

  override addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    try {
      if (!this.next.destinationExists(destination)) this.check(context, destination, 'admin');
    } catch (e) {
      return Promise.reject(e);
    }
    return super.addDestination(context, destination);
  }

  override removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    try {
      const sec = this.security(context);
      if (!sec.isBrokerInternal && this.next.destinationExists(destination)) {
        for (const member of destination.members()) {
          if (!this.map.isAllowed(member, 'admin', sec.groups)) {
            throw this.refused(context, `User ${sec.userName ?? 'null'} is not authorized to remove: ${member.key}`);
          }
        }
      }
    } catch (e) {
      return Promise.reject(e);
    }
    this.writeCache.get(context)?.delete(destination);
    return super.removeDestination(context, destination);
  }

  private cacheWrite(context: ConnectionContext, destination: Destination): void {
    let set = this.writeCache.get(context);
    if (set === undefined) {
      set = new Set();
      this.writeCache.set(context, set);
    }
    // Bounded: a producer cycling through many destinations re-checks instead of growing the cache.
    if (set.size > 1000) set.clear();
    set.add(destination);
  }
}
