/**
 * How fast multicast discovery and cluster updates react (docs/clustering.md), on real sockets:
 *
 *   npm run build && node dist/bench/discovery-bench.js [rounds]
 *
 * Run as root: the multicast part re-runs this file in a network namespace whose loopback carries multicast
 * (as test/network/multicast-discovery.test.ts does). Prints one JSON line per measurement (ms).
 */
import { createSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Connection } from '../src/client/index.js';
import type { DiscoveredService } from '../src/network/discovery/discovery-agent.js';
import { MulticastDiscoveryAgent } from '../src/network/discovery/multicast-discovery-agent.js';
import { parseMulticastDiscoveryUri } from '../src/network/discovery/multicast-options.js';
import { startTestBroker, waitFor } from '../test/support/client/broker.js';
import { connectAsNetworkPeer, startClusterBroker } from '../test/support/client/cluster-peer.js';
import { NETNS_ENV, inMulticastNamespace } from '../test/support/net/multicast-netns.js';

const rounds = Number(process.argv[2] ?? 20);

function summary(name: string, samples: number[]): void {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q: number): number => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
  console.log(JSON.stringify({ measure: name, rounds: s.length, median: pick(0.5), p90: pick(0.9), max: pick(1) }));
}

function agent(name: string, service: string | null, uri = 'multicast://default'): MulticastDiscoveryAgent {
  const a = new MulticastDiscoveryAgent(parseMulticastDiscoveryUri(uri), { brokerName: name });
  if (service !== null) a.registerService(service);
  return a;
}

function when(a: MulticastDiscoveryAgent, event: 'serviceAdd' | 'serviceRemove', uri: string): Promise<number> {
  return new Promise((resolve) => {
    const on = (s: DiscoveredService): void => {
      if (s.uri !== uri) return;
      a.off(event, on);
      resolve(performance.now());
    };
    a.on(event, on);
  });
}

async function multicast(): Promise<void> {
  const a = agent('A', 'tcp://10.2.0.1:61616');
  await a.start();
  const found: number[] = [];
  const gone: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const uri = `tcp://10.2.0.2:${61000 + i}`;
    const b = agent('B', uri);
    const added = when(a, 'serviceAdd', uri);
    const removed = when(a, 'serviceRemove', uri);
    const t0 = performance.now();
    await b.start();
    found.push((await added) - t0);
    const t1 = performance.now();
    await b.stop();
    gone.push((await removed) - t1);
  }
  summary('discovered after start (keepAliveInterval 500)', found);
  summary('removed after stop (dead datagram)', gone);
  const expired: number[] = [];
  const raw = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((r) => raw.bind(0, r));
  for (let i = 0; i < 3; i++) {
    const uri = `tcp://10.2.0.3:${62000 + i}`;
    const removed = when(a, 'serviceRemove', uri);
    const t0 = performance.now();
    raw.send(`default.ActiveMQ-4.alive.%silent%${uri}`, 6155, '239.255.2.3');
    expired.push((await removed) - t0);
  }
  raw.close();
  summary('silent service expired (keepAliveInterval 500 x 10)', expired);
  await a.stop();
}

async function rebalance(): Promise<void> {
  const moved: number[] = [];
  for (let i = 0; i < Math.min(rounds, 10); i++) {
    const a = await startClusterBroker({ updateClusterClients: true, rebalanceClusterClients: true });
    const b = await startTestBroker({ name: 'B' });
    const first = await Connection.connect(`failover:(${a.url})?randomize=false&initialReconnectDelay=10`, {
      manageable: true,
    });
    const second = await Connection.connect(`failover:(${a.url})?randomize=false&initialReconnectDelay=10`, {
      manageable: true,
    });
    const t0 = performance.now();
    const peer = await connectAsNetworkPeer(a.url, 'B', b.url);
    await waitFor(() => second.connectedUri === b.url, 'rebalanced');
    moved.push(performance.now() - t0);
    for (const c of [peer, first, second]) await c.close();
    await a.stop();
    await b.stop();
  }
  summary('Node failover client moved by rebalanceClusterClients after the peer joined', moved);
}

if (inMulticastNamespace()) {
  // The agents' socket and timers do not hold the process open (as ActiveMQ's daemon threads); this does.
  const hold = setInterval(() => {}, 1000);
  await multicast();
  clearInterval(hold);
} else {
  await rebalance();
  if (process.getuid?.() === 0) {
    const setup = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';
    const file = fileURLToPath(import.meta.url);
    const r = spawnSync(
      'unshare',
      ['-n', 'sh', '-c', `${setup} && exec "$0" "$1" "$2"`, process.execPath, file, String(rounds)],
      {
        stdio: 'inherit',
        env: { ...process.env, [NETNS_ENV]: '1' },
      },
    );
    process.exitCode = r.status ?? 1;
  } else {
    console.log(JSON.stringify({ skipped: 'multicast measurements need root for a network namespace' }));
  }
}
