import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBroker, type BrokerProcess } from './harness/broker-process.js';
import { brokerXml } from './harness/broker-xml.js';
import { waitFor } from './harness/child-lines.js';
import { StompPeer } from './harness/stomp-peer.js';

const BODY = 'd'.repeat(8 * 1024);
const SERIOUS_DAMAGE = /journal damage: (?!torn-tail)/;

/** Mounts a 2 MiB tmpfs; null when this process may not mount (not root, or no CAP_SYS_ADMIN in a container). */
function mountSmallDisk(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e).trim();
  }
}

async function send(peer: StompPeer, queue: string, seq: number): Promise<void> {
  await peer.request('SEND', { destination: `/queue/${queue}`, persistent: 'true', seq: String(seq) }, BODY);
}

test('a real full disk (ENOSPC on a 2 MiB tmpfs): producers get an error, the broker lives on and recovers when space frees', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tidemq-enospc-'));
  const disk = join(root, 'disk');
  mkdirSync(disk);
  const why = mountSmallDisk(disk);
  if (why !== null) {
    rmSync(root, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (${why}); the FakeFileLayer ENOSPC tests in src/store cover the store alone`);
    return;
  }
  let broker: BrokerProcess | null = null;
  t.after(async () => {
    await broker?.kill();
    // The journal's lock helper (flock) lets go of the lock file a moment after the broker dies: until then
    // the mount is busy. Try for a while, then detach it lazily rather than leave it mounted.
    for (let i = 0; ; i++) {
      try {
        execFileSync('umount', [disk], { stdio: 'pipe' });
        break;
      } catch {
        if (i >= 50) {
          execFileSync('umount', ['-l', disk]);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    rmSync(root, { recursive: true, force: true });
  });
  const config = join(root, 'activemq.xml');
  // No storeUsage limit: the disk itself runs out. Small segments so the journal rolls on the small disk.
  writeFileSync(
    config,
    brokerXml({
      directory: join(disk, 'kahadb'),
      kahaDB: { journalMaxFileLength: '128 kb', checkpointInterval: '200' },
    }),
  );
  broker = await startBroker(['--config', config]);
  // Ballast leaves about 300 KiB for the store.
  const ballast = join(disk, 'ballast');
  const free = (): number => {
    const s = statfsSync(disk);
    return s.bavail * s.bsize;
  };
  writeFileSync(ballast, Buffer.alloc(Math.max(0, free() - 300 * 1024)));

  const b = broker;
  let peer = await StompPeer.connect(b.stomp.host, b.stomp.port);
  let sent = 0;
  let error = '';
  for (let seq = 1; seq <= 200; seq++) {
    try {
      await send(peer, 'disk.full', seq);
      sent = seq;
    } catch {
      error = peer.lastError ?? '';
      break;
    }
  }
  peer.close();
  assert.match(error, /no space left on device writing .*db-\d+\.log; the message was not stored/);
  assert.ok(sent > 5, `only ${sent} messages were stored before the disk filled`);
  assert.ok(b.linesMatching(/no space left on device/).length > 0, 'the store logs the ENOSPC');
  assert.equal(b.exited, false, 'the broker keeps running');

  // Space frees: sends resume without a restart.
  rmSync(ballast);
  peer = await StompPeer.connect(b.stomp.host, b.stomp.port);
  t.after(() => peer.close());
  await send(peer, 'disk.full', sent + 1);
  peer.close();

  // A crash now loses nothing that was confirmed and finds no damage beyond a torn tail.
  await b.kill();
  broker = await startBroker(['--config', config]);
  assert.deepEqual(broker.linesMatching(SERIOUS_DAMAGE), []);
  const consumer = await StompPeer.connect(broker.stomp.host, broker.stomp.port);
  t.after(() => consumer.close());
  const got: number[] = [];
  consumer.onMessage = (f) => got.push(Number(f.headers.get('seq')));
  await consumer.request('SUBSCRIBE', { destination: '/queue/disk.full', id: 'c', ack: 'client-individual' });
  await waitFor(() => got.length >= sent + 1, `${sent + 1} messages after the restart`);
  assert.deepEqual(
    got,
    Array.from({ length: sent + 1 }, (_, i) => i + 1),
  );
});
