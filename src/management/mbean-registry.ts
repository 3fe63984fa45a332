import { DurableTopicSubscription } from '../broker/region/topic.js';
import type { BrokerManagement } from './broker-management.js';
import { brokerMBean } from './broker-view.js';
import { connectionMBean, connectorMBean } from './connection-view.js';
import { queueMBean, topicMBean, type ViewSnapshot } from './destination-view.js';
import type { MBean } from './mbean.js';
import type { ObjectName } from './object-name.js';
import { subscriptionMBean } from './subscription-view.js';

/**
 * The MBeans ActiveMQ's ManagementContext would have registered, built on demand from the running broker: the
 * broker, every destination, consumer, durable subscription, connector and connection. Jolokia's read, exec,
 * search and list all look names up here.
 */
export class MBeanRegistry {
  constructor(private readonly mgmt: BrokerManagement) {}

  /** Every MBean, broker first. */
  *all(): Generator<MBean> {
    const mgmt = this.mgmt;
    const snapshot: ViewSnapshot = { producers: mgmt.producerCounts() };
    yield brokerMBean(mgmt);
    for (const q of mgmt.queues()) {
      yield queueMBean(mgmt, q, snapshot);
      for (const c of q.consumers) yield subscriptionMBean(mgmt, c, q.destination);
    }
    for (const t of mgmt.topics()) {
      yield topicMBean(mgmt, t, snapshot);
      for (const s of t.subscriptions)
        if (s.active && !(s instanceof DurableTopicSubscription)) yield subscriptionMBean(mgmt, s, t.destination);
    }
    for (const d of mgmt.durables()) yield subscriptionMBean(mgmt, d, d.info.destination);
    for (const k of mgmt.host.connectors) yield connectorMBean(mgmt, k);
    for (const c of mgmt.connections()) yield connectionMBean(mgmt, c);
  }

  /** MBeans whose name the (possibly pattern) name matches, as MBeanServer.queryNames. */
  query(pattern: ObjectName): MBean[] {
    const out: MBean[] = [];
    for (const m of this.all()) if (pattern.matches(m.name)) out.push(m);
    return out;
  }
}
