import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openWireProtocol } from '../../src/protocol/openwire/openwire-module.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { RawProducer } from './raw-producer.js';

/**
 * The failover transport's reconnect sends ConnectionControl(faultTolerant) before it replays ConnectionInfo
 * (FailoverTransport.restoreTransport); ActiveMQ accepts it there. TideMQ closed such a connection as a command
 * before ConnectionInfo, so a Java client failing over to a slave that had just become master looped forever.
 */
test('a ConnectionControl before ConnectionInfo (a failover reconnect) is accepted, and sends then work', async (t) => {
  const service = new BrokerService({
    connectors: [{ name: 'openwire', scheme: 'tcp', protocol: openWireProtocol, host: '127.0.0.1', port: 0 }],
  });
  await service.start();
  t.after(() => service.stop());
  const producer = await RawProducer.open(service.connector('openwire').port, { reconnecting: true });
  t.after(() => producer.destroy());
  const answer = await producer.send(producer.message('failover.reconnect'));
  assert.equal(answer.exception, null);
  assert.equal(producer.closed, false);
});
