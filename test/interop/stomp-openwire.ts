import assert from 'node:assert/strict';
import type { InteropBroker } from './harness/broker.js';
import type { JavaDriver } from './harness/java-driver.js';
import { StompTestClient } from './harness/stomp-client.js';

/**
 * The STOMP half of the STOMP/OpenWire scenarios; the OpenWire half is BridgeScenarios.java, whose constants must
 * match these. ActiveMQ's mapping (LegacyFrameTranslator): a SEND with content-length becomes a BytesMessage and
 * one without a TextMessage; `type` is JMSType; other headers are String properties. Towards STOMP, a BytesMessage
 * carries content-length, a TextMessage does not, and every property becomes a header holding its string form.
 */
export const STOMP_FIXTURE = {
  textFromStomp: 'hello from STOMP ✓',
  textFromOpenWire: 'hello from OpenWire ✓',
  binary: Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x41]),
} as const;

let queueCounter = 0;
function queueName(what: string): string {
  return `interop.stomp.${what}.${process.pid}.${Date.now().toString(36)}.${++queueCounter}`;
}

export async function stompToOpenWire(broker: InteropBroker, driver: JavaDriver): Promise<string> {
  const queue = queueName('to-openwire');
  const stomp = await StompTestClient.connect(broker.stomp.host, broker.stomp.port);
  try {
    await stomp.send(
      `/queue/${queue}`,
      { type: 'stomp.text', color: 'blue', count: '7', persistent: 'true' },
      STOMP_FIXTURE.textFromStomp,
    );
    await stomp.send(`/queue/${queue}`, { type: 'stomp.bytes', shape: 'square' }, STOMP_FIXTURE.binary, {
      contentLength: true,
    });
  } finally {
    stomp.close();
  }
  return driver.run('stomp-to-openwire-check', [broker.openwireUrl, queue]);
}

export async function openWireToStomp(broker: InteropBroker, driver: JavaDriver): Promise<void> {
  const queue = queueName('to-stomp');
  await driver.run('openwire-to-stomp-send', [broker.openwireUrl, queue]);
  const stomp = await StompTestClient.connect(broker.stomp.host, broker.stomp.port);
  try {
    stomp.subscribe(`/queue/${queue}`, 'sub-1');
    const text = await stomp.nextMessage();
    assert.equal(text.body.toString('utf8'), STOMP_FIXTURE.textFromOpenWire, 'TextMessage body as UTF-8');
    assert.equal(text.headers.get('content-length'), undefined, 'a TextMessage arrives without content-length');
    assert.equal(text.headers.get('type'), 'openwire.text', 'JMSType becomes the type header');
    assert.equal(text.headers.get('destination'), `/queue/${queue}`, 'destination header');
    assert.equal(text.headers.get('subscription'), 'sub-1', 'subscription header');
    assert.match(text.headers.get('message-id') ?? '', /^ID:/, 'message-id header is the JMSMessageID');
    assert.equal(text.headers.get('color'), 'red', 'String property');
    assert.equal(text.headers.get('count'), '42', 'int property as its decimal string');
    assert.equal(text.headers.get('flag'), 'true', 'boolean property as its string');
    assert.equal(text.headers.get('ratio'), '0.5', 'double property as its string');

    const bytes = await stomp.nextMessage();
    assert.deepEqual(bytes.body, STOMP_FIXTURE.binary, 'BytesMessage body byte for byte');
    assert.equal(bytes.headers.get('content-length'), String(STOMP_FIXTURE.binary.length), 'content-length header');
    assert.equal(bytes.headers.get('type'), 'openwire.bytes', 'JMSType becomes the type header');
    assert.equal(bytes.headers.get('shape'), 'circle', 'String property');
  } finally {
    stomp.close();
  }
}
