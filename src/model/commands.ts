import type { Destination } from './destination.js';
import type { Message } from './message.js';

/**
 * Protocol-neutral commands: what every protocol converter turns its frames into. They follow ActiveMQ's
 * command classes (ConnectionInfo, ConsumerInfo, MessageAck, …) because OpenWire carries the richest form
 * and STOMP, AMQP and MQTT map onto a subset of it.
 */

export interface ConnectionInfo {
  readonly connectionId: string;
  clientId: string | null;
  readonly userName: string | null;
  readonly password: string | null;
  readonly remoteAddress: string;
  /** `openwire`, `stomp`, … for logs and management; never for branching in the core. */
  readonly protocol: string;
  /** The connection arrived over TLS; certificate login applies to it (jaasDualAuthenticationPlugin). */
  readonly secure?: boolean;
  /** The verified TLS client certificate chain (DER), for certificate login. */
  readonly peerCertificates?: readonly Uint8Array[];
}

/** How the consumer acknowledges; `auto` means the broker may forget a message once it is written. */
export type AckMode = 'auto' | 'client' | 'individual' | 'transacted';

export interface ConsumerInfo {
  readonly consumerId: string;
  readonly destination: Destination;
  /** Messages that may be in flight unacknowledged; 0 means pull (MessagePull). */
  prefetch: number;
  readonly selector: string | null;
  readonly ackMode: AckMode;
  readonly noLocal: boolean;
  readonly exclusive: boolean;
  readonly priority: number;
  readonly retroactive: boolean;
  readonly browser: boolean;
  /** Durable topic subscription name; with the connection's clientId it names the subscription. */
  readonly subscriptionName: string | null;
  /**
   * A shared subscription's group (MQTT 5 `$share/<group>/<filter>`): topic consumers with the same group and
   * topic filter share its messages, each message going to one of them (SharedSubscriptionBroker).
   */
  readonly shareGroup?: string | null;
  /**
   * Set by the authorization filter: whether this consumer may be attached to a concrete destination its
   * (wildcard or composite) destination covers. The region asks it for every destination it attaches the
   * consumer to, including ones created later (ActiveMQ's AuthorizationDestinationFilter.addSubscription).
   * Absent means every covered destination.
   */
  accepts?: (destination: Destination) => boolean;
  /**
   * Networks of brokers (ActiveMQ's ConsumerInfo.brokerPath / networkSubscription): the brokers the demand for this
   * consumer has crossed, and whether it is a network bridge's demand subscription rather than an application's.
   * Both travel in consumer advisories so that other bridges see how far a consumer is and never loop.
   */
  brokerPath?: readonly string[] | null;
  networkSubscription?: boolean;
  /**
   * A network demand subscription's networkConsumerIds: the consumers (ids as `ID:…:1:1`) whose demand it carries,
   * hop by hop. Travels in consumer advisories (OpenWire's networkConsumerPath) so that a bridge that hears of the
   * same consumer by a second path can suppress the duplicate (suppressDuplicateTopicSubscriptions).
   */
  networkConsumerIds?: readonly string[];
  /**
   * A network bridge's filter on top of the selector (ActiveMQ's ConsumerInfo.additionalPredicate, set to the
   * NetworkBridgeFilter): refuses messages that came from the broker this demand leads to, or that crossed too
   * many brokers. `localConsumers` tells whether the destination has consumers other than network ones, for
   * conditionalNetworkBridgeFilterFactory's replayWhenNoConsumers.
   */
  additionalPredicate?: (message: Message, localConsumers: () => boolean) => boolean;
}

/**
 * A ConsumerInfo with JMS's defaults (no selector, not exclusive, priority 0, not a browser or durable) and the
 * given fields: for consumers the broker makes itself (advisories, benches, tests).
 */
export function consumerInfoFor(
  consumerId: string,
  destination: Destination,
  fields: Partial<ConsumerInfo> = {},
): ConsumerInfo {
  return {
    consumerId,
    destination,
    prefetch: 1000,
    selector: null,
    ackMode: 'client',
    noLocal: false,
    exclusive: false,
    priority: 0,
    retroactive: false,
    browser: false,
    subscriptionName: null,
    ...fields,
  };
}

export const enum AckType {
  /** The client has the message; it extends the prefetch window but does not consume. */
  Delivered = 0,
  /** The client gave up on it (redelivery exhausted): dead-letter it. */
  Poison = 1,
  /** Consumes every dispatched message up to and including `lastMessageId`. */
  Standard = 2,
  /** The client will redeliver it locally; counts a delivery attempt. */
  Redelivered = 3,
  /** Consumes exactly `lastMessageId`. */
  Individual = 4,
  /** The consumer's selector did not match (network consumers); treated as consumed by this consumer. */
  Unmatched = 5,
  /** The client found it expired. */
  Expired = 6,
}

export interface MessageAck {
  readonly consumerId: string;
  readonly type: AckType;
  /** Range start for Standard/Delivered acks; null means "from the oldest unacknowledged". */
  readonly firstMessageId: string | null;
  readonly lastMessageId: string;
  readonly messageCount: number;
  readonly transactionId: string | null;
  /** Why a Poison ack was sent; copied into dlqDeliveryFailureCause. */
  readonly poisonCause: string | null;
}

export interface ProducerInfo {
  readonly producerId: string;
  /** Null for an anonymous producer that names a destination per message. */
  readonly destination: Destination | null;
  /** Window in bytes for async sends under producer flow control; 0 means none. */
  readonly windowSize: number;
}
