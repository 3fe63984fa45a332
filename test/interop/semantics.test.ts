import { after, before, describe, test } from 'node:test';
import type { InteropBroker } from './harness/broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';
import { startInteropBroker } from './harness/start-broker.js';

/**
 * Messaging semantics with the real ActiveMQ Java client (test/interop/java/SemanticsScenarios.java), against
 * the broker INTEROP_BROKER names. Every scenario here needs only the default broker configuration, so the same
 * list passes against Debian's ActiveMQ. Scheduling, priorities with prioritizedMessages and individual DLQs need
 * configuration the TideMQ launcher cannot pass yet; they are covered in test/semantics (see docs/semantics.md).
 */
describe(`JMS semantics with the ActiveMQ Java client (broker: ${selectedBrokerKind()})`, () => {
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
    (name: string, args: string[] = []) =>
    async (): Promise<void> => {
      await driver.run(name, [broker.openwireUrl, ...args]);
    };

  test(
    'default redelivery policy exhausted (1 + 6 deliveries): POISON ack → ActiveMQ.DLQ with dlqDeliveryFailureCause',
    scenario('dlq-after-client-redelivery'),
  );
  test('selectors on a queue consumer and a topic subscriber', scenario('selectors-queue-topic'));
  test('an invalid selector is refused with InvalidSelectorException', scenario('invalid-selector'));
  test('a message past its time to live is not delivered', scenario('expired-not-delivered'));
  test('message groups stick to one consumer each', scenario('message-groups'));
  test('exclusive consumer takes everything, the next one takes over', scenario('exclusive-consumer-failover'));
  test('temporary topic', scenario('temporary-topic'));
  test('consumer advisory carries ConsumerInfo', scenario('consumer-advisory'));
});
