import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBrokerConfigText } from '../config/load-config.js';
import { Destination } from '../model/destination.js';
import { deadLetterDestinationFor } from '../broker/policy/index.js';
import { policyMapFromConfig, redeliveryPolicyMapFromConfig } from './policy-from-config.js';

const XML = `<beans xmlns="http://www.springframework.org/schema/beans">
<broker xmlns="http://activemq.apache.org/schema/core" brokerName="p">
  <destinationPolicy><policyMap><policyEntries>
    <policyEntry queue=">" queuePrefetch="7" prioritizedMessages="true">
      <deadLetterStrategy><individualDeadLetterStrategy queuePrefix="DLQ." useQueueForQueueMessages="true"/></deadLetterStrategy>
    </policyEntry>
    <policyEntry topic="PRICES.>">
      <subscriptionRecoveryPolicy><lastImageSubscriptionRecoveryPolicy/></subscriptionRecoveryPolicy>
      <pendingMessageLimitStrategy><constantPendingMessageLimitStrategy limit="10"/></pendingMessageLimitStrategy>
    </policyEntry>
  </policyEntries></policyMap></destinationPolicy>
  <plugins><redeliveryPlugin fallbackToDeadLetter="true" sendToDlqIfMaxRetriesExceeded="true">
    <redeliveryPolicyMap><redeliveryPolicyMap><redeliveryPolicyEntries>
      <redeliveryPolicy queue="RETRY.>" maximumRedeliveries="3" initialRedeliveryDelay="250"/>
    </redeliveryPolicyEntries></redeliveryPolicyMap></redeliveryPolicyMap>
  </redeliveryPlugin></plugins>
</broker></beans>`;

test('activemq.xml destinationPolicy and redeliveryPlugin map onto PolicyMap and RedeliveryPolicyMap', () => {
  const { config } = loadBrokerConfigText(XML, 'activemq.xml');
  const map = policyMapFromConfig(config.destinationPolicy!);
  const q = map.entryFor(Destination.queue('ORDERS'));
  assert.equal(q.queuePrefetch, 7);
  assert.equal(q.prioritizedMessages, true);
  assert.equal(
    deadLetterDestinationFor(q.deadLetterStrategy, Destination.queue('ORDERS'), null),
    Destination.queue('DLQ.ORDERS'),
  );
  const t = map.entryFor(Destination.topic('PRICES.EUR'));
  assert.deepEqual(t.subscriptionRecoveryPolicy, { type: 'lastImage' });
  assert.deepEqual(t.pendingMessageLimitStrategy, { type: 'constant', limit: 10 });
  const plugin = config.plugins.find((p) => p.type === 'redelivery');
  assert.ok(plugin !== undefined && plugin.type === 'redelivery');
  const redelivery = redeliveryPolicyMapFromConfig(plugin);
  assert.equal(redelivery.entryFor(Destination.queue('RETRY.X'))?.maximumRedeliveries, 3);
  assert.equal(redelivery.entryFor(Destination.queue('RETRY.X'))?.initialRedeliveryDelay, 250);
});
