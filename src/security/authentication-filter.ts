import { BrokerFilter } from '../broker/broker-filter.js';
import type { Broker, ConnectionContext, SecurityContext } from '../broker/broker.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { LoginThrottle } from './login-throttle.js';

export interface AuthenticationGuard {
  /** Slows down password guessing per user and source; shared by every authentication plugin of the broker. */
  throttle?: LoginThrottle;
  logger?: Logger;
}

/**
 * What every authentication plugin shares (ActiveMQ's AbstractAuthenticationBroker): the connection gets its
 * SecurityContext in addConnection, before anything else can use it, and loses it again when the rest of the chain
 * refuses the connection. Around each attempt: the login throttle, and a warning with the remote address and the
 * reason for every refusal (the client only sees ActiveMQ's text).
 */
export abstract class AuthenticationFilter extends BrokerFilter {
  constructor(
    next: Broker,
    protected readonly guard: AuthenticationGuard,
  ) {
    super(next);
  }

  /** Establishes who the connection is, or throws ERR_SECURITY_AUTHENTICATION with ActiveMQ's text. */
  protected abstract authenticate(context: ConnectionContext): Promise<SecurityContext>;

  override async addConnection(context: ConnectionContext): Promise<void> {
    if (context.security !== null) return super.addConnection(context);
    const { remoteAddress, userName, password } = context.info;
    const throttle = this.guard.throttle;
    const attempt = throttle?.admit(userName, remoteAddress);
    if (typeof attempt === 'string') {
      // The throttle logged the lock-out once; each refusal only at debug level, so a flood cannot fill the log.
      this.guard.logger?.debug(`Authentication refused without checking the password: ${attempt}`, {
        user: userName,
        remote: remoteAddress,
        protocol: context.info.protocol,
      });
      throw new BrokerError('ERR_SECURITY_AUTHENTICATION', `User name [${userName ?? 'null'}] or password is invalid.`);
    }
    let security: SecurityContext;
    try {
      security = await this.authenticate(context);
    } catch (e) {
      if (e instanceof BrokerError && e.code === 'ERR_SECURITY_AUTHENTICATION') {
        this.guard.logger?.warn('Authentication failed', {
          user: userName,
          remote: remoteAddress,
          protocol: context.info.protocol,
          reason: e.cause instanceof Error ? e.cause.message : e.message,
        });
        // The answer to a wrong password waits for the throttle; a right one (below) never does.
        if (attempt !== undefined) await throttle!.failed(attempt);
      } else if (attempt !== undefined) {
        throttle!.abandoned(attempt);
      }
      throw e;
    }
    // Only a login that proved something clears the record: anonymous or guest connections must not let a
    // guessing host reset its own count between attempts.
    if (attempt !== undefined) {
      throttle!.succeeded(attempt, password !== null || (context.info.peerCertificates?.length ?? 0) > 0);
    }
    context.security = security;
    try {
      await super.addConnection(context);
    } catch (e) {
      context.security = null;
      throw e;
    }
  }
}
