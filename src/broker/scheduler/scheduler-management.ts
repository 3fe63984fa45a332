import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import { PropertyType, typed, typedToString, type TypedValue } from '../../model/properties.js';
import type { Logger } from '../../util/logger.js';
import type { MessageScheduler } from './message-scheduler.js';
import { ScheduledMessage } from './scheduled-message.js';

const PREFIX = ScheduledMessage.managementDestination.toLowerCase();

/**
 * True for a send to ActiveMQ.Scheduler.Management (SchedulerBroker compares the physical name's prefix
 * ignoring case, whatever the destination type). Such a message is a command and is never delivered.
 */
export function isSchedulerManagement(destination: Destination): boolean {
  return destination.name.toLowerCase().startsWith(PREFIX);
}

/**
 * SchedulerBroker's management actions, read from AMQ_SCHEDULER_ACTION:
 * BROWSE sends a copy of each pending job (optionally only those due between ACTION_START_TIME and
 * ACTION_END_TIME) to the command's JMSReplyTo; REMOVE cancels the job named by scheduledJobId; REMOVEALL
 * cancels every job (or those due in the range). A browse copy is the job's message as scheduled (AMQ_SCHEDULED_*
 * kept), non-persistent, JMSType "Advisory", with a new id, originalDestination = where it is due to go and
 * scheduledJobId = the job's id. Commands without an action, or with one it does not know, do nothing (as in
 * ActiveMQ).
 */
export async function handleSchedulerManagement(
  scheduler: MessageScheduler,
  command: Message,
  deliver: (message: Message) => Promise<void>,
  logger: Logger,
): Promise<void> {
  const props = command.properties;
  const action = stringOf(props.get(ScheduledMessage.action));
  if (action === null) return;
  const start = longOf(props.get(ScheduledMessage.actionStartTime));
  const end = longOf(props.get(ScheduledMessage.actionEndTime));
  const ranged = start !== null && end !== null;
  if (action === ScheduledMessage.actionBrowse && command.replyTo !== null) {
    for (const job of ranged ? scheduler.list(start, end) : scheduler.list()) {
      const copy = job.message.copy();
      copy.origin = null;
      copy.persistent = false;
      copy.type = 'Advisory';
      copy.messageId = scheduler.nextMessageId();
      copy.producerId = scheduler.schedulerProducerId;
      copy.originalDestination = job.message.destination;
      copy.destination = command.replyTo;
      copy.properties.set(ScheduledMessage.jobId, typed.string(job.id));
      // SchedulerBroker.sendScheduledJob logs a failed copy and goes on with the next one.
      await deliver(copy).catch((e: unknown) =>
        logger.error(`Failed to send scheduled message ${job.id}`, { error: e }),
      );
    }
  }
  const jobId = stringOf(props.get(ScheduledMessage.id));
  if (jobId !== null && action === ScheduledMessage.actionRemove) {
    await scheduler.remove(jobId);
  } else if (action === ScheduledMessage.actionRemoveAll) {
    if (ranged) await scheduler.removeAll(start, end);
    else await scheduler.removeAll();
  }
}

function stringOf(v: TypedValue | undefined): string | null {
  return v === undefined || v.type === PropertyType.Null ? null : typedToString(v);
}

/** TypeConversionSupport to Long: numbers, or text holding a whole number; anything else is ignored. */
function longOf(v: TypedValue | undefined): number | null {
  if (v === undefined) return null;
  switch (v.type) {
    case PropertyType.Byte:
    case PropertyType.Short:
    case PropertyType.Int:
      return v.value;
    case PropertyType.Long:
      return Number(v.value);
    case PropertyType.String:
      return /^\s*[-+]?\d+\s*$/.test(v.value) ? Number(v.value) : null;
    default:
      return null;
  }
}
