import type { RemoteChannel } from './openwire/remote-channel.js';
import type * as ow from './openwire/codec/commands.js';
import type { Broker } from '../broker/broker.js';
import type { ClusterUpdates, PeerBrokers } from '../broker/peer-brokers.js';
import type { ConnectionWatch } from '../transport/connection-guard.js';
import type { Transport } from '../transport/transport.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/**
 * How a wire protocol plugs into the broker. A module declares the URI schemes it serves, its WebSocket
 * subprotocols, and how to recognise itself from a connection's first bytes (for auto://). For each
 * accepted connection the transport layer calls `accept`, and from then on the module converts frames to
 * Broker calls and deliveries back to frames.
 */
export interface ProtocolModule {
  /** `openwire`, `stomp`, `amqp`, `mqtt`. */
  readonly name: string;
  /** The base scheme of the protocol in a transportConnector URI (`tcp` for OpenWire, `stomp`, …). */
  readonly scheme: string;
  /** WebSocket subprotocols this module answers (`v12.stomp`, `mqtt`, …). */
  readonly webSocketSubprotocols: readonly string[];
  /** Its WebSocket messages are always binary (MQTT [MQTT-6.0.0-1]); otherwise UTF-8 ones go as text (STOMP). */
  readonly webSocketBinary?: boolean;
  /**
   * Looks at the first bytes of a connection: true if they are this protocol's, false if not,
   * undefined if more bytes are needed to tell.
   */
  detect(head: Uint8Array): boolean | undefined;
  /** Takes over a freshly accepted transport. */
  accept(transport: Transport, context: ProtocolContext): ProtocolConnection;
}

/** What a protocol connection gets from the connector that accepted it. */
export interface ProtocolContext {
  readonly broker: Broker;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Options of the connector URI meant for this protocol (`wireFormat.*`, `transport.*` heart-beat settings…). */
  readonly options: ProtocolOptions;
  /** The connector's name and URI as configured, for logs and BrokerInfo. */
  readonly connectorName: string;
  readonly connectorUri: string;
  /**
   * The connector's ConnectionGuard for this connection, which owns the connect-attempt and frame timeouts:
   * the protocol says when its handshake arrived and whether its parser holds part of a frame. Absent when a
   * test drives a protocol without a connector.
   */
  readonly watch?: ConnectionWatch;
  /**
   * Starts the responder end of a duplex network bridge on an OpenWire connection whose peer broker asked for
   * one (BrokerInfo duplexConnection): from then on the connection carries the bridge's commands both ways.
   * Absent when the broker runs no network support (tests driving a protocol alone).
   */
  readonly acceptDuplexBridge?: (channel: RemoteChannel) => void;
  /**
   * For a peer broker's one-way bridge (BrokerInfo networkConnection, not duplex): this broker's durable
   * subscriptions to send it when its syncDurableSubs asks for them, or null (TransportConnection.addNetworkConnection).
   */
  readonly durableSync?: (peer: ow.BrokerInfo) => ow.BrokerSubscriptionInfo | null;
  /** The connector's failover cluster updates (updateClusterClients, …); absent when it has none. */
  readonly cluster?: ClusterUpdates;
  /** The broker's peer registry: a connection from a network bridge registers the broker behind it. */
  readonly peerBrokers?: PeerBrokers;
}

export interface ProtocolOptions {
  /** Largest frame accepted; a larger one closes the connection before it is buffered. */
  readonly maxFrameSize: number;
  /** OpenWire wireFormat.maxInactivityDuration; for STOMP the ceiling on negotiated heart-beats. */
  readonly maxInactivityDurationMs: number;
  readonly maxInactivityDurationInitialDelayMs: number;
  /**
   * STOMP transport.hbGracePeriodMultiplier: the read check allows the client's heart-beat interval times
   * this before the connection is dropped.
   */
  readonly heartbeatGraceMultiplier: number;
  /** Any other protocol-specific options from the URI, by their full names (e.g. `wireFormat.cacheEnabled`). */
  readonly extra: ReadonlyMap<string, string>;
}

export interface ProtocolConnection {
  /** Closes the connection from the broker side (shutdown): tells the client where it can, then ends. */
  close(reason: string): Promise<void>;
}

export const defaultProtocolOptions: ProtocolOptions = {
  // ActiveMQ's default activemq.xml sets wireFormat.maxFrameSize=104857600 on every connector.
  maxFrameSize: 104_857_600,
  maxInactivityDurationMs: 30_000,
  maxInactivityDurationInitialDelayMs: 10_000,
  heartbeatGraceMultiplier: 1.5,
  extra: new Map(),
};
