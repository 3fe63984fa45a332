import type { ProtocolOptions } from '../protocol.js';

/** What one AMQP connector allows, from its URI (`wireFormat.*` as ActiveMQ's AmqpWireFormat names them). */
export interface AmqpSettings {
  /** wireFormat.maxFrameSize: the largest frame, and the largest message assembled from several transfers. */
  readonly maxFrameSize: number;
  /** wireFormat.maxAmqpFrameSize: the max-frame-size the broker advertises in its Open (ActiveMQ: 128 KiB). */
  readonly maxAmqpFrameSize: number;
  /** wireFormat.idelTimeout (sic): the idle-time-out the broker advertises; 0 = none. */
  readonly idleTimeoutMs: number;
  /** wireFormat.producerCredit: link credit given to each client sender (ActiveMQ: 1000). */
  readonly producerCredit: number;
  /** wireFormat.allowNonSaslConnections: accept a client that skips the SASL layer (ActiveMQ: false). */
  readonly allowNonSasl: boolean;
  /** Sessions one connection may begin (the channel-max the broker advertises is this minus one). */
  readonly maxSessions: number;
  /** Links one connection may attach, over all its sessions. */
  readonly maxLinks: number;
  /** Unsettled deliveries a consumer link may hold (its prefetch); credit beyond it waits for settlements. */
  readonly consumerPrefetch: number;
  /** Modified(delivery-failed) outcomes before a message is dead-lettered (RedeliveryPolicy.maximumRedeliveries). */
  readonly maximumRedeliveries: number;
}

/** TideMQ's caps where ActiveMQ has none (docs/amqp.md, "Limits"). */
export const DEFAULT_MAX_SESSIONS = 256;
export const DEFAULT_MAX_LINKS = 1024;

export function amqpSettings(options: ProtocolOptions): AmqpSettings {
  const x = options.extra;
  const int = (name: string, fallback: number): number => {
    const v = x.get(name);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : fallback;
  };
  return {
    maxFrameSize: options.maxFrameSize,
    maxAmqpFrameSize: int('wireFormat.maxAmqpFrameSize', 128 * 1024),
    idleTimeoutMs: int('wireFormat.idelTimeout', 30_000),
    producerCredit: int('wireFormat.producerCredit', 1000),
    allowNonSasl: x.get('wireFormat.allowNonSaslConnections') === 'true',
    maxSessions: int('amqp.maxSessions', DEFAULT_MAX_SESSIONS),
    maxLinks: int('amqp.maxLinks', DEFAULT_MAX_LINKS),
    consumerPrefetch: int('amqp.consumerPrefetch', 1000),
    // ActiveMQ's RedeliveryPolicy.DEFAULT_MAXIMUM_REDELIVERIES.
    maximumRedeliveries: int('amqp.maximumRedeliveries', 6),
  };
}
