import { BrokerFilter } from '../broker-filter.js';
import type { Broker, ConnectionContext } from '../broker.js';
import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { MessageSelector } from '../region/selector-support.js';

/** One `<compositeQueue>` or `<compositeTopic>`. */
export interface CompositeDestinationConfig {
  /** The virtual destination producers send to. */
  destination: Destination;
  /** Where messages go; a selector makes the forward conditional (`<filteredDestination selector=…>`). */
  forwardTo: { destination: Destination; selector: MessageSelector | null }[];
  /** When true (ActiveMQ's default), the composite itself keeps nothing. */
  forwardOnly: boolean;
}

/**
 * Broker-side composite destinations (virtualDestinationInterceptor compositeQueue/compositeTopic): a
 * send to the composite is forwarded to each target, in the sender's transaction.
 */
export class CompositeDestinationBroker extends BrokerFilter {
  private readonly byKey = new Map<string, CompositeDestinationConfig>();

  constructor(next: Broker, configs: readonly CompositeDestinationConfig[]) {
    super(next);
    for (const c of configs) this.byKey.set(c.destination.key, c);
  }

  override async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    const config = this.byKey.get(message.destination.key);
    if (config === undefined) return super.send(context, message, transactionId);
    if (!config.forwardOnly) await super.send(context, message, transactionId);
    for (const target of config.forwardTo) {
      if (target.selector !== null && !target.selector.matches(message)) continue;
      const copy = message.copy();
      copy.destination = target.destination;
      copy.originalDestination = message.destination;
      await this.send(context, copy, transactionId);
    }
  }
}
