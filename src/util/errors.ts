/**
 * The catalogue of coded errors. A code names the cause (`ERR_STORE_IO`, not `ERR_INTERNAL`), so logs and
 * management tell a disk failure from a damaged journal or a refused login. Each code also carries the Java
 * exception class ActiveMQ raises for the same condition, so the OpenWire converter can send it in an
 * ExceptionResponse and the Java client throws the exception user code already catches
 * (java.lang.SecurityException becomes JMSSecurityException, …). Other protocols map the same code to their
 * own wire error in their converter.
 */
export const ErrorCodes = {
  ERR_SECURITY_AUTHENTICATION: 'java.lang.SecurityException',
  ERR_SECURITY_NOT_AUTHORIZED: 'java.lang.SecurityException',
  ERR_CLIENT_ID_INVALID: 'javax.jms.InvalidClientIDException',
  ERR_DESTINATION_INVALID: 'javax.jms.InvalidDestinationException',
  ERR_SELECTOR_INVALID: 'javax.jms.InvalidSelectorException',
  ERR_RESOURCE_ALLOCATION: 'javax.jms.ResourceAllocationException',
  ERR_TRANSACTION_UNKNOWN: 'javax.jms.JMSException',
  ERR_TRANSACTION_ROLLED_BACK: 'javax.jms.TransactionRolledBackException',
  ERR_ILLEGAL_STATE: 'javax.jms.IllegalStateException',
  ERR_CONSUMER_UNKNOWN: 'javax.jms.JMSException',
  ERR_PROTOCOL: 'java.io.IOException',
  ERR_FRAME_TOO_LARGE: 'java.io.IOException',
  ERR_INACTIVITY: 'org.apache.activemq.transport.InactivityIOException',
  ERR_BROKER_STOPPED: 'org.apache.activemq.broker.BrokerStoppedException',
  ERR_CONFIG: 'java.lang.IllegalArgumentException',
  /** A store write or fsync failed; the store refuses writes until restarted (KahaDB's journal IOException). */
  ERR_STORE_IO: 'java.io.IOException',
  /** Bytes read back from the store do not decode: a damaged record, checkpoint or segment (KahaDB: IOException). */
  ERR_STORE_CORRUPT: 'java.io.IOException',
  /** rejectDurableConsumers: ActiveMQ's TopicRegion throws a plain JMSException. */
  ERR_DURABLE_CONSUMERS_REJECTED: 'javax.jms.JMSException',
  /** Management: no MBean by that name (Jolokia answers 404 with this class). */
  ERR_MANAGEMENT_INSTANCE_NOT_FOUND: 'javax.management.InstanceNotFoundException',
  /** Management: the MBean has no such attribute. */
  ERR_MANAGEMENT_ATTRIBUTE_NOT_FOUND: 'javax.management.AttributeNotFoundException',
  /** Management: no such operation, or arguments that do not fit it (Jolokia: IllegalArgumentException, 400). */
  ERR_MANAGEMENT_BAD_REQUEST: 'java.lang.IllegalArgumentException',
  /** A fault of the broker itself with no more specific code. */
  ERR_INTERNAL: 'javax.jms.JMSException',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/**
 * Codes that mean the broker failed, not the client: logged at error level with their stack and cause, where a
 * client's mistake (a refused login, a bad destination) is logged briefly.
 */
const BROKER_FAULTS: ReadonlySet<ErrorCode> = new Set(['ERR_STORE_IO', 'ERR_STORE_CORRUPT', 'ERR_INTERNAL']);

export class BrokerError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'BrokerError';
  }

  /** The Java class ActiveMQ uses for this condition. */
  get javaClassName(): string {
    return ErrorCodes[this.code];
  }

  /** The broker failed (store, internal error), as opposed to refusing what a client asked. */
  get isBrokerFault(): boolean {
    return BROKER_FAULTS.has(this.code);
  }
}

export function isBrokerError(e: unknown): e is BrokerError {
  return e instanceof BrokerError;
}

/** Any thrown value as a BrokerError; unknown failures become ERR_INTERNAL with their message. */
export function toBrokerError(e: unknown): BrokerError {
  if (e instanceof BrokerError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new BrokerError('ERR_INTERNAL', message, { cause: e });
}
