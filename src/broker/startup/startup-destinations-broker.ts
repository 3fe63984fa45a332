import type { Destination } from '../../model/destination.js';
import type { Broker, ConnectionContext } from '../broker.js';
import { BrokerFilter } from '../broker-filter.js';

/**
 * `<broker><destinations>`: queues and topics created when the broker starts, before any client asks for them,
 * as ActiveMQ's BrokerService.startDestinations does (through the whole chain, with the broker's own admin
 * context, so advisories are sent and authorization does not apply). Installed outermost for that reason.
 */
export class StartupDestinationsBroker extends BrokerFilter {
  constructor(
    next: Broker,
    private readonly destinations: readonly Destination[],
  ) {
    super(next);
  }

  override async start(): Promise<void> {
    await super.start();
    const context = this.adminContext();
    for (const d of this.destinations) await this.addDestination(context, d);
  }

  private adminContext(): ConnectionContext {
    return {
      info: {
        connectionId: `${this.brokerId}:startup`,
        clientId: null,
        userName: null,
        password: null,
        remoteAddress: `vm://${this.brokerName}`,
        protocol: 'internal',
      },
      security: { userName: null, groups: new Set(), isBrokerInternal: true },
      control: { close: () => {} },
    };
  }
}
