/** Command-line options of `npm run bench` (node dist/bench/run.js). */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { findScenario, nodeScenarios, scenarios } from './scenarios.js';
import { companionNames, type CompanionName } from './suite.js';

export type BrokerName = 'tidemq' | 'activemq';
export const brokerNames: readonly BrokerName[] = ['tidemq', 'activemq'];

export interface Options {
  scenarios: string[];
  quick: boolean;
  rounds: number;
  brokers: BrokerName[];
  profile: boolean;
  /** Where the JSON summary goes; the SVG is written beside it with the .svg extension. */
  out?: string;
  list: boolean;
  help: boolean;
  /** Also run the node-* variants (TideMQ's Node OpenWire client as a third generator) of the selected scenarios. */
  nodeClient: boolean;
  /**
   * A round that starts with the 1-minute load average above this is "busy": another job shared the machine, so
   * its figures are suspect. Defaults to the core count.
   */
  maxLoad: number;
  /** Refuse busy rounds (recorded as failed, not run) instead of running and marking them. */
  refuseBusy: boolean;
  /** Seconds to wait before a round for the load average to fall to maxLoad (0: start at once). */
  settleSeconds: number;
  /** Whether the scenarios of this harness run (`--suite` without `scenarios` leaves them out). */
  runScenarios: boolean;
  /** The stand-alone side-by-side benches to run after the scenarios (`--suite all` = every one). */
  companions: CompanionName[];
  /** Another built TideMQ checkout to run instead of this one (before/after comparisons of a change). */
  tidemqRoot?: string;
}

export const usage = `usage: npm run bench -- [options]
  --scenarios a,b         run only these scenarios (default: all; see --list)
  --quick                 counts divided by ~20, 1 round unless --rounds is given
  --rounds N              rounds per scenario and broker, brokers alternating (default 3)
  --brokers tidemq,activemq
                          which brokers to run (default both)
  --profile               record a CPU profile of TideMQ (node --cpu-prof) in bench/results/profiles/
  --out FILE.json         where to write the JSON summary (default bench/results/<date>.json)
  --node-client           also run each selected scenario with TideMQ's Node OpenWire client (node-<name>),
                          a third generator next to the Java JMS and Node STOMP ones
  --max-load N            a round that starts with the 1-minute load average above N is marked busy (*)
                          (default: the number of cores)
  --refuse-busy           do not run busy rounds: record them as refused (failed) with the load they saw
  --settle SECONDS        before each round, wait up to SECONDS for the load average to fall to --max-load
                          (the previous round's own load would otherwise mark the next one busy; default 0)
  --suite LIST            scenarios, deep-backlog, flood, mqtt, amqp, or all (default: scenarios): the
                          stand-alone benches run after the scenarios with the same --rounds (--quick: small sizes)
  --tidemq-root DIR       run the TideMQ built in DIR (a checkout after npm run build) instead of this one:
                          the same generators and scenarios against an older build, for before/after figures
  --list                  list the scenarios and exit`;

export function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    scenarios: scenarios.map((s) => s.name),
    quick: false,
    rounds: 0,
    brokers: [...brokerNames],
    profile: false,
    list: false,
    help: false,
    nodeClient: false,
    maxLoad: cpus().length,
    refuseBusy: false,
    settleSeconds: 0,
    runScenarios: true,
    companions: [],
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      return value(i++, flag);
    };
    switch (flag) {
      case '--scenarios': {
        const names = take()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const unknown = names.filter((n) => findScenario(n) === undefined);
        if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')} (see --list)`);
        if (names.length === 0) throw new Error('--scenarios needs at least one name');
        o.scenarios = names;
        break;
      }
      case '--brokers': {
        const names = take()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const bad = names.filter((n) => !brokerNames.includes(n as BrokerName));
        if (bad.length > 0 || names.length === 0)
          throw new Error(`--brokers takes tidemq and/or activemq, not '${bad.join(',')}'`);
        o.brokers = [...new Set(names as BrokerName[])];
        break;
      }
      case '--rounds': {
        const s = take();
        const n = Number(s);
        if (!Number.isInteger(n) || n < 1 || n > 100)
          throw new Error(`--rounds must be an integer from 1 to 100, not ${s}`);
        o.rounds = n;
        break;
      }
      case '--out':
        o.out = take();
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--list':
        o.list = true;
        break;
      case '--max-load': {
        const v = take();
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new Error(`--max-load must be a positive number, not ${v}`);
        o.maxLoad = n;
        break;
      }
      case '--tidemq-root':
        o.tidemqRoot = resolve(take());
        break;
      case '--refuse-busy':
        o.refuseBusy = true;
        break;
      case '--settle': {
        const v = take();
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new Error(`--settle must be a number of seconds, not ${v}`);
        o.settleSeconds = n;
        break;
      }
      case '--suite': {
        const names = take()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const known = ['all', 'scenarios', ...companionNames];
        const bad = names.filter((n) => !known.includes(n));
        if (bad.length > 0 || names.length === 0) {
          throw new Error(`--suite takes ${known.join(', ')}, not '${bad.join(',')}'`);
        }
        const all = names.includes('all');
        o.runScenarios = all || names.includes('scenarios');
        o.companions = companionNames.filter((c) => all || names.includes(c));
        break;
      }
      case '--node-client':
        o.nodeClient = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option ${a}\n${usage}`);
    }
  }
  if (o.rounds === 0) o.rounds = o.quick ? 1 : 3;
  if (o.nodeClient) {
    const extra = nodeScenarios.filter((n) => o.scenarios.includes(n.name.slice('node-'.length))).map((n) => n.name);
    o.scenarios = [...new Set([...o.scenarios, ...extra])];
  }
  return o;
}
