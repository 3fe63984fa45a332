import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrokerSetup, InteropBroker } from './harness/broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';
import { repoRoot } from './harness/paths.js';
import { startInteropBroker } from './harness/start-broker.js';
import { encodeFrame, StompFrameParser, type StompFrame } from './harness/stomp-frames.js';

/**
 * The seed's security configuration (Alfresco's "Configuring advanced settings for ActiveMQ": the <plugins> block of
 * conf/activemq-secure.xml, read from that file so the test runs exactly what is shipped) given to the broker
 * INTEROP_BROKER names. Every expectation below is what Debian's ActiveMQ 5.17.2 does (run this file with
 * INTEROP_BROKER=activemq to see it), and TideMQ must do the same: for OpenWire through the real Java client, for
 * STOMP through raw frames.
 */

const seedPlugins = (): string => {
  const xml = readFileSync(join(repoRoot(), 'conf', 'activemq-secure.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const m = /<plugins>[\s\S]*<\/plugins>/.exec(xml);
  if (m === null) throw new Error('conf/activemq-secure.xml has no <plugins> block');
  return m[0];
};

export const seedSetup: BrokerSetup = {
  xml: ({ dataDir, openwirePort, stompPort }) => `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="false"
          schedulerSupport="false" dataDirectory="${dataDir}">
  ${seedPlugins()}
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`,
  auth: { user: 'user', password: 'password' },
};

const SECURITY = 'javax.jms.JMSSecurityException';
const VT = 'VirtualTopic.alfresco.repo.events.nodes';
const invalid = (name: string): string => `${SECURITY}: User name [${name}] or password is invalid.`;
const denied = (user: string, verb: string, dest: string): string =>
  `${SECURITY}: User ${user} is not authorized to ${verb}: ${dest}`;

/** What each of the seed's users may do, step by step (see docs/security.md, "The seed's configuration"). */
function expectedFor(user: string, group: 'users' | 'guests'): Record<string, string> {
  return {
    connect: 'ok',
    'publish-virtual-topic': 'ok',
    'subscribe-virtual-topic': 'ok',
    // The seed grants topic="Consumer.*…nodes>": a topic entry does not cover the consumer queues…
    'consume-consumer-queue': denied(user, 'read from', `queue://Consumer.<id>.${VT}`),
    // …and "nodes>" is one literal path element, not a wildcard: it covers exactly a topic named so,
    'consume-consumer-topic-literal':
      group === 'users' ? 'ok' : denied(user, 'read from', `topic://Consumer.<id>.${VT}>`),
    // and nothing below it.
    'consume-consumer-topic-child': denied(user, 'read from', `topic://Consumer.<id>.${VT}.child`),
    'subscribe-advisory': 'ok',
    'publish-advisory': 'ok',
    'send-uncovered-queue': denied(user, 'write to', 'queue://interop.security.Q<id>'),
    'consume-uncovered-queue': denied(user, 'read from', 'queue://interop.security.Q<id>'),
    // No tempDestinationAuthorizationEntry: temporary destinations are open to every authenticated user.
    'temp-queue-request-reply': 'ok',
  };
}

function parseProbe(text: string): Record<string, string> {
  const notes = text.slice(text.indexOf(': ') + 2);
  const out: Record<string, string> = {};
  for (const part of notes.split('; ')) {
    const eq = part.indexOf('=');
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** One STOMP exchange on a fresh connection: CONNECT, then optionally one frame with a receipt; returns the replies. */
async function stomp(
  broker: InteropBroker,
  login: { user: string; password: string } | null,
  frame?: { command: string; headers: Record<string, string> },
): Promise<StompFrame[]> {
  const socket = new Socket();
  const parser = new StompFrameParser();
  const frames: StompFrame[] = [];
  let closed = false;
  let wake: () => void = () => {};
  socket.on('data', (chunk: Buffer) => {
    frames.push(...parser.push(chunk));
    wake();
  });
  socket.on('close', () => {
    closed = true;
    wake();
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(broker.stomp.port, broker.stomp.host, resolve);
  });
  const next = async (): Promise<StompFrame | null> => {
    const deadline = Date.now() + 10_000;
    while (frames.length === 0 && !closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return frames.shift() ?? null;
  };
  try {
    const headers: Record<string, string> = { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' };
    if (login !== null) Object.assign(headers, { login: login.user, passcode: login.password });
    socket.write(encodeFrame('CONNECT', headers));
    const connected = await next();
    if (connected === null) return [];
    if (connected.command !== 'CONNECTED' || frame === undefined) return [connected];
    socket.write(encodeFrame(frame.command, { ...frame.headers, receipt: 'r1' }, frame.command === 'SEND' ? 'x' : ''));
    const reply = await next();
    return reply === null ? [connected] : [connected, reply];
  } finally {
    socket.destroy();
  }
}

const summary = (frames: StompFrame[]): string =>
  frames.map((f) => (f.command === 'ERROR' ? `ERROR ${f.headers.get('message')}` : f.command)).join(' / ');

describe(`Security with the seed's configuration (broker: ${selectedBrokerKind()})`, () => {
  let broker: InteropBroker;
  let driver: JavaDriver;

  before(async () => {
    const classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
    broker = await startInteropBroker(classes, seedSetup);
  });

  after(async () => {
    await driver?.close();
    await broker?.stop();
  });

  const probe = async (user: string, password: string): Promise<Record<string, string>> =>
    parseProbe(await driver.run('security-probe', [broker.openwireUrl, user, password]));

  test('OpenWire: no credentials are refused with ActiveMQ’s text', async () => {
    assert.deepEqual(await probe('-', '-'), { connect: invalid('null') });
  });

  test('OpenWire: a wrong password is refused', async () => {
    assert.deepEqual(await probe('user', 'wrong'), { connect: invalid('user') });
    assert.deepEqual(await probe('nobody', 'password'), { connect: invalid('nobody') });
  });

  test('OpenWire: system (users, admins)', async () => {
    assert.deepEqual(await probe('system', 'manager'), expectedFor('system', 'users'));
  });

  test('OpenWire: user (users)', async () => {
    assert.deepEqual(await probe('user', 'password'), expectedFor('user', 'users'));
  });

  test('OpenWire: guest (guests)', async () => {
    assert.deepEqual(await probe('guest', 'password'), expectedFor('guest', 'guests'));
  });

  test('STOMP: refused logins get an ERROR frame with the same text', async () => {
    assert.equal(summary(await stomp(broker, null)), 'ERROR User name [null] or password is invalid.');
    assert.equal(
      summary(await stomp(broker, { user: 'user', password: 'wrong' })),
      'ERROR User name [user] or password is invalid.',
    );
  });

  test('STOMP: the seed’s grants and refusals, with ActiveMQ’s texts', async () => {
    const user = { user: 'user', password: 'password' };
    const guest = { user: 'guest', password: 'password' };
    assert.equal(
      summary(await stomp(broker, user, { command: 'SEND', headers: { destination: `/topic/${VT}` } })),
      'CONNECTED / RECEIPT',
    );
    assert.equal(
      summary(await stomp(broker, guest, { command: 'SUBSCRIBE', headers: { destination: `/topic/${VT}`, id: '1' } })),
      'CONNECTED / RECEIPT',
    );
    assert.equal(
      summary(
        await stomp(broker, user, {
          command: 'SUBSCRIBE',
          headers: { destination: `/queue/Consumer.stomp.${VT}`, id: '1' },
        }),
      ),
      `CONNECTED / ERROR User user is not authorized to read from: queue://Consumer.stomp.${VT}`,
    );
    assert.equal(
      summary(
        await stomp(broker, guest, { command: 'SEND', headers: { destination: '/queue/interop.security.stomp' } }),
      ),
      'CONNECTED / ERROR User guest is not authorized to write to: queue://interop.security.stomp',
    );
  });
});
