import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from '../broker/region/queue.js';
import type { Topic } from '../broker/region/topic.js';
import type { BrokerManagement } from '../management/broker-management.js';
import type { WebRequest, WebRoute } from './http-support.js';

/** Destinations exported with their own series; the rest are summed under destination="_other". */
export const DEFAULT_MAX_DESTINATION_SERIES = 500;

interface Row {
  destination: string;
  type: 'queue' | 'topic';
  size: number;
  enqueued: number;
  dequeued: number;
  dispatched: number;
  expired: number;
  inflight: number;
  consumers: number;
  producers: number;
  memory: number;
  enqueueTime: number;
}

/**
 * Prometheus metrics at /metrics (prom-client): per destination (labels `destination`, `type`), broker-wide
 * figures, store and memory usage, connections per connector, and Node's default metrics (GC, event-loop lag,
 * heap). Label cardinality is bounded: temporary destinations never get series of their own, and beyond
 * `maxDestinationSeries` only the largest destinations (by size, then traffic) do; the others are summed into
 * one `_other` series so totals stay right (100k temporary queues add no series).
 */
export class MetricsRoute implements WebRoute {
  readonly prefix = '/metrics';
  readonly registry = new Registry();

  constructor(
    private readonly mgmt: BrokerManagement,
    private readonly maxDestinationSeries = DEFAULT_MAX_DESTINATION_SERIES,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.define();
  }

  changesState(): boolean {
    return false;
  }

  async handle(r: WebRequest): Promise<void> {
    const text = await this.registry.metrics();
    r.res.writeHead(200, { 'Content-Type': this.registry.contentType });
    r.res.end(text);
  }

  private rows(): { rows: Row[]; dropped: number; temporary: number } {
    const producers = this.mgmt.producerCounts();
    const all: Row[] = [];
    let temporary = 0;
    const base = (d: Queue | Topic, type: 'queue' | 'topic'): Row => ({
      destination: d.destination.name,
      type,
      size: 0,
      enqueued: d.statistics.enqueues,
      dequeued: d.statistics.dequeues,
      dispatched: d.statistics.dispatched,
      expired: d.statistics.expired,
      inflight: 0,
      consumers: 0,
      producers: producers.get(d.destination) ?? 0,
      memory: d.usage?.usage ?? 0,
      enqueueTime: d.statistics.averageEnqueueTime / 1000,
    });
    for (const q of this.mgmt.host.region.managedQueues()) {
      if (q.destination.isTemporary) {
        temporary++;
        continue;
      }
      const row = base(q, 'queue');
      row.size = q.size;
      row.inflight = q.inflightCount();
      row.consumers = q.consumers.length;
      all.push(row);
    }
    for (const t of this.mgmt.host.region.managedTopics()) {
      if (t.destination.isTemporary) {
        temporary++;
        continue;
      }
      const row = base(t, 'topic');
      for (const s of t.subscriptions) {
        row.size += s.pending.length + s.dispatched.length;
        row.inflight += s.dispatched.length;
        if (s.active) row.consumers++;
      }
      all.push(row);
    }
    if (all.length <= this.maxDestinationSeries) return { rows: all, dropped: 0, temporary };
    all.sort((a, b) => b.size - a.size || b.enqueued - a.enqueued);
    const kept = all.slice(0, this.maxDestinationSeries);
    const rest = all.slice(this.maxDestinationSeries);
    for (const type of ['queue', 'topic'] as const) {
      const of = rest.filter((r) => r.type === type);
      if (of.length === 0) continue;
      const other: Row = { ...of[0]!, destination: '_other', enqueueTime: 0 };
      for (const k of [
        'size',
        'enqueued',
        'dequeued',
        'dispatched',
        'expired',
        'inflight',
        'consumers',
        'producers',
        'memory',
      ] as const) {
        other[k] = of.reduce((n, r) => n + r[k], 0);
      }
      kept.push(other);
    }
    return { rows: kept, dropped: rest.length, temporary };
  }

