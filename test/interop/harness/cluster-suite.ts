import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { BrokerKind } from './broker.js';
import { Cluster, type ClusterMember, type MemberSpec } from './cluster.js';
import { buildInteropClasses, type InteropClasses } from './java-build.js';
import { JavaDriver } from './java-driver.js';

/** A bridge the scenarios rely on, `[from, to]`: messages flow from → to when `to` has consumers. */
export type Bridge = readonly [string, string];

/** What a cluster test gets: the running cluster, the Java driver, and a scenario runner that explains failures. */
export interface ClusterRun {
  readonly cluster: Cluster;
  readonly driver: JavaDriver;
  /**
   * Runs a Java scenario (test/interop/java/ClusterScenarios.java) whose broker URL and arguments are the named
   * members' URLs (other arguments as given). Fails at once, without running it, when a bridge in `needs` never
   * carried demand in the readiness probe; either failure carries every member's log tail.
   */
  scenario(
    name: string,
    members: readonly string[],
    needs: readonly Bridge[],
    extra?: readonly string[],
  ): Promise<string>;
  /** The same explanation for a failure the test found itself. */
  explain(err: unknown): Error;
}

const PROBE_TIMEOUT_MS = 60_000;

/**
 * One Java driver for every cluster of a test file (a JVM start per cluster would cost ~1 s each on two shared
 * cores); the file closes it with `after(closeClusterDriver)`.
 */
let shared: Promise<{ classes: InteropClasses; driver: JavaDriver }> | undefined;

function sharedDriver(): Promise<{ classes: InteropClasses; driver: JavaDriver }> {
  shared ??= buildInteropClasses().then((classes) => ({ classes, driver: new JavaDriver(classes.clientClasspath) }));
  return shared;
}

export async function closeClusterDriver(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s !== undefined) await (await s.catch(() => undefined))?.driver.close();
}
const SCENARIO_TIMEOUT_MS = 90_000;

/**
 * A describe() block around one cluster: before() starts its members in parallel and runs the readiness probe
 * (`cluster-await-demand`) over every bridge at once; after() stops everything and removes every directory, even
 * when a test or the start failed. Each test names the bridges it needs; a bridge the probe found down fails those
 * tests at once with the probe's text and the brokers' logs, instead of each scenario waiting for demand.
 */
export function describeCluster(
  title: string,
  kind: BrokerKind,
  specs: readonly MemberSpec[],
  bridges: readonly Bridge[],
  define: (run: () => ClusterRun) => void,
): void {
  // INTEROP_CLUSTER_ONLY=<substring> runs only the clusters whose title holds it (node's --test-name-pattern
  // skips the tests but still runs every cluster's before(), starting all their brokers).
  const only = process.env['INTEROP_CLUSTER_ONLY'];
  if (only !== undefined && only !== '' && !title.includes(only)) {
    void describe.skip(title, () => undefined);
    return;
  }
  describe(title, () => {
    let cluster: Cluster | undefined;
    let driver: JavaDriver | undefined;
    let startError: Error | undefined;
    const down = new Map<string, string>();
    const key = (b: Bridge): string => `${b[0]}>${b[1]}`;

    before(async () => {
      const { classes, driver: d } = await sharedDriver();
      driver = d;
      try {
        cluster = await Cluster.start(classes, specs, kind);
      } catch (err) {
        startError = err as Error;
        return;
      }
      if (bridges.length === 0) return;
      const c = cluster;
      await bridgesEstablished(c);
      const urlBridges = bridges.map(([from, to]) => `${c.url(from)}>${c.url(to)}`);
      try {
        await driver.run('cluster-await-demand', urlBridges, PROBE_TIMEOUT_MS);
      } catch (err) {
        const text = (err as Error).message;
        const listed = /bridges without demand: (\S+);/.exec(text)?.[1]?.split(',') ?? urlBridges;
        for (const b of bridges) {
          if (listed.includes(`${c.url(b[0])}>${c.url(b[1])}`)) down.set(key(b), text.split('\n')[0]!);
        }
      }
    });

    after(async () => {
      await cluster?.stop();
    });

    const explain = (err: unknown): Error => {
      const e = err as Error;
      return new Error(`${e.message}\n=== broker logs ===\n${cluster?.logs() ?? '(no cluster)'}`, { cause: e });
    };

    define(() => {
      if (startError !== undefined) throw startError;
      if (cluster === undefined || driver === undefined) throw new Error('cluster: not started');
      const c = cluster;
      const d = driver;
      return {
        cluster: c,
        driver: d,
        explain,
        async scenario(name, members, needs, extra = []) {
          const missing = needs.filter((b) => down.has(key(b)));
          if (missing.length > 0) {
            throw explain(
              new Error(
                `bridge ${missing.map(key).join(', ')} never carried a consumer's demand ` +
                  `(readiness probe: ${down.get(key(missing[0]!))})`,
              ),
            );
          }
          try {
            return await d.run(name, [...members.map((m) => c.url(m)), ...extra], SCENARIO_TIMEOUT_MS);
          } catch (err) {
            throw explain(err);
          }
        },
      };
    });
  });
}

