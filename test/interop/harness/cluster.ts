import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerKind } from './broker.js';
import { clusterXml, type MemberXml } from './cluster-xml.js';
import { freePort } from './free-port.js';
import type { InteropClasses } from './java-build.js';
import { startXmlBroker, type XmlBroker } from './xml-broker.js';

/**
 * A network of brokers for the cluster suite (test/interop/cluster.test.ts): N brokers, each TideMQ or Debian's
 * ActiveMQ 5.17, each with its own activemq.xml from cluster-xml.ts. Every OpenWire port is chosen before any
 * broker starts, because a broker's <networkConnector> names its peers' ports; the brokers then start in
 * parallel (a bridge whose peer is not up yet retries, as ActiveMQ's static: discovery does). A member can be
 * SIGKILLed and restarted on the same port and store; stop() ends every broker and removes every directory,
 * whatever state a failed test left.
 */

/** One `<networkConnector>` of a member: a static: bridge to other members of the cluster. */
export interface NetworkConnectorSpec {
  /** The members this connector bridges to: `static:(tcp://127.0.0.1:<port>,…)`. */
  readonly to: readonly string[];
  /** The connector's name (default `<from>-to-<to…>`; ActiveMQ derives the bridge's client ids from it). */
  readonly name?: string;
  /** `<networkConnector>` attributes: duplex, networkTTL, conduitSubscriptions, … */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Options of the static: URI. Default: reconnect after 250 ms, at most every 1 s, so a bridge whose peer starts
   * later or restarts comes up within a second instead of ActiveMQ's default back-off up to 30 s.
   */
  readonly uriOptions?: Readonly<Record<string, string | number | boolean>>;
  /** Raw child elements of the `<networkConnector>`, e.g. `<dynamicallyIncludedDestinations>…`. */
  readonly children?: string;
}

export interface MemberSpec {
  /** The broker's name (brokerName=…); unique in the cluster. */
  readonly name: string;
  /** Default: the cluster's kind (INTEROP_BROKER for the suite). */
  readonly kind?: BrokerKind;
  readonly networkConnectors?: readonly NetworkConnectorSpec[];
  /** `<policyEntry …/>` elements placed in the broker's policyMap. */
  readonly policyEntries?: string;
}

export const DEFAULT_RECONNECT = { initialReconnectDelay: 250, maxReconnectDelay: 1000, useExponentialBackOff: false };

export class ClusterMember {
  private broker: XmlBroker | undefined;
  /** Every incarnation of this broker, restarts included: their output explains a failure. */
  private readonly incarnations: XmlBroker[] = [];

  constructor(
    readonly spec: MemberSpec,
    readonly kind: BrokerKind,
    readonly openwirePort: number,
    readonly dataDir: string,
    private readonly xml: MemberXml,
    private readonly classes: InteropClasses,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.openwirePort}`;
  }

  get running(): boolean {
    return this.broker !== undefined;
  }

  async start(): Promise<void> {
    if (this.broker !== undefined) throw new Error(`cluster: ${this.name} is already running`);
    const broker = await startXmlBroker(
      this.kind,
      this.classes,
      ['openwire'],
      (ports, dataDir) => clusterXml(this.xml, ports['openwire']!, dataDir),
      { ports: { openwire: this.openwirePort }, dataDir: this.dataDir },
    ).catch((err: Error) => {
      throw new Error(`cluster: ${this.name} (${this.kind}) did not start: ${err.message}`, { cause: err });
    });
    this.broker = broker;
    this.incarnations.push(broker);
  }

  /** SIGKILL: the broker gets no chance to close anything; its store stays for restart(). */
  async kill(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.kill();
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.stop();
  }

  /** How many lines the running incarnation printed that match `re` (0 when it is not running). */
  countLines(re: RegExp): number {
    return this.broker?.output.filter((line) => re.test(line)).length ?? 0;
  }

  /** How many bridges this member's networkConnectors open (one per peer URI). */
  get bridgeCount(): number {
    return (this.spec.networkConnectors ?? []).reduce((n, nc) => n + nc.to.length, 0);
  }

  /** The last lines this broker printed (every incarnation), for a failure message. */
  tail(lines = 40): string {
    const all = this.incarnations.flatMap((b, i) =>
      i === 0 ? [...b.output] : [`--- ${this.name} restarted ---`, ...b.output],
    );
    return all.slice(-lines).join('\n');
  }
}

export class Cluster {
  private constructor(
    readonly members: ReadonlyMap<string, ClusterMember>,
    private readonly root: string,
  ) {}

  /**
   * Starts every member in parallel. If one fails to start, the others are stopped and everything is removed
   * before the error is thrown.
   */
  static async start(classes: InteropClasses, specs: readonly MemberSpec[], kind: BrokerKind): Promise<Cluster> {
    const names = new Set<string>();
    for (const spec of specs) {
      if (names.has(spec.name)) throw new Error(`cluster: two members named ${spec.name}`);
      names.add(spec.name);
    }
    for (const spec of specs) {
      for (const nc of spec.networkConnectors ?? []) {
        for (const to of nc.to) {
          if (!names.has(to)) throw new Error(`cluster: ${spec.name} bridges to unknown member ${to}`);
        }
      }
    }
    const ports = await distinctPorts(specs.length);
    const portOf = new Map(specs.map((s, i) => [s.name, ports[i]!]));
    const root = mkdtempSync(join(tmpdir(), 'tidemq-cluster-'));
    const members = new Map<string, ClusterMember>();
    for (const spec of specs) {
      const dataDir = join(root, spec.name);
      const xml: MemberXml = {
        brokerName: spec.name,
        networkConnectors: (spec.networkConnectors ?? []).map((nc) => ({
          name: nc.name ?? `${spec.name}-to-${nc.to.join('-')}`,
          uris: nc.to.map((to) => `tcp://127.0.0.1:${portOf.get(to)!}`),
          uriOptions: nc.uriOptions ?? DEFAULT_RECONNECT,
          attributes: nc.attributes ?? {},
          children: nc.children,
        })),
        policyEntries: spec.policyEntries ?? '',
      };
      members.set(spec.name, new ClusterMember(spec, spec.kind ?? kind, portOf.get(spec.name)!, dataDir, xml, classes));
    }
    const cluster = new Cluster(members, root);
    const started = await Promise.allSettled([...members.values()].map((m) => m.start()));
    const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      await cluster.stop();
      throw new Error(failed.map((f) => (f.reason as Error).message).join('\n'));
    }
    return cluster;
  }

  member(name: string): ClusterMember {
    const member = this.members.get(name);
    if (member === undefined) throw new Error(`cluster: no member ${name}`);
    return member;
  }

  url(name: string): string {
    return this.member(name).url;
  }

  /** `failover:(tcp://…,tcp://…)?randomize=false`, the seed's client URL, over the named members in order. */
  failoverUrl(names: readonly string[], options = 'randomize=false'): string {
    return `failover:(${names.map((n) => this.url(n)).join(',')})${options === '' ? '' : `?${options}`}`;
  }

  /** Every member's last log lines, each under its name and kind: what explains a message that did not arrive. */
  logs(lines = 40): string {
    return [...this.members.values()]
      .map((m) => `--- ${m.name} (${m.kind}, ${m.url}${m.running ? '' : ', not running'}) ---\n${m.tail(lines)}`)
      .join('\n');
  }

  /** Stops every member, even when one fails to stop, then removes the cluster's directories. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.members.values()].map((m) => m.stop()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** `n` ports that were free a moment ago, all different (freePort alone may hand out one twice). */
export async function distinctPorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}
