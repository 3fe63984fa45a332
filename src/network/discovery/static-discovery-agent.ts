import { EventEmitter } from 'node:events';
import { BrokerError } from '../../util/errors.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { DiscoveredService, DiscoveryAgent } from './discovery-agent.js';

/** The reconnect options of `static:(…)?…` (ActiveMQ's SimpleDiscoveryAgent), with its defaults. */
export interface ReconnectOptions {
  readonly initialReconnectDelay: number;
  readonly maxReconnectDelay: number;
  readonly useExponentialBackOff: boolean;
  readonly backOffMultiplier: number;
  /** 0 or less: for ever. */
  readonly maxReconnectAttempts: number;
}

const DEFAULTS: ReconnectOptions = {
  initialReconnectDelay: 1000,
  maxReconnectDelay: 30000,
  useExponentialBackOff: true,
  backOffMultiplier: 2,
  maxReconnectAttempts: 0,
};

/**
 * `static:(tcp://a:61616,ssl://b:61617)?maxReconnectDelay=…` and `masterslave:(tcp://m:61616,tcp://s:61616)`:
 * the peers are listed, so each is offered at start and, after its bridge failed, again after a back-off that
 * grows from initialReconnectDelay to maxReconnectDelay (SimpleDiscoveryAgent). A master/slave pair is one
 * service, a `failover:` URI over the pair in order, so the bridge follows whichever of them is the master.
 */
export class StaticDiscoveryAgent extends EventEmitter implements DiscoveryAgent {
  private readonly services: DiscoveredService[];
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<Timer>();
  private running = false;

  constructor(
    uris: readonly string[],
    private readonly options: ReconnectOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.services = uris.map((uri) => ({ uri, brokerName: null }));
  }

  static parse(uri: string, clock: Clock): StaticDiscoveryAgent {
    const m = /^(static|masterslave):(?:\((.*)\)|([^?]*))(?:\?(.*))?$/s.exec(uri.trim());
    if (m === null) throw new BrokerError('ERR_CONFIG', `Not a static: or masterslave: URI: ${uri}`);
    const list = (m[2] ?? m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (list.length === 0) throw new BrokerError('ERR_CONFIG', `${uri} lists no broker to connect to`);
    const params = new URLSearchParams(m[4] ?? '');
    const options = reconnectOptions(params, uri);
    if (m[1] === 'masterslave') {
      if (list.length < 2) throw new BrokerError('ERR_CONFIG', `${uri}: masterslave: needs the master and its slave`);
      // MasterSlaveDiscoveryAgent: one failover URI over the pair, in the order given, without its own retries.
      return new StaticDiscoveryAgent(
        [`failover:(${list.join(',')})?randomize=false&maxReconnectAttempts=0`],
        options,
        clock,
      );
    }
    return new StaticDiscoveryAgent(list, options, clock);
  }

  start(): Promise<void> {
    this.running = true;
    for (const s of this.services) this.emit('serviceAdd', s);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    return Promise.resolve();
  }

  /** A static list advertises nothing. */
  registerService(): void {}

  /** The bridge is up: the next failure starts the back-off from the beginning. */
  serviceStarted(service: DiscoveredService): void {
    this.failures.delete(service.uri);
  }

  serviceFailed(service: DiscoveredService): void {
    if (!this.running) return;
    const attempts = (this.failures.get(service.uri) ?? 0) + 1;
    this.failures.set(service.uri, attempts);
    const o = this.options;
    if (o.maxReconnectAttempts > 0 && attempts > o.maxReconnectAttempts) {
      this.emit('serviceGivenUp', service, attempts - 1);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) this.emit('serviceAdd', service);
    }, this.delay(attempts));
    this.timers.add(timer);
  }

  /** Milliseconds before the `attempts`-th retry. */
  delay(attempts: number): number {
    const o = this.options;
    if (!o.useExponentialBackOff) return o.initialReconnectDelay;
    return Math.min(o.maxReconnectDelay, o.initialReconnectDelay * o.backOffMultiplier ** (attempts - 1));
  }
}

function reconnectOptions(params: URLSearchParams, uri: string): ReconnectOptions {
  const num = (name: keyof ReconnectOptions, fallback: number): number => {
    const v = params.get(name);
    if (v === null) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new BrokerError('ERR_CONFIG', `${uri}: ${name}=${v} is not a number`);
    return n;
  };
  const exp = params.get('useExponentialBackOff');
  return {
    initialReconnectDelay: num('initialReconnectDelay', DEFAULTS.initialReconnectDelay),
    maxReconnectDelay: num('maxReconnectDelay', DEFAULTS.maxReconnectDelay),
    useExponentialBackOff: exp === null ? DEFAULTS.useExponentialBackOff : exp === 'true',
    backOffMultiplier: num('backOffMultiplier', DEFAULTS.backOffMultiplier),
    maxReconnectAttempts: num('maxReconnectAttempts', DEFAULTS.maxReconnectAttempts),
  };
}
