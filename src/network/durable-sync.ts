import { command } from '../protocol/openwire/codec/command.js';
import type { DestinationRef, NetworkConnectorConfig } from '../config/broker-config.js';
import { destinationMatches } from '../destination/destination-filter.js';
import type { Destination } from '../model/destination.js';
import type * as ow from '../protocol/openwire/codec/commands.js';
import { brokerIds, consumerId } from '../protocol/openwire/codec/ids.js';
import { T } from '../protocol/openwire/codec/types.js';
import { toOpenWireDestination } from '../protocol/openwire/message-convert.js';
import { destinationOf } from '../server/destination-ref.js';
import { networkConnectorDefaults } from '../config/sections/transport.js';
import { fromNetworkProperties } from './network-properties.js';

/** The prefix of the durable subscriptions a bridge holds for remote durable subscribers (DURABLE_SUB_PREFIX). */
export const DURABLE_SUB_PREFIX = 'NC-DS_';

/** A durable topic subscription of this broker, online or not, as syncDurableSubs reports it. */
export interface LocalDurable {
  readonly clientId: string;
  readonly subscriptionName: string;
  readonly destination: Destination;
  readonly selector: string | null;
  readonly noLocal: boolean;
  readonly brokerPath: readonly string[] | null;
}

/** isDirectBridgeConsumer: a bridge's own subscription for the broker at the other end of this connector. */
function isDirectBridgeConsumer(c: NetworkConnectorConfig, clientId: string | null, name: string | null): boolean {
  return name !== null && name.startsWith(DURABLE_SUB_PREFIX) && (clientId === null || clientId.startsWith(c.name));
}

/** isProxyBridgeSubscription: another connector's bridge subscription, so at least two hops away. */
function isProxyBridgeSubscription(c: NetworkConnectorConfig, clientId: string | null, name: string | null): boolean {
  return name !== null && clientId !== null && name.startsWith(DURABLE_SUB_PREFIX) && !clientId.startsWith(c.name);
}

/** matchesDestinations: a filter of the same kind (topic) that covers the destination. */
export function matchesIncluded(refs: readonly DestinationRef[], destination: Destination): boolean {
  return refs.some((r) => {
    const filter = destinationOf(r);
    return filter.type === destination.type && destinationMatches(filter, destination);
  });
}

/**
 * NetworkBridgeUtils.matchesConfigForDurableSync: whether a durable subscription takes part in the durable sync of
 * a bridge configured by `c`. As in ActiveMQ only subscriptions under `dynamicallyIncludedDestinations` do (an
 * empty list syncs nothing), never the bridge's own, and another bridge's only when demand may travel two hops.
 */
export function matchesForDurableSync(
  c: NetworkConnectorConfig,
  clientId: string | null,
  subscriptionName: string | null,
  destination: Destination,
): boolean {
  if (c.consumerTTL === 0) return false;
  if (isDirectBridgeConsumer(c, clientId, subscriptionName)) return false;
  if (c.consumerTTL === 1 && isProxyBridgeSubscription(c, clientId, subscriptionName)) return false;
  return matchesIncluded(c.dynamicallyIncludedDestinations, destination);
}

/**
 * NetworkBridgeUtils.getBrokerSubscriptionInfo: this broker's durable subscriptions (offline ones too) that the
 * broker at the other end of a bridge configured by `c` should keep demand for. An offline subscription has no
 * consumer id of its own: each gets one under a connection id naming the sync, which the other broker only uses
 * as a key.
 */
export function brokerSubscriptionInfo(
  c: NetworkConnectorConfig,
  durables: readonly LocalDurable[],
  broker: { readonly brokerId: string; readonly brokerName: string },
): ow.BrokerSubscriptionInfo {
  const connection = `ID:${broker.brokerName}-durable-sync-${Date.now()}`;
  const infos: ow.ConsumerInfo[] = [];
  for (const d of durables) {
    if (!matchesForDurableSync(c, d.clientId, d.subscriptionName, d.destination)) continue;
    infos.push(
      command<ow.ConsumerInfo>(T.CONSUMER_INFO, {
        consumerId: consumerId(connection, 1, infos.length + 1),
        destination: toOpenWireDestination(d.destination),
        prefetchSize: 100,
        dispatchAsync: true,
        selector: d.selector,
        clientId: d.clientId,
        subscriptionName: d.subscriptionName,
        noLocal: d.noLocal,
        brokerPath: brokerIds(d.brokerPath),
      }),
    );
  }
  return command<ow.BrokerSubscriptionInfo>(T.BROKER_SUBSCRIPTION_INFO, {
    brokerId: { type: T.BROKER_ID, value: broker.brokerId },
    brokerName: broker.brokerName,
    subscriptionInfos: infos,
  });
}

/**
 * What the passive end of a one-way bridge sends once the bridge's connection is admitted
 * (TransportConnection.addNetworkConnection): with the initiator's syncDurableSubs, this broker's durable
 * subscriptions that the initiator should keep demand for; otherwise nothing.
 */
export function durableSyncAnswer(
  peer: ow.BrokerInfo,
  local: { readonly brokerId: string; readonly brokerName: string; durables?(): readonly LocalDurable[] },
): ow.BrokerSubscriptionInfo | null {
  const c = fromNetworkProperties(peer.networkProperties, networkConnectorDefaults('passive:'));
  if (!c.syncDurableSubs) return null;
  return brokerSubscriptionInfo(c, local.durables?.() ?? [], local);
}
