import { isBrokerError } from '../../util/errors.js';
import type { AmqpErrorCondition } from './rhea-facade.js';

/** A refusal that closes one link (detach with an error), as ActiveMQ's AmqpProtocolException with a symbol. */
export class AmqpLinkError extends Error {
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
    this.name = 'AmqpLinkError';
  }
}

/**
 * The AMQP error condition for a broker error, in one place (house rule 6), as ActiveMQ's AMQP converter picks
 * them: SecurityException → amqp:unauthorized-access, ResourceAllocationException → amqp:resource-limit-exceeded,
 * InvalidSelectorException → amqp:invalid-field, InvalidClientIDException → amqp:invalid-field, anything else
 * the caller's default (amqp:internal-error for links, `failed` for rejected transfers, amqp:illegal-state for
 * a refused Open).
 */
export function conditionFor(e: unknown, fallback: string): AmqpErrorCondition {
  const description = e instanceof Error ? e.message : String(e);
  if (e instanceof AmqpLinkError) return { condition: e.condition, description };
  if (isBrokerError(e)) {
    const java = e.javaClassName;
    if (java.endsWith('SecurityException')) return { condition: 'amqp:unauthorized-access', description };
    if (java.endsWith('ResourceAllocationException')) return { condition: 'amqp:resource-limit-exceeded', description };
    if (java.endsWith('InvalidSelectorException')) return { condition: 'amqp:invalid-field', description };
    if (java.endsWith('InvalidClientIDException')) {
      return { condition: 'amqp:invalid-field', description };
    }
  }
  return { condition: fallback, description };
}
