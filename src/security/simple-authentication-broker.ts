import type { Broker, ConnectionContext, SecurityContext } from '../broker/broker.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { AuthenticationFilter } from './authentication-filter.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordVerifier } from './password.js';

export interface AuthenticationUser {
  readonly username: string;
  /** Plain text, or a hashed form the verifier understands (`scrypt:…`). */
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
export class SimpleAuthenticationBroker extends AuthenticationFilter {
  private readonly users = new Map<string, AuthenticationUser>();

  constructor(
    next: Broker,
    private readonly options: SimpleAuthenticationOptions,
  ) {
    super(next, {
      ...(options.throttle ? { throttle: options.throttle } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    for (const u of options.users) this.users.set(u.username, u);
  }

  protected override async authenticate(context: ConnectionContext): Promise<SecurityContext> {
    const { userName, password } = context.info;
    const o = this.options;
    if (o.anonymousAccessAllowed && userName === null && password === null) {
      const groups = new Set<string>();
      if (o.anonymousGroup) groups.add(o.anonymousGroup);
      return { userName: o.anonymousUser ?? 'anonymous', groups, isBrokerInternal: false };
    }
    const user = userName === null ? undefined : this.users.get(userName);
    // The reason stays in the broker's log; the client only sees ActiveMQ's text.
    const reason =
      userName === null
        ? 'No user name given'
        : user === undefined
          ? 'User does not exist'
          : password === null
            ? 'No password given'
            : (await o.verifier.verify(password, user.password))
              ? null
              : 'Password does not match';
    if (reason !== null || user === undefined) {
      throw new BrokerError(
        'ERR_SECURITY_AUTHENTICATION',
        `User name [${userName ?? 'null'}] or password is invalid.`,
        {
          cause: new Error(reason ?? 'User does not exist'),
        },
      );
    }
    return { userName: user.username, groups: user.groups, isBrokerInternal: false };
  }
}
