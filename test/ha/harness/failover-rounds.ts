import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runLines, waitFor, type LineChild } from '../../crash/harness/child-lines.js';
import { crashClientClasspath } from '../../crash/harness/java-classes.js';
import { OPENWIRE_OPEN, SLAVE_WAITING, STARTED, sharedStore, spawnHaBroker, type HaBroker } from './ha-broker.js';

/**
 * Item 3 of issue 14, shared by test/ha/failover-java.test.ts (one round) and bench/failover-bench.ts (several):
 * a master and a slave on one journal directory, the stock Java client sending persistent messages on
 * `failover:(tcp://A,tcp://B)?randomize=false` (the seed's URL with both brokers), the master SIGKILLed each
 * round and restarted as the next slave. Afterwards everything is drained from the last master and compared
 * with the sends the client saw acknowledged.
 */

export interface FailoverRound {
  /** SIGKILL of the master → the slave's OpenWire connector listening (its "Connector openwire started" line). */
  readonly killToOpenMs: number;
  /** SIGKILL → the first send the client saw acknowledged after the slave opened. */
  readonly killToFirstSendMs: number;
}

export interface FailoverResult {
  readonly rounds: FailoverRound[];
  /** Sends the client saw acknowledged. */
  readonly acknowledged: number;
  /** Sends that failed with an exception (the failover transport should hide the kill: expected 0). */
  readonly failedSends: number;
  /** Messages drained after the last round. */
  readonly received: number;
  /** Acknowledged sends never received: must be 0. */
  readonly lost: number;
  /** Messages received more than once (a send resent by the failover transport after the kill). */
  readonly duplicates: number;
  /** Messages received that the client never saw acknowledged (sent as the master died, stored anyway). */
  readonly unacknowledgedButStored: number;
}

/** How to run one kind of broker as a member of the pair, and the log lines that say where it is. */
export interface PairMember {
  readonly label: string;
  spawn(
    t: TestContext | null,
    store: { root: string; kahadb: string },
    name: string,
    lockAcquireSleepInterval: number,
    ports?: { openwire: number; stomp: number },
  ): Promise<HaBroker>;
  readonly started: RegExp;
  readonly slaveWaiting: RegExp;
  readonly openwireOpen: RegExp;
}

/** TideMQ: `tidemq start --config` on a generated activemq.xml. */
export const tidemqMember: PairMember = {
  label: 'TideMQ',
  spawn: (t, store, name, lockAcquireSleepInterval, ports) =>
    spawnHaBroker(t, store, name, { lockAcquireSleepInterval, ...(ports ? { ports } : {}) }),
  started: STARTED,
  slaveWaiting: SLAVE_WAITING,
  openwireOpen: OPENWIRE_OPEN,
};

export interface FailoverOptions {
  readonly rounds: number;
  /** The brokers (default TideMQ). */
  readonly member?: PairMember;
  /** Acknowledged sends before each kill. */
  readonly sendsPerRound?: number;
  readonly lockAcquireSleepInterval?: number;
  /** Diagnostics (t.diagnostic or console.log). */
  readonly log?: (line: string) => void;
}

const JAVA_TIMEOUT_MS = 5 * 60_000;

