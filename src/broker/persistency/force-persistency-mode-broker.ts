import type { Message } from '../../model/message.js';
import type { Broker, ConnectionContext } from '../broker.js';
import { BrokerFilter } from '../broker-filter.js';

/**
 * ActiveMQ's ForcePersistencyModeBroker (`<forcePersistencyModeBrokerPlugin persistenceFlag=…/>`): every message
 * sent gets the delivery mode the plugin names, whatever the producer asked for. persistenceFlag defaults to
 * false in ActiveMQ (ForcePersistencyModeBrokerPlugin), so the bare element makes every message non-persistent.
 * It sits in front of the store and the region, so a forced-persistent message is written to disk and
 * consumers see it as persistent.
 */
export class ForcePersistencyModeBroker extends BrokerFilter {
  constructor(
    next: Broker,
    private readonly persistent: boolean,
  ) {
    super(next);
  }

  override send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    message.persistent = this.persistent;
    return super.send(context, message, transactionId);
  }
}
