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

  /** BrokerInfo from the other side: a network connection registers its broker as a peer. */
  brokerInfo(info: ow.BrokerInfo): void {
    if (this.closed || !info.networkConnection || this.ctx.peerBrokers === undefined || this.peerKey !== null) return;
    this.peerKey = this.connectionKey;
    this.ctx.peerBrokers.add(this.peerKey, {
      brokerId: info.brokerId?.value ?? this.connectionKey,
      brokerName: info.brokerName ?? '',
      brokerUrl: info.brokerURL,
      duplex: info.duplexConnection,
    });
  }

  /** The ConnectionInfo was accepted: join the connector's update list and send the current control. */
  connectionAdded(info: ow.ConnectionInfo): void {
    this.faultTolerant = info.faultTolerant;
    const cluster = this.ctx.cluster;
    if (this.closed || cluster === undefined) return;
    this.detach ??= cluster.attach({ updateClient: (c) => this.updateClient(c) });
    if (!info.manageable) return;
    const control = cluster.connectionControl();
    this.send({ ...control, rebalanceConnection: control.rebalanceConnection && !info.failoverReconnect });
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
