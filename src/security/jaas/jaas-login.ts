import { BrokerError } from '../../util/errors.js';
import type { LoginConfig } from './login-config.js';
import {
  createLoginModule,
  LoginFailure,
  type Credentials,
  type LoginModule,
  type ModuleContext,
} from './login-modules.js';
import type { ControlFlag } from './login-config.js';

/** The subject of a successful login: the user principal (first one found) and every group principal. */
export interface JaasSubject {
  readonly user: string | null;
  readonly groups: ReadonlySet<string>;
}

/**
 * One login.config entry, ready to run: JAAS's LoginContext over TideMQ's login modules. The control flags
 * follow javax.security.auth.login.LoginContext:
 * - required: must succeed, the stack goes on either way; requisite: must succeed, a failure ends the login;
 * - sufficient: a success ends the login successfully unless a required module already failed;
 * - optional: counts only when no required or requisite module exists;
 * - the login fails with the first required failure, else (when nothing succeeded) the first failure, else
 *   "Login Failure: all modules ignored". Principals come from every module whose login succeeded.
 */
export class JaasLogin {
  private readonly modules: { flag: ControlFlag; module: LoginModule }[];

  constructor(
    config: LoginConfig,
    readonly entryName: string,
    ctx: ModuleContext,
    configFile: string,
  ) {
    const entries = config.get(entryName);
    if (entries === undefined) {
      const known = [...config.keys()].join(', ') || 'none';
      throw new BrokerError(
        'ERR_CONFIG',
        `${configFile} has no entry "${entryName}" (entries: ${known}); set the plugin's configuration attribute`,
      );
    }
    this.modules = entries.map((e) => ({ flag: e.flag, module: createLoginModule(e, ctx) }));
  }

  /** Resolves with the subject, or rejects with the LoginFailure that decided the outcome. */
  async login(credentials: Credentials): Promise<JaasSubject> {
    let firstRequiredError: Error | null = null;
    let firstError: Error | null = null;
    let success = false;
    const succeeded: { user: string | null; groups: readonly string[] }[] = [];
    for (const { flag, module } of this.modules) {
      let result;
      try {
        result = await module.login(credentials);
      } catch (e) {
        const err = e instanceof Error ? e : new LoginFailure(String(e));
        if (flag === 'requisite') throw firstRequiredError ?? err;
        if (flag === 'required') firstRequiredError ??= err;
        else firstError ??= err;
        continue;
      }
      if (result === null) continue; // the module ignores this attempt
      succeeded.push(result);
      if (flag === 'sufficient' && firstRequiredError === null) {
        success = true;
        break;
      }
      success = true;
    }
    if (firstRequiredError !== null) throw firstRequiredError;
    if (!success) throw firstError ?? new LoginFailure('Login Failure: all modules ignored');
    const groups = new Set<string>();
    let user: string | null = null;
    for (const p of succeeded) {
      user ??= p.user;
      for (const g of p.groups) groups.add(g);
    }
    return { user, groups };
  }
}
