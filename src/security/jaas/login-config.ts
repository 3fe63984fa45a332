import { BrokerError } from '../../util/errors.js';

/** How a module's result counts (javax.security.auth.login.Configuration's control flags). */
export type ControlFlag = 'required' | 'requisite' | 'sufficient' | 'optional';

export interface LoginModuleEntry {
  /** Fully qualified class name as written (`org.apache.activemq.jaas.PropertiesLoginModule`). */
  readonly className: string;
  readonly flag: ControlFlag;
  readonly options: ReadonlyMap<string, string>;
  /** 1-based line of the class name, for messages. */
  readonly line: number;
}

/** Entries by name (`activemq { … };`), each a stack of modules in order. */
export type LoginConfig = ReadonlyMap<string, readonly LoginModuleEntry[]>;

/** A login.config larger than this is not a login configuration. */
const MAX_CHARS = 1_000_000;
const FLAGS = new Set<string>(['required', 'requisite', 'sufficient', 'optional']);

interface Token {
  readonly text: string;
  /** True for a "quoted" string: never a punctuation mark. */
  readonly quoted: boolean;
  readonly line: number;
}

/**
 * Parses a JAAS login configuration in the syntax of the JDK's ConfigFile (the file ActiveMQ's login.config is):
 * `Name { class.Name Flag key="value" key2=value2; … };`, with `//` and `/* … *\/` comments and double-quoted
 * values. `${name}` inside values is replaced from `lookup` as the JDK expands system properties; an unknown
 * name is an error (the JDK's default too, unless policy.expandProperties is false). Errors name file:line.
 */
export function parseLoginConfig(
  text: string,
  file: string,
  lookup: (name: string) => string | undefined = () => undefined,
): LoginConfig {
  if (text.length > MAX_CHARS) throw fail(file, 1, `the file is larger than ${MAX_CHARS} characters`);
  const tokens = tokenize(text, file);
  const out = new Map<string, LoginModuleEntry[]>();
  let i = 0;
  const next = (what: string): Token => {
    const t = tokens[i++];
    if (t === undefined)
      throw fail(file, tokens[tokens.length - 1]?.line ?? 1, `unexpected end of file; expected ${what}`);
    return t;
  };
  const expect = (punct: string): void => {
    const t = next(`'${punct}'`);
    if (t.quoted || t.text !== punct) throw fail(file, t.line, `expected '${punct}' but found '${t.text}'`);
  };
  while (i < tokens.length) {
    const name = next('an entry name');
    if (name.quoted || isPunct(name.text))
      throw fail(file, name.line, `expected an entry name but found '${name.text}'`);
    if (out.has(name.text)) throw fail(file, name.line, `entry "${name.text}" is defined twice`);
    expect('{');
    const modules: LoginModuleEntry[] = [];
    for (;;) {
      const cls = next("a login module class or '}'");
      if (!cls.quoted && cls.text === '}') break;
      if (cls.quoted || isPunct(cls.text))
        throw fail(file, cls.line, `expected a login module class but found '${cls.text}'`);
      const flag = next('a control flag');
      const flagText = flag.text.toLowerCase();
      if (flag.quoted || !FLAGS.has(flagText)) {
        throw fail(
          file,
          flag.line,
          `expected required, requisite, sufficient or optional after ${cls.text}, not '${flag.text}'`,
        );
      }
      const options = new Map<string, string>();
      for (;;) {
        const key = next("an option or ';'");
        if (!key.quoted && key.text === ';') break;
        if (key.quoted || isPunct(key.text))
          throw fail(file, key.line, `expected an option name but found '${key.text}'`);
        expect('=');
        const value = next(`a value for ${key.text}`);
        if (!value.quoted && isPunct(value.text)) throw fail(file, value.line, `expected a value for ${key.text}`);
        options.set(key.text, expand(value.text, lookup, file, value.line));
      }
      modules.push({ className: cls.text, flag: flagText as ControlFlag, options, line: cls.line });
    }
    expect(';');
    if (modules.length === 0) throw fail(file, name.line, `entry "${name.text}" lists no login module`);
    out.set(name.text, modules);
  }
  return out;
}

function isPunct(text: string): boolean {
  return text === '{' || text === '}' || text === ';' || text === '=';
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw fail(file, line, 'unterminated /* comment');
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (isPunct(c)) {
      tokens.push({ text: c, quoted: false, line });
      i++;
    } else if (c === '"') {
      const start = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw fail(file, start, 'unterminated quoted string');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\n') line++;
        // The JDK's StreamTokenizer treats backslash as an escape inside quotes; keep the escaped character.
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ text: value, quoted: true, line: start });
    } else {
      let j = i;
      while (j < text.length && !/[\s{};="]/.test(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), quoted: false, line });
      i = j;
    }
  }
  return tokens;
}

function expand(value: string, lookup: (name: string) => string | undefined, file: string, line: number): string {
  return value.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const v = lookup(name);
    if (v === undefined) throw fail(file, line, `unresolved \${${name}} (define it with -D${name}=…)`);
    return v;
  });
}

function fail(file: string, line: number, message: string): BrokerError {
  return new BrokerError('ERR_CONFIG', `${file}:${line}: ${message}`);
}
