import { parseArgs } from 'node:util';
import { decryptValue, isEncryptedValue, jasyptEncrypt, MASTER_PASSWORD_ENV } from '../util/jasypt.js';
import { readSecret } from './read-secret.js';

const help = (command: string): string => `Usage: tidemq ${command} [--password <master>] [--input <text>]

${
  command === 'encrypt'
    ? 'Encrypts a value as ActiveMQ\u2019s `activemq encrypt` does (Jasypt PBEWithMD5AndDES) and prints ENC(<value>),\n' +
      'ready for credentials-enc.properties or a JAAS users file read with decrypt=true.'
    : 'Decrypts an ActiveMQ/Jasypt value (with or without ENC(…)) and prints the plain text.'
}

  --password <master>  The master password; default: the ${MASTER_PASSWORD_ENV} environment variable
  --input <text>       The value; default: the first line of standard input
`;

/** `tidemq encrypt` and `tidemq decrypt`, compatible with ActiveMQ's commands of the same names. */
export async function runCrypt(command: 'encrypt' | 'decrypt', argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        password: { type: 'string' },
        input: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`tidemq ${command}: ${(e as Error).message}\n\n${help(command)}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(help(command));
    return 0;
  }
  const master = values.password ?? process.env[MASTER_PASSWORD_ENV];
  if (master === undefined || master === '') {
    process.stderr.write(`tidemq ${command}: give --password or set ${MASTER_PASSWORD_ENV}\n`);
    return 2;
  }
  const input = values.input ?? (await readSecret(process.stdin));
  try {
    if (command === 'encrypt') {
      process.stdout.write(`ENC(${jasyptEncrypt(input, master)})\n`);
    } else {
      const text = isEncryptedValue(input) ? input : `ENC(${input.trim()})`;
      process.stdout.write(decryptValue(text, master) + '\n');
    }
  } catch (e) {
    process.stderr.write(`tidemq ${command}: ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}
