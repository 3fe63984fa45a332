/**
 * The benchmark's scenarios. Each names one workload (bench/workload.ts) and the client that drives it: the real
 * ActiveMQ JMS client over OpenWire for the headline figures, the Node STOMP generator for the STOMP variants, and
 * TideMQ's own Node OpenWire client (tidemq/client) as a third generator on the same workloads (`node-*`).
 * Quick mode divides the counts by about 20 so the whole suite runs in a few minutes on a shared machine.
 */
import type { Workload } from './workload.js';

export type Client = 'jms' | 'stomp' | 'node';

type Shape = Omit<Workload, 'prefix' | 'stallTimeoutMs' | 'timeoutMs'>;

export interface Scenario {
  name: string;
  /** Short label for the chart. */
  title: string;
  /** What the scenario measures, for docs and --list. */
  description: string;
  client: Client;
  full: Shape;
  quick: Shape;
  /**
   * Options appended to the OpenWire URL the generator connects with (e.g. `wireFormat.cacheEnabled=false`), the
   * same for both brokers; the client negotiates them as an application's URL would.
   */
  urlOptions?: string;
}

const base: Shape = {
  destinationType: 'queue',
  destinations: 1,
  producers: 1,
  consumersPerDestination: 1,
  consumerConnections: 16,
  messages: 100_000,
  messageSize: 1024,
  persistent: false,
  asyncSend: false,
  inFlight: 1000,
  idleConnections: 0,
};

/** Builds the full shape from overrides; the quick one divides the message count by 20, then applies quickOverrides. */
function scenario(
  name: string,
  title: string,
  description: string,
  shape: Partial<Shape>,
  quickOverrides: Partial<Shape> = {},
  urlOptions?: string,
): Omit<Scenario, 'client'> {
  const full: Shape = { ...base, ...shape };
  const quick: Shape = { ...full, messages: Math.max(100, Math.round(full.messages / 20)), ...quickOverrides };
  return { name, title, description, full, quick, ...(urlOptions === undefined ? {} : { urlOptions }) };
}

const jmsScenarios = [
  scenario(
    'queue-1to1',
    'queue 1→1',
    'One producer, one consumer, one queue; 100,000 non-persistent 1 KiB messages. Raw dispatch throughput.',
    {},
  ),
  scenario(
    'queue-persistent-1p',
    'persistent 1p',
    'One producer sending persistent 1 KiB messages synchronously (each send waits for the store), one consumer.',
    { persistent: true, messages: 10_000 },
  ),
  scenario(
    'queue-persistent-8p',
    'persistent 8p',
    'Eight producers sending persistent 1 KiB messages synchronously to one queue: how well the store batches syncs.',
    { persistent: true, producers: 8, messages: 20_000 },
  ),
  scenario(
    'persistent-async',
    'persistent async',
    'One producer sending 100,000 persistent 1 KiB messages without waiting for the broker (Java: ' +
      'jms.useAsyncSend=true; STOMP: no receipt), one consumer: persistent sends that join the group commit.',
    // In flight is bounded as everywhere (sent - received <= 1000), so this is a 1→1 rate, not a backlog.
    { persistent: true, asyncSend: true },
  ),
  scenario(
    'queue-4to4',
    'queue 4→4',
    'Four producers and four competing consumers on one queue, non-persistent 1 KiB.',
    { producers: 4, consumersPerDestination: 4 },
  ),
  scenario(
    'topic-1to10',
    'topic 1→10',
    'One producer, ten subscribers on one topic (each on its own connection); 20,000 messages, 200,000 deliveries.',
    { destinationType: 'topic', consumersPerDestination: 10, messages: 20_000 },
  ),
  scenario(
    'topic-1to10-nocache',
    'topic 1→10 no cache',
    'topic-1to10 with the marshal cache off (wireFormat.cacheEnabled=false on every client): where TideMQ ' +
      'marshals each message once per wire format for all subscribers instead of once per subscriber.',
    { destinationType: 'topic', consumersPerDestination: 10, messages: 20_000 },
    {},
    'wireFormat.cacheEnabled=false',
  ),
  scenario(
    'large-100k',
    '100 KiB msgs',
    'One producer, one consumer, 5,000 non-persistent 100 KiB messages: large-frame handling and copying.',
    { messageSize: 100 * 1024, messages: 5_000, inFlight: 50 },
    { messages: 250 },
  ),
  scenario(
    'idle-connections',
    '1000 idle conns',
    '1,000 idle connections (a session each) plus one busy producer/consumer pair with at most 10 messages in ' +
      'flight: memory per connection, and latency with many connections open.',
    // A window of 10 keeps the pair's queue short, so its latency is the broker's path, not a backlog's age.
    { idleConnections: 1000, messages: 50_000, inFlight: 10 },
    { idleConnections: 50, messages: 2_500 },
  ),
  scenario(
    'many-destinations',
    '10k queues',
    '10,000 queues with one consumer each (spread over 10 connections), one producer sending 5 small messages to each.',
    { destinations: 10_000, consumerConnections: 10, messages: 50_000, messageSize: 256 },
    { destinations: 500, messages: 2_500 },
  ),
  scenario(
    'fan-in',
    'fan-in 100→1',
    'One hundred producers, each on its own connection, sending 128-byte messages to one queue with one consumer.',
    { producers: 100, messageSize: 128 },
    { producers: 20, messages: 5_000 },
  ),
];

/** STOMP variants of the scenarios where STOMP clients are common; driven by the Node generator. */
const stompNames = [
  'queue-1to1',
  'queue-persistent-1p',
  'persistent-async',
  'topic-1to10',
  'idle-connections',
  'fan-in',
];

export const scenarios: readonly Scenario[] = [
  ...jmsScenarios.map((s) => ({ ...s, client: 'jms' as const })),
  ...jmsScenarios
    .filter((s) => stompNames.includes(s.name))
    .map((s) => ({
      ...s,
      name: 'stomp-' + s.name,
      title: 'STOMP ' + s.title,
      description: s.description + ' Over STOMP with the Node generator.',
      client: 'stomp' as const,
    })),
];

/** Scenarios the Node OpenWire client drives too: the same workloads as the JMS ones, for a side-by-side figure. */
const nodeNames = ['queue-1to1', 'queue-persistent-1p', 'persistent-async', 'topic-1to10', 'fan-in'];

export const nodeScenarios: readonly Scenario[] = jmsScenarios
  .filter((s) => nodeNames.includes(s.name))
  .map((s) => ({
    ...s,
    name: 'node-' + s.name,
    title: 'Node ' + s.title,
    description: s.description + ' With the Node OpenWire client (tidemq/client) instead of the Java one.',
    client: 'node' as const,
  }));

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name) ?? nodeScenarios.find((s) => s.name === name);
}

/** Expected wall time limits: a scenario that runs longer than this is killed and reported as failed. */
export function timeLimits(quick: boolean): { timeoutMs: number; stallTimeoutMs: number } {
  return quick ? { timeoutMs: 90_000, stallTimeoutMs: 10_000 } : { timeoutMs: 600_000, stallTimeoutMs: 20_000 };
}
