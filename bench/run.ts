/**
 * `npm run bench`: TideMQ and Debian's ActiveMQ 5.17 side by side on this machine. For every scenario and round
 * each broker is started fresh with an equivalent configuration on free 127.0.0.1 ports, driven by the same load
 * generator process, sampled from /proc and stopped; the brokers alternate which goes first from round to round so
 * neither always runs on the cooler (or hotter) machine. Medians and TideMQ/ActiveMQ ratios go to stdout, a JSON
 * summary and an SVG chart to bench/results/.
 *
 * A broker that does not start in time, or a scenario that fails for one broker, becomes a failed row; the run
 * goes on. Every child process has a time limit, so the benchmark never hangs.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activemqLaunch, ensureActiveMQ } from './activemq.js';
import { BrokerProcess, type BrokerLaunch, type BrokerPorts } from './broker-process.js';
import { runGenerator, type GeneratorResult } from './generator.js';
import { buildJavaClient, type JavaClient } from './java-client.js';
import { machine, versions } from './machine.js';
import { parseOptions, usage, type BrokerName, type Options } from './options.js';
import { freePorts } from './ports.js';
import { sampleProcess } from './proc.js';
import { findRepoRoot } from './repo-root.js';
import { ratios, summarize, type RoundResult, type RunResult, type ScenarioResult } from './results.js';
import { formatTable } from './report.js';
import { findScenario, nodeScenarios, scenarios, timeLimits, type Scenario } from './scenarios.js';
import { renderSvg } from './svg.js';
import { settleLoad } from './side-by-side.js';
import { companionCommand, companions, runCompanion } from './suite.js';
import { tidemqLaunch } from './tidemq.js';
import { workloadArgs, type Workload } from './workload.js';

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

/** The Node OpenWire generator (tidemq/client), compiled or through tsx, like the STOMP one. */
function nodeClientGenerator(): { command: string; args: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, 'node-client', 'load.js');
  if (existsSync(js)) return { command: process.execPath, args: [js] };
  return { command: process.execPath, args: ['--import', 'tsx', join(here, 'node-client', 'load.ts')] };
}

/** The Node STOMP generator: the compiled .js beside this file, or the .ts through tsx when run from source. */
function stompGenerator(): { command: string; args: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, 'stomp', 'load.js');
  if (existsSync(js)) return { command: process.execPath, args: [js] };
  return { command: process.execPath, args: ['--import', 'tsx', join(here, 'stomp', 'load.ts')] };
}

interface Context {
  options: Options;
  repoRoot: string;
  resultsDir: string;
  stamp: string;
  java?: JavaClient;
  javaError?: string;
  activemqError?: string;
}

const startTimeoutMs = 60_000;

function makeLaunch(
  ctx: Context,
  s: Scenario,
  broker: BrokerName,
  round: number,
  base: string,
  ports: BrokerPorts,
  needs: readonly string[],
): BrokerLaunch {
  const shape = ctx.options.quick ? s.quick : s.full;
  if (broker === 'activemq') {
    return activemqLaunch(base, { ports, persistent: shape.persistent, dataDir: join(base, 'data') });
  }
  const profile =
    ctx.options.profile && round === 1
      ? { dir: join(ctx.resultsDir, 'profiles'), name: `${ctx.stamp}-${s.name}.cpuprofile` }
      : undefined;
  if (profile !== undefined) mkdirSync(profile.dir, { recursive: true });
  return tidemqLaunch(
    ctx.options.tidemqRoot ?? ctx.repoRoot,
    { ports, persistent: shape.persistent, dataDir: join(base, 'data'), ...(profile ? { profile } : {}) },
    needs,
  );
}

