#!/usr/bin/env node
import { runBrowse } from './browse.js';
import { runConsumer } from './consumer.js';
import { runCrypt } from './encrypt.js';
import { runHashPassword } from './hash-password.js';
import { runProducer } from './producer.js';
import { runStart } from './start.js';

const usage = `Usage: tidemq <command> [options]

Commands:
  start           Run the broker in the foreground (tidemq start --help for options)
  hash-password   Print the stored (scrypt) form of a password
  encrypt         Encrypt a value as ActiveMQ's \`activemq encrypt\` does: ENC(…)
  decrypt         Decrypt an ENC(…) value
  producer        Send messages over OpenWire (as \`activemq producer\`; tidemq producer --help)
  consumer        Receive messages over OpenWire (as \`activemq consumer\`)
  browse          List a queue's messages without consuming them (as \`activemq browse\`)
  help            Show this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return runStart(rest);
    case 'hash-password':
      return runHashPassword(rest);
    case 'encrypt':
    case 'decrypt':
      return runCrypt(command, rest);
    case 'producer':
      return runProducer(rest);
    case 'consumer':
      return runConsumer(rest);
    case 'browse':
      return runBrowse(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`tidemq: unknown command '${command}'\n\n${usage}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tidemq: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
