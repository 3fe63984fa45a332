import { after, before, describe, test } from 'node:test';
import type { BrokerSetup, InteropBroker } from './harness/broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';
import { startInteropBroker } from './harness/start-broker.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * One activemq.xml for both brokers: schedulerSupport, destination policies keyed by scenario name
 * (interop.<scenario>.<nonce>.<suffix>), a redeliveryPlugin, a compositeQueue and a selector-aware virtual topic.
 * Every scenario in test/interop/java/ConfiguredScenarios.java relies on exactly this file.
 */
export const configuredSetup: BrokerSetup = {
  xml: ({ dataDir, openwirePort, stompPort }) => `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="true"
          schedulerSupport="true" dataDirectory="${esc(dataDir)}">
    <destinationPolicy>
      <policyMap>
        <policyEntries>
          <policyEntry queue="interop.cfg-priority.*.prio" prioritizedMessages="true"/>
          <policyEntry queue="interop.cfg-individual-dlq.>">
            <deadLetterStrategy>
              <individualDeadLetterStrategy queuePrefix="DLQ." useQueueForQueueMessages="true"/>
            </deadLetterStrategy>
          </policyEntry>
          <policyEntry queue="interop.cfg-dlq-flags.*.custom" expireMessagesPeriod="500">
            <deadLetterStrategy>
              <individualDeadLetterStrategy queuePrefix="DLQ." processExpired="false" processNonPersistent="true"/>
            </deadLetterStrategy>
          </policyEntry>
          <policyEntry queue="interop.cfg-dlq-flags.*.plain" expireMessagesPeriod="500">
            <deadLetterStrategy>
              <individualDeadLetterStrategy queuePrefix="DLQ."/>
            </deadLetterStrategy>
          </policyEntry>
          <policyEntry queue="interop.cfg-pfc.>" producerFlowControl="true" memoryLimit="100 kb">
            <pendingQueuePolicy>
              <vmQueueCursor/>
            </pendingQueuePolicy>
          </policyEntry>
          <policyEntry topic="interop.cfg-last-image.>">
            <subscriptionRecoveryPolicy>
              <lastImageSubscriptionRecoveryPolicy/>
            </subscriptionRecoveryPolicy>
          </policyEntry>
          <policyEntry topic="interop.cfg-fixed-count.>">
            <subscriptionRecoveryPolicy>
              <fixedCountSubscriptionRecoveryPolicy maximumSize="3"/>
            </subscriptionRecoveryPolicy>
          </policyEntry>
          <policyEntry topic="interop.cfg-no-consumer.>" sendAdvisoryIfNoConsumers="true"/>
          <policyEntry queue="interop.cfg-expired-advisory.>" expireMessagesPeriod="500"/>
          <policyEntry queue="interop.cfg-msg-advisories.>" advisoryForDelivery="true" advisoryForConsumed="true"/>
          <policyEntry topic="interop.cfg-slow-consumer.>" advisoryForSlowConsumers="true"/>
          <policyEntry queue="interop.cfg-fast-producer.>" producerFlowControl="true" memoryLimit="100 kb"
                       advisoryForFastProducers="true">
            <pendingQueuePolicy>
              <vmQueueCursor/>
            </pendingQueuePolicy>
          </policyEntry>
          <policyEntry topic="interop.cfg-abort-slow.>">
            <slowConsumerStrategy>
              <abortSlowConsumerStrategy abortConnection="true" checkPeriod="500" maxSlowDuration="1000"/>
            </slowConsumerStrategy>
          </policyEntry>
        </policyEntries>
      </policyMap>
    </destinationPolicy>
    <destinationInterceptors>
      <virtualDestinationInterceptor>
        <virtualDestinations>
          <virtualTopic name="VirtualTopic.>" prefix="Consumer.*."/>
          <virtualTopic name="interop.cfg-vt.>" prefix="Consumer.*." selectorAware="true"/>
          <compositeQueue name="interop.cfg-composite.in">
            <forwardTo>
              <queue physicalName="interop.cfg-composite.out.all"/>
              <topic physicalName="interop.cfg-composite.out.topic"/>
              <filteredDestination selector="color = 'red'" queue="interop.cfg-composite.out.red"/>
            </forwardTo>
          </compositeQueue>
        </virtualDestinations>
      </virtualDestinationInterceptor>
    </destinationInterceptors>
    <plugins>
      <redeliveryPlugin fallbackToDeadLetter="true" sendToDlqIfMaxRetriesExceeded="true">
        <redeliveryPolicyMap>
          <redeliveryPolicyMap>
            <redeliveryPolicyEntries>
              <redeliveryPolicy queue="interop.cfg-redelivery-plugin.>" maximumRedeliveries="2"
                                initialRedeliveryDelay="1000" redeliveryDelay="1000"/>
            </redeliveryPolicyEntries>
          </redeliveryPolicyMap>
        </redeliveryPolicyMap>
      </redeliveryPlugin>
    </plugins>
    <systemUsage>
      <systemUsage sendFailIfNoSpace="true"/>
    </systemUsage>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`,
};