  private define(): void {
    const reg = this.registry;
    const labelNames = ['destination', 'type'] as const;
    let snapshot: ReturnType<MetricsRoute['rows']> | null = null;
    // One walk over the destinations per scrape, shared by every per-destination metric.
    const rows = (): ReturnType<MetricsRoute['rows']> => (snapshot ??= this.rows());
    const perDestination = (name: string, help: string, field: keyof Row, counter: boolean): void => {
      if (counter) {
        const c: Counter<'destination' | 'type'> = new Counter({
          name,
          help,
          labelNames,
          registers: [reg],
          collect() {
            c.reset();
            for (const r of rows().rows) c.inc({ destination: r.destination, type: r.type }, r[field] as number);
          },
        });
      } else {
        const g: Gauge<'destination' | 'type'> = new Gauge({
          name,
          help,
          labelNames,
          registers: [reg],
          collect() {
            g.reset();
            for (const r of rows().rows) g.set({ destination: r.destination, type: r.type }, r[field] as number);
          },
        });
      }
    };
    // The first metric collected starts a new snapshot for this scrape.
    new Gauge({
      name: 'tidemq_destination_series_dropped',
      help: `Destinations summed into destination="_other" (more than ${this.maxDestinationSeries} destinations)`,
      registers: [reg],
      collect() {
        snapshot = null;
        this.set(rows().dropped);
      },
    });
    new Gauge({
      name: 'tidemq_temporary_destinations',
      help: 'Temporary queues and topics (never exported per destination)',
      registers: [reg],
      collect() {
        this.set(rows().temporary);
      },
    });
    perDestination('tidemq_destination_messages', 'Messages waiting, including in flight (QueueSize)', 'size', false);
    perDestination(
      'tidemq_destination_enqueued_total',
      'Messages sent to the destination (EnqueueCount)',
      'enqueued',
      true,
    );
    perDestination(
      'tidemq_destination_dequeued_total',
      'Messages acknowledged and removed (DequeueCount)',
      'dequeued',
      true,
    );
    perDestination(
      'tidemq_destination_dispatched_total',
      'Messages delivered to consumers (DispatchCount)',
      'dispatched',
      true,
    );
    perDestination('tidemq_destination_expired_total', 'Messages expired (ExpiredCount)', 'expired', true);
    perDestination(
      'tidemq_destination_inflight_messages',
      'Dispatched, not yet acknowledged (InFlightCount)',
      'inflight',
      false,
    );
    perDestination('tidemq_destination_consumers', 'Consumers (ConsumerCount)', 'consumers', false);
    perDestination('tidemq_destination_producers', 'Producers (ProducerCount)', 'producers', false);
    perDestination(
      'tidemq_destination_memory_bytes',
      'Memory held by its messages (MemoryUsageByteCount)',
      'memory',
      false,
    );
    perDestination(
      'tidemq_destination_average_enqueue_time_seconds',
      'Average time a message waited (AverageEnqueueTime)',
      'enqueueTime',
      false,
    );

    const host = this.mgmt.host;
    const region = host.region;
    new Gauge({
      name: 'tidemq_memory_usage_bytes',
      help: 'Bytes of pending messages (systemUsage memoryUsage)',
      registers: [reg],
      collect() {
        this.set(region.memoryUsage.usage);
      },
    });
    new Gauge({
      name: 'tidemq_memory_limit_bytes',
      help: 'systemUsage memoryUsage limit',
      registers: [reg],
      collect() {
        this.set(region.memoryUsage.limit);
      },
    });
    new Gauge({
      name: 'tidemq_store_size_bytes',
      help: 'Bytes the message store occupies',
      registers: [reg],
      collect() {
        this.set(region.storeSizes().store);
      },
    });
    new Gauge({
      name: 'tidemq_temp_store_size_bytes',
      help: 'Bytes the temp store occupies',
      registers: [reg],
      collect() {
        this.set(region.storeSizes().temp);
      },
    });
    new Gauge({
      name: 'tidemq_uptime_seconds',
      help: 'Seconds since the broker started',
      registers: [reg],
      collect() {
        this.set((host.clock.now() - host.startedAt) / 1000);
      },
    });
    const connections: Gauge<'connector'> = new Gauge({
      name: 'tidemq_connections',
      help: 'Open connections per transport connector',
      labelNames: ['connector'],
      registers: [reg],
      collect() {
        connections.reset();
        for (const c of host.connectors) connections.set({ connector: c.name }, c.connectionCount);
      },
    });
    const destinations: Gauge<'type'> = new Gauge({
      name: 'tidemq_destinations',
      help: 'Destinations by type',
      labelNames: ['type'],
      registers: [reg],
      collect() {
        destinations.reset();
        let q = 0;
        let t = 0;
        for (const x of region.managedQueues()) if (!x.destination.isTemporary) q++;
        for (const x of region.managedTopics()) if (!x.destination.isTemporary) t++;
        destinations.set({ type: 'queue' }, q);
        destinations.set({ type: 'topic' }, t);
      },
    });
  }
}
