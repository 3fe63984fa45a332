import type { ProducerInfo } from '../../model/commands.js';
import type { Destination } from '../../model/destination.js';
import { BrokerError } from '../../util/errors.js';
import type { ConnectionContext } from '../broker.js';
import type { BrowserSubscription } from './browser-subscription.js';
import type { Subscription } from './subscription.js';

/** What the region tracks per connection; read-only outside the region (management lists it). */
export interface ConnectionState {
  readonly context: ConnectionContext;
  readonly consumers: Map<string, Subscription | BrowserSubscription>;
  readonly producers: Map<string, ProducerInfo>;
  readonly temporary: Set<Destination>;
  readonly transactions: Set<string>;
}

/**
 * The connections the region knows and the client ids they hold (ActiveMQ's RegionBroker keeps clientIdSet and
 * connections for the same checks): one client id is held by one connection at a time.
 */
export class ConnectionRegistry {
  private readonly connections = new Map<string, ConnectionState>();
  private readonly clientIds = new Map<string, string>();

  constructor(private readonly brokerName: string) {}

  /**
   * Registers a connection (again is a no-op); a client id already held by another connection is refused with
   * RegionBroker.addConnection's InvalidClientIDException text.
   */
  add(context: ConnectionContext): void {
    const info = context.info;
    if (this.connections.has(info.connectionId)) return;
    const clientId = info.clientId;
    if (clientId !== null && clientId !== '') {
      const holder = this.clientIds.get(clientId);
      if (holder !== undefined) {
        const other = this.connections.get(holder);
        throw new BrokerError(
          'ERR_CLIENT_ID_INVALID',
          `Broker: ${this.brokerName} - Client: ${clientId} already connected from ${other?.context.info.remoteAddress ?? 'unknown'}`,
        );
      }
      this.clientIds.set(clientId, info.connectionId);
    }
    this.connections.set(info.connectionId, {
      context,
      consumers: new Map(),
      producers: new Map(),
      temporary: new Set(),
      transactions: new Set(),
    });
  }

  /** Forgets a connection and frees its client id (once what it held is released). */
  delete(context: ConnectionContext): void {
    this.connections.delete(context.info.connectionId);
    const clientId = context.info.clientId;
    if (clientId !== null && this.clientIds.get(clientId) === context.info.connectionId) {
      this.clientIds.delete(clientId);
    }
  }

  get(connectionId: string): ConnectionState | undefined {
    return this.connections.get(connectionId);
  }

  /** The registered state of a connection; a command on an unregistered one is refused. */
  require(context: ConnectionContext): ConnectionState {
    const state = this.connections.get(context.info.connectionId);
    if (state === undefined) {
      throw new BrokerError('ERR_ILLEGAL_STATE', 'The connection is not registered with the broker');
    }
    return state;
  }

  values(): IterableIterator<ConnectionState> {
    return this.connections.values();
  }
}

/** The context of the broker's own work (an offline durable subscription holds it): authorization lets it pass. */
export function brokerInternalContext(brokerId: string, brokerName: string): ConnectionContext {
  return {
    info: {
      connectionId: `${brokerId}:internal`,
      clientId: null,
      userName: null,
      password: null,
      remoteAddress: 'vm://' + brokerName,
      protocol: 'internal',
    },
    security: { userName: null, groups: new Set(), isBrokerInternal: true },
    control: { close: () => {} },
  };
}