/**
 * JMS semantics that need broker configuration, with the real ActiveMQ Java client against the broker
 * INTEROP_BROKER names, both started from configuredSetup's activemq.xml. Every expectation is what Debian's
 * ActiveMQ 5.17.2 does (INTEROP_BROKER=activemq), and TideMQ has to do the same.
 */
describe(`JMS semantics with a configured broker (broker: ${selectedBrokerKind()})`, () => {
  let broker: InteropBroker;
  let driver: JavaDriver;

  before(async () => {
    const classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
    broker = await startInteropBroker(classes, configuredSetup);
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

  test('AMQ_SCHEDULED_DELAY holds a message back, then sends it once', scenario('cfg-scheduled-delay'));
  test('AMQ_SCHEDULED_PERIOD + AMQ_SCHEDULED_REPEAT sends repeat + 1 copies', scenario('cfg-scheduled-repeat'));
  test('ActiveMQ.Scheduler.Management: BROWSE, REMOVE, REMOVEALL', scenario('cfg-scheduler-management'));
  test('prioritizedMessages: highest priority first; FIFO without it', scenario('cfg-priority'));
  test('individualDeadLetterStrategy queuePrefix="DLQ."', scenario('cfg-individual-dlq'));
  test('processExpired="false" / processNonPersistent="true" against the defaults', scenario('cfg-dlq-flags'));
  test(
    'redeliveryPlugin: the broker redelivers poison-acked messages, then dead-letters',
    scenario('cfg-redelivery-plugin'),
  );
  test('memoryLimit + sendFailIfNoSpace: ResourceAllocationException with ActiveMQ’s text', scenario('cfg-pfc'));
  test('retroactive consumer with lastImageSubscriptionRecoveryPolicy', scenario('cfg-last-image'));
  test('retroactive consumer with fixedCountSubscriptionRecoveryPolicy maximumSize=3', scenario('cfg-fixed-count'));
  test('compositeQueue forwards to a queue, a topic and a filteredDestination', scenario('cfg-composite'));
  test('selectorAware virtual topic forwards only what a consumer queue’s consumers select', scenario('cfg-vt'));
  test('Expired advisory carries the expired message as its dataStructure', scenario('cfg-expired-advisory'));
  test('NoConsumer advisory is the non-persistent message itself', scenario('cfg-no-consumer'));
  test('MessageDelivered and MessageConsumed advisories carry the message', scenario('cfg-msg-advisories'));
  test(
    'SlowConsumer advisory: a topic subscriber past twice its prefetch, once per episode',
    scenario('cfg-slow-consumer'),
  );
  test('FastProducer advisory for the send that finds the queue full', scenario('cfg-fast-producer'));
  test(
    'abortSlowConsumerStrategy abortConnection: the slow subscriber’s connection is dropped',
    scenario('cfg-abort-slow'),
  );
});
