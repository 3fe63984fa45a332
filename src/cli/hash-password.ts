import { parseArgs } from 'node:util';
import { hashPassword } from '../security/password.js';
import { readSecret } from './read-secret.js';

const help = `Usage: tidemq hash-password [--password <password>]

Prints the stored form of a password (scrypt, random salt) for users.properties or an <authenticationUser>
password attribute: scrypt:<salt>:<hash>. Without --password the password is read from standard input (one line),
which keeps it out of shell history and process listings.
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
  const password = values.password ?? (await readSecret(process.stdin));
  if (password === '') {
    process.stderr.write('tidemq hash-password: the password is empty\n');
    return 2;
  }
  process.stdout.write((await hashPassword(password)) + '\n');
  return 0;
}
