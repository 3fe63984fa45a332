import { networkConnectorDefaults } from '../config/sections/transport.js';
import type { RemoteChannel } from '../protocol/openwire/remote-channel.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { DemandForwardingBridge, type LocalBrokerInfo } from './demand-forwarding-bridge.js';
import { fromNetworkProperties } from './network-properties.js';

/**
 * The responder ends of duplex bridges that peers opened to this broker (TransportConnection's duplexBridge):
 * one DemandForwardingBridge per such connection, configured from the initiator's networkProperties, stopped
 * with the connection or with the broker.
 */
export class DuplexResponders {
  private readonly bridges = new Set<DemandForwardingBridge>();

  constructor(
    private readonly local: LocalBrokerInfo,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  get active(): readonly DemandForwardingBridge[] {
    return [...this.bridges];
  }

  accept(channel: RemoteChannel): void {
    const info = channel.remoteBrokerInfo;
    const config = {
      ...fromNetworkProperties(info.networkProperties, networkConnectorDefaults(`duplex:${channel.address}`)),
      duplex: true,
    };
    const bridge = new DemandForwardingBridge({
      config,
      local: this.local,
      connect: () => Promise.resolve(channel),
      responder: true,
      clock: this.clock,
      logger: this.logger,
    });
    this.bridges.add(bridge);
    bridge.once('failed', (e: Error) => {
      this.bridges.delete(bridge);
      this.logger.info(`Duplex bridge from ${info.brokerName ?? channel.address} ended: ${e.message}`);
    });
    bridge.start().then(
      () =>
        this.logger.info(
          `Network connection between ${this.local.brokerName} and ${bridge.remoteName} (${channel.address}) has been established (duplex responder).`,
        ),
      (e: unknown) => {
        this.bridges.delete(bridge);
        this.logger.warn(`Could not start the responder end of a duplex bridge from ${channel.address}: ${String(e)}`);
      },
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.bridges].map((b) => b.stop()));
    this.bridges.clear();
  }
}
