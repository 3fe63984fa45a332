import type { ConnectionState } from '../broker/region/region-broker.js';
import { BrowserSubscription } from '../broker/region/browser-subscription.js';
import { BrokerError } from '../util/errors.js';
import type { BrokerManagement } from './broker-management.js';
import { consumerObjectName } from './destination-view.js';
import type { ManagedConnector } from './management-host.js';
import { attr, objectNameValue, op, S, type MBean } from './mbean.js';
import { connectionObjectName, connectorObjectName } from './names.js';

/**
 * The connector a connection came through. The region knows a connection's protocol, not its connector, so the
 * first connector speaking that protocol is named (exact when each protocol has one connector, as by default).
 */
export function connectorOf(mgmt: BrokerManagement, c: Readonly<ConnectionState>): string {
  const protocol = c.context.info.protocol;
  return mgmt.host.connectors.find((k) => k.protocol === protocol)?.name ?? protocol;
}

/** ConnectionView (ConnectionViewMBean): one client connection. */
export function connectionMBean(mgmt: BrokerManagement, c: Readonly<ConnectionState>): MBean {
  const info = c.context.info;
  const consumers = (): { objectName: string }[] => {
    const out: { objectName: string }[] = [];
    for (const s of c.consumers.values()) {
      if (s instanceof BrowserSubscription) continue;
      out.push(objectNameValue(consumerObjectName(mgmt.brokerName, s.info.destination, s)));
    }
    return out;
  };
  return {
    name: connectionObjectName(mgmt.brokerName, connectorOf(mgmt, c), info.clientId ?? info.connectionId),
    className: 'org.apache.activemq.broker.jmx.ConnectionView',
    description: 'Connection',
    attributes: {
      ClientId: attr(S, 'client id for this connection', () => info.clientId),
      ConnectionId: attr(S, 'Connection ID for this connection', () => info.connectionId),
      RemoteAddress: attr(S, 'Source address for this connection', () => info.remoteAddress),
      UserName: attr(S, 'User Name used to authenticate this connection', () => info.userName),
      Connected: attr('boolean', 'Connection is connected to the broker.', () => true),
      Active: attr('boolean', 'Connection is active (both connected and receiving messages).', () => true),
      Blocked: attr('boolean', 'Connection is blocked.', () => false),
      Slow: attr('boolean', 'Connection is slow.', () => false),
      Consumers: attr(
        '[Ljavax.management.ObjectName;',
        'The ObjectNames of all Consumers created by this Connection',
        consumers,
      ),
      Producers: attr(
        '[Ljavax.management.ObjectName;',
        'The ObjectNames of all Producers created by this Connection',
        () => [],
      ),
      ProducerCount: attr('int', 'Producers on this connection', () => c.producers.size),
      ActiveTransactionCount: attr(
        'int',
        'The number of active transactions established on this Connection.',
        () => c.transactions.size,
      ),
      DispatchQueueSize: attr('int', 'The number of messages dispatched awaiting acknowledgement', () => 0),
      Protocol: attr(S, 'The wire protocol of this connection', () => info.protocol),
    },
    operations: {
      stop: [
        op([], 'void', 'Closes the connection', () =>
          c.context.control.close(new BrokerError('ERR_ILLEGAL_STATE', 'Connection closed by an administrator')),
        ),
      ],
    },
  };
}

/** ConnectorView (ConnectorViewMBean): one transport connector. */
export function connectorMBean(mgmt: BrokerManagement, k: ManagedConnector): MBean {
  return {
    name: connectorObjectName(mgmt.brokerName, k.name),
    className: 'org.apache.activemq.broker.jmx.ConnectorView',
    description: 'Connector',
    attributes: {
      StatisticsEnabled: attr('boolean', 'Statistics enabled', () => true),
      AllowLinkStealing: attr('boolean', 'Link stealing enabled', () => false),
      RebalanceClusterClients: attr('boolean', 'Rebalance clients across the cluster', () => false),
      UpdateClusterClients: attr('boolean', 'Update clients with cluster changes', () => false),
      UpdateClusterClientsOnRemove: attr('boolean', 'Update clients when a broker leaves', () => false),
      UpdateClusterFilter: attr(S, 'Cluster filter', () => null),
      // Not in ActiveMQ's interface (connectionCount() is an operation there); a convenience for monitoring.
      ConnectionCount: attr('int', 'Connections open on this connector', () => k.connectionCount),
      Uri: attr(S, 'The URI clients connect to', () => k.publishedUri),
    },
    operations: {
      connectionCount: [op([], 'int', 'Number of connections on this connector', () => k.connectionCount, true)],
      resetStatistics: [op([], 'void', 'Reset the statistics', () => undefined)],
    },
  };
}
