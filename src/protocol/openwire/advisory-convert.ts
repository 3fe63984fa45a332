import type { AdvisoryPayload } from '../../model/advisory.js';
import type * as ow from './codec/commands.js';
import { DestinationOperation, T } from './codec/types.js';
import { brokerIds, parseConnectionId, parseConsumerId, parseProducerId } from './codec/ids.js';
import { toOpenWireDestination, toOpenWireMessage } from './message-convert.js';

/**
 * An advisory payload as the OpenWire command ActiveMQ puts in the advisory message's dataStructure
 * (DestinationInfo, ConnectionInfo, ConsumerInfo, ProducerInfo, RemoveInfo, or the message an Expired /
 * MessageDLQd / MessageDiscarded advisory is about, as the ActiveMQMessage subclass of its body type). Ids that did not come from an
 * OpenWire client are parsed from their string form; one that cannot be parsed leaves the structure out.
 */
export function advisoryToOpenWire(p: AdvisoryPayload): ow.DataStructure | null {
  try {
    switch (p.kind) {
      case 'destination':
        return {
          type: T.DESTINATION_INFO,
          commandId: 0,
          responseRequired: false,
          connectionId: p.connectionId === null ? null : parseConnectionId(p.connectionId),
          destination: toOpenWireDestination(p.destination),
          operationType: p.operation === 'add' ? DestinationOperation.ADD : DestinationOperation.REMOVE,
          timeout: 0,
          brokerPath: null,
        } satisfies ow.DestinationInfo;
      case 'connection':
        return {
          type: T.CONNECTION_INFO,
          commandId: 0,
          responseRequired: false,
          connectionId: parseConnectionId(p.info.connectionId),
          clientId: p.info.clientId,
          // Never the password; the user name as ActiveMQ reports it.
          password: null,
          userName: p.info.userName,
          brokerPath: null,
          brokerMasterConnector: false,
          manageable: false,
          clientMaster: true,
          faultTolerant: false,
          failoverReconnect: false,
          clientIp: p.info.remoteAddress,
        } satisfies ow.ConnectionInfo;
      case 'consumer':
        return {
          type: T.CONSUMER_INFO,
          commandId: 0,
          responseRequired: false,
          consumerId: parseConsumerId(p.info.consumerId),
          browser: p.info.browser,
          destination: toOpenWireDestination(p.info.destination),
          prefetchSize: p.info.prefetch,
          maximumPendingMessageLimit: 0,
          dispatchAsync: true,
          selector: p.info.selector,
          clientId: p.clientId ?? null,
          subscriptionName: p.info.subscriptionName,
          noLocal: p.info.noLocal,
          exclusive: p.info.exclusive,
          retroactive: p.info.retroactive,
          priority: p.info.priority,
          // Bridges read these to refuse demand that already crossed them or too many brokers (networkTTL).
          brokerPath: brokerIds(p.info.brokerPath),
          additionalPredicate: null,
          networkSubscription: p.info.networkSubscription ?? false,
          optimizedAcknowledge: false,
          noRangeAcks: false,
          networkConsumerPath:
            p.info.networkConsumerIds === undefined || p.info.networkConsumerIds.length === 0
              ? null
              : p.info.networkConsumerIds.map(parseConsumerId),
        } satisfies ow.ConsumerInfo;
      case 'removeSubscription':
        return {
          type: T.REMOVE_SUBSCRIPTION_INFO,
          commandId: 0,
          responseRequired: false,
          connectionId: parseConnectionId(p.connectionId),
          subscriptionName: p.subscriptionName,
          clientId: p.clientId,
        } satisfies ow.RemoveSubscriptionInfo;
      case 'producer':
        return {
          type: T.PRODUCER_INFO,
          commandId: 0,
          responseRequired: false,
          producerId: parseProducerId(p.info.producerId),
          destination: p.info.destination === null ? null : toOpenWireDestination(p.info.destination),
          brokerPath: null,
          dispatchAsync: false,
          windowSize: p.info.windowSize,
        } satisfies ow.ProducerInfo;
      case 'message':
        return toOpenWireMessage(p.message);
      case 'remove':
        return {
          type: T.REMOVE_INFO,
          commandId: 0,
          responseRequired: false,
          objectId:
            p.what === 'connection'
              ? parseConnectionId(p.id)
              : p.what === 'consumer'
                ? parseConsumerId(p.id)
                : parseProducerId(p.id),
          lastDeliveredSequenceId: 0,
        } satisfies ow.RemoveInfo;
    }
  } catch {
    return null;
  }
}
