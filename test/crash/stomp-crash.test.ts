import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBroker, type BrokerProcess } from './harness/broker-process.js';
import { crashSeed, seededRandom, waitFor } from './harness/child-lines.js';
import { Ledger } from './harness/ledger.js';
import { StompPeer } from './harness/stomp-peer.js';

/** The consumer's prefetch: at most this many pipelined ACKs can be in doubt when the broker dies. */
const PREFETCH = 8;
const PRODUCERS = 3;
const SERIOUS_DAMAGE = /journal damage: (?!torn-tail)/;

/** One producer: persistent SENDs, each waiting for its RECEIPT before the next (a sync send). */
async function produce(peer: StompPeer, queue: string, tag: string, ledger: Ledger): Promise<void> {
  for (let seq = 1; ; seq++) {
    try {
      await peer.request(
        'SEND',
        { destination: `/queue/${queue}`, persistent: 'true', tag, seq: String(seq) },
        `${tag}:${seq}`,
      );
    } catch {
      return; // the broker died; this send stays unconfirmed
    }
    ledger.confirmSend(tag, seq);
  }
}

/** A client-individual consumer whose ACKs carry receipts and are pipelined up to the prefetch. */
function consume(peer: StompPeer, queue: string, ledger: Ledger): void {
  peer.onMessage = (f) => {
    const tag = f.headers.get('tag') ?? '?';
    const seq = Number(f.headers.get('seq'));
    ledger.received(tag, seq);
    peer.request('ACK', { id: f.headers.get('ack') ?? '' }).then(
      () => ledger.confirmAck(tag, seq),
      () => {},
    );
  };
  peer.post('SUBSCRIBE', {
    destination: `/queue/${queue}`,
    id: 'crash',
    ack: 'client-individual',
    'activemq.prefetchSize': String(PREFETCH),
  });
}

/** Reads every queue to the end without acknowledging: what survived the restarts. */
async function drain(broker: BrokerProcess, queues: readonly string[], ledger: Ledger): Promise<void> {
  const peer = await StompPeer.connect(broker.stomp.host, broker.stomp.port);
  try {
    for (const [i, queue] of queues.entries()) {
      let last = Date.now();
      peer.onMessage = (f) => {
        last = Date.now();
        ledger.drainedMessage(f.headers.get('tag') ?? '?', Number(f.headers.get('seq')));
      };
      await peer.request('SUBSCRIBE', { destination: `/queue/${queue}`, id: `d${i}`, ack: 'client-individual' });
      await waitFor(() => Date.now() - last > 1000, `${queue} to go quiet`);
      await peer.request('UNSUBSCRIBE', { id: `d${i}` });
    }
  } finally {
    peer.close();
  }
}

test('SIGKILL during STOMP persistent SENDs and ACKs with receipts loses nothing confirmed', async (t) => {
  const seed = crashSeed();
  t.diagnostic(`CRASH_SEED=${seed}`);
  const random = seededRandom(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemq-crash-stomp-'));
  let broker: BrokerProcess | null = null;
  const peers: StompPeer[] = [];
  t.after(async () => {
    for (const p of peers) p.close();
    await broker?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ledger = new Ledger();
  const queues: string[] = [];
  broker = await startBroker(['--data-dir', dataDir]);
  for (let round = 0; round < 3; round++) {
    const queue = `crash.stomp.${round}`;
    queues.push(queue);
    const connect = () => StompPeer.connect(broker!.stomp.host, broker!.stomp.port);
    const consumer = await connect();
    peers.push(consumer);
    consume(consumer, queue, ledger);
    const producing: Promise<void>[] = [];
    for (let p = 1; p <= PRODUCERS; p++) {
      const peer = await connect();
      peers.push(peer);
      producing.push(produce(peer, queue, `stomp${round}-${p}`, ledger));
    }
    const before = ledger.confirmedSends;
    await waitFor(() => ledger.confirmedSends - before >= 60, `round ${round}: 60 confirmed sends`);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
    await broker.kill();
    await Promise.all(producing);
    broker = await startBroker(['--data-dir', dataDir]);
    assert.deepEqual(broker.linesMatching(SERIOUS_DAMAGE), [], `restart ${round + 1} reported damage`);
  }

  await drain(broker, queues, ledger);
  await broker.stop();
  t.diagnostic(
    `confirmed sends ${ledger.confirmedSends}, confirmed acks ${ledger.confirmedAcks}, found after restarts ${ledger.drainedCount}`,
  );
  assert.ok(ledger.confirmedAcks > 0, 'the consumer confirmed some acks before the crashes');
  assert.deepEqual(ledger.violations(PREFETCH), []);
});
