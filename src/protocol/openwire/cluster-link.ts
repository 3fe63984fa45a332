import type { ClusterControl } from '../../broker/peer-brokers.js';
import type { ProtocolContext } from '../protocol.js';
import type * as ow from './codec/commands.js';
import { T } from './codec/types.js';

/**
 * One OpenWire connection's part in clustering, as ActiveMQ's TransportConnection plays it:
 *
 * - a BrokerInfo with networkConnection=true (what a network bridge sends first) registers the broker behind the
 *   connection in the broker's PeerBrokers, until the connection ends;
 * - a client connection on a connector with updateClusterClients/rebalanceClusterClients gets the connector's
 *   ConnectionControl right after its ConnectionInfo is accepted when it is `manageable` (the Java client always
 *   is; rebalance is off on a failover reconnect), and every later update while it is fault tolerant (a
 *   `failover:` client says so in ConnectionInfo and in ConnectionControl) and speaks OpenWire 6 or later
 *   (processAddConnection, processConnectionControl, updateClient).
 */
export class OpenWireClusterLink {
  private static seq = 0;
  /** Keys this connection's entry in PeerBrokers. */
  private readonly connectionKey: string;
  private faultTolerant = false;
  private established = false;
  private pendingPeer: ow.BrokerInfo | null = null;
  private detach: (() => void) | null = null;
  private peerKey: string | null = null;
  private closed = false;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly write: (command: ow.ConnectionControl) => void,
    /** The negotiated OpenWire version (0 before negotiation). */
    private readonly version: () => number,
  ) {
    this.connectionKey = `${ctx.connectorName}#${++OpenWireClusterLink.seq}`;
  }

  /**
   * BrokerInfo from the other side: a network connection registers its broker as a peer, once the connection is
   * also established (its ConnectionInfo accepted, so authenticated where the broker requires it; a bridge sends
   * BrokerInfo first). Until then nobody's clients hear of it.
   */
  brokerInfo(info: ow.BrokerInfo): void {
    if (!info.networkConnection || this.pendingPeer !== null || this.peerKey !== null) return;
    this.pendingPeer = info;
    if (this.established) this.registerPeer();
  }

  /** The ConnectionInfo was accepted: join the connector's update list and send the current control. */
  connectionAdded(info: ow.ConnectionInfo): void {
    this.established = true;
    this.faultTolerant = info.faultTolerant;
    if (this.pendingPeer !== null) this.registerPeer();
    const cluster = this.ctx.cluster;
    if (this.closed || cluster === undefined) return;
    this.detach ??= cluster.attach({ updateClient: (c) => this.updateClient(c) });
    if (!info.manageable) return;
    const control = cluster.connectionControl();
    this.send({ ...control, rebalanceConnection: control.rebalanceConnection && !info.failoverReconnect });
  }

  private registerPeer(): void {
    const info = this.pendingPeer;
    if (this.closed || info === null || this.ctx.peerBrokers === undefined || this.peerKey !== null) return;
    this.pendingPeer = null;
    this.peerKey = this.connectionKey;
    const url = info.brokerURL;
    const brokerUrl = url === null || isBrokerUrl(url) ? url : null;
    if (brokerUrl !== url) {
      this.ctx.logger.warn('Network connection announced a broker URL that is not one; it is not given to clients', {
        broker: info.brokerName,
        brokerURL: url?.slice(0, 200),
      });
    }
    this.ctx.peerBrokers.add(this.peerKey, {
      brokerId: info.brokerId?.value ?? this.connectionKey,
      brokerName: info.brokerName ?? '',
      brokerUrl,
      duplex: info.duplexConnection,
    });
  }

  /** The peers listed in the BrokerInfo this broker sends first (null without updateClusterClients). */
  peerBrokerInfos(): ow.BrokerInfo[] | null {
    const peers = this.ctx.cluster?.peerBrokerInfos() ?? null;
    if (peers === null) return null;
    return peers.map((p) => ({
      type: T.BROKER_INFO,
      commandId: 0,
      responseRequired: false,
      brokerId: { type: T.BROKER_ID, value: p.brokerId },
      brokerURL: p.brokerUrl,
      peerBrokerInfos: null,
      brokerName: p.brokerName,
      slaveBroker: false,
      masterBroker: false,
      faultTolerantConfiguration: false,
      duplexConnection: p.duplex,
      networkConnection: true,
      connectionId: 0,
      brokerUploadUrl: null,
      networkProperties: null,
    }));
  }

  connectionControl(control: ow.ConnectionControl): void {
    this.faultTolerant = control.faultTolerant;
  }

  private updateClient(control: ClusterControl): void {
    if (this.closed || !this.faultTolerant || this.version() < 6) return;
    this.send(control);
  }

  private send(control: ClusterControl): void {
    this.write({
      type: T.CONNECTION_CONTROL,
      commandId: 0,
      responseRequired: false,
      close: false,
      exit: false,
      // The broker's isFaultTolerantConfiguration: false for every broker but a (removed) pure master/slave.
      faultTolerant: false,
      resume: false,
      suspend: false,
      connectedBrokers: control.connectedBrokers,
      reconnectTo: null,
      rebalanceConnection: control.rebalanceConnection,
      token: null,
    });
  }

  /** The connection ended: leave the update list, and the peer it registered leaves the cluster. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach?.();
    this.detach = null;
    if (this.peerKey !== null) this.ctx.peerBrokers?.remove(this.peerKey);
  }
}

/**
 * A URL clients could be sent: `scheme://host:port…`, at most 1 KiB, nothing that would split or bend the
 * comma-separated connectedBrokers list (commas, whitespace, control characters). A peer announcing
 * `tcp://a:1,tcp://elsewhere:2` would otherwise add a broker of its choosing to every client's list.
 */
function isBrokerUrl(url: string): boolean {
  return url.length <= 1024 && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s,\u0000-\u001f\u007f]+$/.test(url);
}
