/** Waiting for a broker under test to come up, from outside: its ports, polled. */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once a TCP connection to the port succeeds, polling every 20 ms; throws when `alive` says the broker died. */
export async function waitForPort(port: number, deadline: number, alive: () => void): Promise<void> {
  for (;;) {
    alive();
    const ok = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => {
        s.destroy();
        r(false);
      });
    });
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`port ${port} did not accept connections in time`);
    await sleep(20);
  }
}
