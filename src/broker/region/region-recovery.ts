import { Destination } from '../../model/destination.js';
import type { PersistenceAdapter, RecoveredState } from '../../store/persistence-adapter.js';
import type { MessageScheduler } from '../scheduler/message-scheduler.js';
import { SCHEDULER_STORE } from '../scheduler/message-scheduler.js';
import type { QueueRegion } from './queue-region.js';
import type { TopicRegion } from './topic-region.js';

export interface RegionRecoveryTargets {
  store: PersistenceAdapter;
  queues: QueueRegion;
  topics: TopicRegion;
  scheduler(): MessageScheduler;
  nextBrokerSequence(): number;
}

/**
 * Recreates at start the destinations the store recovered, with their messages: a queue's deferred backlog stays
 * in the store for its cursor to page in (ActiveMQ's store cursor), so start-up time and heap do not grow with it;
 * the scheduler's jobs are read back whole (it keeps them in memory). Durable subscriptions recover themselves.
 */
export async function recoverDestinations(state: RecoveredState, t: RegionRecoveryTargets): Promise<void> {
  for (const [key, backlog] of state.deferred ?? []) {
    const d = Destination.parse(key);
    if (d.isTopic) continue; // durable subscriptions learn their own backlog
    if (d === SCHEDULER_STORE) {
      let after = 0;
      for (;;) {
        const page = await t.store.readMessages(d, after, 1000);
        for (const m of page) t.scheduler().restore(m);
        if (page.length < 1000) break;
        after = page[page.length - 1]!.storeSequence;
      }
      continue;
    }
    t.queues.ensure(d).restoreBacklog(backlog.count);
  }
  for (const d of state.destinations) {
    if (d === SCHEDULER_STORE) continue;
    if (d.isQueue) t.queues.ensure(d);
    else t.topics.ensure(d);
  }
  for (const [key, messages] of state.messages) {
    const d = Destination.parse(key);
    if (d === SCHEDULER_STORE) {
      for (const m of messages) t.scheduler().restore(m);
      continue;
    }
    if (d.isQueue) {
      const q = t.queues.ensure(d);
      for (const m of messages) {
        m.brokerSequence = t.nextBrokerSequence();
        q.restore(m);
      }
    }
  }
}
