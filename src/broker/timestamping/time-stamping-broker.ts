import type { Message } from '../../model/message.js';
import type { Clock } from '../../util/clock.js';
import type { Broker, ConnectionContext } from '../broker.js';
import { BrokerFilter } from '../broker-filter.js';

export interface TimeStampingOptions {
  /** Time to live (ms) given to messages sent without an expiration; 0 leaves them unexpiring. */
  zeroExpirationOverride: number;
  /** The longest time to live (ms) a message keeps; 0 = no ceiling. */
  ttlCeiling: number;
  /** Never move a message's expiration backwards (a broker whose clock is behind the producer's). */
  futureOnly: boolean;
  /** Also restamp messages that crossed a network bridge (a non-empty brokerPath). */
  processNetworkMessages: boolean;
}

/**
 * ActiveMQ's TimeStampingBrokerPlugin (`<timeStampingBrokerPlugin>`): replaces the producer's JMSTimestamp with
 * the broker's clock and moves JMSExpiration with it, keeping the time to live the producer asked for, so that
 * clients with a wrong clock neither expire messages early nor keep them forever. A message whose timestamp the
 * producer disabled (0) is left alone, as are messages from other brokers unless processNetworkMessages is set.
 * The arithmetic follows TimeStampingBrokerPlugin.send in 5.17, including its quirks: the ceiling applies only
 * to a positive time to live, and with futureOnly neither timestamp nor expiration change when the new
 * expiration would not be later than the old one.
 *
 * ActiveMQ also skips a message on its way to a dead letter queue; TideMQ moves dead letters inside the region,
 * never through this filter, so there is nothing to skip here.
 */
export class TimeStampingBroker extends BrokerFilter {
  constructor(
    next: Broker,
    private readonly options: TimeStampingOptions,
    private readonly clock: Clock,
  ) {
    super(next);
  }

  override send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    const fromNetwork = message.brokerPath !== null && message.brokerPath.length > 0;
    if (message.timestamp > 0 && (this.options.processNetworkMessages || !fromNetwork)) this.restamp(message);
    return super.send(context, message, transactionId);
  }

  private restamp(message: Message): void {
    const oldExpiration = message.expiration;
    const now = this.clock.now();
    let timeToLive = oldExpiration > 0 ? oldExpiration - message.timestamp : this.options.zeroExpirationOverride;
    if (timeToLive > 0 && this.options.ttlCeiling > 0 && timeToLive > this.options.ttlCeiling) {
      timeToLive = this.options.ttlCeiling;
    }
    const expiration = timeToLive + now;
    if (this.options.futureOnly && expiration <= oldExpiration) return;
    if (timeToLive > 0 && expiration > 0) message.expiration = expiration;
    message.timestamp = now;
  }
}
