import { spawn, spawnSync } from 'node:child_process';

/** Set in the environment of a test file re-run inside the namespace. */
export const NETNS_ENV = 'TIDEMQ_MULTICAST_NETNS';

/** True in the copy of a test that runs inside the multicast namespace. */
export function inMulticastNamespace(): boolean {
  return process.env[NETNS_ENV] === '1';
}

/**
 * Why multicast tests cannot run here, or undefined when they can: they need root (CI runs as root) for a
 * private network namespace, and unshare and ip (util-linux, iproute2) to make one.
 */
export function multicastNamespaceSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'multicast discovery tests need a Linux network namespace';
  if (process.getuid?.() !== 0) {
    return 'multicast discovery tests need root for a network namespace (unshare -n); CI runs them as root';
  }
  for (const tool of ['unshare', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `multicast discovery tests need ${tool} (util-linux, iproute2)`;
    }
  }
  return undefined;
}

/**
 * Runs `node --test <file>` in a fresh network namespace whose loopback carries multicast (lo up, MULTICAST
 * flag on, 224.0.0.0/4 routed to it), so agents on 239.255.2.3:6155 hear each other and nothing leaves the
 * machine or meets another run. Resolves with the exit code and the whole output.
 */
export function runInMulticastNamespace(file: string, timeoutMs = 120_000): Promise<{ code: number; output: string }> {
  const setup = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';
  // node --test marks its children (NODE_TEST_CONTEXT); the re-run is a test run of its own, not one of those.
  const env: NodeJS.ProcessEnv = { ...process.env, [NETNS_ENV]: '1' };
  delete env['NODE_TEST_CONTEXT'];
  return new Promise((resolve) => {
    const child = spawn(
      'unshare',
      ['-n', 'sh', '-c', `${setup} && exec "$0" --enable-source-maps --test "$1"`, process.execPath, file],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal !== null ? 128 : 1), output });
    });
  });
}
