import type { Message } from '../../model/message.js';
import type { PersistenceAdapter } from '../../store/persistence-adapter.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { MessageScheduler } from '../scheduler/message-scheduler.js';
import { handleSchedulerManagement, isSchedulerManagement } from '../scheduler/scheduler-management.js';
import { mayBeScheduled, scheduleOf, ScheduledMessage, type ScheduleSpec } from '../scheduler/scheduled-message.js';
import type { WarnedOnce } from './producer-flow-control.js';

export interface SchedulerSupportOptions {
  /** ActiveMQ's schedulerSupport attribute. */
  enabled: boolean;
  clock: Clock;
  logger: Logger;
  store: PersistenceAdapter;
  /** Producers already warned about, shared with flow control. */
  warned: WarnedOnce;
  /** Delivers a message through the region; `store` false when it needs no store write of its own. */
  route(message: Message, store: boolean): Promise<void>;
}

/**
 * The region's side of ActiveMQ's SchedulerBroker: which sends are scheduled, the job scheduler (made on first
 * use, its jobs in the store under SCHEDULER_STORE) and the scheduler's management destination.
 */
export class SchedulerSupport {
  private instance: MessageScheduler | null = null;

  constructor(private readonly o: SchedulerSupportOptions) {}

  get enabled(): boolean {
    return this.o.enabled;
  }

  scheduler(): MessageScheduler {
    this.instance ??= new MessageScheduler({
      clock: this.o.clock,
      logger: this.o.logger,
      send: (m) => {
        // Nobody waits for a scheduled delivery, but its job was removed from the store: sync it.
        m.responseRequired = true;
        return this.o.route(m, true);
      },
      write: (ops) => this.o.store.write(ops, true),
    });
    return this.instance;
  }

  /**
   * A send to the scheduler's management destination is a command to the job scheduler, never delivered (nor
   * part of a transaction). Checked without awaiting anything: an ordinary send must not lose a turn here, as the
   * protocols hand sends over without waiting and their order against other commands depends on it.
   */
  isManagement(message: Message): boolean {
    return this.o.enabled && isSchedulerManagement(message.destination);
  }

  handleManagement(message: Message): Promise<void> {
    return handleSchedulerManagement(this.scheduler(), message, (m) => this.o.route(m, false), this.o.logger);
  }

  /** The schedule a message asks for when schedulerSupport is on; null (and a warning) when it is off. */
  scheduleFor(message: Message): ScheduleSpec | null {
    if (!mayBeScheduled(message)) return null;
    if (!this.o.enabled) {
      // ActiveMQ ignores the properties silently; say so once per producer so the surprise is explained.
      const producer = message.producerId ?? message.producerConnectionId ?? 'unknown';
      if (this.o.warned.first(`sched:${producer}`)) {
        this.o.logger.warn(
          `Producer ${producer} set ${ScheduledMessage.delay}/${ScheduledMessage.period}/${ScheduledMessage.cron} ` +
            `but schedulerSupport is off: the message is delivered at once (enable schedulerSupport to schedule it)`,
          { destination: message.destination.key },
        );
      }
      return null;
    }
    return scheduleOf(message);
  }

  stop(): void {
    this.instance?.stop();
  }
}
