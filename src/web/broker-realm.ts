import type { Broker, ConnectionContext } from '../broker/broker.js';
import type { WebRealm, WebUser } from './realm.js';

let sequence = 0;

/**
 * Web users checked by the broker's own authentication plugin (simpleAuthenticationPlugin or JAAS), as if they
 * connected: one login, one user list. Members of the `admins` (ActiveMQ's conventional admin group) or `admin`
 * group get the admin role, everyone else the user role.
 */
export class BrokerRealm implements WebRealm {
  readonly description = 'the broker authentication plugin';
  readonly hasDefaultCredentials = false;

  constructor(
    private readonly broker: Broker,
    private readonly adminGroups: ReadonlySet<string> = new Set(['admins', 'admin']),
  ) {}

  async authenticate(user: string, password: string): Promise<WebUser | null> {
    const context: ConnectionContext = {
      info: {
        connectionId: `ID:web-login-${++sequence}`,
        clientId: null,
        userName: user,
        password,
        remoteAddress: 'vm://web-login',
        protocol: 'web',
      },
      security: null,
      control: { close: () => {} },
    };
    try {
      await this.broker.addConnection(context);
    } catch {
      return null;
    }
    await this.broker.removeConnection(context).catch(() => {});
    const groups = context.security?.groups ?? new Set<string>();
    const admin = [...groups].some((g) => this.adminGroups.has(g));
    return { name: user, password, roles: new Set(admin ? ['admin', 'user'] : ['user']) };
  }
}
