import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Connection } from '../../src/client/index.js';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import type { DiscoveredService } from '../../src/network/discovery/discovery-agent.js';
import { MulticastDiscoveryAgent } from '../../src/network/discovery/multicast-discovery-agent.js';
import { parseMulticastDiscoveryUri } from '../../src/network/discovery/multicast-options.js';
import { assembleBroker } from '../../src/server/assemble.js';
import '../../src/server/builtin-protocols.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { Logger } from '../../src/util/logger.js';
import { waitFor } from '../support/client/broker.js';
import {
  inMulticastNamespace,
  multicastNamespaceSkipReason,
  runInMulticastNamespace,
} from '../support/net/multicast-netns.js';
import { ACTIVEMQ_HOME, startActiveMQ } from '../interop/harness/activemq-broker.js';
import { buildInteropClasses } from '../interop/harness/java-build.js';

/**
 * Multicast discovery on real UDP sockets. The file re-runs itself under `unshare -n` in a network namespace whose
 * loopback carries multicast (test/support/net/multicast-netns.ts): agents there use ActiveMQ's real group
 * 239.255.2.3:6155 without reaching, or hearing, any other machine or test run.
 */
const GROUP = { address: '239.255.2.3', port: 6155 };
/** What the TideMQ brokers of these tests logged. */
const brokerLogs: string[] = [];

