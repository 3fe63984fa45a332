import path from 'node:path';
import { BrokerError } from '../../util/errors.js';
import type { PasswordVerifier } from '../password.js';
import { javaSubjectDn } from './distinguished-name.js';
import type { LoginModuleEntry } from './login-config.js';
import type { PropertiesFile, PropertiesFiles } from './properties-files.js';

/** What a login attempt presents (JAAS's NameCallback, PasswordCallback and ActiveMQ's CertificateCallback). */
export interface Credentials {
  readonly userName: string | null;
  readonly password: string | null;
  /** The client's certificate chain (DER, leaf first); empty when the connection has none. */
  readonly certificates: readonly Uint8Array[];
}

/** What a module adds to the subject when the login as a whole succeeds (UserPrincipal, GroupPrincipals). */
export interface Principals {
  readonly user: string | null;
  readonly groups: readonly string[];
}

/** A module's refusal (FailedLoginException / LoginException); its message stays in the broker's log. */
export class LoginFailure extends Error {}

/** One login module; `null` means the module ignores this attempt (JAAS: login() returned false). */
export interface LoginModule {
  login(credentials: Credentials): Promise<Principals | null>;
}

export interface ModuleContext {
  readonly files: PropertiesFiles;
  readonly verifier: PasswordVerifier;
  /** Where relative file names resolve: the `baseDir` option, else the login.config file's folder (ActiveMQ). */
  readonly configDir: string;
}

/** Builds the module an entry names; an unknown class or a missing file is a start-up error. */
export function createLoginModule(entry: LoginModuleEntry, ctx: ModuleContext): LoginModule {
  const short = entry.className.replace(/^org\.apache\.activemq\.jaas\./, '');
  switch (short) {
    case 'PropertiesLoginModule':
      return new PropertiesLoginModule(entry, ctx);
    case 'TextFileCertificateLoginModule':
      return new TextFileCertificateLoginModule(entry, ctx);
    case 'GuestLoginModule':
      return new GuestLoginModule(entry);
    default:
      throw new BrokerError(
        'ERR_CONFIG',
        `login module ${entry.className} (line ${entry.line}) is not available in TideMQ; use PropertiesLoginModule, ` +
          `TextFileCertificateLoginModule or GuestLoginModule`,
      );
  }
}

function bool(entry: LoginModuleEntry, name: string): boolean {
  return (entry.options.get(name) ?? '').toLowerCase() === 'true';
}

function openFile(entry: LoginModuleEntry, ctx: ModuleContext, option: string, fallback: string): PropertiesFile {
  const base = entry.options.get('baseDir') ?? ctx.configDir;
  const name = entry.options.get(option) ?? fallback;
  return ctx.files.open(path.resolve(base, name), { reload: bool(entry, 'reload'), decrypt: bool(entry, 'decrypt') });
}

/** group=user1,user2 inverted to user → groups, rebuilt when the file changes. */
class GroupsByUser {
  private version = -1;
  private byUser = new Map<string, Set<string>>();

  constructor(private readonly file: PropertiesFile) {}

  get(user: string): readonly string[] {
    const content = this.file.get();
    if (this.version !== this.file.version) {
      const m = new Map<string, Set<string>>();
      for (const [group, users] of content) {
        // ActiveMQ splits on "," without trimming; TideMQ trims, so "a, b" means user "b" (see docs/security.md).
        for (const u of users.split(',')) {
          const name = u.trim();
          if (name === '') continue;
          let set = m.get(name);
          if (set === undefined) m.set(name, (set = new Set()));
          set.add(group);
        }
      }
      this.byUser = m;
      this.version = this.file.version;
    }
    return [...(this.byUser.get(user) ?? [])];
  }
}

/**
 * ActiveMQ's PropertiesLoginModule: users file `user=password`, groups file `group=user1,user2`
 * (options org.apache.activemq.jaas.properties.user / .group, defaults "user" and "group"). A stored password
 * may also be TideMQ's `scrypt:` form (`tidemq hash-password`) or, with decrypt=true, `ENC(…)`.
 */
class PropertiesLoginModule implements LoginModule {
  private readonly users: PropertiesFile;
  private readonly groups: GroupsByUser;

