import type { Subscription } from '../broker/region/subscription.js';
import { DurableTopicSubscription, TopicSubscription } from '../broker/region/topic.js';
import type { Destination } from '../model/destination.js';
import type { BrokerManagement } from './broker-management.js';
import { consumerObjectName } from './destination-view.js';
import { attr, op, S, type MBean, type OperationInfo } from './mbean.js';
import { durableConsumerId, subscriptionObjectName } from './names.js';
import { messageData } from './message-data.js';

/**
 * SubscriptionView / DurableSubscriptionView: one consumer (SubscriptionViewMBean), or a durable subscription,
 * active or not (DurableSubscriptionViewMBean adds SubscriptionName and destroy()).
 */
export function subscriptionMBean(mgmt: BrokerManagement, sub: Subscription, dest: Destination): MBean {
  const info = sub.info;
  const durable = sub instanceof DurableTopicSubscription ? sub : null;
  const pending = (): number => (sub instanceof TopicSubscription ? sub.pending.length : 0);
  const clientId = durable?.clientId ?? sub.context.info.clientId ?? sub.context.info.connectionId;
  const attributes = {
    ClientId: attr(S, 'JMS Client id of the Connection the Subscription is on', () => clientId),
    ConnectionId: attr(S, 'ID of the Connection the Subscription is on', () => sub.connectionId),
    SubscriptionId: attr('long', 'ID of the Subscription', () => Number(/(\d+)$/.exec(info.consumerId)?.[1] ?? 0)),
    ConsumerId: attr(S, 'ID of the consumer', () => info.consumerId),
    DestinationName: attr(S, 'The name of the destination the subscription is on', () => dest.name),
    Selector: attr(
      S,
      'The SQL-92 message header selector or XPATH body selector of the subscription',
      () => info.selector,
    ),
    DestinationQueue: attr('boolean', 'Subscription is on a Queue', () => dest.isQueue),
    DestinationTopic: attr('boolean', 'Subscription is on a Topic', () => dest.isTopic),
    DestinationTemporary: attr('boolean', 'Subscription is on a temporary Queue/Topic', () => dest.isTemporary),
    Active: attr('boolean', 'Subscription is active (connected and receiving messages)', () => sub.active),
    Network: attr('boolean', 'Subscription was created by a networked broker', () => false),
    PendingQueueSize: attr('int', 'Number of messages pending delivery', pending),
    DispatchedQueueSize: attr(
      'int',
      'Number of messages dispatched awaiting acknowledgement',
      () => sub.dispatched.length,
    ),
    MessageCountAwaitingAcknowledge: attr(
      'int',
      'Number of messages dispatched awaiting acknowledgement',
      () => sub.dispatched.length,
    ),
    PrefetchSize: attr('int', 'Number of messages to pre-fetch and dispatch to the client', () => info.prefetch),
    Exclusive: attr('boolean', 'Is the consumer configured for exclusive consumption', () => info.exclusive),
    Retroactive: attr('boolean', 'Is the consumer retroactive', () => info.retroactive),
    NoLocal: attr('boolean', 'Does this subscription ignore messages from its own connection', () => info.noLocal),
    Priority: attr('int', 'The consumer priority', () => info.priority),
    UserName: attr(S, 'User Name used to authorize creation of this Subscription', () => sub.context.info.userName),
    Durable: attr('boolean', 'Is the subscription durable', () => durable !== null),
    Slow: attr('boolean', 'Subscription is slow', () => (sub instanceof TopicSubscription ? sub.slow : false)),
    ...(durable !== null ? { SubscriptionName: attr(S, 'The subscription name', () => durable.subscriptionName) } : {}),
  };
  const operations: Record<string, OperationInfo[]> = {};
  if (durable !== null) {
    operations['destroy'] = [
      op(
        [],
        'void',
        'Destroys the durable subscription so that messages will no longer be stored for this subscription',
        () => mgmt.destroyDurableSubscriber(durable.clientId, durable.subscriptionName),
      ),
    ];
    operations['browse'] = [
      op(
        [],
        '[Ljavax.management.openmbean.CompositeData;',
        'Browse messages held by this subscription',
        () => [...durable.pending].slice(0, 400).map((r) => messageData(r.message)),
        true,
      ),
    ];
  }
  const name =
    durable !== null
      ? subscriptionObjectName(
          mgmt.brokerName,
          dest,
          durable.clientId,
          durableConsumerId(durable.clientId, durable.subscriptionName),
        )
      : consumerObjectName(mgmt.brokerName, dest, sub);
  return {
    name,
    className:
      durable !== null
        ? 'org.apache.activemq.broker.jmx.DurableSubscriptionView'
        : 'org.apache.activemq.broker.jmx.SubscriptionView',
    description: durable !== null ? 'Durable subscription' : 'Subscription',
    attributes,
    operations,
  };
}