/**
 * Both brokers log a line when a bridge they opened is up — ActiveMQ "Network connection between vm://A#0 and
 * tcp://… (B) has been established.", TideMQ "Network connection between A and B (tcp://…) has been established." —
 * and the far end of a duplex bridge logs its responder, so the probe waits (up to 15 s) until every member has
 * logged one per bridge it opens and one per duplex bridge that ends at it. Then the probe's
 * consumers are created after the bridges connected: whether a bridge sees consumers that already existed when it
 * connected is the failover scenario's subject, not the probe's. A bridge that is not up in time is left to the
 * probe, which names it.
 */
async function bridgesEstablished(c: Cluster): Promise<void> {
  const established = /Network connection between .* has been established\.?( area=|$)/;
  // The far end of a duplex bridge: ActiveMQ's TransportConnection, TideMQ's responder.
  const responder = /Started responder end of duplex bridge|has been established \(duplex responder\)/;
  const members = [...c.members.values()];
  const responders = new Map<string, number>();
  for (const m of members) {
    for (const nc of m.spec.networkConnectors ?? []) {
      if (nc.attributes?.['duplex'] !== true) continue;
      for (const to of nc.to) responders.set(to, (responders.get(to) ?? 0) + 1);
    }
  }
  const ready = (m: ClusterMember): boolean =>
    m.countLines(established) >= m.bridgeCount && m.countLines(responder) >= (responders.get(m.name) ?? 0);
  const end = Date.now() + 15_000;
  while (Date.now() < end && !members.every(ready)) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A cluster test: runs `body` with the cluster's runner and reports the scenario's summary as a diagnostic. */
export function clusterTest(
  title: string,
  run: () => ClusterRun,
  body: (r: ClusterRun, t: TestContext) => Promise<string | void>,
): void {
  test(title, async (t) => {
    const summary = await body(run(), t);
    if (typeof summary === 'string') t.diagnostic(summary);
  });
}

/** A scratch directory for files a scenario and the test exchange, removed after the test. */
export function signalDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidemq-cluster-signal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Waits until `file` exists, or fails as soon as `scenario` has ended without writing it (its own failure is
 * then the one worth reading).
 */
export async function fileOrScenarioEnd(file: string, scenario: Promise<string>, timeoutMs: number): Promise<void> {
  let ended = false;
  const watched = scenario.then(
    () => {
      ended = true;
    },
    () => {
      ended = true;
    },
  );
  const end = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (ended) {
      await scenario; // rethrows the scenario's failure
      throw new Error(`the scenario ended without writing ${file}`);
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${file}`);
    await Promise.race([watched, new Promise((r) => setTimeout(r, 20))]);
  }
}
