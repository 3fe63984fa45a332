import type { Destination } from '../model/destination.js';
import { ObjectName, encodeObjectNamePart } from './object-name.js';

/** ActiveMQ's JMX domain. */
export const DOMAIN = 'org.apache.activemq';

/** BrokerMBeanSupport.createBrokerObjectName. */
export function brokerObjectName(brokerName: string): ObjectName {
  return ObjectName.of(DOMAIN, { type: 'Broker', brokerName: encodeObjectNamePart(brokerName) });
}

/** `Queue`, `Topic`, `TempQueue`, `TempTopic`: ActiveMQDestination.getDestinationTypeAsString. */
export function destinationTypeName(d: Destination): string {
  switch (d.type) {
    case 'queue':
      return 'Queue';
    case 'topic':
      return 'Topic';
    case 'temp-queue':
      return 'TempQueue';
    case 'temp-topic':
      return 'TempTopic';
  }
}

/** BrokerMBeanSupport.createDestinationName. */
export function destinationObjectName(brokerName: string, d: Destination): ObjectName {
  return ObjectName.of(DOMAIN, {
    type: 'Broker',
    brokerName: encodeObjectNamePart(brokerName),
    destinationType: destinationTypeName(d),
    destinationName: encodeObjectNamePart(d.name),
  });
}

/**
 * BrokerMBeanSupport.createSubscriptionName: a consumer under its destination, `endpoint=Consumer`; a durable
 * subscription's consumerId is `Durable(<clientId>_<subscriptionName>)`.
 */
export function subscriptionObjectName(
  brokerName: string,
  d: Destination,
  clientId: string,
  consumerId: string,
): ObjectName {
  return ObjectName.of(DOMAIN, {
    type: 'Broker',
    brokerName: encodeObjectNamePart(brokerName),
    destinationType: destinationTypeName(d),
    destinationName: encodeObjectNamePart(d.name),
    endpoint: 'Consumer',
    clientId: encodeObjectNamePart(clientId),
    consumerId: encodeObjectNamePart(consumerId),
  });
}

export function durableConsumerId(clientId: string, subscriptionName: string): string {
  return `Durable(${encodeObjectNamePart(`${clientId}:${subscriptionName}`)})`;
}

/** BrokerMBeanSupport.createConnectorName. */
export function connectorObjectName(brokerName: string, connectorName: string): ObjectName {
  return ObjectName.of(DOMAIN, {
    type: 'Broker',
    brokerName: encodeObjectNamePart(brokerName),
    connector: 'clientConnectors',
    connectorName: encodeObjectNamePart(connectorName),
  });
}

/** BrokerMBeanSupport.createNetworkConnectorName. */
export function networkConnectorObjectName(brokerName: string, connectorName: string): ObjectName {
  return ObjectName.of(DOMAIN, {
    type: 'Broker',
    brokerName: encodeObjectNamePart(brokerName),
    connector: 'networkConnectors',
    networkConnectorName: encodeObjectNamePart(connectorName),
  });
}

/** BrokerMBeanSupport.createNetworkBridgeObjectName: one bridge of a network connector, by its remote address. */
export function networkBridgeObjectName(brokerName: string, connectorName: string, remoteAddress: string): ObjectName {
  return ObjectName.of(DOMAIN, {
    type: 'Broker',
    brokerName: encodeObjectNamePart(brokerName),
    connector: 'networkConnectors',
    networkConnectorName: encodeObjectNamePart(connectorName),
    networkBridge: encodeObjectNamePart(remoteAddress),
  });
}

/** BrokerMBeanSupport.createConnectionViewByType, by client id (ActiveMQ registers both forms; one here). */
export function connectionObjectName(brokerName: string, connectorName: string, connectionName: string): ObjectName {
  return ObjectName.of(DOMAIN, {
    type: 'Broker',
    brokerName: encodeObjectNamePart(brokerName),
    connector: 'clientConnectors',
    connectorName: encodeObjectNamePart(connectorName),
    connectionViewType: 'clientId',
    connectionName: encodeObjectNamePart(connectionName),
  });
}
