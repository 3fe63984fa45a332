import type { Command, MessageDispatch, TransactionId } from '../protocol/openwire/codec/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Consumer } from './consumer.js';
import type { ReceivedMessage } from './message.js';

/** JMS acknowledge modes, by name (Session.AUTO_ACKNOWLEDGE …, ActiveMQSession.INDIVIDUAL_ACKNOWLEDGE). */
export type AckMode = 'auto' | 'client' | 'individual' | 'dups-ok' | 'transacted';

/** What sessions, producers and consumers need of their connection. */
export interface ConnectionHost {
  readonly started: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maximumRedeliveries: number;
  /** Sends without waiting for the broker. */
  oneway(c: Command): Promise<void>;
  /** Sends and waits for the broker's Response; rejects with RemoteJmsError on an ExceptionResponse. */
  request(c: Command, timeoutMs?: number): Promise<Command>;
  isDuplicate(md: MessageDispatch): boolean;
  recordConsumed(md: MessageDispatch): void;
}

/** What a consumer needs of its session. */
export interface SessionHost {
  readonly connection: ConnectionHost;
  readonly ackMode: AckMode;
  readonly transacted: boolean;
  /** The open local transaction, or null. */
  readonly transactionId: TransactionId | null;
  /** Begins a local transaction if none is open (transacted sessions only). */
  ensureTransaction(): TransactionId;
  acknowledgeFrom(consumer: Consumer, message: ReceivedMessage): Promise<void>;
  forgetConsumer(consumer: Consumer): void;
}
