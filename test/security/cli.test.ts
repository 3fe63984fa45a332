import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { defaultPasswordVerifier } from '../../src/security/password.js';

const tidemq = (args: string[], input?: string, env: Record<string, string> = {}): string =>
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  }).trim();

test('tidemq encrypt/decrypt interoperate with ActiveMQ’s `activemq encrypt`', () => {
  // Made by Debian's ActiveMQ 5.17.2: activemq encrypt --password master-key --input manager
  assert.equal(tidemq(['decrypt', '--password', 'master-key', '--input', '1RE9ye0sRcHlUzoyjWmDKg==']), 'manager');
  const enc = tidemq(['encrypt', '--input', 'p@ss word'], undefined, { ACTIVEMQ_ENCRYPTION_PASSWORD: 'k' });
  assert.match(enc, /^ENC\([A-Za-z0-9+/=]+\)$/);
  assert.equal(tidemq(['decrypt', '--password', 'k'], `${enc}\n`), 'p@ss word');
  assert.throws(() => tidemq(['decrypt', '--password', 'wrong', '--input', enc]), /wrong master password/);
});

test('tidemq hash-password reads the password from stdin and prints a verifiable scrypt form', async () => {
  const stored = tidemq(['hash-password'], 's3cret\n');
  assert.match(stored, /^scrypt:/);
  assert.equal(await defaultPasswordVerifier.verify('s3cret', stored), true);
  assert.equal(await defaultPasswordVerifier.verify('s3cret\n', stored), false);
});

/** Runs `tidemq hash-password` on a pseudo-terminal (util-linux `script`), typing `answers` at its prompts. */
async function hashOnTerminal(answers: string[]): Promise<{ output: string; code: number | null }> {
  const { spawn } = await import('node:child_process');
  const cmd = `${process.execPath} --import tsx src/cli/main.ts hash-password`;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let prompts = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // Type only once the prompt is up: the terminal is in raw mode (no echo) from then on.
    const seen = output.split(/Password: |Repeat the password: /).length - 1;
    while (prompts < seen && prompts < answers.length) child.stdin.write(`${answers[prompts++]}\r`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { output, code };
}

test('tidemq hash-password on a terminal asks twice without echoing the password', async (t) => {
  const { execFileSync } = await import('node:child_process');
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('util-linux script is not installed');
    return;
  }
  const { output, code } = await hashOnTerminal(['t0p-s3cret', 't0p-s3cret']);
  assert.equal(code, 0, output);
  assert.match(output, /Password: /);
  assert.ok(!output.includes('t0p-s3cret'), `the password was echoed: ${JSON.stringify(output)}`);
  const stored = /scrypt:\S+/.exec(output)?.[0] ?? '';
  assert.equal(await defaultPasswordVerifier.verify('t0p-s3cret', stored), true);

  const mismatch = await hashOnTerminal(['one', 'two']);
  assert.notEqual(mismatch.code, 0);
  assert.match(mismatch.output, /the two passwords differ/);
});
