import { Connection } from '../../../src/client/index.js';
import { T, type BrokerInfo } from '../../../src/protocol/openwire/codec/index.js';
import { openWireProtocol } from '../../../src/protocol/openwire/openwire-module.js';
import { BrokerService } from '../../../src/server/broker-service.js';
import type { ClusterUpdateOptions } from '../../../src/server/cluster-client-updates.js';
import { Logger } from '../../../src/util/logger.js';
import type { TestBroker } from './broker.js';

/** An in-process TideMQ named `name` whose OpenWire connector (127.0.0.1:0) has the given cluster update options. */
export async function startClusterBroker(cluster: Partial<ClusterUpdateOptions>, name = 'A'): Promise<TestBroker> {
  const service = new BrokerService({
    brokerName: name,
    logger: Logger.silent(),
    connectors: [
      {
        name: 'openwire',
        scheme: 'tcp',
        protocol: openWireProtocol,
        host: '127.0.0.1',
        port: 0,
        cluster: {
          updateClusterClients: false,
          rebalanceClusterClients: false,
          updateClusterClientsOnRemove: false,
          updateClusterFilter: null,
          ...cluster,
        },
      },
    ],
  });
  await service.start();
  const port = service.connector('openwire').port;
  return { service, port, url: `tcp://127.0.0.1:${port}`, stop: () => service.stop() };
}

/** A BrokerInfo as a network bridge sends it (networkConnection=true), for broker `name` reachable at `brokerURL`. */
export function networkBrokerInfo(name: string, brokerURL: string, networkConnection = true): BrokerInfo {
  return {
    type: T.BROKER_INFO,
    commandId: 0,
    responseRequired: false,
    brokerId: { type: T.BROKER_ID, value: `ID:${name}-1` },
    brokerURL,
    peerBrokerInfos: null,
    brokerName: name,
    slaveBroker: false,
    masterBroker: false,
    faultTolerantConfiguration: false,
    duplexConnection: false,
    networkConnection,
    connectionId: 0,
    brokerUploadUrl: null,
    networkProperties: null,
  };
}

/**
 * Connects to `brokerUrl` the way a network bridge does, announcing broker `name` at `brokerURL`; the broker keeps
 * it as a peer until the returned connection closes.
 */
export async function connectAsNetworkPeer(brokerUrl: string, name: string, brokerURL: string): Promise<Connection> {
  const peer = await Connection.connect(brokerUrl);
  await peer.oneway(networkBrokerInfo(name, brokerURL));
  return peer;
}
