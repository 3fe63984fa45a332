import { Destination } from '../../model/destination.js';
import { IdGenerator } from '../../model/ids.js';
import type { Message } from '../../model/message.js';
import { typed, PropertyType } from '../../model/properties.js';
import type { StoreOperation } from '../../store/persistence-adapter.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { ScheduledMessage, scheduleOf, type ScheduleSpec } from './scheduled-message.js';

/**
 * Where persistent jobs are kept: a reserved queue the region never exposes. The stored copy keeps its
 * real destination in the message and the job's state in the properties below, so the PersistenceAdapter
 * contract needs nothing new.
 */
export const SCHEDULER_STORE = Destination.queue('ActiveMQ.Scheduler.TideMQ.Jobs');
const P_ID = 'TideMQ.Scheduler.JobId';
const P_NEXT = 'TideMQ.Scheduler.NextTime';
const P_LEFT = 'TideMQ.Scheduler.Remaining';

export interface SchedulerHost {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sends a message whose time has come (to its destination, stored if persistent). */
  send(message: Message): Promise<void>;
  /** Writes the job store; absent = jobs are not persisted. */
  write?(ops: readonly StoreOperation[]): Promise<void>;
}

/** What management sees of a pending job. */
export interface ScheduledJob {
  readonly id: string;
  /** The message as it was scheduled (with its AMQ_SCHEDULED_* properties). */
  readonly message: Message;
  /** When it is next sent (epoch ms). */
  readonly next: number;
}

interface Job {
  readonly id: string;
  readonly message: Message;
  readonly spec: ScheduleSpec;
  next: number;
  /** Sends still to come after the next one (non-cron), negative = for ever. */
  remaining: number;
  timer: Timer | null;
  stored: boolean;
}

/**
 * ActiveMQ's job scheduler (schedulerSupport): delay, period + repeat and cron, fired from the broker's
 * Clock so tests drive it with ManualClock. Timing follows InMemoryJobScheduler: the first send is at
 * now (or the next cron time) plus the delay, or plus the period when there is no delay; each repeat is a
 * period later. A cron entry with a repeat starts a fresh delay/period/repeat run at each cron time and is
 * itself never sent.
 */
