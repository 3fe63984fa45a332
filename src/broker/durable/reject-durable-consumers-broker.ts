import type { ConsumerInfo } from '../../model/commands.js';
import { BrokerError } from '../../util/errors.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from '../broker.js';
import { BrokerFilter } from '../broker-filter.js';

/** ActiveMQ's text (TopicRegion.addConsumer), which clients see in their JMSException / ERROR frame. */
export const DURABLE_CONSUMERS_NOT_ALLOWED = 'Durable Consumers are not allowed';

/**
 * The broker attribute rejectDurableConsumers="true": a durable topic subscription is refused before anything
 * is created for it, as ActiveMQ's TopicRegion does, with its text. Non-durable consumers are untouched, and an
 * existing durable subscription can still be removed (unsubscribe).
 */
export class RejectDurableConsumersBroker extends BrokerFilter {
  constructor(next: Broker) {
    super(next);
  }

  override addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    if (info.subscriptionName !== null && info.destination.isTopic && !info.browser) {
      return Promise.reject(new BrokerError('ERR_DURABLE_CONSUMERS_REJECTED', DURABLE_CONSUMERS_NOT_ALLOWED));
    }
    return super.addConsumer(context, info, sink);
  }
}
