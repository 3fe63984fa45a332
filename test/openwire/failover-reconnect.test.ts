import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openWireProtocol } from '../../src/protocol/openwire/openwire-module.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { RawProducer } from './raw-producer.js';

/**
 * The failover transport's reconnect sends ConnectionControl(faultTolerant), then replays ConnectionInfo,
 * SessionInfo, ProducerInfo and the unanswered sends without waiting for answers
 * (FailoverTransport.restoreTransport); ActiveMQ handles them in order. TideMQ closed such a connection (a
 * command before ConnectionInfo: first the ConnectionControl, then a SessionInfo that arrived while the
 * ConnectionInfo was still being handled), so a Java client failing over to a new master looped forever.
 */
test('a failover reconnect (ConnectionControl, then state and a send pipelined) is served in order', async (t) => {
  const service = new BrokerService({
    connectors: [{ name: 'openwire', scheme: 'tcp', protocol: openWireProtocol, host: '127.0.0.1', port: 0 }],
  });
  await service.start();
  t.after(() => service.stop());
  const producer = await RawProducer.open(service.connector('openwire').port, { reconnecting: true });
  t.after(() => producer.destroy());
  assert.deepEqual(producer.replayedAnswer, { exception: null }, 'the replayed send is stored and answered');
  const answer = await producer.send(producer.message('failover.reconnect'));
  assert.equal(answer.exception, null);
  assert.equal(producer.closed, false);
});
