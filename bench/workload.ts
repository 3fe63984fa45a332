/**
 * The workload a load generator runs, shared by the Java JMS generator (bench/java/BenchClient.java) and the
 * Node STOMP generator (bench/stomp/load.ts) so both measure exactly the same thing. It travels to the generator
 * process as `--key value` arguments, which both a Java `main` and Node can parse without a JSON library.
 *
 * Semantics (both generators implement them the same way):
 * - `destinations` queues or topics named `<prefix>.<i>`; message number g (0-based, unique across producers)
 *   goes to destination g % destinations, so every destination gets the same share.
 * - `producers` producers, each on its own connection, send `messages` in total (g = k * producers + p).
 * - `consumersPerDestination` consumers per destination: on a queue they compete, on a topic each one is a
 *   subscriber that receives every message of its topic. All consumers are spread round-robin over
 *   `consumerConnections` connections (one session each).
 * - `inFlight` bounds (sent - received) so a fast producer cannot build an unbounded backlog: the measured
 *   latency is then the broker's path plus a bounded queue, not the age of a backlog. 0 = no bound.
 * - `idleConnections` extra connections are opened first and stay idle; the generator pauses at PHASE lines so
 *   the harness can sample the broker's memory before and after.
 * - `asyncSend`: persistent sends do not wait for the broker either. The Java generator sets the JMS client's
 *   `jms.useAsyncSend=true` (ActiveMQConnectionFactory.setUseAsyncSend), so a persistent send is a oneway
 *   ActiveMQMessage with no Response; the STOMP generator sends persistent:true SENDs without a receipt header.
 *   Without it persistent sends are synchronous (the JMS default; a RECEIPT per SEND over STOMP) and
 *   non-persistent ones asynchronous, as before.
 */
export type DestinationType = 'queue' | 'topic';

export interface Workload {
  destinationType: DestinationType;
  destinations: number;
  prefix: string;
  producers: number;
  consumersPerDestination: number;
  consumerConnections: number;
  messages: number;
  messageSize: number;
  persistent: boolean;
  /** Persistent sends without waiting for the broker (see above); non-persistent sends are async either way. */
  asyncSend: boolean;
  inFlight: number;
  idleConnections: number;
  /** The generator gives up waiting for messages after this long without progress. */
  stallTimeoutMs: number;
  /** Hard limit for the whole run inside the generator; the harness kills it a little later. */
  timeoutMs: number;
}

/** Deliveries the consumers must see in total: a queue delivers each message once, a topic once per subscriber. */
export function expectedDeliveries(w: Workload): number {
  return w.destinationType === 'queue' ? w.messages : w.messages * w.consumersPerDestination;
}

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** Encodes a workload as `--key value` pairs (keys in kebab-case) for a generator's command line. */
export function workloadArgs(w: Workload): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(w) as [string, unknown][]) {
    out.push('--' + kebab(k), String(v));
  }
  return out;
}

const numericKeys = [
  'destinations',
  'producers',
  'consumersPerDestination',
  'consumerConnections',
  'messages',
  'messageSize',
  'inFlight',
  'idleConnections',
  'stallTimeoutMs',
  'timeoutMs',
] as const;

/** The inverse of workloadArgs, with validation: a generator started with bad arguments fails with the key name. */
export function parseWorkloadArgs(argv: readonly string[]): { workload: Workload; rest: Map<string, string> } {
  const map = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === undefined || !k.startsWith('--') || v === undefined) throw new Error(`bad argument near '${k ?? ''}'`);
    map.set(
      k.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
      v,
    );
  }
  const take = (k: string): string => {
    const v = map.get(k);
    if (v === undefined) throw new Error(`missing argument --${kebab(k)}`);
    map.delete(k);
    return v;
  };
  const type = take('destinationType');
  if (type !== 'queue' && type !== 'topic') throw new Error(`--destination-type must be queue or topic, not ${type}`);
  const flag = (k: 'persistent' | 'asyncSend'): boolean => {
    const v = take(k);
    if (v !== 'true' && v !== 'false') throw new Error(`--${kebab(k)} must be true or false, not ${v}`);
    return v === 'true';
  };
  const persistent = flag('persistent');
  const asyncSend = flag('asyncSend');
  const w: Workload = {
    destinationType: type,
    prefix: take('prefix'),
    persistent,
    asyncSend,
    destinations: 0,
    producers: 0,
    consumersPerDestination: 0,
    consumerConnections: 0,
    messages: 0,
    messageSize: 0,
    inFlight: 0,
    idleConnections: 0,
    stallTimeoutMs: 0,
    timeoutMs: 0,
  };
  for (const k of numericKeys) {
    const s = take(k);
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${kebab(k)} must be a non-negative integer, not ${s}`);
    w[k] = n;
  }
  if (w.destinations < 1 || w.producers < 1) throw new Error('--destinations and --producers must be at least 1');
  if (w.consumersPerDestination < 1 || w.consumerConnections < 1) {
    throw new Error('--consumers-per-destination and --consumer-connections must be at least 1');
  }
  return { workload: w, rest: map };
}