if (!inMulticastNamespace()) {
  const skip = multicastNamespaceSkipReason();
  test('multicast discovery on real sockets, in a network namespace where lo carries multicast', { skip }, async () => {
    const r = await runInMulticastNamespace(fileURLToPath(import.meta.url));
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /# fail 0/);
    assert.doesNotMatch(r.output, /# pass 0\b/);
  });
} else {
  describe('inside the multicast namespace', () => {
    test('two agents find each other, ignore their own announcements, and a stopped one is removed', async (t) => {
      const wire = await listen(t);
      const a = agent(t, 'A', 'tcp://10.1.0.1:61616');
      const b = agent(t, 'B', 'tcp://10.1.0.2:61616');
      await a.agent.start();
      await b.agent.start();
      await waitFor(
        () => a.added.includes('tcp://10.1.0.2:61616') && b.added.includes('tcp://10.1.0.1:61616'),
        'A and B',
      );
      // The loopback delivered each agent's own datagrams to it too: several of them, and none was offered.
      await waitFor(() => wire.count('default.ActiveMQ-4.alive.%A%tcp://10.1.0.1:61616') >= 3, 'A announcing');
      assert.deepEqual(a.added, ['tcp://10.1.0.2:61616']);
      assert.deepEqual(b.added, ['tcp://10.1.0.1:61616']);
      const stoppedAt = Date.now();
      await b.agent.stop();
      await waitFor(() => a.removed.includes('tcp://10.1.0.2:61616'), 'B removed');
      // The dead datagram, not the 1 s expiry (keepAliveInterval 100 × 10), removed it.
      assert.ok(Date.now() - stoppedAt < 900, `removed after ${Date.now() - stoppedAt} ms`);
      assert.equal(wire.count('default.ActiveMQ-4.dead.%B%tcp://10.1.0.2:61616'), 1);
    });

    test('a service that falls silent expires after keepAliveInterval x 10', async (t) => {
      const wire = await listen(t);
      const a = agent(t, 'A', 'tcp://10.1.0.1:61616');
      await a.agent.start();
      const heardAt = Date.now();
      await wire.send('default.ActiveMQ-4.alive.%localhost%tcp://10.1.0.9:61616');
      await waitFor(() => a.added.includes('tcp://10.1.0.9:61616'), 'the silent service heard once');
      await waitFor(() => a.removed.includes('tcp://10.1.0.9:61616'), 'the silent service expired', 5000);
      const after = Date.now() - heardAt;
      assert.ok(after >= 1000 && after < 2500, `expired after ${after} ms`);
    });

    test('a TideMQ broker advertises its transport connector on discoveryUri, with the host name for 0.0.0.0', async (t) => {
      const wire = await listen(t);
      const broker = await tidemq(t, 'disc', 'multicast://default?keepAliveInterval=100');
      const port = broker.connector('openwire').port;
      const expected = `default.ActiveMQ-4.alive.%disc%tcp://${hostname()}:${port}`;
      await waitFor(
        () => wire.count(expected) >= 2,
        `"${expected}" on the group`,
        5000,
        () => wire.texts().join('\n'),
      );
      const listener = agent(t, 'L', 'tcp://10.1.0.3:61616');
      await listener.agent.start();
      await waitFor(() => listener.added.includes(`tcp://${hostname()}:${port}`), 'the broker discovered');
      await broker.stop();
      await waitFor(() => wire.count(`default.ActiveMQ-4.dead.%disc%tcp://${hostname()}:${port}`) === 1, 'dead');
      await waitFor(() => listener.removed.includes(`tcp://${hostname()}:${port}`), 'the stopped broker removed');
    });

    test('two TideMQ brokers with multicast network connectors bridge to each other, never to themselves', async (t) => {
      const wire = await listen(t);
      const one = await tidemq(t, 'one', 'multicast://default?keepAliveInterval=100', '127.0.0.1', true);
      const two = await tidemq(t, 'two', 'multicast://default?keepAliveInterval=100', '127.0.0.1', true);
      const url = (b: BrokerService): string => `tcp://127.0.0.1:${b.connector('openwire').port}`;
      const bridged = (from: BrokerService, to: BrokerService): boolean =>
        from.networkConnectors[0]!.activeBridges().some((x) => x.remoteUri === url(to));
      await waitFor(() => bridged(one, two) && bridged(two, one), 'bridges both ways', 15_000);
      // Each network agent hears its own broker's announcements too, and must not offer them. Three more of those
      // announcements after the bridges are up is ample time for a self-bridge to have been tried and refused
      // ("… is this broker (one): a broker does not bridge to itself"): none was.
      const alive = (b: BrokerService, name: string): number =>
        wire.count(`default.ActiveMQ-4.alive.%${name}%${url(b)}`);
      const [seenOne, seenTwo] = [alive(one, 'one'), alive(two, 'two')];
      await waitFor(() => alive(one, 'one') >= seenOne + 3 && alive(two, 'two') >= seenTwo + 3, 'three more rounds');
      assert.deepEqual(
        brokerLogs.filter((l) => /does not bridge to itself|will not be tried again/.test(l)),
        [],
      );
      for (const b of [one, two]) assert.equal(b.networkConnectors[0]!.activeBridges().length, 1);
      const consumerSide = await Connection.connect(url(two));
      t.after(() => consumerSide.close());
      const consumer = await (await consumerSide.createSession()).createConsumer('queue://multicast.bridged');
      const producerSide = await Connection.connect(url(one));
      t.after(() => producerSide.close());
      const producer = await (await producerSide.createSession()).createProducer('queue://multicast.bridged');
      // Demand reaches broker one through the bridge's advisory consumer; send until it is forwarded.
      let received = null;
      for (let i = 0; i < 50 && received === null; i++) {
        await producer.send(`hello ${i}`);
        received = await consumer.receive(200);
      }
      assert.ok(received !== null, 'a message sent on broker one reached the consumer on broker two');
    });

    const amqSkip = existsSync(join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'))
      ? false
      : `ActiveMQ 5.17 is not installed at ${ACTIVEMQ_HOME} (Debian package activemq)`;
    test('ActiveMQ 5.17 and TideMQ discover each other on multicast://default', { skip: amqSkip }, async (t) => {
      const wire = await listen(t);
      const broker = await tidemq(t, 'tide', 'multicast://default');
      const tidePort = broker.connector('openwire').port;
      const tideService = `tcp://${hostname()}:${tidePort}`;
      const found = agent(t, 'probe', 'tcp://10.1.0.4:61616', 'multicast://default');
      await found.agent.start();

      const logDir = mkdtempSync(join(tmpdir(), 'tidemq-multicast-amq-'));
      t.after(() => rmSync(logDir, { recursive: true, force: true }));
      const log = join(logDir, 'activemq.log');
      writeFileSync(join(logDir, 'log4j.properties'), log4j(log));
      const classes = await buildInteropClasses();
      let amqPort = 0;
      const amq = await startActiveMQ(classes, {
        xml: ({ dataDir, openwirePort, stompPort }) => {
          amqPort = openwirePort;
          return activemqMulticastXml(dataDir, openwirePort, stompPort);
        },
        javaOptions: [`-Dlog4j.configuration=file:${join(logDir, 'log4j.properties')}`],
        auth: undefined,
      });
      t.after(() => amq.stop());

      // ActiveMQ advertises its connector with its host resolved (127.0.0.1 → localhost); our agent hears it.
      const amqService = `tcp://localhost:${amqPort}`;
      await waitFor(
        () => found.added.includes(amqService),
        `ActiveMQ's ${amqService}`,
        15_000,
        () => [...new Set(wire.texts())].join('\n'),
      );
      assert.ok(wire.count(`default.ActiveMQ-4.alive.%localhost%${amqService}`) >= 1, 'ActiveMQ’s exact datagram');
      // ActiveMQ's multicast network connector heard TideMQ's announcement and bridged to the URI advertised: its
      // log says so, and TideMQ sees the bridge's BrokerInfo(networkConnection=true) from broker "interop".
      await waitFor(
        () =>
          readLog(log).includes(`Establishing network connection from vm://interop`) &&
          readLog(log).includes(`to ${tideService}`),
        'ActiveMQ bridging to TideMQ',
        20_000,
        () => readLog(log),
      );
      await waitFor(
        () => broker.peerBrokers.list().some((p) => p.brokerName === 'interop'),
        'the bridge at TideMQ',
        10_000,
        () => readLog(log),
      );
    });
  });
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function log4j(file: string): string {
  return `log4j.rootLogger=WARN, stdout, file
log4j.logger.org.apache.activemq=INFO
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.Target=System.out
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=%d{HH:mm:ss,SSS} %-5p [%c{1}] %m%n
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${file}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=%d{HH:mm:ss,SSS} %-5p [%c{1}] %m%n
`;
}

/**
 * ActiveMQ advertising its OpenWire connector on multicast://default and bridging to what it discovers there.
 * `joinNetworkInterface=lo` because the namespace has no other interface: without it ActiveMQ 5.17 looks for a
 * non-loopback multicast interface, finds none and fails to start ("Invalid value 'null'" from
 * MulticastSocket.setNetworkInterface); the group, port and datagrams are those of plain multicast://default.
 */
function activemqMulticastXml(dataDir: string, openwirePort: number, stompPort: number): string {
  const uri = 'multicast://default?joinNetworkInterface=lo';
  return `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="false"
          schedulerSupport="false" dataDirectory="${dataDir}">
    <networkConnectors>
      <networkConnector uri="${uri.replace(/&/g, '&amp;')}"/>
    </networkConnectors>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}" discoveryUri="${uri.replace(/&/g, '&amp;')}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`;
}

interface Heard {
  readonly agent: MulticastDiscoveryAgent;
  readonly added: string[];
  readonly removed: string[];
}

function agent(
  t: TestContext,
  name: string,
  service: string,
  uri = 'multicast://default?keepAliveInterval=100',
): Heard {
  const a = new MulticastDiscoveryAgent(parseMulticastDiscoveryUri(uri), { brokerName: name });
  a.registerService(service);
  const heard: Heard = { agent: a, added: [], removed: [] };
  a.on('serviceAdd', (s: DiscoveredService) => heard.added.push(s.uri));
  a.on('serviceRemove', (s: DiscoveredService) => heard.removed.push(s.uri));
  t.after(() => a.stop());
  return heard;
}

/** A TideMQ broker from activemq.xml whose OpenWire connector (0.0.0.0, port 0) advertises on `discoveryUri`. */
async function tidemq(
  t: TestContext,
  name: string,
  discoveryUri: string,
  bind = '0.0.0.0',
  networkConnector = false,
): Promise<BrokerService> {
  const d = discoveryUri.replace(/&/g, '&amp;');
  const xml = `<beans xmlns="http://www.springframework.org/schema/beans">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="${name}" persistent="false">
    ${networkConnector ? `<networkConnectors><networkConnector uri="${d}"/></networkConnectors>` : ''}
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://${bind}:0" discoveryUri="${d}"/>
    </transportConnectors>
  </broker>
</beans>`;
  const { config } = loadBrokerConfigText(xml, 'activemq.xml', { env: {} });
  const logger = Logger.create({ level: 'info', write: (line) => brokerLogs.push(line) });
  const service = new BrokerService(await assembleBroker(config, { logger }));
  await service.start();
  t.after(() => service.stop());
  return service;
}

/** A plain socket on the group: every datagram on the wire, as text, and a way to send one. */
async function listen(t: TestContext): Promise<{
  texts(): string[];
  count(text: string): number;
  send(text: string): Promise<void>;
}> {
  const texts: string[] = [];
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve) => socket.bind(GROUP.port, resolve));
  socket.addMembership(GROUP.address);
  socket.on('message', (m) => texts.push(m.toString('utf8')));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    texts: () => texts,
    count: (text) => texts.filter((x) => x === text).length,
    send: (text) =>
      new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from(text), GROUP.port, GROUP.address, (e) => (e ? reject(e) : resolve())),
      ),
  };
}
