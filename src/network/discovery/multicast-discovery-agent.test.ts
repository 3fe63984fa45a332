import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeMulticastGroup } from '../../../test/support/net/fake-multicast.js';
import { ManualClock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import type { DiscoveredService } from './discovery-agent.js';
import { LocalServices } from './local-services.js';
import { decodeDatagram, encodeDatagram } from './multicast-datagram.js';
import { MAX_DISCOVERED_SERVICES, MulticastDiscoveryAgent } from './multicast-discovery-agent.js';
import { parseMulticastDiscoveryUri } from './multicast-options.js';

describe('multicast discovery datagrams', () => {
  it('are written as ActiveMQ 5.17 writes them', () => {
    const alive = { alive: true, brokerName: 'brokerA', service: 'tcp://host-a:61616' };
    assert.equal(encodeDatagram('default', alive), 'default.ActiveMQ-4.alive.%brokerA%tcp://host-a:61616');
    assert.equal(
      encodeDatagram('prod', { ...alive, alive: false }),
      'prod.ActiveMQ-4.dead.%brokerA%tcp://host-a:61616',
    );
    // A '%' in a broker name would shift the service for every reader: ActiveMQ's own constant stands in.
    assert.equal(
      encodeDatagram('default', { ...alive, brokerName: 'a%b' }),
      'default.ActiveMQ-4.alive.%localhost%tcp://host-a:61616',
    );
  });

  it("read ActiveMQ's own datagrams, with the service's query intact", () => {
    assert.deepEqual(decodeDatagram('default', 'default.ActiveMQ-4.alive.%localhost%tcp://amq:61616?x=%41'), {
      alive: true,
      brokerName: 'localhost',
      service: 'tcp://amq:61616?x=%41',
    });
    assert.deepEqual(decodeDatagram('default', 'default.ActiveMQ-4.dead.%localhost%tcp://amq:61616'), {
      alive: false,
      brokerName: 'localhost',
      service: 'tcp://amq:61616',
    });
  });

  it('ignore other groups and malformed or hostile texts', () => {
    assert.equal(decodeDatagram('default', 'other.ActiveMQ-4.alive.%x%tcp://a:1'), null);
    // ActiveMQ treats anything that is not "alive." as "dead." and throws on a missing '%'.
    assert.equal(decodeDatagram('default', 'default.ActiveMQ-4.zombie.%x%tcp://a:1'), null);
    assert.equal(decodeDatagram('default', 'default.ActiveMQ-4.alive.tcp://a:1'), null);
    assert.equal(decodeDatagram('default', 'default.ActiveMQ-4.alive.%x'), null);
    assert.equal(decodeDatagram('default', 'default.ActiveMQ-4.alive.%x%'), null);
    assert.equal(decodeDatagram('default', 'default.ActiveMQ-4.alive.%x%not a uri'), null);
    assert.equal(decodeDatagram('default', 'default.ActiveMQ-4.alive.%x%tcp://a:1\nInjected: line'), null);
  });
});

describe('multicast discovery URI', () => {
  it('multicast://default is 239.255.2.3:6155 with ActiveMQ defaults', () => {
    const o = parseMulticastDiscoveryUri('multicast://default', {});
    assert.equal(o.address, '239.255.2.3');
    assert.equal(o.port, 6155);
    assert.equal(o.group, 'default');
    assert.equal(o.keepAliveInterval, 500);
    assert.equal(o.initialReconnectDelay, 5000);
    assert.equal(o.maxReconnectDelay, 30000);
    assert.equal(o.useExponentialBackOff, false);
    assert.equal(o.backOffMultiplier, 2);
    assert.equal(o.maxReconnectAttempts, 0);
    assert.equal(o.timeToLive, 1);
    assert.equal(o.loopBackMode, false);
    assert.equal(
      parseMulticastDiscoveryUri('multicast://default', { ACTIVEMQ_PARTITION_DISCOVERY: '239.1.1.1' }).address,
      '239.1.1.1',
    );
  });

  it('reads the agent options ActiveMQ users write', () => {
    const o = parseMulticastDiscoveryUri(
      'multicast://239.9.9.9:7000?group=prod&keepAliveInterval=100&timeToLive=3&loopBackMode=true' +
        '&useExponentialBackOff=TRUE&backOffMultiplier=3&initialReconnectDelay=10&maxReconnectDelay=50' +
        '&maxReconnectAttempts=4&interface=10.0.0.5&networkInterface=eth1&joinNetworkInterface=eth2',
    );
    assert.deepEqual(
      { ...o },
      {
        address: '239.9.9.9',
        port: 7000,
        group: 'prod',
        keepAliveInterval: 100,
        initialReconnectDelay: 10,
        maxReconnectDelay: 50,
        useExponentialBackOff: true,
        backOffMultiplier: 3,
        maxReconnectAttempts: 4,
        timeToLive: 3,
        loopBackMode: true,
        interface: '10.0.0.5',
        networkInterface: 'eth1',
        joinNetworkInterface: 'eth2',
      },
    );
  });

  it('refuses what it cannot use, naming it', () => {
    assert.throws(() => parseMulticastDiscoveryUri('multicast://default?keepAlive=5'), /unknown option keepAlive/);
    assert.throws(
      () => parseMulticastDiscoveryUri('multicast://default?keepAliveInterval=soon'),
      /keepAliveInterval=soon/,
    );
    assert.throws(() => parseMulticastDiscoveryUri('multicast://default?group='), /You must specify a group/);
    assert.throws(() => parseMulticastDiscoveryUri('multicast://10.0.0.1'), /not a multicast address/);
    assert.throws(() => parseMulticastDiscoveryUri('static:(tcp://a:1)'), /not a multicast/);
  });
});

interface Heard {
  added: string[];
  removed: string[];
}

function agent(
  group: FakeMulticastGroup,
  clock: ManualClock,
  opts: { service?: string; name?: string; uri?: string; local?: LocalServices } = {},
): { agent: MulticastDiscoveryAgent; heard: Heard } {
  const a = new MulticastDiscoveryAgent(parseMulticastDiscoveryUri(opts.uri ?? 'multicast://default', {}), {
    clock,
    logger: Logger.silent(),
    brokerName: opts.name ?? 'tidemq',
    channelFactory: group.factory,
    ...(opts.local !== undefined ? { localServices: opts.local } : {}),
  });
  if (opts.service !== undefined) a.registerService(opts.service);
  const heard: Heard = { added: [], removed: [] };
  a.on('serviceAdd', (s: DiscoveredService) => heard.added.push(s.uri));
  a.on('serviceRemove', (s: DiscoveredService) => heard.removed.push(s.uri));
  return { agent: a, heard };
}

describe('MulticastDiscoveryAgent', () => {
  it('two agents find each other and never offer their own service', async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock, { service: 'tcp://host-a:61616', name: 'A' });
    const b = agent(net, clock, { service: 'tcp://host-b:61616', name: 'B' });
    await a.agent.start();
    await b.agent.start();
    clock.advance(500);
    assert.deepEqual(a.heard.added, ['tcp://host-b:61616']);
    assert.deepEqual(b.heard.added, ['tcp://host-a:61616']);
    assert.deepEqual(a.agent.discovered(), [{ uri: 'tcp://host-b:61616', brokerName: 'B' }]);
    // Each hears its own datagrams too (loopback on, as ActiveMQ's default), and ignores them.
    assert.ok(net.sent.includes('default.ActiveMQ-4.alive.%A%tcp://host-a:61616'));
    clock.advance(5000);
    assert.deepEqual(a.heard.added, ['tcp://host-b:61616'], 'heard once, however often announced');
    await a.agent.stop();
    await b.agent.stop();
  });

  it("a stopped agent's dead datagram removes its service at once", async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock, { service: 'tcp://host-a:61616' });
    const b = agent(net, clock, { service: 'tcp://host-b:61616' });
    await a.agent.start();
    await b.agent.start();
    await b.agent.stop();
    assert.equal(net.sent.at(-1), 'default.ActiveMQ-4.dead.%tidemq%tcp://host-b:61616');
    assert.deepEqual(a.heard.removed, ['tcp://host-b:61616']);
    assert.deepEqual(a.agent.discovered(), []);
    await a.agent.stop();
  });

  it('a service silent for keepAliveInterval x 10 expires', async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock, { service: 'tcp://host-a:61616', uri: 'multicast://default?keepAliveInterval=100' });
    await a.agent.start();
    net.inject('default.ActiveMQ-4.alive.%localhost%tcp://amq:61616');
    assert.deepEqual(a.heard.added, ['tcp://amq:61616']);
    clock.advance(1000); // heard exactly 10 intervals ago: not yet (lastHeartBeat < now - 1000)
    assert.deepEqual(a.heard.removed, []);
    net.inject('default.ActiveMQ-4.alive.%localhost%tcp://amq:61616');
    clock.advance(1000);
    assert.deepEqual(a.heard.removed, [], 'a heartbeat restarts the count');
    clock.advance(100);
    assert.deepEqual(a.heard.removed, ['tcp://amq:61616']);
    await a.agent.stop();
  });

  it("does not offer its broker's other advertised services (a network connector's agent)", async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const local = new LocalServices();
    local.add('tcp://host-a:61616');
    const connectorAgent = agent(net, clock, { service: 'tcp://host-a:61616', local });
    const networkAgent = agent(net, clock, { local }); // <networkConnector uri="multicast://default">: no service
    await connectorAgent.agent.start();
    await networkAgent.agent.start();
    net.inject('default.ActiveMQ-4.alive.%localhost%tcp://host-b:61616');
    clock.advance(2000);
    assert.deepEqual(networkAgent.heard.added, ['tcp://host-b:61616']);
    await connectorAgent.agent.stop();
    assert.deepEqual(networkAgent.heard.removed, [], "its own broker's dead datagram is not a removal either");
    await networkAgent.agent.stop();
  });

  it('a failed service is removed, then offered again after initialReconnectDelay', async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock, { uri: 'multicast://default?initialReconnectDelay=3000' });
    await a.agent.start();
    const alive = (): void => net.inject('default.ActiveMQ-4.alive.%localhost%tcp://amq:61616');
    alive();
    a.agent.serviceFailed({ uri: 'tcp://amq:61616', brokerName: null });
    assert.deepEqual(a.heard.removed, ['tcp://amq:61616']);
    a.agent.serviceFailed({ uri: 'tcp://amq:61616', brokerName: null });
    assert.equal(a.heard.removed.length, 1, 'failing twice removes once');
    clock.advance(2900);
    alive();
    assert.deepEqual(a.heard.added, ['tcp://amq:61616'], 'ignored during the back-off');
    clock.advance(100);
    alive();
    assert.deepEqual(a.heard.added, ['tcp://amq:61616', 'tcp://amq:61616']);
    await a.agent.stop();
  });

  it('exponential back-off grows from initialReconnectDelay and maxReconnectAttempts stops the offers', async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock, {
      uri:
        'multicast://default?useExponentialBackOff=true&initialReconnectDelay=100&backOffMultiplier=3' +
        '&maxReconnectDelay=500&maxReconnectAttempts=3&keepAliveInterval=10000',
    });
    await a.agent.start();
    const alive = (): void => net.inject('default.ActiveMQ-4.alive.%localhost%tcp://amq:61616');
    alive();
    const offeredAfter = (): number => {
      a.agent.serviceFailed({ uri: 'tcp://amq:61616', brokerName: null });
      const before = a.heard.added.length;
      for (let waited = 0; waited <= 2000; waited += 10) {
        alive();
        if (a.heard.added.length > before) return waited;
        clock.advance(10);
      }
      return -1;
    };
    assert.equal(offeredAfter(), 100);
    assert.equal(offeredAfter(), 300);
    assert.equal(offeredAfter(), 500, 'capped at maxReconnectDelay');
    assert.equal(offeredAfter(), -1, 'after maxReconnectAttempts failures it is not offered again');
    await a.agent.stop();
  });

  it('survives malformed datagrams, floods and a throwing listener', async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock, { service: 'tcp://host-a:61616' });
    a.agent.once('serviceAdd', () => {
      throw new Error('listener bug');
    });
    await a.agent.start();
    net.inject('default.ActiveMQ-4.alive.no-delimiters'); // ends ActiveMQ's receive thread
    net.inject(Buffer.alloc(9000, 0x41));
    net.inject('default.ActiveMQ-4.alive.%x%tcp://first:1');
    net.inject('default.ActiveMQ-4.alive.%x%tcp://second:1');
    assert.deepEqual(a.heard.added, ['tcp://first:1', 'tcp://second:1']);
    for (let i = 0; i < MAX_DISCOVERED_SERVICES + 50; i++) net.inject(`default.ActiveMQ-4.alive.%x%tcp://flood-${i}:1`);
    assert.equal(a.agent.discovered().length, MAX_DISCOVERED_SERVICES);
    await a.agent.stop();
  });

  it('announces nothing before a service is registered, then at once', async () => {
    const net = new FakeMulticastGroup();
    const clock = new ManualClock();
    const a = agent(net, clock);
    await a.agent.start();
    clock.advance(2000);
    assert.deepEqual(net.sent, []);
    a.agent.registerService('tcp://late:61616');
    assert.deepEqual(net.sent, ['default.ActiveMQ-4.alive.%tidemq%tcp://late:61616']);
    await a.agent.stop();
    assert.equal(net.size, 0, 'the channel is closed');
  });
});
