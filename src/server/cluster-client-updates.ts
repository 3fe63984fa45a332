import type {
  ClusterClient,
  ClusterControl,
  ClusterUpdates,
  PeerBroker,
  PeerBrokerChange,
  PeerBrokers,
} from '../broker/peer-brokers.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** The four <transportConnector> attributes of failover cluster updates. */
export interface ClusterUpdateOptions {
  readonly updateClusterClients: boolean;
  readonly rebalanceClusterClients: boolean;
  readonly updateClusterClientsOnRemove: boolean;
  /** Comma-separated regular expressions; a peer is listed when its broker name matches one whole. */
  readonly updateClusterFilter: string | null;
}

/**
 * One transport connector's failover cluster updates, as ActiveMQ's TransportConnector keeps them
 * (getConnectionControl, addPeerBroker, removePeerBroker, updateClientClusterInfo):
 *
 * - the broker list starts with the connector's own publishable URI, and each peer's BrokerInfo.brokerURL is
 *   appended when the peer joins (if updateClusterClients, and its broker name passes updateClusterFilter);
 * - with updateClusterClientsOnRemove a departing peer's URI is taken out again (otherwise clients keep it);
 * - every change is sent to every client of the connector as ConnectionControl(connectedBrokers,
 *   rebalanceConnection=rebalanceClusterClients); with rebalanceClusterClients the list is rotated after each
 *   client's copy, so successive clients see a different broker first and the Java failover transport (which
 *   moves to the first of a changed list when told to rebalance) spreads them across the cluster.
 *
 * ActiveMQ never sets `reconnectTo` here: on the Java client it would replace the client's whole URI list.
 */
export class ClusterClientUpdates implements ClusterUpdates {
  private readonly urls: string[] = [];
  private readonly clients = new Set<ClusterClient>();
  private readonly filters: RegExp[];
  private readonly listener = (change: PeerBrokerChange): void => this.onChange(change);

  constructor(
    private readonly options: ClusterUpdateOptions,
    /** The connector's publishable URI (known once it listens). */
    private readonly ownUri: () => string,
    private readonly peers: PeerBrokers,
    private readonly log: Logger,
  ) {
    this.filters = compileClusterFilter(options.updateClusterFilter);
  }

  get enabled(): boolean {
    return this.options.updateClusterClients || this.options.rebalanceClusterClients;
  }

  start(): void {
    this.peers.on('change', this.listener);
    // Peers already networked when this connector starts (it may start after a bridge came up).
    for (const peer of this.peers.list()) this.onChange({ type: 'add', peer });
  }

  stop(): void {
    this.peers.off('change', this.listener);
    this.clients.clear();
  }

  /** TransportConnection.start: the BrokerInfo carries the broker's peers when updateClusterClients is on. */
  peerBrokerInfos(): readonly PeerBroker[] | null {
    return this.options.updateClusterClients ? this.peers.list() : null;
  }

  attach(client: ClusterClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  /**
   * The URIs in the order the next client will be told them (getPeerBrokers): the connector's own URI is put in
   * when the list is empty, so it comes first and stays in the list (rotating with the rest) for good.
   */
  brokers(): string[] {
    if (this.urls.length === 0) this.urls.push(this.ownUri());
    return [...this.urls];
  }

  connectionControl(): ClusterControl {
    const rebalance = this.options.rebalanceClusterClients;
    let connectedBrokers = '';
    if (this.options.updateClusterClients) {
      connectedBrokers = this.brokers().join(',');
      // getConnectionControl's shuffle: the first moves to the end, so the next client sees another first.
      if (rebalance) this.urls.push(this.urls.shift()!);
    }
    return { connectedBrokers, rebalanceConnection: rebalance };
  }

  private onChange(change: PeerBrokerChange): void {
    const url = change.peer.brokerUrl;
    if (url === null || url.length === 0) return;
    if (change.type === 'add') {
      // RegionBroker.addBrokerInClusterUpdate: only connectors with updateClusterClients hear of a new peer.
      if (!this.options.updateClusterClients) return;
      if (!this.matchesFilter(change.peer.brokerName)) {
        this.log.debug('Peer broker left out of cluster updates by updateClusterFilter', {
          peer: change.peer.brokerName,
        });
        return;
      }
      // A broker networked twice (a bridge out and one in) is listed once.
      if (this.brokers().includes(url)) return;
      this.urls.push(url);
    } else {
      if (!this.options.updateClusterClients || !this.options.updateClusterClientsOnRemove) return;
      if (this.peers.list().some((p) => p.brokerUrl === url)) return; // still networked by another link
      const i = this.urls.indexOf(url);
      if (i < 0) return;
      this.urls.splice(i, 1);
    }
    this.log.info('Cluster update to clients', {
      change: change.type,
      peer: change.peer.brokerName,
      brokers: this.brokers().join(','),
      clients: this.clients.size,
    });
    this.updateClientClusterInfo();
  }

  /**
   * updateClientClusterInfo: one control before the loop and, when rebalancing, a fresh one after each
   * connection (fault tolerant or not, as ActiveMQ walks all of its connections), in connection order.
   */
  private updateClientClusterInfo(): void {
    if (!this.enabled) return;
    let control = this.connectionControl();
    for (const client of [...this.clients]) {
      try {
        client.updateClient(control);
      } catch (e) {
        this.log.debug('Could not send a cluster update', { error: e });
      }
      if (this.options.rebalanceClusterClients) control = this.connectionControl();
    }
  }

  private matchesFilter(brokerName: string): boolean {
    if (this.filters.length === 0) return true;
    return brokerName.length > 0 && this.filters.some((r) => r.test(brokerName));
  }
}

/** updateClusterFilter as Java's Pattern.matches per comma-separated token: the whole name must match. */
export function compileClusterFilter(filter: string | null): RegExp[] {
  if (filter === null || filter.trim().length === 0) return [];
  return filter
    .trim()
    .split(',')
    .filter((token) => token.length > 0)
    .map((token) => {
      try {
        return new RegExp(`^(?:${token})$`);
      } catch (e) {
        throw new BrokerError('ERR_CONFIG', `updateClusterFilter: ${token} is not a regular expression`, { cause: e });
      }
    });
}