export class MessageScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly ids = new IdGenerator('ID:scheduler-');
  private readonly producerId: string;
  private sequence = 0;
  private stopped = false;

  constructor(private readonly host: SchedulerHost) {
    this.producerId = `${this.ids.next()}:1:1`;
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Accepts a message for later; persistent ones are stored before this resolves. */
  async schedule(message: Message, spec: ScheduleSpec): Promise<string> {
    const now = this.host.clock.now();
    let next = spec.cron !== null ? spec.cron.next(now) : now;
    next += spec.delay > 0 ? spec.delay : spec.period;
    const job: Job = {
      id: `${this.producerId}:${++this.sequence}`,
      message,
      spec,
      next,
      remaining: spec.repeat,
      timer: null,
      stored: false,
    };
    await this.persist(job, null);
    this.jobs.set(job.id, job);
    this.arm(job);
    return job.id;
  }

  /** Takes back a job from the store after a restart. */
  restore(stored: Message): void {
    const p = stored.properties;
    const id = p.get(P_ID);
    const next = p.get(P_NEXT);
    const left = p.get(P_LEFT);
    const message = stored.copy();
    for (const k of [P_ID, P_NEXT, P_LEFT]) message.properties.delete(k);
    let spec: ScheduleSpec | null = null;
    try {
      spec = scheduleOf(message);
    } catch (e) {
      this.host.logger.warn('Dropping a stored scheduled message with a bad schedule', { error: e });
    }
    if (spec === null || id?.type !== PropertyType.String || next === undefined || left === undefined) return;
    const job: Job = {
      id: id.value,
      message,
      spec,
      next: Number(next.value),
      remaining: Number(left.value),
      timer: null,
      stored: true,
    };
    this.jobs.set(job.id, job);
    this.arm(job);
  }

  /**
   * Pending jobs, soonest first; with a range only those whose next send falls in it, ends included
   * (JobScheduler.getAllJobs(start, finish), what the management BROWSE action lists).
   */
  list(start?: number, end?: number): ScheduledJob[] {
    const out: ScheduledJob[] = [];
    for (const j of this.jobs.values()) {
      if (start !== undefined && end !== undefined && (j.next < start || j.next > end)) continue;
      out.push({ id: j.id, message: j.message, next: j.next });
    }
    return out.sort((a, b) => a.next - b.next);
  }

  /** Cancels a job (management REMOVE); false when there is no such job. */
  async remove(id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (job === undefined) return false;
    job.timer?.cancel();
    this.jobs.delete(id);
    if (job.stored) await this.unstore(job);
    return true;
  }

  /** Cancels every job, or those whose next send falls in the range (management REMOVEALL). */
  async removeAll(start?: number, end?: number): Promise<number> {
    const ids = this.list(start, end).map((j) => j.id);
    for (const id of ids) await this.remove(id);
    return ids.length;
  }

  /** A new message id from the scheduler's own producer (repeated sends, browse copies). */
  nextMessageId(): string {
    return `${this.producerId}:${++this.sequence}`;
  }

  get schedulerProducerId(): string {
    return this.producerId;
  }

  stop(): void {
    this.stopped = true;
    for (const j of this.jobs.values()) j.timer?.cancel();
    this.jobs.clear();
  }

  private arm(job: Job): void {
    if (this.stopped) return;
    const wait = Math.max(0, job.next - this.host.clock.now());
    job.timer = this.host.clock.setTimeout(() => void this.fire(job), wait);
  }

  private async fire(job: Job): Promise<void> {
    job.timer = null;
    if (this.stopped || this.jobs.get(job.id) !== job) return;
    const now = this.host.clock.now();
    const spec = job.spec;
    let done: boolean;
    if (spec.cron === null) {
      // SchedulerBroker.scheduledJob gives every copy of a repeating job a new id, the last one included.
      await this.sendCopy(job, spec.repeat !== 0);
      done = job.remaining === 0;
      if (!done) {
        if (job.remaining > 0) job.remaining--;
        job.next = now + spec.period;
      }
    } else {
      if (spec.repeat === 0) await this.sendCopy(job, true);
      else {
        // The cron time starts a run of its own (InMemoryJobScheduler schedules a new job for it).
        const run = job.message.copy();
        run.properties.delete(ScheduledMessage.cron);
        await this.schedule(run, { ...spec, cron: null }).catch((e: unknown) =>
          this.host.logger.error('Failed to start a scheduled run', { jobId: job.id, error: e }),
        );
      }
      done = false;
      job.next = spec.cron.next(now);
    }
    if (this.jobs.get(job.id) !== job) return;
    if (done) {
      this.jobs.delete(job.id);
      if (job.stored) await this.unstore(job);
      return;
    }
    await this.persist(job, job.stored ? job : null);
    this.arm(job);
  }

  /** SchedulerBroker.scheduledJob: the copy that goes out, without its schedule. */
  private async sendCopy(job: Job, newId: boolean): Promise<void> {
    const m = job.message.copy();
    const props = m.properties;
    props.delete(ScheduledMessage.delay);
    props.delete(ScheduledMessage.period);
    props.delete(ScheduledMessage.repeat);
    props.delete(ScheduledMessage.cron);
    props.set(ScheduledMessage.jobId, typed.string(job.id));
    // A message sent many times needs an id per send, or consumers would see duplicates. It is a new message
    // then: its producer's encoded form (which carries the old id) no longer describes it.
    if (newId) {
      m.messageId = this.nextMessageId();
      m.producerId = this.producerId;
      m.origin = null;
    }
    const now = this.host.clock.now();
    if (m.timestamp > 0 && m.expiration > 0) {
      // Its time to live starts when it is really sent.
      const expiration = m.expiration - m.timestamp + now;
      if (expiration > m.expiration) {
        m.expiration = expiration;
        m.timestamp = now;
      }
    }
    try {
      await this.host.send(m);
    } catch (e) {
      this.host.logger.error(`Failed to send scheduled message ${job.id}`, { error: e });
    }
  }

  private async persist(job: Job, replacing: Job | null): Promise<void> {
    if (!job.message.persistent || this.host.write === undefined) return;
    const copy = job.message.copy();
    copy.properties.set(P_ID, typed.string(job.id));
    copy.properties.set(P_NEXT, typed.long(BigInt(job.next)));
    copy.properties.set(P_LEFT, typed.int(job.remaining));
    const ops: StoreOperation[] = [];
    if (replacing !== null) {
      ops.push({
        op: 'remove',
        destination: SCHEDULER_STORE,
        messageId: replacing.message.messageId,
        subscription: null,
      });
    }
    ops.push({ op: 'add', destination: SCHEDULER_STORE, message: copy });
    await this.host.write(ops);
    job.stored = true;
  }

  private async unstore(job: Job): Promise<void> {
    if (this.host.write === undefined) return;
    await this.host
      .write([{ op: 'remove', destination: SCHEDULER_STORE, messageId: job.message.messageId, subscription: null }])
      .catch((e: unknown) => this.host.logger.error('Failed to remove a finished scheduled job', { error: e }));
  }
}
