import { EventEmitter } from 'node:events';

/** A broker this one is networked with (the parts of its BrokerInfo that cluster updates use). */
export interface PeerBroker {
  readonly brokerId: string;
  readonly brokerName: string;
  /** Where its clients connect (BrokerInfo.brokerURL), e.g. `tcp://host-b:61616`; null if it sent none. */
  readonly brokerUrl: string | null;
  readonly duplex: boolean;
}

export interface PeerBrokerChange {
  readonly type: 'add' | 'remove';
  readonly peer: PeerBroker;
}

/**
 * The brokers this broker is networked with, one entry per network connection (ActiveMQ's
 * RegionBroker.addBroker/removeBroker and its brokerInfos): the OpenWire converter adds the broker behind an
 * inbound connection that sent BrokerInfo(networkConnection=true), a network bridge adds the remote broker it
 * connected to, and each removes its entry when its connection ends. Emits 'change' (PeerBrokerChange) on every
 * add and remove; transport connectors with updateClusterClients turn that into ConnectionControl for clients.
 */
export class PeerBrokers extends EventEmitter {
  private readonly byConnection = new Map<string, PeerBroker>();

  /** Registers the broker behind a connection; a second add for the same connection replaces nothing. */
  add(connectionId: string, peer: PeerBroker): void {
    if (this.byConnection.has(connectionId)) return;
    this.byConnection.set(connectionId, peer);
    this.emit('change', { type: 'add', peer } satisfies PeerBrokerChange);
  }

  remove(connectionId: string): void {
    const peer = this.byConnection.get(connectionId);
    if (peer === undefined) return;
    this.byConnection.delete(connectionId);
    this.emit('change', { type: 'remove', peer } satisfies PeerBrokerChange);
  }

  /** Network links registered (a broker linked twice counts twice). */
  get links(): number {
    return this.byConnection.size;
  }

  /** The peers, one per broker id (ActiveMQ's getPeerBrokerInfos counts a broker once however many links). */
  list(): PeerBroker[] {
    const seen = new Map<string, PeerBroker>();
    for (const p of this.byConnection.values()) if (!seen.has(p.brokerId)) seen.set(p.brokerId, p);
    return [...seen.values()];
  }
}

/** What a failover client is told (ActiveMQ's ConnectionControl, protocol-neutral). */
export interface ClusterControl {
  /** Comma-separated broker URIs the client may use. */
  readonly connectedBrokers: string;
  readonly rebalanceConnection: boolean;
}

/** A client connection that can be sent cluster updates (ActiveMQ's Connection.updateClient). */
export interface ClusterClient {
  updateClient(control: ClusterControl): void;
}

/** A transport connector's cluster updates as its protocol connections see them. */
export interface ClusterUpdates {
  /** The control a newly connected client gets (TransportConnector.getConnectionControl). */
  connectionControl(): ClusterControl;
  /** Adds a client to the connector's update list; returns the function that removes it. */
  attach(client: ClusterClient): () => void;
  /** The peers a new connection's BrokerInfo lists (peerBrokerInfos), or null when the connector sends none. */
  peerBrokerInfos(): readonly PeerBroker[] | null;
}
