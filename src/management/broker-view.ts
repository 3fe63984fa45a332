import type { BrokerManagement } from './broker-management.js';
import { attr, objectNameValue, op, S, type MBean } from './mbean.js';
import { brokerObjectName, destinationObjectName } from './names.js';
import { consumerObjectName } from './destination-view.js';
import { subscriptionMBean } from './subscription-view.js';
import { BrokerError } from '../util/errors.js';

/** BrokerView (BrokerViewMBean): broker-wide figures, destination lists and the broker's operations. */
export function brokerMBean(mgmt: BrokerManagement): MBean {
  const host = mgmt.host;
  const region = host.region;
  const queues = (temp: boolean): { objectName: string }[] =>
    mgmt
      .queues()
      .filter((q) => q.destination.isTemporary === temp)
      .map((q) => objectNameValue(destinationObjectName(mgmt.brokerName, q.destination)));
  const topics = (temp: boolean): { objectName: string }[] =>
    mgmt
      .topics()
      .filter((t) => t.destination.isTemporary === temp)
      .map((t) => objectNameValue(destinationObjectName(mgmt.brokerName, t.destination)));
  const sum = (f: (s: { enqueues: number; dequeues: number; sizeTotal: number }) => number): number => {
    let n = 0;
    for (const q of region.managedQueues()) n += f(q.statistics);
    for (const t of region.managedTopics()) n += f(t.statistics);
    return n;
  };
  const uptime = (): number => host.clock.now() - host.startedAt;
  const percent = (used: number, limit: number): number => (limit > 0 ? Math.round((used * 100) / limit) : 0);
  const connector = (scheme: string): string | null =>
    host.connectors.find((c) => c.publishedUri.startsWith(`${scheme}://`))?.publishedUri ?? null;
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new BrokerError('ERR_MANAGEMENT_BAD_REQUEST', `${what} must be a string`);
    return v;
  };
  return {
    name: brokerObjectName(mgmt.brokerName),
    className: 'org.apache.activemq.broker.jmx.BrokerView',
    description: 'Broker',
    attributes: {
      BrokerId: attr(S, 'The unique id of the broker.', () => region.brokerId),
      BrokerName: attr(S, 'The name of the broker.', () => region.brokerName),
      BrokerVersion: attr(S, 'The version of the broker.', () => host.version),
      Uptime: attr(S, 'Uptime of the broker.', () => printDuration(uptime())),
      UptimeMillis: attr('long', 'Uptime of the broker in milliseconds.', uptime),
      StatisticsEnabled: attr('boolean', 'Broker statistics enabled.', () => true),
      TotalEnqueueCount: attr('long', 'Number of messages that have been sent to the broker.', () =>
        sum((s) => s.enqueues),
      ),
      TotalDequeueCount: attr(
        'long',
        'Number of messages that have been acknowledged or discarded on the broker.',
        () => sum((s) => s.dequeues),
      ),
      TotalConsumerCount: attr('long', 'Number of message consumers subscribed to destinations on the broker.', () => {
        let n = 0;
        for (const c of region.managedConnections()) n += c.consumers.size;
        return n;
      }),
      TotalProducerCount: attr('long', 'Number of message producers active on destinations on the broker.', () => {
        let n = 0;
        for (const c of region.managedConnections()) n += c.producers.size;
        return n;
      }),
      TotalMessageCount: attr('long', 'Number of unacknowledged messages on the broker.', () => {
        let n = 0;
        for (const q of region.managedQueues()) n += q.size;
        return n;
      }),
      CurrentConnectionsCount: attr('int', 'Number of open connections', () =>
        host.connectors.reduce((n, c) => n + c.connectionCount, 0),
      ),
      TotalConnectionsCount: attr('long', 'Number of connections since start', () =>
        host.connectors.reduce((n, c) => n + c.connectionCount, 0),
      ),
      AverageMessageSize: attr('long', 'Average message size on this broker', () => {
        const n = sum((s) => s.enqueues);
        return n === 0 ? 0 : Math.round(sum((s) => s.sizeTotal) / n);
      }),
      MemoryPercentUsage: attr('int', 'Percent of memory limit used.', () =>
        percent(region.memoryUsage.usage, region.memoryUsage.limit),
      ),
      MemoryLimit: attr(
        'long',
        'Memory limit, in bytes, used for holding undelivered messages before paging to temporary storage.',
        () => region.memoryUsage.limit,
      ),
      StorePercentUsage: attr('int', 'Percent of store limit used.', () =>
        percent(region.storeSizes().store, host.storeLimit),
      ),
      StoreLimit: attr(
        'long',
        'Disk limit, in bytes, used for persistent messages before producers are blocked.',
        () => host.storeLimit,
      ),
      TempPercentUsage: attr('int', 'Percent of temp limit used.', () =>
        percent(region.storeSizes().temp, host.tempLimit),
      ),
      TempLimit: attr(
        'long',
        'Disk limit, in bytes, used for non-persistent messages and temporary data before producers are blocked.',
        () => host.tempLimit,
      ),
      JobSchedulerStorePercentUsage: attr('int', 'Percent of job store limit used.', () => 0),
      JobSchedulerStoreLimit: attr(
        'long',
        'Disk limit, in bytes, used for scheduled messages before producers are blocked.',
        () => 0,
      ),
      Persistent: attr('boolean', 'Messages are synchronized to disk.', () => host.persistent),
      Slave: attr('boolean', 'Slave broker.', () => false),
      DataDirectory: attr(S, 'The data directory', () => host.dataDirectory),
      VMURL: attr(S, 'The url of the VM connector', () => `vm://${region.brokerName}`),
      OpenWireURL: attr(S, 'The url of the OpenWire connector', () => connector('tcp') ?? connector('auto')),
      StompURL: attr(S, 'The url of the Stomp connector', () => connector('stomp')),
      SslURL: attr(S, 'The url of the SSL connector', () => connector('ssl')),
      StompSslURL: attr(S, 'The url of the Stomp SSL connector', () => connector('stomp+ssl')),
      TransportConnectors: attr(
        'java.util.Map',
        'The map of all defined transport connectors, with transport name as a key',
        () => Object.fromEntries(host.connectors.map((c) => [c.name, c.publishedUri])),
      ),
      Queues: attr('[Ljavax.management.ObjectName;', 'Standard Queues containing AIE messages.', () => queues(false)),
      Topics: attr(
        '[Ljavax.management.ObjectName;',
        "Topics (broadcasted 'queues'); generally system information.",
        () => topics(false),
      ),
      TemporaryQueues: attr(
        '[Ljavax.management.ObjectName;',
        'Temporary Queues; generally temporary message response holders.',
        () => queues(true),
      ),
      TemporaryTopics: attr('[Ljavax.management.ObjectName;', 'Temporary Topics; generally unused.', () =>
        topics(true),
      ),
      QueueSubscribers: attr('[Ljavax.management.ObjectName;', 'Queue Subscribers.', () =>
        mgmt
          .queues()
          .filter((q) => !q.destination.isTemporary)
          .flatMap((q) =>
            q.consumers.map((c) => objectNameValue(consumerObjectName(mgmt.brokerName, q.destination, c))),
          ),
      ),
      TopicSubscribers: attr('[Ljavax.management.ObjectName;', 'Topic Subscribers', () =>
        mgmt
          .topics()
          .filter((t) => !t.destination.isTemporary)
          .flatMap((t) =>
            t.subscriptions
              .filter((s) => s.active && !mgmt.durables().includes(s as never))
              .map((s) => objectNameValue(consumerObjectName(mgmt.brokerName, t.destination, s))),
          ),
      ),
      DurableTopicSubscribers: attr('[Ljavax.management.ObjectName;', 'Durable (persistent) topic subscribers', () =>
        mgmt
          .durables()
          .filter((d) => d.active)
          .map((d) => objectNameValue(subscriptionMBean(mgmt, d, d.info.destination).name)),
      ),
      InactiveDurableTopicSubscribers: attr(
        '[Ljavax.management.ObjectName;',
        'Inactive (disconnected persistent) topic subscribers',
        () =>
          mgmt
            .durables()
            .filter((d) => !d.active)
            .map((d) => objectNameValue(subscriptionMBean(mgmt, d, d.info.destination).name)),
      ),
    },
    operations: {
      gc: [op([], 'void', 'Runs the Garbage Collector.', () => void mgmt.gc())],
      resetStatistics: [op([], 'void', 'Reset all broker statistics.', () => mgmt.resetStatistics())],
      enableStatistics: [op([], 'void', 'Enable broker statistics.', () => undefined)],
      disableStatistics: [op([], 'void', 'Disable broker statistics (always on in TideMQ).', () => undefined)],
      stop: [op([], 'void', 'Stop the broker and all its components.', () => mgmt.stop())],
      addQueue: [
        op([{ name: 'name', type: S }], 'void', 'Adds a Queue destination to the broker.', (a) =>
          mgmt.addQueue(str(a[0], 'name')),
        ),
      ],
      addTopic: [
        op([{ name: 'name', type: S }], 'void', 'Adds a Topic destination to the broker.', (a) =>
          mgmt.addTopic(str(a[0], 'name')),
        ),
      ],
      removeQueue: [
        op([{ name: 'name', type: S }], 'void', 'Removes a Queue destination from the broker.', (a) =>
          mgmt.removeQueue(str(a[0], 'name')),
        ),
      ],
      removeTopic: [
        op([{ name: 'name', type: S }], 'void', 'Removes a Topic destination from the broker.', (a) =>
          mgmt.removeTopic(str(a[0], 'name')),
        ),
      ],
      destroyDurableSubscriber: [
        op(
          [
            { name: 'clientId', type: S },
            { name: 'subscriberName', type: S },
          ],
          'void',
          'Destroys a durable subscriber',
          (a) => mgmt.destroyDurableSubscriber(str(a[0], 'clientId'), str(a[1], 'subscriberName')),
        ),
      ],
      getTransportConnectorByType: [
        op(
          [{ name: 'type', type: S }],
          S,
          "The url of transport connector by it's type; e.g. tcp, stomp, ssl, etc.",
          (a) => connector(str(a[0], 'type')),
          true,
        ),
      ],
    },
  };
}

/** ActiveMQ's TimeUtils.printDuration: "45.123 seconds", "12 minutes", "3 hours 4 minutes", "2 days 1 hour". */
export function printDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(3)} seconds`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.floor(m / 60);
  const rm = m % 60;
  if (h < 24) return `${h} hour${h === 1 ? '' : 's'} ${rm} minute${rm === 1 ? '' : 's'}`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return `${d} day${d === 1 ? '' : 's'} ${rh} hour${rh === 1 ? '' : 's'} ${rm} minute${rm === 1 ? '' : 's'}`;
}
