import type { BrokerManagement } from './broker-management.js';
import type { ManagedNetworkBridge, ManagedNetworkConnector } from './management-host.js';
import { attr, op, S, type MBean } from './mbean.js';
import { networkBridgeObjectName, networkConnectorObjectName } from './names.js';

/** NetworkConnectorView (NetworkConnectorViewMBean): a `<networkConnector>`'s settings. */
export function networkConnectorMBean(mgmt: BrokerManagement, n: ManagedNetworkConnector): MBean {
  const s = n.settings;
  return {
    name: networkConnectorObjectName(mgmt.brokerName, n.name),
    className: 'org.apache.activemq.network.NetworkConnectorView',
    description: 'Network connector',
    attributes: {
      Name: attr(S, 'The connector name', () => n.name),
      Uri: attr(S, 'The discovery URI', () => n.uri),
      Duplex: attr('boolean', 'Bridges carry messages both ways', () => s.duplex),
      NetworkTTL: attr('int', 'Hops a message or subscription may travel', () => s.networkTTL),
      MessageTTL: attr('int', 'Hops a message may travel', () => s.messageTTL),
      ConsumerTTL: attr('int', 'Hops a subscription may travel', () => s.consumerTTL),
      PrefetchSize: attr('int', 'Prefetch of the demand subscriptions', () => s.prefetchSize),
      ConduitSubscriptions: attr('boolean', 'Remote consumers share demand', () => s.conduitSubscriptions),
      DynamicOnly: attr('boolean', 'Only dynamic demand', () => s.dynamicOnly),
      DecreaseNetworkConsumerPriority: attr(
        'boolean',
        'Network consumers have lower priority',
        () => s.decreaseNetworkConsumerPriority,
      ),
      BridgeTempDestinations: attr('boolean', 'Temporary destinations are bridged', () => s.bridgeTempDestinations),
      SuppressDuplicateQueueSubscriptions: attr(
        'boolean',
        'Suppress duplicate queue demand',
        () => s.suppressDuplicateQueueSubscriptions,
      ),
      SuppressDuplicateTopicSubscriptions: attr(
        'boolean',
        'Suppress duplicate topic demand',
        () => s.suppressDuplicateTopicSubscriptions,
      ),
      UserName: attr(S, 'The user the bridges connect as', () => s.userName),
      // Not in ActiveMQ's interface: how many bridges are up, for monitoring.
      BridgeCount: attr('int', 'Bridges established now', () => n.bridges().length),
    },
    operations: {
      resetStatistics: [op([], 'void', 'Reset the statistics', () => undefined)],
    },
  };
}

/** NetworkBridgeView (NetworkBridgeViewMBean): one live bridge. */
export function networkBridgeMBean(mgmt: BrokerManagement, n: ManagedNetworkConnector, b: ManagedNetworkBridge): MBean {
  return {
    name: networkBridgeObjectName(mgmt.brokerName, n.name, b.remoteAddress),
    className: 'org.apache.activemq.network.NetworkBridgeView',
    description: 'Network bridge',
    attributes: {
      LocalBrokerName: attr(S, 'This broker', () => mgmt.brokerName),
      RemoteAddress: attr(S, 'The remote broker address', () => b.remoteAddress),
      RemoteBrokerName: attr(S, 'The remote broker name', () => b.remoteBrokerName),
      RemoteBrokerId: attr(S, 'The remote broker id', () => b.remoteBrokerId),
      CreatedByDuplex: attr('boolean', 'Started by a duplex peer', () => false),
      EnqueueCounter: attr('long', 'Messages forwarded to the remote broker', () => b.enqueued),
      DequeueCounter: attr('long', 'Messages acknowledged here after forwarding', () => b.dequeued),
      ReceivedCounter: attr('long', 'Messages received from a duplex peer', () => b.received),
      // Not in ActiveMQ's interface: the demand subscriptions this bridge holds here.
      DemandSubscriptionCount: attr('int', 'Local subscriptions serving remote consumers', () => b.demandSubscriptions),
    },
    operations: {
      resetStats: [op([], 'void', 'Reset the statistics', () => undefined)],
    },
  };
}
