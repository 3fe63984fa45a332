import type { Message } from '../../model/message.js';
import { PropertyType, typedToString, type TypedValue } from '../../model/properties.js';
import { BrokerError } from '../../util/errors.js';
import { CronError, CronExpression } from './cron.js';

/** ActiveMQ's ScheduledMessage property names. */
export const ScheduledMessage = {
  delay: 'AMQ_SCHEDULED_DELAY',
  period: 'AMQ_SCHEDULED_PERIOD',
  repeat: 'AMQ_SCHEDULED_REPEAT',
  cron: 'AMQ_SCHEDULED_CRON',
  /**
   * ScheduledMessage.AMQ_SCHEDULED_ID is really named `scheduledJobId`: the scheduler sets it on every copy it
   * sends (SchedulerBroker.scheduledJob), a message that carries it is never scheduled again, and the
   * management REMOVE action names its job with it.
   */
  id: 'scheduledJobId',
  jobId: 'scheduledJobId',
  /** ActiveMQ.Scheduler.Management: the destination (any type, prefix match ignoring case) and its actions. */
  managementDestination: 'ActiveMQ.Scheduler.Management',
  action: 'AMQ_SCHEDULER_ACTION',
  actionBrowse: 'BROWSE',
  actionRemove: 'REMOVE',
  actionRemoveAll: 'REMOVEALL',
  actionStartTime: 'ACTION_START_TIME',
  actionEndTime: 'ACTION_END_TIME',
} as const;

/** When, and how often, a scheduled message is sent. */
export interface ScheduleSpec {
  readonly delay: number;
  readonly period: number;
  /** Sends after the first; negative = for ever. */
  readonly repeat: number;
  readonly cron: CronExpression | null;
}

/** SchedulerBroker's maxRepeatAllowed default. */
export const MAX_REPEAT = 1000;

const MARKER = Buffer.from('AMQ_SCHEDULED_', 'latin1');

/**
 * A cheap test run on every send while properties are still encoded: the marshalled property block is
 * searched for the name prefix instead of being decoded, so messages that pass through untouched stay so.
 */
export function mayBeScheduled(message: Message): boolean {
  if (!message.hasProperties) return false;
  const encoded = message.encodedProperties;
  if (encoded !== null) {
    return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).indexOf(MARKER) >= 0;
  }
  const p = message.properties;
  return p.has(ScheduledMessage.delay) || p.has(ScheduledMessage.period) || p.has(ScheduledMessage.cron);
}

/**
 * The schedule a message asks for, or null: none of delay/period/cron set, or AMQ_SCHEDULED_ID present
 * (`scheduledJobId`: a message the scheduler itself sent, which must not be scheduled again). Values may be numbers (JMS
 * long/int properties) or text (STOMP headers), converted as ActiveMQ's TypeConversionSupport does.
 */
export function scheduleOf(message: Message): ScheduleSpec | null {
  const p = message.properties;
  if (p.has(ScheduledMessage.id)) return null;
  const delayV = p.get(ScheduledMessage.delay);
  const periodV = p.get(ScheduledMessage.period);
  const cronV = p.get(ScheduledMessage.cron);
  if (delayV === undefined && periodV === undefined && cronV === undefined) return null;
  const delay = delayV === undefined ? 0 : toInteger(delayV, ScheduledMessage.delay);
  const period = periodV === undefined ? 0 : toInteger(periodV, ScheduledMessage.period);
  const repeatV = p.get(ScheduledMessage.repeat);
  const repeat = repeatV === undefined ? 0 : toInteger(repeatV, ScheduledMessage.repeat);
  if (delay < 0 || period < 0) {
    throw new BrokerError(
      'ERR_PROTOCOL',
      `${ScheduledMessage.delay} and ${ScheduledMessage.period} must not be negative`,
    );
  }
  if (repeat > MAX_REPEAT) throw new BrokerError('ERR_PROTOCOL', 'The scheduled repeat value is too large');
  let cron: CronExpression | null = null;
  if (cronV !== undefined && cronV.type !== PropertyType.Null) {
    const text = typedToString(cronV);
    if (text.trim().length > 0) {
      try {
        cron = CronExpression.parse(text);
      } catch (e) {
        throw new BrokerError('ERR_PROTOCOL', e instanceof CronError ? e.message : String(e));
      }
    }
  }
  return { delay, period, repeat, cron };
}

function toInteger(v: TypedValue, name: string): number {
  let n: number;
  switch (v.type) {
    case PropertyType.Byte:
    case PropertyType.Short:
    case PropertyType.Int:
      n = v.value;
      break;
    case PropertyType.Long:
      n = Number(v.value);
      break;
    case PropertyType.String:
      n = /^\s*[-+]?\d+\s*$/.test(v.value) ? Number(v.value) : NaN;
      break;
    default:
      n = NaN;
  }
  if (!Number.isSafeInteger(n))
    throw new BrokerError('ERR_PROTOCOL', `${name} is not a whole number: ${typedToString(v)}`);
  return n;
}
