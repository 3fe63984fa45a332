import type { Message } from '../../model/message.js';
import type { RecoveredState, StoreOperation } from '../../store/persistence-adapter.js';
import { Logger } from '../../util/logger.js';
import type { Broker, ConnectionContext } from '../broker.js';
import { BrokerFilter } from '../broker-filter.js';
import { ProducerAudit } from './producer-audit.js';

export interface ProducerAuditBrokerOptions {
  logger?: Logger;
}

/**
 * Drops a persistent message whose id this broker already accepted, so a producer's resend after a failover
 * (the failover transport replays sends it got no answer for, with their original ids) is not enqueued twice.
 * ActiveMQ does this in ProducerBrokerExchange.canDispatch and in KahaDB's producer audit; the send is
 * answered as accepted either way, because the first copy was.
 *
 * Only persistent messages are audited, as in ActiveMQ: a non-persistent resend may be lost or doubled.
 * A send that fails further down the chain is taken out of the audit again so the client's retry goes
 * through; a copy that arrives while the first is still in flight waits for the first's outcome.
 *
 * After a restart the audit knows the messages the store recovered (see `auditRecovery`), which covers the
 * usual case: the broker died after storing a send but before answering it, and the client resends it on
 * reconnect. A message already consumed before the crash is not pending, so its resend is not recognised
 * (KahaDB checkpoints its audit; TideMQ's store does not).
 */
export class ProducerAuditBroker extends BrokerFilter {
  private readonly log: Logger;
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(
    next: Broker,
    readonly audit: ProducerAudit = new ProducerAudit(),
    options: ProducerAuditBrokerOptions = {},
  ) {
    super(next);
    this.log = (options.logger ?? Logger.silent()).child({ area: 'audit' });
  }

  override async send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    if (!message.persistent || message.messageId === '') return this.next.send(context, message, transactionId);
    // A message whose brokerPath names this broker left through a network bridge and came back (a
    // conditionalNetworkBridgeFilterFactory replay of stuck messages): not a producer's resend. Bridges keep
    // messages from looping by their brokerPath filter, so the audit must not drop the returning copy.
    if (message.brokerPath !== null && message.brokerPath.includes(this.brokerId)) {
      return this.next.send(context, message, transactionId);
    }
    const id = message.messageId;
    // A copy that arrives while another is in flight waits for it: if that one is accepted, this is a
    // duplicate; if it fails, this copy takes its place (and a third waits for this one).
    for (let earlier = this.inFlight.get(id); earlier !== undefined; earlier = this.inFlight.get(id)) {
      if (await earlier) {
        this.suppressed(message);
        return;
      }
    }
    if (this.audit.isDuplicate(id)) {
      this.suppressed(message);
      return;
    }
    let settle!: (accepted: boolean) => void;
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    this.inFlight.set(id, outcome);
    try {
      await this.next.send(context, message, transactionId);
      settle(true);
    } catch (e) {
      this.audit.rollback(id);
      settle(false);
      throw e;
    } finally {
      if (this.inFlight.get(id) === outcome) this.inFlight.delete(id);
    }
  }

  private suppressed(message: Message): void {
    this.log.debug('suppressing duplicate message send', {
      messageId: message.messageId,
      destination: message.destination.key,
    });
  }
}

/**
 * What the store recovered at start, entered into `audit` before any client connects: every pending message
 * (deferred ones by id) and every message of a prepared transaction. Given to RegionBroker as `onRecovered`, so
 * the store itself is used as it is (a wrapper had to forward each of its methods, and silently dropped the
 * optional ones).
 */
export function auditRecovered(audit: ProducerAudit): (state: RecoveredState) => void {
  return (state) => {
    for (const messages of state.messages.values()) for (const m of messages) audit.isDuplicate(m.messageId);
    for (const queue of state.deferred?.values() ?? []) for (const id of queue.ids()) audit.isDuplicate(id);
    const mark = (ops: readonly StoreOperation[]): void => {
      for (const op of ops) {
        if (op.op === 'add') audit.isDuplicate(op.message.messageId);
        else if (op.op === 'prepare') mark(op.operations);
      }
    };
    for (const ops of state.prepared.values()) mark(ops);
  };
}
