import { after, before, describe, test } from 'node:test';
import type { InteropBroker } from './harness/broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';
import { startInteropBroker } from './harness/start-broker.js';
import { openWireToStomp, stompToOpenWire } from './stomp-openwire.js';

/**
 * OpenWire interop: the real ActiveMQ 5.17 JMS client (Debian's libactivemq-java) against the broker INTEROP_BROKER
 * names, tidemq (default) or activemq (Debian's ActiveMQ 5.17, the reference the suite is proven on). Each test is
 * one scenario in test/interop/java, run by one long-lived JVM; see docs/interop.md.
 */
describe(`OpenWire interop with the ActiveMQ Java client (broker: ${selectedBrokerKind()})`, () => {
  let broker: InteropBroker;
  let driver: JavaDriver;

  before(async () => {
    const classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
    broker = await startInteropBroker(classes);
  });

  after(async () => {
    await driver?.close();
    await broker?.stop();
  });

  const scenario =
    (name: string, args: string[] = [], timeoutMs?: number) =>
    async (): Promise<void> => {
      await driver.run(name, [broker.openwireUrl, ...args], timeoutMs);
    };

  test('queue send/receive', scenario('queue-send-receive'));
  test('topic publish/subscribe', scenario('topic-pub-sub'));
  test('durable subscription across a reconnect, then unsubscribe', scenario('durable-subscription'));
  test('every message type round-trips (Text, Bytes, Map, Stream, Object, plain)', scenario('message-types'));
  test('every property type round-trips', scenario('property-types'));
  test('JMS headers round-trip', scenario('message-headers'));
  test('brokerInTime on arrival, brokerOutTime on dispatch', scenario('broker-in-out-time'));
  test('CLIENT_ACKNOWLEDGE: unacknowledged message redelivered after session close', scenario('client-ack-redelivery'));
  test('INDIVIDUAL_ACKNOWLEDGE: only unacknowledged messages redelivered', scenario('individual-ack-redelivery'));
  test('local transaction: producer commit and rollback', scenario('transacted-send'));
  test('local transaction: consumer rollback redelivers, commit consumes', scenario('transacted-receive'));
  test('prefetch 1 via jms.prefetchPolicy.all: a second consumer gets the rest', scenario('prefetch', ['url', '1']));
  test('prefetch 1000 via jms.prefetchPolicy.all: one consumer takes the lot', scenario('prefetch', ['url', '1000']));
  test(
    'prefetch 1 via queue?consumer.prefetchSize: a second consumer gets the rest',
    scenario('prefetch', ['dest', '1']),
  );
  test(
    'prefetch 1000 via queue?consumer.prefetchSize: one consumer takes the lot',
    scenario('prefetch', ['dest', '1000']),
  );
  test('prefetch 0: receive pulls, messages spread over consumers', scenario('prefetch-zero'));
  test('temporary queue request/reply', scenario('temp-queue-request-reply'));
  test('XA: prepared send invisible until commit; rollback after prepare discards', scenario('xa-two-phase'));
  test('XA: one-phase commit of a receive; recover() lists a prepared branch', scenario('xa-one-phase-and-recover'));
  test('QueueBrowser sees without consuming', scenario('queue-browser'));
  test('wildcard consumers FOO.> and FOO.*', scenario('wildcard-consumers'));
  test('async (jms.useAsyncSend) and sync sends', scenario('async-sync-send'));
  test('a 5 MiB message', scenario('large-message'));
  test('topic fan-out to subscribers on different OpenWire versions and encodings', scenario('topic-fan-out-formats'));
  test('10,000 messages in order', scenario('many-messages-in-order', ['10000'], 150_000));
  test(
    'closed consumer connection hands its unacknowledged messages to another consumer',
    scenario('consumer-connection-closed-mid-flow', ['close']),
  );
  test(
    'dropped consumer socket hands its unacknowledged messages to another consumer',
    scenario('consumer-connection-closed-mid-flow', ['drop']),
  );
  test('idle connection survives past maxInactivityDuration on keep-alives', scenario('idle-keepalive', ['8000']));
  test('STOMP sends, OpenWire receives (text and bytes)', async () => {
    await stompToOpenWire(broker, driver);
  });
  test('OpenWire sends, STOMP receives (text and bytes)', async () => {
    await openWireToStomp(broker, driver);
  });
  test('wrong credentials are refused with JMSSecurityException', async (t) => {
    if (broker.auth === undefined) {
      t.skip(`the ${broker.kind} launcher cannot enable simpleAuthenticationPlugin yet (docs/interop.md)`);
      return;
    }
    await driver.run('wrong-credentials', [broker.openwireUrl, broker.auth.user, broker.auth.password]);
  });
});
