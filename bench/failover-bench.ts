/**
 * Master/slave failover on a shared journal directory, TideMQ next to Debian's ActiveMQ 5.17 with KahaDB
 * (issue 14 items 1 and 3):
 *   npm run bench:failover -- [--rounds 5] [--interval 10000] [--only tidemq|activemq] [--store journal|jdbc]
 *
 * For each broker kind, two instances on one kahaDB directory with `<shared-file-locker
 * lockAcquireSleepInterval=--interval>` (ActiveMQ's default is 10000), the stock Java client sending persistent
 * messages on `failover:(tcp://A,tcp://B)?randomize=false` (test/crash/java/FailoverClient.java), and each round:
 * 200 acknowledged sends, SIGKILL of the master, the killed one restarted as the next slave. Measured per round:
 * kill → the slave's OpenWire connector open ("Connector openwire started" in its log), and kill → the first
 * send the client saw acknowledged after that. After the last round the queue is drained and compared with the
 * acknowledged sends: lost (must be 0) and duplicates. Prints a markdown table.
 *
 * `--store jdbc` runs TideMQ's pair on PostgreSQL instead (one schema, the lease-database-locker, the database
 * named by TIDEMQ_TEST_PG as the tests use it); ActiveMQ's JDBC pair is not run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { activemqLaunch, ensureActiveMQ } from './activemq.js';
import { machine, versions } from './machine.js';
import { freePort } from '../test/interop/harness/free-port.js';
import { superviseBroker } from '../test/ha/harness/ha-broker.js';
import {
  runFailoverRounds,
  tidemqMember,
  type FailoverResult,
  type PairMember,
} from '../test/ha/harness/failover-rounds.js';
import { repoRoot } from '../test/interop/harness/paths.js';
import { jdbcMember } from '../test/ha/harness/jdbc-member.js';
import { testDatabase, type TestDatabase } from '../test/support/pg.js';

interface Options {
  rounds: number;
  interval: number;
  only?: 'tidemq' | 'activemq';
  store: 'journal' | 'jdbc';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 5, interval: 10_000, store: 'journal' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--rounds' && v !== undefined) o.rounds = Number(argv[++i]);
    else if (a === '--interval' && v !== undefined) o.interval = Number(argv[++i]);
    else if (a === '--only' && (v === 'tidemq' || v === 'activemq')) o.only = argv[++i] as Options['only'];
    else if (a === '--store' && (v === 'journal' || v === 'jdbc')) o.store = argv[++i] as Options['store'];
    else throw new Error(`failover-bench: unknown argument ${a}`);
  }
  if (!(o.rounds >= 1) || !(o.interval >= 1)) throw new Error('failover-bench: --rounds and --interval must be >= 1');
  return o;
}

/** Debian's ActiveMQ, its JVM launched directly, the kahaDB directory shared and each instance's data its own. */
const activemqMember: PairMember = {
  label: 'ActiveMQ 5.17',
  async spawn(t, store, name, interval, ports) {
    const p = ports ?? { openwire: await freePort(), stomp: await freePort() };
    const base = join(store.root, `activemq-${name}`);
    mkdirSync(base, { recursive: true });
    const launch = activemqLaunch(base, { ports: p, persistent: true, dataDir: join(base, 'data') });
    // The generated activemq.xml with the shared store and its locker in place of the private kahaDB.
    const xml = join(base, 'conf', 'activemq.xml');
    writeFileSync(
      xml,
      readFileSync(xml, 'utf8').replace(
        /<persistenceAdapter>.*<\/persistenceAdapter>/s,
        `<persistenceAdapter><kahaDB directory="${store.kahadb}"><locker>` +
          `<shared-file-locker lockAcquireSleepInterval="${interval}"/></locker></kahaDB></persistenceAdapter>`,
      ),
    );
    const child = spawn(launch.command, launch.args, { cwd: launch.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    return superviseBroker(t, child, name, p);
  },
  started: /Apache ActiveMQ \S+ \(\S+, ID:[^)]+\) started/,
  slaveWaiting: /This broker is now in slave mode waiting a lock to be acquired/,
  openwireOpen: /Connector openwire started/,
};

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return `${median.toFixed(0)} ms (max ${sorted[sorted.length - 1]!.toFixed(0)})`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const members: PairMember[] = [];
  let db: TestDatabase | null = null;
  if (o.store === 'jdbc') {
    const opened = await testDatabase('failover_bench');
    if (opened.db === null) throw new Error(opened.skip);
    db = opened.db;
    members.push(jdbcMember(db));
  } else if (o.only !== 'activemq') members.push(tidemqMember);
  if (o.only !== 'tidemq' && o.store === 'journal') {
    ensureActiveMQ((l) => console.error(l));
    members.push(activemqMember);
  }
  const results: [PairMember, FailoverResult][] = [];
  for (const m of members) {
    console.error(`${m.label}: ${o.rounds} rounds, lockAcquireSleepInterval ${o.interval} ms`);
    const r = await runFailoverRounds(null, {
      rounds: o.rounds,
      member: m,
      lockAcquireSleepInterval: o.interval,
      log: (l) => console.error(`  ${l}`),
    });
    results.push([m, r]);
  }
  await db?.drop();
  const mc = machine();
  const v = versions(repoRoot());
  console.log(
    `\nFailover on ${o.store === 'jdbc' ? 'one PostgreSQL schema' : 'a shared kahaDB directory'}, ${o.rounds} SIGKILLs of the master, lockAcquireSleepInterval=${o.interval} ms` +
      `\n(${mc.cpu}, ${mc.cores} cores; node ${v.node}, TideMQ ${v.tidemq}, ActiveMQ ${v.activemq}, java ${v.java})\n`,
  );
  console.log(
    '| broker | kill → slave listening (median, max) | kill → first acknowledged send | acknowledged | received | lost | duplicates | failed sends |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [m, r] of results) {
    console.log(
      `| ${m.label} | ${stats(r.rounds.map((x) => x.killToOpenMs))} | ${stats(r.rounds.map((x) => x.killToFirstSendMs))} | ` +
        `${r.acknowledged} | ${r.received} | ${r.lost} | ${r.duplicates} | ${r.failedSends} |`,
    );
  }
  if (results.some(([, r]) => r.lost > 0)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
