import { networkBridgeMBean, networkConnectorMBean } from './network-view.js';
import type { Subscription } from '../broker/region/subscription.js';
import { DurableTopicSubscription } from '../broker/region/topic.js';
import type { Destination } from '../model/destination.js';
import type { BrokerManagement } from './broker-management.js';
import { brokerMBean } from './broker-view.js';
import { connectionMBean, connectorMBean, connectorOf } from './connection-view.js';
import { consumerObjectName, queueMBean, topicMBean, type ViewSnapshot } from './destination-view.js';
import type { MBean } from './mbean.js';
import type { ObjectName } from './object-name.js';
import {
  brokerObjectName,
  connectionObjectName,
  connectorObjectName,
  networkBridgeObjectName,
  networkConnectorObjectName,
  destinationObjectName,
  durableConsumerId,
  subscriptionObjectName,
} from './names.js';
import { subscriptionMBean } from './subscription-view.js';

/** A registered name and how to build its MBean: names are cheap, MBeans are built only for names that match. */
interface Entry {
  readonly name: ObjectName;
  build(): MBean;
}

/**
 * The MBeans ActiveMQ's ManagementContext would have registered, built on demand from the running broker: the
 * broker, every destination, consumer, durable subscription, connector and connection. Jolokia's read, exec,
 * search and list all look names up here; a query matches names first and builds only the MBeans it returns.
 */
export class MBeanRegistry {
  constructor(private readonly mgmt: BrokerManagement) {}

  private *entries(): Generator<Entry> {
    const mgmt = this.mgmt;
    const b = mgmt.brokerName;
    let snapshot: ViewSnapshot | null = null;
    const snap = (): ViewSnapshot => (snapshot ??= { producers: mgmt.producerCounts() });
    const consumer = (s: Subscription, d: Destination): Entry => ({
      name: consumerObjectName(b, d, s),
      build: () => subscriptionMBean(mgmt, s, d),
    });
    yield { name: brokerObjectName(b), build: () => brokerMBean(mgmt) };
    for (const q of mgmt.host.region.managedQueues()) {
      yield { name: destinationObjectName(b, q.destination), build: () => queueMBean(mgmt, q, snap()) };
      for (const c of q.consumers) yield consumer(c, q.destination);
    }
    for (const t of mgmt.host.region.managedTopics()) {
      yield { name: destinationObjectName(b, t.destination), build: () => topicMBean(mgmt, t, snap()) };
      for (const s of t.subscriptions)
        if (s.active && !(s instanceof DurableTopicSubscription)) yield consumer(s, t.destination);
    }
    for (const d of mgmt.host.region.managedDurables()) {
      yield {
        name: subscriptionObjectName(
          b,
          d.info.destination,
          d.clientId,
          durableConsumerId(d.clientId, d.subscriptionName),
        ),
        build: () => subscriptionMBean(mgmt, d, d.info.destination),
      };
    }
    for (const k of mgmt.host.connectors)
      yield { name: connectorObjectName(b, k.name), build: () => connectorMBean(mgmt, k) };
    for (const n of mgmt.host.networkConnectors ?? []) {
      yield { name: networkConnectorObjectName(b, n.name), build: () => networkConnectorMBean(mgmt, n) };
      for (const bridge of n.bridges()) {
        yield {
          name: networkBridgeObjectName(b, n.name, bridge.remoteAddress),
          build: () => networkBridgeMBean(mgmt, n, bridge),
        };
      }
    }
    for (const c of mgmt.host.region.managedConnections()) {
      const info = c.context.info;
      yield {
        name: connectionObjectName(b, connectorOf(mgmt, c), info.clientId ?? info.connectionId),
        build: () => connectionMBean(mgmt, c),
      };
    }
  }

  /** Every MBean, broker first. */
  *all(): Generator<MBean> {
    for (const e of this.entries()) yield e.build();
  }

  /** MBeans whose name the (possibly pattern) name matches, as MBeanServer.queryNames. */
  query(pattern: ObjectName): MBean[] {
    const out: MBean[] = [];
    for (const e of this.entries()) if (pattern.matches(e.name)) out.push(e.build());
    return out;
  }

  /** Names only (Jolokia search): nothing is built. */
  names(pattern: ObjectName): ObjectName[] {
    const out: ObjectName[] = [];
    for (const e of this.entries()) if (pattern.matches(e.name)) out.push(e.name);
    return out;
  }
}
