import { BrokerFilter } from '../broker/broker-filter.js';
import type { Broker, ConnectionContext } from '../broker/broker.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordVerifier } from './password.js';

export interface AuthenticationUser {
  readonly username: string;
  /** Plain text, or a hashed/encrypted form the verifier understands. */
  readonly password: string;
  readonly groups: ReadonlySet<string>;
}

export interface SimpleAuthenticationOptions {
  users: readonly AuthenticationUser[];
  anonymousAccessAllowed?: boolean;
  anonymousUser?: string;
  anonymousGroup?: string;
  verifier: PasswordVerifier;
  throttle?: LoginThrottle;
  logger?: Logger;
}

/**
 * ActiveMQ's simpleAuthenticationPlugin: users, passwords and groups from the configuration. A connection
 * without credentials is anonymous when anonymousAccessAllowed is set; otherwise every failure is refused
 * with ActiveMQ's text, `User name [<name>] or password is invalid.` (with `null` for a missing name).
 */
export class SimpleAuthenticationBroker extends BrokerFilter {
  private readonly users = new Map<string, AuthenticationUser>();

  constructor(
    next: Broker,
    private readonly options: SimpleAuthenticationOptions,
  ) {
    super(next);
    for (const u of options.users) this.users.set(u.username, u);
  }

  override async addConnection(context: ConnectionContext): Promise<void> {
    if (context.security === null) context.security = await this.authenticate(context);
    return super.addConnection(context);
  }

  private async authenticate(context: ConnectionContext): Promise<NonNullable<ConnectionContext['security']>> {
    const { userName, password, remoteAddress } = context.info;
    const o = this.options;
    if (o.anonymousAccessAllowed && userName === null && password === null) {
      const groups = new Set<string>();
      if (o.anonymousGroup) groups.add(o.anonymousGroup);
      return { userName: o.anonymousUser ?? 'anonymous', groups, isBrokerInternal: false };
    }
    const throttle = o.throttle;
    if (throttle) await throttle.beforeAttempt(remoteAddress);
    const user = userName === null ? undefined : this.users.get(userName);
    const ok = user !== undefined && password !== null && (await o.verifier.verify(password, user.password));
    if (!ok) {
      throttle?.failed(remoteAddress);
      o.logger?.warn('Authentication failed', {
        user: userName ?? null,
        remote: remoteAddress,
        protocol: context.info.protocol,
      });
      throw new BrokerError('ERR_SECURITY_AUTHENTICATION', `User name [${userName ?? 'null'}] or password is invalid.`);
    }
    throttle?.succeeded(remoteAddress);
    return { userName: user.username, groups: user.groups, isBrokerInternal: false };
  }
}