  constructor(
    entry: LoginModuleEntry,
    private readonly ctx: ModuleContext,
  ) {
    this.users = openFile(entry, ctx, 'org.apache.activemq.jaas.properties.user', 'user');
    this.groups = new GroupsByUser(openFile(entry, ctx, 'org.apache.activemq.jaas.properties.group', 'group'));
  }

  async login(c: Credentials): Promise<Principals> {
    if (c.userName === null) throw new LoginFailure('user name is null');
    const stored = this.users.get().get(c.userName);
    // ActiveMQ's own texts; they reach the log, never the client.
    if (stored === undefined) throw new LoginFailure('User does exist');
    // A missing password counts as the empty one, as in PropertiesLoginModule.
    if (!(await this.ctx.verifier.verify(c.password ?? '', stored))) throw new LoginFailure('Password does not match');
    return { user: c.userName, groups: this.groups.get(c.userName) };
  }
}

/**
 * ActiveMQ's TextFileCertificateLoginModule: users file `user=<DN>` (or `user=/regex/` matched against the whole DN),
 * groups file as above (options org.apache.activemq.jaas.textfiledn.user / .group). The DN is the client
 * certificate's subject in Java's getSubjectDN().getName() form, compared exactly.
 */
class TextFileCertificateLoginModule implements LoginModule {
  private readonly users: PropertiesFile;
  private readonly groups: GroupsByUser;
  private version = -1;
  private byDn = new Map<string, string>();
  private patterns: [string, RegExp][] = [];

  constructor(entry: LoginModuleEntry, ctx: ModuleContext) {
    this.users = openFile(entry, ctx, 'org.apache.activemq.jaas.textfiledn.user', '');
    this.groups = new GroupsByUser(openFile(entry, ctx, 'org.apache.activemq.jaas.textfiledn.group', ''));
  }

  login(c: Credentials): Promise<Principals> {
    const leaf = c.certificates[0];
    if (leaf === undefined) {
      return Promise.reject(new LoginFailure('Client certificates not found. Cannot authenticate.'));
    }
    let dn: string;
    try {
      dn = javaSubjectDn(leaf);
    } catch {
      return Promise.reject(new LoginFailure('Client certificate cannot be parsed.'));
    }
    const user = this.userFor(dn);
    if (user === undefined) return Promise.reject(new LoginFailure(`No user for client certificate: ${dn}`));
    return Promise.resolve({ user, groups: this.groups.get(user) });
  }

  private userFor(dn: string): string | undefined {
    const content = this.users.get();
    if (this.version !== this.users.version) {
      this.byDn = new Map();
      this.patterns = [];
      for (const [user, value] of content) {
        if (value.length > 2 && value.startsWith('/') && value.endsWith('/')) {
          try {
            // Java's Matcher.matches(): the whole DN must match.
            this.patterns.push([user, new RegExp(`^(?:${value.slice(1, -1)})$`)]);
          } catch {
            /* ActiveMQ ignores an invalid regexp (with a warning); so does TideMQ */
          }
        } else {
          this.byDn.set(value, user);
        }
      }
      this.version = this.users.version;
    }
    return this.byDn.get(dn) ?? this.patterns.find(([, re]) => re.test(dn))?.[0];
  }
}

/**
 * ActiveMQ's GuestLoginModule: always succeeds as org.apache.activemq.jaas.guest.user ("guest") in
 * org.apache.activemq.jaas.guest.group ("guests"); with credentialsInvalidate=true it steps aside (is ignored)
 * when a password is presented, so a stack `PropertiesLoginModule sufficient; GuestLoginModule sufficient
 * credentialsInvalidate=true` lets anonymous clients in as guests but refuses a wrong password.
 */
class GuestLoginModule implements LoginModule {
  private readonly user: string;
  private readonly group: string;
  private readonly credentialsInvalidate: boolean;

  constructor(entry: LoginModuleEntry) {
    this.user = entry.options.get('org.apache.activemq.jaas.guest.user') ?? 'guest';
    this.group = entry.options.get('org.apache.activemq.jaas.guest.group') ?? 'guests';
    this.credentialsInvalidate = bool(entry, 'credentialsInvalidate');
  }

  login(c: Credentials): Promise<Principals | null> {
    if (this.credentialsInvalidate && c.password !== null) return Promise.resolve(null);
    return Promise.resolve({ user: this.user, groups: [this.group] });
  }
}
