import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBroker, type BrokerProcess } from './harness/broker-process.js';
import { crashSeed, runLines, seededRandom, waitFor } from './harness/child-lines.js';
import { crashClientClasspath } from './harness/java-classes.js';
import { Ledger } from './harness/ledger.js';

/** Transaction size in CrashClient's tx mode: that many sends can be in flight when the broker dies. */
const TX_BATCH = 4;
const JAVA_TIMEOUT_MS = 60_000;

/** Sync sends (alwaysSyncSend) and sync acks (sendAcksAsync=false): every confirmation is a broker answer. */
const openwireUrl = (b: BrokerProcess): string =>
  `tcp://${b.openwire.host}:${b.openwire.port}?jms.sendAcksAsync=false&jms.alwaysSyncSend=true`;

/** Damage other than a torn tail would mean a crash broke something that was already on disk. */
const SERIOUS_DAMAGE = /journal damage: (?!torn-tail)/;

test('SIGKILL during Java client persistent sends and acks loses nothing confirmed', async (t) => {
  const classpath = await crashClientClasspath();
  const seed = crashSeed();
  t.diagnostic(`CRASH_SEED=${seed}`);
  const random = seededRandom(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemq-crash-java-'));
  let broker: BrokerProcess | null = null;
  t.after(async () => {
    await broker?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ledger = new Ledger();
  const onLine = (line: string): void => {
    const [kind, tag, seq] = line.split(' ');
    if (tag === undefined || seq === undefined) return;
    if (kind === 'S') ledger.confirmSend(tag, Number(seq));
    else if (kind === 'G') ledger.received(tag, Number(seq));
    else if (kind === 'A') ledger.confirmAck(tag, Number(seq));
    else if (kind === 'R') ledger.drainedMessage(tag, Number(seq));
  };

  // Three crashes: client-acknowledge, transacted, client-acknowledge; each on its own queue, all drained at
  // the end, so messages left by an early crash must also survive the later restarts.
  const modes = ['client', 'tx', 'client'] as const;
  const queues: string[] = [];
  broker = await startBroker(['--data-dir', dataDir]);
  for (const [round, mode] of modes.entries()) {
    const tag = `java${round}`;
    const queue = `crash.java.${round}`;
    queues.push(queue);
    const before = ledger.confirmedSends;
    const client = runLines(
      'java',
      ['-cp', classpath, 'CrashClient', 'work', openwireUrl(broker), queue, tag, '1000000', mode],
      onLine,
      JAVA_TIMEOUT_MS,
    );
    await waitFor(() => ledger.confirmedSends - before >= 40, `${tag}: 40 confirmed sends`);
    // The kill lands somewhere in the stream of sends and acks.
    await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
    await broker.kill();
    await client.done;
    broker = await startBroker(['--data-dir', dataDir]);
    assert.deepEqual(broker.linesMatching(SERIOUS_DAMAGE), [], `restart ${round + 1} reported damage`);
  }

  const drain = runLines(
    'java',
    ['-cp', classpath, 'CrashClient', 'drain', openwireUrl(broker), queues.join(','), '1500'],
    onLine,
    JAVA_TIMEOUT_MS,
  );
  assert.equal(await drain.done, 0, drain.stderr.text());
  await broker.stop();
  t.diagnostic(
    `confirmed sends ${ledger.confirmedSends}, confirmed acks ${ledger.confirmedAcks}, found after restarts ${ledger.drainedCount}`,
  );
  assert.ok(ledger.confirmedAcks > 0, 'the consumers confirmed some acks before the crashes');
  assert.deepEqual(ledger.violations(TX_BATCH), []);
});
