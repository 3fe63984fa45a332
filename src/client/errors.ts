import type { ThrowableInfo } from '../protocol/openwire/codec/index.js';
import { BrokerError, type ErrorCode } from '../util/errors.js';

/**
 * Every error the client raises. `code` comes from the one catalogue (src/util/errors.ts); `javaClassName` is the
 * class the Java client would throw for the same condition, so code ported from JMS can branch on the same name.
 */
export class ClientError extends BrokerError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ClientError';
  }
}

/**
 * The broker refused a request with an ExceptionResponse (or sent a ConnectionError). The Java class name and the
 * message are the broker's, unchanged: ActiveMQ's `User name [null] or password is invalid.` surfaces with
 * `javaClassName === 'java.lang.SecurityException'`, as the Java client turns it into a JMSSecurityException.
 */
export class RemoteJmsError extends ClientError {
  readonly remoteClassName: string;

  constructor(info: ThrowableInfo | null) {
    super('ERR_CLIENT_REMOTE', info?.message ?? info?.className ?? 'unknown broker error');
    this.remoteClassName = info?.className ?? 'javax.jms.JMSException';
    this.name = 'RemoteJmsError';
  }

  override get javaClassName(): string {
    return this.remoteClassName;
  }

  /** The broker refused the credentials or an operation on security grounds (JMSSecurityException in Java). */
  get isSecurity(): boolean {
    return /SecurityException$/.test(this.remoteClassName);
  }
}

export function illegalState(message: string): ClientError {
  return new ClientError('ERR_ILLEGAL_STATE', message);
}
