import fs from 'node:fs';
import { after } from 'node:test';
import { Connection, type ConnectOptions } from '../../../src/client/index.js';
import os from 'node:os';
import path from 'node:path';
import { loadBrokerConfigText } from '../../../src/config/load-config.js';
import { assembleBroker } from '../../../src/server/assemble.js';
import { BrokerService } from '../../../src/server/broker-service.js';
import '../../../src/server/builtin-protocols.js';
import { Logger } from '../../../src/util/logger.js';
import { freePort } from '../../interop/harness/free-port.js';

/** One broker of a test network, assembled from activemq.xml as `tidemq start --config` does. */
export interface NetworkNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly logs: string[];
  service: BrokerService | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface NodeOptions {
  /** Children of `<broker>` besides the OpenWire connector: networkConnectors, plugins, destinationPolicy… */
  readonly children?: string;
  /** A port chosen up front (peers' static: URIs need it before the broker starts). */
  readonly port?: number;
  /** Keep messages in a journal under a temp dir (default: memory store). */
  readonly persistent?: boolean;
  /** `ssl` for an ssl:// connector (the children then need an `<sslContext>`), with URI options. */
  readonly scheme?: 'tcp' | 'ssl';
  readonly uriOptions?: string;
  /** Extra attributes of `<broker>`, e.g. `useVirtualDestSubs="true"`. */
  readonly brokerAttributes?: string;
}

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A broker named `name` with one OpenWire connector on 127.0.0.1; not started until `start()`. */
export async function networkNode(name: string, options: NodeOptions = {}): Promise<NetworkNode> {
  const port = options.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tidemq-net-${name}-`));
  dirs.push(dataDir);
  const scheme = options.scheme ?? 'tcp';
  const query = options.uriOptions === undefined ? '' : `?${options.uriOptions.replaceAll('&', '&amp;')}`;
  const xml = `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="${name}" dataDirectory="${dataDir}" persistent="${options.persistent === true}"${options.brokerAttributes === undefined ? '' : ` ${options.brokerAttributes}`}>
  ${options.children ?? ''}
  <transportConnectors><transportConnector name="openwire" uri="${scheme}://127.0.0.1:${port}${query}"/></transportConnectors>
</broker>`;
  const logs: string[] = [];
  const node: NetworkNode = {
    name,
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    logs,
    service: null,
    async start() {
      const logger = Logger.create({ level: 'debug', write: (l) => logs.push(l), debugChannels: '' });
      const { config } = loadBrokerConfigText(xml, path.join(dataDir, 'activemq.xml'), {
        properties: {},
        strict: true,
      });
      const service = new BrokerService(await assembleBroker(config, { logger }));
      await service.start();
      node.service = service;
    },
    async stop() {
      const s = node.service;
      node.service = null;
      await s?.stop();
    },
  };
  return node;
}

/** `<networkConnectors>` with one static connector to `peers`, with extra attributes. */
export function staticConnector(peers: readonly NetworkNode[], attributes = '', uriOptions = ''): string {
  const uri = `static:(${peers.map((p) => p.url).join(',')})${uriOptions === '' ? '' : `?${uriOptions}`}`;
  return `<networkConnectors><networkConnector name="nc" uri="${uri.replaceAll('&', '&amp;')}" ${attributes}/></networkConnectors>`;
}

/** Lines of the node's log that contain `text`. */
export function logLines(node: NetworkNode, text: string): string[] {
  return node.logs.filter((l) => l.includes(text));
}

/** Whether one of the node's network connectors has a bridge up. */
export function bridged(node: NetworkNode): boolean {
  return (node.service?.networkConnectors ?? []).some((nc) => nc.activeBridges().length > 0);
}

/** Demand subscriptions the node's bridges hold. */
export function demand(node: NetworkNode): number {
  return (node.service?.networkConnectors ?? []).reduce(
    (n, nc) => n + nc.activeBridges().reduce((m, b) => m + b.demandSubscriptions, 0),
    0,
  );
}

/** The brokers and client connections a test file starts; all are closed after the file. */
export interface NetworkFixture {
  /** Starts the nodes (in order) and stops them after the file. */
  readonly started: (...nodes: NetworkNode[]) => Promise<void>;
  /** A client connection to the node, closed after the file. */
  readonly connect: (node: NetworkNode, options?: ConnectOptions) => Promise<Connection>;
}

export function networkFixture(): NetworkFixture {
  const running: NetworkNode[] = [];
  const clients: Connection[] = [];
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const n of running) await n.stop().catch(() => {});
  });
  return {
    started: async (...nodes) => {
      for (const n of nodes) {
        await n.start();
        if (!running.includes(n)) running.push(n);
      }
    },
    connect: async (node, options = {}) => {
      const c = await Connection.connect(node.url, options);
      clients.push(c);
      return c;
    },
  };
}
