/**
 * MQTT integration helpers: a broker assembled from an activemq.xml text exactly as `tidemq start --config`
 * does (connectors on 127.0.0.1 port 0), mqtt.js clients that resolve once connected, and a raw socket for
 * bad-input tests.
 */
import fs from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { assembleBroker } from '../../src/server/assemble.js';
import { BrokerService } from '../../src/server/broker-service.js';
import '../../src/server/builtin-protocols.js';
import { Logger } from '../../src/util/logger.js';

export { waitFor } from '../stomp/helpers.js';

export interface Running {
  readonly service: BrokerService;
  readonly dataDir: string;
  readonly logs: string[];
  port(name: string): number;
  stop(): Promise<void>;
}

export interface BrokerXml {
  /** `<transportConnector>` elements by name → uri; default one `mqtt://127.0.0.1:0`. */
  connectors?: Record<string, string>;
  /** Extra children of `<broker>` (plugins, destinationPolicy …). */
  children?: string;
  persistent?: boolean;
  dataDir?: string;
}

export async function startBroker(x: BrokerXml = {}): Promise<Running> {
  const dataDir = x.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-mqtt-'));
  const connectors = x.connectors ?? { mqtt: 'mqtt://127.0.0.1:0' };
  const xml = `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="mqtt-it" dataDirectory="${dataDir}" persistent="${x.persistent ?? false}" useJmx="false">
  ${x.children ?? ''}
  <transportConnectors>
    ${Object.entries(connectors)
      .map(([n, u]) => `<transportConnector name="${n}" uri="${u.replace(/&/g, '&amp;')}"/>`)
      .join('\n    ')}
  </transportConnectors>
</broker>`;
  const logs: string[] = [];
  const logger = Logger.create({ level: 'info', write: (l) => logs.push(l), debugChannels: '' });
  const { config } = loadBrokerConfigText(xml, path.join(dataDir, 'activemq.xml'), { properties: {}, strict: true });
  const service = new BrokerService(await assembleBroker(config, { logger }));
  await service.start();
  return {
    service,
    dataDir,
    logs,
    port: (name) => service.connector(name).port,
    async stop() {
      await service.stop();
      if (x.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An mqtt.js client that has its CONNACK; rejects on a refusal. No reconnects unless asked. */
export function client(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const fail = (e: Error): void => {
      c.end(true);
      reject(e);
    };
    c.once('connect', () => {
      c.off('error', fail);
      resolve(c);
    });
    c.once('error', fail);
  });
}

/** A client whose messages are collected from the start (a resumed session delivers right after CONNACK). */
export async function collecting(
  url: string,
  options: IClientOptions = {},
): Promise<{ c: MqttClient; got: ReturnType<typeof collect>; sessionPresent: boolean }> {
  let got: ReturnType<typeof collect> = [];
  let sessionPresent = false;
  const c = await new Promise<MqttClient>((resolve, reject) => {
    const m = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    got = collect(m);
    m.once('connect', (connack) => {
      sessionPresent = connack.sessionPresent;
      resolve(m);
    });
    m.once('error', (e) => {
      m.end(true);
      reject(e);
    });
  });
  return { c, got, sessionPresent };
}

/** Collects what a client receives. */
export function collect(c: MqttClient): Array<{ topic: string; payload: Buffer; packet: mqttPacket.IPublishPacket }> {
  const got: Array<{ topic: string; payload: Buffer; packet: mqttPacket.IPublishPacket }> = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload, packet }));
  return got;
}

export function end(c: MqttClient): Promise<void> {
  return new Promise((resolve) => c.end(false, {}, () => resolve()));
}

/** A raw TCP peer that writes bytes as given and decodes what comes back. */
export class RawMqtt {
  readonly packets: Packet[] = [];
  closed = false;
  private readonly parser;

  private constructor(
    private readonly socket: Socket,
    version: number,
  ) {
    this.parser = mqttPacket.parser({ protocolVersion: version });
    this.parser.on('packet', (p: Packet) => this.packets.push(p));
    socket.on('data', (c) => this.parser.parse(c));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static open(port: number, version = 4): Promise<RawMqtt> {
    return new Promise((resolve, reject) => {
      const s = tcpConnect(port, '127.0.0.1', () => resolve(new RawMqtt(s, version)));
      s.once('error', reject);
    });
  }

  write(bytes: Uint8Array | Packet, version = 4): boolean {
    const b = bytes instanceof Uint8Array ? bytes : mqttPacket.generate(bytes, { protocolVersion: version });
    return this.socket.write(b);
  }

  /** Pauses reading (a client that never reads). */
  pause(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