async function runRound(ctx: Context, s: Scenario, broker: BrokerName, round: number): Promise<RoundResult> {
  const empty = emptyRound(round);
  if (s.client === 'jms' && ctx.java === undefined) return { ...empty, error: `Java client: ${ctx.javaError}` };
  if (broker === 'activemq' && ctx.activemqError !== undefined) return { ...empty, error: ctx.activemqError };

  const shape = ctx.options.quick ? s.quick : s.full;
  const limits = timeLimits(ctx.options.quick);
  const workload: Workload = { ...shape, prefix: `bench.${s.name}.r${round}`, ...limits };
  const [openwire, stomp] = await freePorts(2);
  const ports: BrokerPorts = { openwire: openwire!, stomp: stomp! };
  const base = mkdtempSync(join(tmpdir(), `tidemq-bench-${broker}-`));
  const needs = s.client === 'stomp' ? ['stomp'] : ['openwire'];
  let bp: BrokerProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    let launch: BrokerLaunch;
    try {
      launch = makeLaunch(ctx, s, broker, round, base, ports, needs);
    } catch (e) {
      return { ...empty, error: `did not start: ${(e as Error).message}` };
    }
    bp = new BrokerProcess(broker, launch);
    const readyPorts = s.client === 'stomp' ? [ports.stomp] : [ports.openwire];
    try {
      await bp.waitReady(readyPorts, startTimeoutMs, launch.readyWhen);
    } catch (e) {
      return { ...empty, error: `did not start: ${(e as Error).message}` };
    }
    const pid = bp.pid!;
    let peak = 0;
    sampler = setInterval(() => {
      const p = sampleProcess(pid);
      if (p !== undefined) peak = Math.max(peak, p.rssBytes);
    }, 200);
    let baselineRss: number | undefined;
    let idleRss: number | undefined;
    let cpuStart: number | undefined;
    const openwireUrl = `tcp://127.0.0.1:${ports.openwire}${s.urlOptions === undefined ? '' : `?${s.urlOptions}`}`;
    const gen =
      s.client === 'jms'
        ? { command: ctx.java!.command, args: [...ctx.java!.args, '--url', openwireUrl] }
        : s.client === 'node'
          ? (() => {
              const g = nodeClientGenerator();
              return { command: g.command, args: [...g.args, '--url', openwireUrl] };
            })()
          : (() => {
              const g = stompGenerator();
              return { command: g.command, args: [...g.args, '--host', '127.0.0.1', '--port', String(ports.stomp)] };
            })();
    let result: GeneratorResult;
    try {
      result = await runGenerator({
        command: gen.command,
        args: [...gen.args, ...workloadArgs(workload)],
        killAfterMs: workload.timeoutMs + 60_000,
        onPhase: async (name) => {
          // Let the broker settle a moment so the sample is not taken in the middle of handling the last connect.
          if (name === 'idle-open') await new Promise((r) => setTimeout(r, 500));
          const sample = sampleProcess(pid);
          if (name === 'baseline') baselineRss = sample?.rssBytes;
          else if (name === 'idle-open') idleRss = sample?.rssBytes;
          else if (name === 'start') {
            cpuStart = sample?.cpuSeconds;
            peak = Math.max(peak, sample?.rssBytes ?? 0);
          }
        },
      });
    } catch (e) {
      return { ...empty, error: (e as Error).message };
    }
    const end = sampleProcess(pid);
    clearInterval(sampler);
    sampler = undefined;
    if (end !== undefined) peak = Math.max(peak, end.rssBytes);
    const r: RoundResult = {
      round,
      sent: result.sent,
      received: result.received,
      lost: result.lost,
      duplicates: result.duplicates,
      sendRate: result.sendMs > 0 ? (result.sent * 1000) / result.sendMs : 0,
      receiveRate: result.receiveMs > 0 ? (result.received * 1000) / result.receiveMs : 0,
      p50Ms: result.latencyMs.p50,
      p99Ms: result.latencyMs.p99,
      p999Ms: result.latencyMs.p999,
      rssPeakMiB: peak / 2 ** 20,
      cpuSeconds: end !== undefined && cpuStart !== undefined ? end.cpuSeconds - cpuStart : 0,
    };
    if (baselineRss !== undefined && idleRss !== undefined && shape.idleConnections > 0) {
      r.memPerConnectionKiB = (idleRss - baselineRss) / shape.idleConnections / 1024;
    }
    const problems = [...result.errors];
    if (end === undefined) problems.push(`${broker} exited during the scenario\n${bp.tail()}`);
    if (result.lost > 0 || result.duplicates > 0) {
      problems.push(`${result.lost} lost and ${result.duplicates} duplicated messages`);
    }
    if (problems.length > 0) r.error = problems.join('; ');
    return r;
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    await bp?.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

/** A round with nothing measured yet: what a failed or refused round reports. */
function emptyRound(round: number): RoundResult {
  return {
    round,
    sent: 0,
    received: 0,
    lost: 0,
    duplicates: 0,
    sendRate: 0,
    receiveRate: 0,
    p50Ms: 0,
    p99Ms: 0,
    p999Ms: 0,
    rssPeakMiB: 0,
    cpuSeconds: 0,
  };
}

function refusedRound(round: number, load1: number, maxLoad: number): RoundResult {
  return {
    ...emptyRound(round),
    error:
      `refused: the machine is busy (1-minute load average ${load1.toFixed(2)} above --max-load ${maxLoad}); ` +
      'the round was not run (--refuse-busy)',
  };
}

async function runScenario(ctx: Context, s: Scenario): Promise<ScenarioResult> {
  const rounds = new Map<BrokerName, RoundResult[]>(ctx.options.brokers.map((b) => [b, []]));
  const gaveUp = new Set<BrokerName>();
  for (let round = 1; round <= ctx.options.rounds; round++) {
    // Alternate which broker goes first, so drift in the machine's load does not always favour the same one.
    const order = round % 2 === 1 ? ctx.options.brokers : [...ctx.options.brokers].reverse();
    for (const b of order) {
      if (gaveUp.has(b)) continue;
      // The load before the round, as the backlog and flood benches record it: a round started while another job
      // held the cores measured that job too, so it is marked busy (or, with --refuse-busy, not run at all).
      const load = await settleLoad(ctx.options.settleSeconds, ctx.options.maxLoad, (l) =>
        log(
          `${s.name} round ${round}: waiting up to ${ctx.options.settleSeconds} s for load ${l.load1.toFixed(2)} to settle`,
        ),
      );
      log(`${s.name} round ${round}/${ctx.options.rounds}: ${b} (1-minute load ${load.load1.toFixed(2)})`);
      let r: RoundResult;
      if (load.overloaded && ctx.options.refuseBusy) {
        r = refusedRound(round, load.load1, ctx.options.maxLoad);
      } else {
        r = await runRound(ctx, s, b, round);
      }
      r.load1 = load.load1;
      if (load.overloaded) r.busy = true;
      if (r.error !== undefined) log(`${s.name} ${b} round ${round} failed: ${r.error.split('\n')[0]}`);
      else log(`${s.name} ${b}: ${Math.round(r.receiveRate)} msg/s received, p99 ${r.p99Ms.toFixed(2)} ms`);
      rounds.get(b)!.push(r);
      // A broker that cannot start (e.g. a connector it does not have yet) will not start next round either.
      if (r.error?.startsWith('did not start') === true) gaveUp.add(b);
    }
  }
  const brokers: ScenarioResult['brokers'] = {};
  for (const [b, rs] of rounds) brokers[b] = { summary: summarize(rs), rounds: rs };
  return {
    name: s.name,
    title: s.title,
    description: s.description,
    client: s.client,
    brokers,
    ratio: ratios(brokers.tidemq?.summary, brokers.activemq?.summary),
  };
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  if (options.list) {
    for (const s of [...scenarios, ...nodeScenarios]) process.stdout.write(`${s.name.padEnd(26)} ${s.description}\n`);
    return 0;
  }
  const repoRoot = findRepoRoot(import.meta.url);
  const resultsDir = join(repoRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const date = new Date();
  const stamp = date
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const ctx: Context = { options, repoRoot, resultsDir, stamp };

  const selected = options.runScenarios ? options.scenarios.map((n) => findScenario(n)!) : [];
  if (selected.some((s) => s.client === 'jms')) {
    try {
      ctx.java = buildJavaClient(repoRoot);
    } catch (e) {
      ctx.javaError = (e as Error).message;
      log(`the Java JMS generator is unavailable: ${ctx.javaError}`);
    }
  }
  if (options.brokers.includes('activemq')) {
    try {
      ensureActiveMQ(log);
    } catch (e) {
      ctx.activemqError = `ActiveMQ unavailable: ${(e as Error).message}`;
      log(ctx.activemqError);
    }
  }

  const run: RunResult = {
    date: date.toISOString(),
    quick: options.quick,
    rounds: options.rounds,
    machine: machine(),
    versions: versions(options.tidemqRoot ?? repoRoot),
    maxLoad: options.maxLoad,
    scenarios: [],
  };
  for (const s of selected) run.scenarios.push(await runScenario(ctx, s));
  if (selected.length > 0) {
    process.stdout.write(formatTable(run) + '\n');
    const out = resolve(options.out ?? join(resultsDir, `${stamp}${options.quick ? '-quick' : ''}.json`));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(run, null, 2) + '\n');
    // latest.svg is what the README shows; an explicit --out puts the chart beside the JSON instead.
    const svgPath = options.out === undefined ? join(resultsDir, 'latest.svg') : out.replace(/\.json$/, '') + '.svg';
    writeFileSync(svgPath, renderSvg(run, options.brokers));
    log(`wrote ${out} and ${svgPath}`);
  }
  // The companions write their own JSON (deep-backlog, flood) or print only (mqtt, amqp).
  const failedCompanions = await runCompanions(ctx);
  return failedCompanions > 0 ? 1 : 0;
}

/** The stand-alone benches `--suite` names, one after the other (see suite.ts); returns how many failed. */
async function runCompanions(ctx: Context): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  let failed = 0;
  for (const c of companions.filter((x) => ctx.options.companions.includes(x.name))) {
    // The AMQP bench measures one run per invocation: the suite gives it one invocation per round.
    const invocations = c.name === 'amqp' ? ctx.options.rounds : 1;
    for (let i = 1; i <= invocations; i++) {
      const load = await settleLoad(ctx.options.settleSeconds, ctx.options.maxLoad, (l) =>
        log(`${c.name}: waiting up to ${ctx.options.settleSeconds} s for load ${l.load1.toFixed(2)} to settle`),
      );
      const mark = load.overloaded ? ` * busy (above --max-load ${ctx.options.maxLoad})` : '';
      log(`${c.name}${invocations > 1 ? ` round ${i}/${invocations}` : ''} (1-minute load ${load.load1.toFixed(2)})`);
      process.stdout.write(`\n${c.title}${invocations > 1 ? `, round ${i}` : ''}; load ${load.load1}${mark}\n`);
      if (load.overloaded && ctx.options.refuseBusy) {
        process.stdout.write('  refused: the machine is busy (--refuse-busy)\n');
        failed++;
        continue;
      }
      const limitMs = (ctx.options.quick ? 15 : 120) * 60_000;
      const r = await runCompanion(
        companionCommand(here, c, ctx.options.rounds, ctx.options.quick),
        ctx.repoRoot,
        limitMs,
      );
      process.stdout.write(r.stdout.endsWith('\n') || r.stdout === '' ? r.stdout : r.stdout + '\n');
      if (r.code !== 0) {
        failed++;
        process.stdout.write(`  ${c.name} failed: ${r.error ?? `exit code ${String(r.code)}`}\n`);
      }
    }
  }
  return failed;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`bench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
