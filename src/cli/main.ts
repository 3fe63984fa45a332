#!/usr/bin/env node
import { runCrypt } from './encrypt.js';
import { runHashPassword } from './hash-password.js';
import { runStart } from './start.js';

const usage = `Usage: tidemq <command> [options]

Commands:
  start           Run the broker in the foreground (tidemq start --help for options)
  hash-password   Print the stored (scrypt) form of a password
  encrypt         Encrypt a value as ActiveMQ's \`activemq encrypt\` does: ENC(…)
  decrypt         Decrypt an ENC(…) value
  query           Show MBean attributes (-QQueue=orders --view QueueSize), as activemq query
  dstat           Destination statistics table (dstat queues|topics)
  bstat           Broker statistics summary
  list            List the brokers the web console manages
  purge           Remove every waiting message of queues
  stop            Stop a running broker through its web console
  --version       Print TideMQ's version
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
    // The management commands load only what they use (an HTTP client), not the broker: they start in 0.2 s.
    case 'query':
      return (await import('./query.js')).runQuery(rest);
    case 'dstat':
      return (await import('./dstat.js')).runDstat(rest);
    case 'bstat':
      return (await import('./bstat.js')).runBstat(rest);
    case 'list':
      return (await import('./list.js')).runList(rest);
    case 'purge':
      return (await import('./purge.js')).runPurge(rest);
    case 'stop':
      return (await import('./stop.js')).runStop(rest);
    case '--version':
    case 'version':
      process.stdout.write(`TideMQ ${(await import('../util/version.js')).tidemqVersion()}\n`);
      return 0;
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
