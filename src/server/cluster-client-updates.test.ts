import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PeerBrokers, type ClusterControl } from '../broker/peer-brokers.js';
import { loadBrokerConfigText } from '../config/load-config.js';
import { Logger } from '../util/logger.js';
import { assembleConnectors } from './assemble-connectors.js';
import './builtin-protocols.js';
import { ClusterClientUpdates, compileClusterFilter } from './cluster-client-updates.js';

function updates(options: Partial<ConstructorParameters<typeof ClusterClientUpdates>[0]> = {}) {
  const peers = new PeerBrokers();
  const u = new ClusterClientUpdates(
    {
      updateClusterClients: true,
      rebalanceClusterClients: false,
      updateClusterClientsOnRemove: false,
      updateClusterFilter: null,
      ...options,
    },
    () => 'tcp://a:61616',
    peers,
    Logger.silent(),
  );
  u.start();
  const sent: ClusterControl[][] = [];
  const client = (i: number) => ({ updateClient: (c: ClusterControl) => (sent[i] ??= []).push(c) });
  return { u, peers, sent, client };
}

const peer = (name: string, url: string | null) => ({
  brokerId: `ID:${name}`,
  brokerName: name,
  brokerUrl: url,
  duplex: false,
});

describe('ClusterClientUpdates (TransportConnector.getConnectionControl and updateClientClusterInfo)', () => {
  it('lists the own URI first, then peers as they join', () => {
    const { u, peers } = updates();
    assert.deepEqual(u.connectionControl(), { connectedBrokers: 'tcp://a:61616', rebalanceConnection: false });
    peers.add('c1', peer('B', 'tcp://b:61616'));
    peers.add('c2', peer('C', 'tcp://c:61616'));
    assert.equal(u.connectionControl().connectedBrokers, 'tcp://a:61616,tcp://b:61616,tcp://c:61616');
  });

  it('rotates once before the walk and once after each connection when rebalancing', () => {
    const { u, peers, sent, client } = updates({ rebalanceClusterClients: true });
    u.attach(client(0));
    u.attach(client(1));
    u.attach(client(2));
    peers.add('c1', peer('B', 'tcp://b:61616'));
    assert.deepEqual(
      sent.map((s) => s.at(-1)!.connectedBrokers),
      ['tcp://a:61616,tcp://b:61616', 'tcp://b:61616,tcp://a:61616', 'tcp://a:61616,tcp://b:61616'],
    );
    assert.ok(sent.every((s) => s.at(-1)!.rebalanceConnection));
    assert.deepEqual(u.brokers(), ['tcp://a:61616', 'tcp://b:61616'], 'four rotations of two: where it started');
  });

  it('rebalanceClusterClients alone sends an empty list (ActiveMQ fills it only with updateClusterClients)', () => {
    const { u } = updates({ updateClusterClients: false, rebalanceClusterClients: true });
    assert.deepEqual(u.connectionControl(), { connectedBrokers: '', rebalanceConnection: true });
  });

  it('a peer without a URL is never listed; a departed one only with updateClusterClientsOnRemove', () => {
    const kept = updates();
    kept.peers.add('c1', peer('B', null));
    kept.peers.add('c2', peer('C', 'tcp://c:61616'));
    kept.peers.remove('c2');
    assert.deepEqual(kept.u.brokers(), ['tcp://a:61616', 'tcp://c:61616']);
    const removed = updates({ updateClusterClientsOnRemove: true });
    removed.peers.add('c2', peer('C', 'tcp://c:61616'));
    removed.peers.remove('c2');
    assert.deepEqual(removed.u.brokers(), ['tcp://a:61616']);
  });

  it('updateClusterFilter matches whole names, as Pattern.matches', () => {
    const [east, b] = compileClusterFilter(' east-.*,B ');
    assert.equal(east!.test('east-1'), true);
    assert.equal(east!.test('west-east-1'), false);
    assert.equal(b!.test('Bee'), false);
    assert.deepEqual(compileClusterFilter(null), []);
    assert.throws(() => compileClusterFilter('broker-('), /updateClusterFilter: broker-\( is not a regular expression/);
  });
});

describe('<transportConnector> cluster and discovery attributes at start-up', () => {
  const connectors = (attrs: string) =>
    assembleConnectors(
      loadBrokerConfigText(
        `<broker xmlns="http://activemq.apache.org/schema/core"><transportConnectors>
          <transportConnector name="openwire" uri="tcp://127.0.0.1:0" ${attrs}/>
        </transportConnectors></broker>`,
        'activemq.xml',
        { env: {} },
      ).config,
      Logger.silent(),
    );

  it('passes the cluster options and the discovery URI to the connector', async () => {
    const [c] = await connectors(
      'updateClusterClients="true" updateClusterFilter="a.*" discoveryUri="multicast://default?group=prod"',
    );
    assert.deepEqual(c!.cluster, {
      updateClusterClients: true,
      rebalanceClusterClients: false,
      updateClusterClientsOnRemove: false,
      updateClusterFilter: 'a.*',
    });
    assert.equal(c!.discoveryUri, 'multicast://default?group=prod');
    const [plain] = await connectors('');
    assert.equal(plain!.cluster, undefined);
    assert.equal(plain!.discoveryUri, undefined);
  });

  it('refuses a filter that is not a regular expression and a discovery URI it cannot serve, naming the connector', async () => {
    await assert.rejects(
      connectors('updateClusterClients="true" updateClusterFilter="(broken"'),
      /Connector openwire \(tcp:\/\/127\.0\.0\.1:0\): updateClusterFilter: \(broken is not a regular expression/,
    );
    await assert.rejects(
      connectors('discoveryUri="zeroconf:_activemq_development"'),
      /discoveryUri="zeroconf:_activemq_development" is not available in this version \(only multicast:\/\/\)/,
    );
    await assert.rejects(connectors('discoveryUri="multicast://default?keepalive=5"'), /unknown option keepalive/);
  });
});
