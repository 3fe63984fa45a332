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
