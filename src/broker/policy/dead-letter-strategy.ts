import { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';

/** Options every dead-letter strategy shares (ActiveMQ's AbstractDeadLetterStrategy). */
export interface DeadLetterOptions {
  /** Dead-letter messages that expired (ActiveMQ default true). */
  readonly processExpired: boolean;
  /** Dead-letter non-persistent messages too (ActiveMQ default false). */
  readonly processNonPersistent: boolean;
  /** Time to live (ms) given to a dead letter; 0 = it never expires (ActiveMQ default). */
  readonly expiration: number;
}

/**
 * Where a message that could not be delivered goes: ActiveMQ's sharedDeadLetterStrategy (one queue,
 * ActiveMQ.DLQ), individualDeadLetterStrategy (one per destination, `ActiveMQ.DLQ.Queue.<name>` unless
 * prefixes say otherwise) or discardingDeadLetterStrategy (dropped).
 */
export type DeadLetterStrategy =
  | ({ readonly type: 'shared'; readonly deadLetterQueue: Destination } & DeadLetterOptions)
  | ({
      readonly type: 'individual';
      readonly queuePrefix: string;
      readonly queueSuffix: string;
      readonly topicPrefix: string;
      readonly topicSuffix: string;
      readonly useQueueForQueueMessages: boolean;
      readonly useQueueForTopicMessages: boolean;
      readonly destinationPerDurableSubscriber: boolean;
    } & DeadLetterOptions)
  | ({ readonly type: 'discarding' } & DeadLetterOptions);

const defaults: DeadLetterOptions = { processExpired: true, processNonPersistent: false, expiration: 0 };

export const DEFAULT_DEAD_LETTER_QUEUE = 'ActiveMQ.DLQ';

export function sharedDeadLetterStrategy(
  options: Partial<DeadLetterOptions> & { deadLetterQueue?: Destination | string } = {},
): DeadLetterStrategy {
  const { deadLetterQueue, ...rest } = options;
  const dlq =
    deadLetterQueue === undefined
      ? Destination.queue(DEFAULT_DEAD_LETTER_QUEUE)
      : typeof deadLetterQueue === 'string'
        ? Destination.queue(deadLetterQueue)
        : deadLetterQueue;
  return { type: 'shared', deadLetterQueue: dlq, ...defaults, ...rest };
}

export function individualDeadLetterStrategy(
  options: Partial<Omit<Extract<DeadLetterStrategy, { type: 'individual' }>, 'type'>> = {},
): DeadLetterStrategy {
  return {
    type: 'individual',
    // IndividualDeadLetterStrategy's defaults.
    queuePrefix: 'ActiveMQ.DLQ.Queue.',
    queueSuffix: '',
    topicPrefix: 'ActiveMQ.DLQ.Topic.',
    topicSuffix: '',
    useQueueForQueueMessages: true,
    useQueueForTopicMessages: true,
    destinationPerDurableSubscriber: false,
    ...defaults,
    ...options,
  };
}

/** ActiveMQ's discardingDeadLetterStrategy: nothing is kept (processExpired/processNonPersistent are off). */
export function discardingDeadLetterStrategy(): DeadLetterStrategy {
  return { type: 'discarding', processExpired: false, processNonPersistent: false, expiration: 0 };
}

/** AbstractDeadLetterStrategy.isSendToDeadLetterQueue: whether this message is kept at all. */
export function isSentToDeadLetterQueue(strategy: DeadLetterStrategy, message: Message, expired: boolean): boolean {
  if (strategy.type === 'discarding') return false;
  if (!message.persistent && !strategy.processNonPersistent) return false;
  if (expired && !strategy.processExpired) return false;
  return true;
}

/**
 * The dead-letter destination for a message from `from` (the destination it sat in), as
 * Shared/IndividualDeadLetterStrategy.getDeadLetterQueueFor compute it. `durableKey` is the durable
 * subscription that gave up on it, for destinationPerDurableSubscriber.
 */
export function deadLetterDestinationFor(
  strategy: DeadLetterStrategy,
  from: Destination,
  durableKey: string | null,
): Destination | null {
  switch (strategy.type) {
    case 'discarding':
      return null;
    case 'shared':
      return strategy.deadLetterQueue;
    case 'individual': {
      const queue = from.isQueue;
      let name = (queue ? strategy.queuePrefix : strategy.topicPrefix) + from.name;
      if (strategy.destinationPerDurableSubscriber && durableKey !== null) name += `.${durableKey}`;
      name += queue ? strategy.queueSuffix : strategy.topicSuffix;
      const useQueue = queue ? strategy.useQueueForQueueMessages : strategy.useQueueForTopicMessages;
      return useQueue ? Destination.queue(name) : Destination.topic(name);
    }
  }
}
