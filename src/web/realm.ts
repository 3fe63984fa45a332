import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defaultPasswordVerifier } from '../security/password.js';
import { BrokerError } from '../util/errors.js';

/** The roles of ActiveMQ's jetty.xml security constraints: `admin` may change things, `user` may look. */
export type WebRole = 'admin' | 'user';

export interface WebUser {
  readonly name: string;
  readonly roles: ReadonlySet<string>;
  /** The password as presented, for REST connections authenticated by the broker itself. */
  readonly password: string;
}

/** Who may log in to the web server. */
export interface WebRealm {
  readonly description: string;
  authenticate(user: string, password: string): Promise<WebUser | null>;
  /** True when the realm still accepts a well-known default (admin/admin, user/user). */
  readonly hasDefaultCredentials: boolean;
}

interface RealmEntry {
  password: string;
  roles: Set<string>;
}

/** ActiveMQ's conf/jetty-realm.properties as shipped: `admin: admin, admin` and `user: user, user`. */
export const DEFAULT_REALM_TEXT = 'admin: admin, admin\nuser: user, user\n';

/**
 * Jetty's HashLoginService file, as ActiveMQ ships it in conf/jetty-realm.properties:
 * `username: password[, role ...]`. Passwords may be plain, `MD5:<hex>` (Jetty's Credential), or the
 * `scrypt:` form `tidemq hash-password` prints. `#` and `!` start comments.
 */
export function parseRealm(text: string, source: string): Map<string, RealmEntry> {
  const users = new Map<string, RealmEntry>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
    if (!m) throw new BrokerError('ERR_CONFIG', `${source}:${i + 1}: expected 'user: password, role…'`);
    const [password, ...roles] = m[2]!.split(',').map((s) => s.trim());
    if (password === undefined || password === '') {
      throw new BrokerError('ERR_CONFIG', `${source}:${i + 1}: user ${m[1]} has no password`);
    }
    users.set(m[1]!, { password, roles: new Set(roles.filter((r) => r !== '')) });
  });
  return users;
}

export class PropertiesRealm implements WebRealm {
  private readonly users: Map<string, RealmEntry>;

  constructor(
    text: string,
    readonly description: string,
  ) {
    this.users = parseRealm(text, description);
  }

  static fromFile(path: string): PropertiesRealm {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new BrokerError('ERR_CONFIG', `Cannot read the web users file ${path}: ${(e as Error).message}`);
    }
    return new PropertiesRealm(text, path);
  }

  get hasDefaultCredentials(): boolean {
    for (const [name, e] of this.users) if ((name === 'admin' || name === 'user') && e.password === name) return true;
    return false;
  }

  async authenticate(user: string, password: string): Promise<WebUser | null> {
    const entry = this.users.get(user);
    // An unknown user costs a comparison too, so timing does not tell which names exist.
    const stored = entry?.password ?? 'scrypt:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    let ok: boolean;
    if (stored.startsWith('MD5:')) {
      const a = Buffer.from(createHash('md5').update(password, 'utf8').digest('hex'));
      const b = Buffer.from(stored.slice(4).toLowerCase());
      ok = a.length === b.length && timingSafeEqual(a, b);
    } else {
      ok = await defaultPasswordVerifier.verify(password, stored);
    }
    if (!ok || entry === undefined) return null;
    return { name: user, roles: entry.roles, password };
  }
}
