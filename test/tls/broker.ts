/**
 * An in-process broker assembled from activemq.xml text exactly as `tidemq start --config` assembles its
 * connectors, with every log line captured and every ConnectionInfo recorded, plus small TLS/STOMP clients.
 */
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { BrokerFilter } from '../../src/broker/broker-filter.js';
import type { Broker, ConnectionContext } from '../../src/broker/broker.js';
import type { ConnectionInfo } from '../../src/model/commands.js';
import { assembleConnectors } from '../../src/server/assemble-connectors.js';
import { BrokerService } from '../../src/server/broker-service.js';
import '../../src/server/builtin-protocols.js';
import { Logger, type Level } from '../../src/util/logger.js';

export interface TestBroker {
  readonly service: BrokerService;
  readonly logs: string[];
  readonly connections: ConnectionInfo[];
  port(connector: string): number;
  stop(): Promise<void>;
}

class RecordingBroker extends BrokerFilter {
  constructor(
    next: Broker,
    private readonly seen: ConnectionInfo[],
  ) {
    super(next);
  }
  override addConnection(context: ConnectionContext): Promise<void> {
    this.seen.push(context.info);
    return super.addConnection(context);
  }
}

export async function startXmlBroker(xml: string, level: Level = 'info'): Promise<TestBroker> {
  const logs: string[] = [];
  const logger = Logger.create({ level, write: (line) => logs.push(line), debugChannels: '' });
  const { config } = loadBrokerConfigText(xml, 'activemq.xml', { properties: {} });
  const connectors = await assembleConnectors(config, logger);
  const connections: ConnectionInfo[] = [];
  const service = new BrokerService({
    brokerName: config.brokerName,
    connectors,
    plugins: [(next) => new RecordingBroker(next, connections)],
    logger,
  });
  await service.start();
  return {
    service,
    logs,
    connections,
    port: (name) => service.connector(name).port,
    stop: () => service.stop(),
  };
}

/** Polls until `check` holds (house rule: no sleeps standing in for a condition). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function tlsClient(port: number, options: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export function tcpClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Collects a socket's bytes as text; `until` resolves once the text matches or the socket closes. */
export function reader(socket: Socket): { text(): string; until(p: RegExp): Promise<string>; closed: Promise<void> } {
  let text = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  socket.on('error', () => {});
  return {
    text: () => text,
    closed,
    async until(p: RegExp): Promise<string> {
      let done = false;
      void closed.then(() => (done = true));
      await waitFor(() => p.test(text) || done, `${p}`);
      if (!p.test(text)) throw new Error(`socket closed before ${p}; got ${JSON.stringify(text)}`);
      return text;
    },
  };
}

export const stompConnect = 'CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n\n\0';
