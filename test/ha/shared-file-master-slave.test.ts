import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '../crash/harness/child-lines.js';
import { StompPeer } from '../crash/harness/stomp-peer.js';
import { canConnect } from '../interop/harness/free-port.js';
import {
  LOCK_LOST,
  NOW_MASTER,
  OPENWIRE_OPEN,
  SLAVE_WAITING,
  STARTED,
  sharedStore,
  spawnHaBroker,
  type HaBroker,
} from './harness/ha-broker.js';

/**
 * Master/slave on one journal directory with real `tidemq start` processes (docs/high-availability.md): the
 * slave waits with its connectors closed, takes over when the master dies, and serves what the master
 * acknowledged; a frozen master keeps its lock; failIfLocked; a lost lock stops the master.
 */

const HOST = '127.0.0.1';
/** Short, so a slave re-reads the holder often; the OS lock itself hands over at once. */
const INTERVAL = 300;

/** Sends `count` persistent messages over STOMP, each confirmed by a receipt; returns the confirmed bodies. */
async function sendConfirmed(b: HaBroker, queue: string, count: number, tag: string): Promise<string[]> {
  const peer = await StompPeer.connect(HOST, b.stompPort);
  const bodies = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  await Promise.all(
    bodies.map((body) => peer.request('SEND', { destination: `/queue/${queue}`, persistent: 'true' }, body)),
  );
  peer.close();
  return bodies;
}

/** Receives until `want` bodies arrived (client-individual acks, confirmed). */
async function receiveAll(b: HaBroker, queue: string, want: number): Promise<string[]> {
  const peer = await StompPeer.connect(HOST, b.stompPort);
  const got: string[] = [];
  peer.onMessage = (f) => {
    got.push(f.body.toString('utf8'));
    peer.post('ACK', { id: f.headers.get('ack') ?? '' });
  };
  peer.post('SUBSCRIBE', { destination: `/queue/${queue}`, id: 's', ack: 'client-individual' });
  await waitFor(() => got.length >= want, `${want} messages from ${b.name}`, 20_000);
  peer.close();
  return got;
}

describe('shared-file master/slave (two tidemq processes, one journal directory)', () => {
  it('the slave waits with its connectors closed; SIGKILL of the master hands over everything acknowledged', async (t) => {
    const store = sharedStore(t);
    const a = await spawnHaBroker(t, store, 'a', { lockAcquireSleepInterval: INTERVAL });
    await a.waitLine(STARTED);
    const b = await spawnHaBroker(t, store, 'b', { lockAcquireSleepInterval: INTERVAL });
    await b.waitLine(SLAVE_WAITING);
    assert.match(b.output.text(), /Database \S+kahadb\/lock is locked by another server/);
    assert.match(b.output.text(), new RegExp(`process ${a.pid}`), 'the slave names the holder');
    assert.equal(await canConnect(HOST, b.openwirePort), false, "the slave's OpenWire connector is closed");
    assert.equal(await canConnect(HOST, b.stompPort), false, "the slave's STOMP connector is closed");

    const sent = await sendConfirmed(a, 'ha.kill', 200, 'k');
    const killedAt = performance.now();
    await a.kill();
    const openAt = await b.waitLine(OPENWIRE_OPEN);
    await b.waitLine(STARTED);
    t.diagnostic(`SIGKILL of the master -> slave's OpenWire connector open: ${(openAt - killedAt).toFixed(0)} ms`);
    assert.ok(b.lineAt(NOW_MASTER)! < openAt, 'master before any connector opens');
    const got = await receiveAll(b, 'ha.kill', sent.length);
    assert.deepEqual([...got].sort(), [...sent].sort());
    assert.equal(await b.stop(), 0);
  });

  it('a SIGSTOPped master keeps the lock: the slave keeps waiting, and takes over at its clean stop', async (t) => {
    const store = sharedStore(t);
    const a = await spawnHaBroker(t, store, 'a', { lockAcquireSleepInterval: INTERVAL });
    await a.waitLine(STARTED);
    const b = await spawnHaBroker(t, store, 'b', { lockAcquireSleepInterval: INTERVAL });
    await b.waitLine(SLAVE_WAITING);
    a.signal('SIGSTOP');
    // Several acquire intervals: a lease would have expired by now; the OS lock has not.
    await new Promise((r) => setTimeout(r, INTERVAL * 6));
    assert.equal(b.lineAt(NOW_MASTER), undefined, b.output.text());
    assert.equal(await canConnect(HOST, b.stompPort), false);
    a.signal('SIGCONT');
    const sent = await sendConfirmed(a, 'ha.stop', 20, 's');
    assert.equal(await a.stop(), 0);
    await b.waitLine(STARTED);
    assert.deepEqual((await receiveAll(b, 'ha.stop', sent.length)).sort(), [...sent].sort());
    assert.equal(await b.stop(), 0);
  });

  it('failIfLocked: the second broker refuses to start, naming the store and its holder', async (t) => {
    const store = sharedStore(t);
    const a = await spawnHaBroker(t, store, 'a');
    await a.waitLine(STARTED);
    const b = await spawnHaBroker(t, store, 'b', { failIfLocked: true });
    assert.equal(await b.exit, 1);
    assert.match(b.output.text(), new RegExp(`Persistent store \\S+kahadb is locked by process ${a.pid} on \\S+`));
    assert.equal(b.lineAt(OPENWIRE_OPEN), undefined);
  });

  it('SIGTERM stops a waiting slave cleanly', async (t) => {
    const store = sharedStore(t);
    const a = await spawnHaBroker(t, store, 'a');
    await a.waitLine(STARTED);
    const b = await spawnHaBroker(t, store, 'b');
    await b.waitLine(SLAVE_WAITING);
    assert.equal(await b.stop(), 0);
    assert.match(b.output.text(), /stopped while it was a slave waiting for the store's lock/);
  });

  it("a master whose lock file is deleted stops within lockKeepAlivePeriod with ActiveMQ's error", async (t) => {
    const store = sharedStore(t);
    const a = await spawnHaBroker(t, store, 'a', { lockKeepAlivePeriod: 200 });
    await a.waitLine(STARTED);
    rmSync(join(store.kahadb, 'lock'));
    await a.waitLine(LOCK_LOST, 10_000);
    assert.equal(await a.exit, 1);
    assert.match(a.output.text(), /crash, no longer able to keep the exclusive lock so giving up being a master/);
  });
});
