/**
 * SIGKILL while a durable subscription's backlog is paged in from the store (the durable cursor of the memory
 * issue): a memoryUsage far below the backlog, STOMP producers with receipts, a durable subscriber that
 * reconnects each round and acknowledges with receipts. Every confirmed send must be delivered or still be
 * there at the end, no confirmed ack may come back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBroker, type BrokerProcess } from './harness/broker-process.js';
import { brokerXml } from './harness/broker-xml.js';
import { crashSeed, seededRandom, waitFor } from './harness/child-lines.js';
import { Ledger } from './harness/ledger.js';
import { StompPeer } from './harness/stomp-peer.js';

const PREFETCH = 8;
const PRODUCERS = 3;
const TOPIC = '/topic/crash.durable';
/** 4 KiB bodies: a few hundred messages are well beyond the 512 KiB memoryUsage, so the cursor pages. */
const BODY = 'd'.repeat(4096);
const SUBSCRIBER = { 'client-id': 'crash-durable' };
const SERIOUS_DAMAGE = /journal damage: (?!torn-tail)/;

async function produce(peer: StompPeer, tag: string, ledger: Ledger): Promise<void> {
  for (let seq = 1; ; seq++) {
    try {
      await peer.request('SEND', { destination: TOPIC, persistent: 'true', tag, seq: String(seq) }, BODY);
    } catch {
      return; // the broker died; this send stays unconfirmed
    }
    ledger.confirmSend(tag, seq);
  }
}

async function subscribe(broker: BrokerProcess, ledger: Ledger, ack: boolean): Promise<StompPeer> {
  const peer = await StompPeer.connect(broker.stomp.host, broker.stomp.port, SUBSCRIBER);
  peer.onMessage = (f) => {
    const tag = f.headers.get('tag') ?? '?';
    const seq = Number(f.headers.get('seq'));
    if (!ack) {
      ledger.drainedMessage(tag, seq);
      return;
    }
    ledger.received(tag, seq);
    peer.request('ACK', { id: f.headers.get('ack') ?? '' }).then(
      () => ledger.confirmAck(tag, seq),
      () => {},
    );
  };
  // Draining reads everything left, consuming it as it goes (a prefetch window without acks would stop it).
  peer.post('SUBSCRIBE', {
    destination: TOPIC,
    id: 'durable',
    'activemq.subscriptionName': 'crash',
    ...(ack ? { ack: 'client-individual', 'activemq.prefetchSize': String(PREFETCH) } : { ack: 'auto' }),
  });
  return peer;
}

test('SIGKILL while a durable subscription pages its backlog in from the store loses nothing confirmed', async (t) => {
  const seed = crashSeed();
  t.diagnostic(`CRASH_SEED=${seed}`);
  const random = seededRandom(seed);
  const dir = mkdtempSync(join(tmpdir(), 'tidemq-crash-durable-'));
  const config = join(dir, 'activemq.xml');
  writeFileSync(config, brokerXml({ directory: join(dir, 'kahadb'), memoryLimit: '512 kb' }));
  let broker = await startBroker(['--config', config]);
  const peers: StompPeer[] = [];
  t.after(async () => {
    for (const p of peers) p.close();
    await broker.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const ledger = new Ledger();
  // The subscription exists before anything is sent, then goes offline.
  (await subscribe(broker, ledger, true)).close();
  for (let round = 0; round < 3; round++) {
    const producing: Promise<void>[] = [];
    for (let p = 1; p <= PRODUCERS; p++) {
      const peer = await StompPeer.connect(broker.stomp.host, broker.stomp.port);
      peers.push(peer);
      producing.push(produce(peer, `durable${round}-${p}`, ledger));
    }
    const sent = ledger.confirmedSends;
    await waitFor(() => ledger.confirmedSends - sent >= 300, `round ${round}: 300 confirmed sends`, 60_000);
    // The backlog is on disk now; the subscriber comes back and the cursor pages it in while it acks.
    peers.push(await subscribe(broker, ledger, true));
    const acked = ledger.confirmedAcks;
    await waitFor(() => ledger.confirmedAcks - acked >= 50, `round ${round}: 50 confirmed acks`, 60_000);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
    await broker.kill();
    await Promise.all(producing);
    for (const p of peers.splice(0)) p.close();
    broker = await startBroker(['--config', config]);
    assert.deepEqual(broker.linesMatching(SERIOUS_DAMAGE), [], `restart ${round + 1} reported damage`);
  }

  // What is left comes back, in order per producer, without acknowledging it.
  let last = Date.now();
  const drainer = await subscribe(broker, ledger, false);
  peers.push(drainer);
  const count = () => ledger.drainedCount;
  let seen = -1;
  await waitFor(
    () => {
      if (count() !== seen) {
        seen = count();
        last = Date.now();
      }
      return Date.now() - last > 1500;
    },
    'the durable subscription to go quiet',
    120_000,
  );
  await broker.stop();
  t.diagnostic(
    `confirmed sends ${ledger.confirmedSends}, confirmed acks ${ledger.confirmedAcks}, left after restarts ${ledger.drainedCount}`,
  );
  assert.ok(ledger.confirmedAcks > 0);
  // A producer's messages can be in doubt at two kills: as they were sent, and again as they were paged in.
  assert.deepEqual(ledger.violations(PREFETCH * 2), []);
});
