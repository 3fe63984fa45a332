import type { PluginConfig } from '../config/broker-config.js';
import { ForcePersistencyModeBroker } from '../broker/persistency/force-persistency-mode-broker.js';
import { TimeStampingBroker } from '../broker/timestamping/time-stamping-broker.js';
import type { Clock } from '../util/clock.js';
import type { BrokerPlugin } from './broker-service.js';

/**
 * The message-shaping plugins of `<plugins>` (not security, not redelivery): each becomes its filter, in the
 * place it is written, as ActiveMQ chains plugins. Null for a plugin this function does not build.
 */
export function messagePlugin(p: PluginConfig, clock: Clock): BrokerPlugin | null {
  switch (p.type) {
    case 'timeStamping': {
      const options = {
        zeroExpirationOverride: p.zeroExpirationOverride,
        ttlCeiling: p.ttlCeiling,
        futureOnly: p.futureOnly,
        processNetworkMessages: p.processNetworkMessages,
      };
      return (next) => new TimeStampingBroker(next, options, clock);
    }
    case 'forcePersistencyMode':
      return (next) => new ForcePersistencyModeBroker(next, p.persistenceFlag);
    default:
      return null;
  }
}
