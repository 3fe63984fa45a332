import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T } from '../../src/protocol/openwire/codec/index.js';
import { openWireProtocol } from '../../src/protocol/openwire/openwire-module.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { RawProducer } from './raw-producer.js';

/**
 * ActiveMQ 5.17's network bridge with syncDurableSubs writes its BrokerSubscriptionInfo right after its BrokerInfo
 * and before its ConnectionInfo (DemandForwardingBridgeSupport.startRemoteBridge); ActiveMQ's passive end ignores
 * it (TransportConnection.processBrokerSubscriptionInfo). TideMQ closed such a connection ("Received
 * BROKER_SUBSCRIPTION_INFO before ConnectionInfo"), so an ActiveMQ bridge with syncDurableSubs to TideMQ
 * reconnected in a loop (test/interop/cluster-sync.test.ts, b).
 */
test('a BrokerSubscriptionInfo before ConnectionInfo, as ActiveMQ 5.17 bridges send it, is accepted', async (t) => {
  const service = new BrokerService({
    connectors: [{ name: 'openwire', scheme: 'tcp', protocol: openWireProtocol, host: '127.0.0.1', port: 0 }],
  });
  await service.start();
  t.after(() => service.stop());
  const producer = await RawProducer.open(service.connector('openwire').port, {
    preamble: [
      {
        type: T.BROKER_SUBSCRIPTION_INFO,
        commandId: 0,
        responseRequired: false,
        brokerId: { type: T.BROKER_ID, value: 'ID:amq-1' },
        brokerName: 'amq',
        subscriptionInfos: [],
      },
    ],
  });
  t.after(() => producer.destroy());
  const answer = await producer.send(producer.message('durable.sync.order'));
  assert.equal(answer.exception, null);
  assert.equal(producer.closed, false);
});
