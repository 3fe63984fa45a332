import { parseArgs } from 'node:util';
import { hashPassword } from '../security/password.js';
import { promptSecret } from './prompt-secret.js';
import { readSecret } from './read-secret.js';

const help = `Usage: tidemq hash-password [--password <password>]

Prints the stored form of a password (scrypt, random salt) for users.properties or an <authenticationUser>
password attribute: scrypt:<salt>:<hash>. Without --password the password is read from standard input (one line),
which keeps it out of shell history and process listings; on a terminal it is asked for twice, without echo.
`;

export async function runHashPassword(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { password: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`tidemq hash-password: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  let password: string;
  try {
    password = values.password ?? (await askPassword());
  } catch (e) {
    process.stderr.write(`tidemq hash-password: ${(e as Error).message}
`);
    return 2;
  }
  if (password === '') {
    process.stderr.write('tidemq hash-password: the password is empty\n');
    return 2;
  }
  process.stdout.write((await hashPassword(password)) + '\n');
  return 0;
}

/** From a terminal: typed twice without echo (a typo would lock the user out); from a pipe: its first line. */
async function askPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return readSecret(stdin);
  const first = await promptSecret('Password: ', stdin, process.stderr);
  const again = await promptSecret('Repeat the password: ', stdin, process.stderr);
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}
