import type { AdvisoryPayload } from '../../model/advisory.js';
import type * as ow from './codec/commands.js';
import { DestinationOperation, T } from './codec/types.js';
import { command } from './codec/command.js';
import { brokerIds, parseConnectionId, parseConsumerId, parseProducerId } from './codec/ids.js';
import { toOpenWireDestination, toOpenWireMessage } from './message-convert.js';

/**
 * An advisory payload as the OpenWire command ActiveMQ puts in the advisory message's dataStructure
 * (DestinationInfo, ConnectionInfo, ConsumerInfo, ProducerInfo, RemoveInfo, or the message an Expired /
 * MessageDLQd / MessageDiscarded advisory is about, as the ActiveMQMessage subclass of its body type). Ids that did not come from an
 * OpenWire client are parsed from their string form; one that cannot be parsed leaves the structure out.
 */
export function advisoryToOpenWire(p: AdvisoryPayload): ow.DataStructure | null {
  // command() starts every field at its Java default (0, false, null): only what an advisory carries is named.
  try {
    switch (p.kind) {
      case 'destination':
        return command<ow.DestinationInfo>(T.DESTINATION_INFO, {
          connectionId: p.connectionId === null ? null : parseConnectionId(p.connectionId),
          destination: toOpenWireDestination(p.destination),
          operationType: p.operation === 'add' ? DestinationOperation.ADD : DestinationOperation.REMOVE,
        });
      case 'connection':
        return command<ow.ConnectionInfo>(T.CONNECTION_INFO, {
          connectionId: parseConnectionId(p.info.connectionId),
          clientId: p.info.clientId,
          // Never the password (left null); the user name as ActiveMQ reports it.
          userName: p.info.userName,
          clientMaster: true,
          clientIp: p.info.remoteAddress,
        });
      case 'consumer':
        return command<ow.ConsumerInfo>(T.CONSUMER_INFO, {
          consumerId: parseConsumerId(p.info.consumerId),
          browser: p.info.browser,
          destination: toOpenWireDestination(p.info.destination),
          prefetchSize: p.info.prefetch,
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
          networkSubscription: p.info.networkSubscription ?? false,
          networkConsumerPath:
            p.info.networkConsumerIds === undefined || p.info.networkConsumerIds.length === 0
              ? null
              : p.info.networkConsumerIds.map(parseConsumerId),
        });
      case 'removeSubscription':
        return command<ow.RemoveSubscriptionInfo>(T.REMOVE_SUBSCRIPTION_INFO, {
          connectionId: parseConnectionId(p.connectionId),
          subscriptionName: p.subscriptionName,
          clientId: p.clientId,
        });
      case 'producer':
        return command<ow.ProducerInfo>(T.PRODUCER_INFO, {
          producerId: parseProducerId(p.info.producerId),
          destination: p.info.destination === null ? null : toOpenWireDestination(p.info.destination),
          windowSize: p.info.windowSize,
        });
      case 'message':
        return toOpenWireMessage(p.message);
      case 'remove':
        return command<ow.RemoveInfo>(T.REMOVE_INFO, {
          objectId:
            p.what === 'connection'
              ? parseConnectionId(p.id)
              : p.what === 'consumer'
                ? parseConsumerId(p.id)
                : parseProducerId(p.id),
        });
    }
  } catch {
    return null;
  }
}
