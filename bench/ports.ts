/** Free TCP ports on 127.0.0.1, chosen before a broker starts (brokers need fixed ports in their configuration). */
import { createServer, type Server } from 'node:net';

/**
 * Returns `count` distinct free ports. All listeners stay open until every port is known, so the kernel cannot hand
 * the same port out twice; a small race with other processes remains, which the broker start-up check reports.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
      const a = s.address();
      if (a === null || typeof a === 'string') throw new Error('no port assigned');
      ports.push(a.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
