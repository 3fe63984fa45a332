import type { Message } from '../../model/message.js';
import type { StoreOperation } from '../../store/persistence-adapter.js';
import type { ScheduleSpec } from '../scheduler/scheduled-message.js';
import type { MessageReference } from './message-reference.js';
import type { Subscription } from './subscription.js';

/**
 * A local or XA transaction: the sends and acks it holds until commit. Nothing in it is visible to other
 * consumers, or in the store, before commit; a prepared XA transaction's work is in the store as one
 * `prepare` record so it survives a restart.
 */
export class Transaction {
  readonly sends: Message[] = [];
  /** Sends with AMQ_SCHEDULED_* properties: handed to the scheduler when the transaction commits. */
  readonly scheduled: { message: Message; schedule: ScheduleSpec }[] = [];
  readonly acks: { sub: Subscription; refs: MessageReference[] }[] = [];
  state: 'active' | 'prepared' = 'active';
  /** The store operations written at prepare time (XA), replayed by commit. */
  preparedOperations: readonly StoreOperation[] | null = null;

  constructor(
    readonly id: string,
    readonly connectionId: string,
  ) {}

  get isEmpty(): boolean {
    return this.sends.length === 0 && this.acks.length === 0 && this.scheduled.length === 0;
  }
}