export async function runFailoverRounds(t: TestContext | null, o: FailoverOptions): Promise<FailoverResult> {
  const classpath = await crashClientClasspath();
  const store = sharedStore(t);
  const interval = o.lockAcquireSleepInterval ?? 1000;
  const perRound = o.sendsPerRound ?? 200;
  const brokers: HaBroker[] = [];
  let sender: LineChild | undefined;
  const m = o.member ?? tidemqMember;
  const spawn = async (name: string, ports?: { openwire: number; stomp: number }): Promise<HaBroker> => {
    const b = await m.spawn(t, store, name, interval, ports);
    brokers.push(b);
    return b;
  };
  try {
    let master = await spawn('a');
    await master.waitLine(m.started, 120_000);
    let slave = await spawn('b');
    await slave.waitLine(m.slaveWaiting, 120_000);
    const url = `failover:(tcp://127.0.0.1:${master.openwirePort},tcp://127.0.0.1:${slave.openwirePort})?randomize=false`;
    const queue = 'ha.failover';
    const stopFile = join(store.root, 'stop-sending');
    const acknowledged = new Set<number>();
    const ackTimes: number[] = [];
    let failedSends = 0;
    sender = runLines(
      'java',
      ['-cp', classpath, 'FailoverClient', 'send', url, queue, stopFile],
      (line) => {
        if (line.startsWith('S ')) {
          acknowledged.add(Number(line.slice(2)));
          ackTimes.push(performance.now());
        } else if (line.startsWith('X ')) {
          failedSends++;
          o.log?.(`send failed: ${line}`);
        }
      },
      JAVA_TIMEOUT_MS,
    );
    const rounds: FailoverRound[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const before = ackTimes.length;
      await waitFor(() => ackTimes.length - before >= perRound, `${perRound} acknowledged sends`, 60_000);
      const killedAt = performance.now();
      await master.kill();
      const openAt = await slave.waitLine(m.openwireOpen, 120_000);
      await waitFor(() => ackTimes.some((at) => at > openAt), 'a send acknowledged by the new master', 60_000);
      const firstSend = ackTimes.find((at) => at > openAt)!;
      const r = { killToOpenMs: openAt - killedAt, killToFirstSendMs: firstSend - killedAt };
      rounds.push(r);
      o.log?.(
        `round ${round + 1}: kill -> slave open ${r.killToOpenMs.toFixed(0)} ms, kill -> first acknowledged send ${r.killToFirstSendMs.toFixed(0)} ms`,
      );
      // The killed master comes back as the next slave, on its old ports (the client's URL names them).
      const next = await spawn(master.name, { openwire: master.openwirePort, stomp: master.stompPort });
      await next.waitLine(m.slaveWaiting, 120_000);
      [master, slave] = [slave, next];
    }
    const before = ackTimes.length;
    await waitFor(() => ackTimes.length - before >= 20, 'sends after the last round', 60_000);
    writeFileSync(stopFile, '');
    const code = await sender.done;
    if (code !== 0) throw new Error(`FailoverClient send exited with ${code}\n${sender.stderr.text()}`);
    const received = new Map<number, number>();
    const drain = runLines(
      'java',
      ['-cp', classpath, 'FailoverClient', 'drain', `tcp://127.0.0.1:${master.openwirePort}`, queue, '2000'],
      (line) => {
        if (line.startsWith('R ')) {
          const seq = Number(line.slice(2));
          received.set(seq, (received.get(seq) ?? 0) + 1);
        }
      },
      JAVA_TIMEOUT_MS,
    );
    const drained = await drain.done;
    if (drained !== 0) throw new Error(`FailoverClient drain exited with ${drained}\n${drain.stderr.text()}`);
    let lost = 0;
    for (const seq of acknowledged) if (!received.has(seq)) lost++;
    let duplicates = 0;
    let total = 0;
    let extra = 0;
    for (const [seq, n] of received) {
      total += n;
      duplicates += n - 1;
      if (!acknowledged.has(seq)) extra++;
    }
    return {
      rounds,
      acknowledged: acknowledged.size,
      failedSends,
      received: total,
      lost,
      duplicates,
      unacknowledgedButStored: extra,
    };
  } catch (e) {
    // What the brokers said is what explains a failed round.
    const logs = brokers.map((b) => `--- ${b.name} (pid ${b.pid})\n${b.output.text()}`).join('\n');
    throw new Error(`${(e as Error).message}\n${logs}`, { cause: e });
  } finally {
    sender?.kill();
    if (t === null) {
      for (const b of brokers) await b.kill();
      rmSync(store.root, { recursive: true, force: true });
    }
  }
}
