import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { formatWarning } from '../config-error.js';
import { loadBrokerConfigText } from '../load-config.js';

const FILE = '/cfg/conf/activemq.xml';
const load = (inner: string, attrs = '') =>
  loadBrokerConfigText(`<broker xmlns="http://activemq.apache.org/schema/core"${attrs}>\n${inner}\n</broker>`, FILE, {
    env: {},
    cwd: '/work',
  });

test('broker attributes are typed; ignored ones warn, and so do typed ones nothing consumes (issue 12.9)', () => {
  const { config, warnings } = load(
    '',
    ' brokerName="b1" dataDirectory="data" schedulerSupport="true" advisorySupport="false" populateJMSXUserID="true"' +
      ' useAuthenticatedPrincipalForJMSXUserID="true" schedulePeriodForDestinationPurge="10000"' +
      ' offlineDurableSubscriberTimeout="86400000" start="false" dedicatedTaskRunner="true"',
  );
  assert.equal(config.brokerName, 'b1');
  assert.equal(config.dataDirectory, '/work/data');
  assert.equal(config.schedulerDirectory, '/work/data/b1/scheduler');
  assert.equal(config.schedulerSupport, true);
  assert.equal(config.advisorySupport, false);
  assert.equal(config.populateJMSXUserID, true);
  assert.equal(config.useAuthenticatedPrincipalForJMSXUserID, true);
  assert.equal(config.schedulePeriodForDestinationPurge, 10000);
  assert.equal(config.offlineDurableSubscriberTimeout, 86_400_000);
  assert.equal(config.start, false);
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:1:213: attribute schedulePeriodForDestinationPurge="10000" of <broker> is not implemented by TideMQ and has no effect: inactive destinations are not purged`,
    `${FILE}:1:255: attribute offlineDurableSubscriberTimeout="86400000" of <broker> is not implemented by TideMQ and has no effect: offline durable subscriptions are kept forever`,
    `${FILE}:1:298: attribute start="false" of <broker> is not implemented by TideMQ and has no effect: \`tidemq start\` always starts the broker it loads`,
    `${FILE}:1:312: attribute dedicatedTaskRunner of <broker> is not supported by TideMQ and is ignored`,
  ]);
});

test('an inert broker attribute written with the value TideMQ behaves as is quiet; any other value warns', () => {
  // Debian's stock activemq.xml says useJmx="false": TideMQ has no JMX, so that is exactly what happens.
  assert.deepEqual(load('', ' useJmx="false" useShutdownHook="true" keepDurableSubsActive="true"').warnings, []);
  assert.deepEqual(load('', ' useJmx="true" brokerId="ID:fixed"').warnings.map(formatWarning), [
    `${FILE}:1:56: attribute useJmx="true" of <broker> is not implemented by TideMQ and has no effect: TideMQ has no JMX; its management API replaces it`,
    `${FILE}:1:70: attribute brokerId="ID:fixed" of <broker> is not implemented by TideMQ and has no effect: TideMQ generates the broker id`,
  ]);
});

test('--strict refuses an inert broker attribute at its file:line:col', () => {
  assert.throws(
    () =>
      loadBrokerConfigText(
        '<broker xmlns="http://activemq.apache.org/schema/core"\n        cacheTempDestinations="true"/>',
        FILE,
        { env: {}, cwd: '/work', strict: true },
      ),
    (e: Error) =>
      e.message.startsWith(`${FILE}:2:9: attribute cacheTempDestinations="true" of <broker> is not implemented`),
  );
});

test('a <networkConnector> is read with its options and ActiveMQ defaults, without a warning', () => {
  const xml =
    '<networkConnectors>\n  <networkConnector name="nc" uri="static:(tcp://peer:61616)" duplex="true" networkTTL="3" remoteUserName="r"/>\n</networkConnectors>';
  const { config, warnings } = load(xml);
  const nc = config.networkConnectors[0]!;
  assert.equal(nc.duplex, true);
  assert.equal(nc.networkTTL, 3);
  assert.equal(nc.messageTTL, 3, 'networkTTL sets messageTTL');
  assert.equal(nc.consumerTTL, 3, 'and consumerTTL');
  assert.equal(nc.remoteUserName, 'r');
  assert.equal(nc.conduitSubscriptions, true);
  assert.equal(nc.consumerPriorityBase, -5);
  assert.equal(nc.clientIdToken, '_');
  assert.deepEqual(warnings.map(formatWarning), []);
});

test('a <multicastNetworkConnector> is reported: TideMQ starts no bridge for it (an error under --strict)', () => {
  const xml =
    '<networkConnectors>\n  <multicastNetworkConnector remoteURI="multicast://default"/>\n</networkConnectors>';
  const { warnings } = load(xml);
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:3:3: <multicastNetworkConnector> is not implemented by TideMQ; no network bridge is started`,
  ]);
});

test('destination policy: entries, defaultEntry and their strategies', () => {
  const { config, warnings } = load(`<destinationPolicy><policyMap>
  <policyEntries>
    <policyEntry queue=">" producerFlowControl="false" memoryLimit="64 mb" queuePrefetch="1" prioritizedMessages="true"
                 maxPageSize="500" expireMessagesPeriod="0" gcInactiveDestinations="true" inactiveTimoutBeforeGC="5000"
                 advisoryForSlowConsumers="true" sendAdvisoryIfNoConsumers="true" useCache="false" optimizedDispatch="true">
      <deadLetterStrategy>
        <individualDeadLetterStrategy queuePrefix="DLQ." useQueueForQueueMessages="true" processExpired="false" processNonPersistent="true" expiration="60000"/>
      </deadLetterStrategy>
      <messageGroupMapFactory><simpleMessageGroupMapFactory/></messageGroupMapFactory>
      <slowConsumerStrategy><abortSlowAckConsumerStrategy maxTimeSinceLastAck="10000" abortConnection="true"/></slowConsumerStrategy>
    </policyEntry>
    <policyEntry topic="prices.>" topicPrefetch="10" durableTopicPrefetch="5">
      <subscriptionRecoveryPolicy><fixedCountSubscriptionRecoveryPolicy maximumSize="20"/></subscriptionRecoveryPolicy>
      <deadLetterStrategy><sharedDeadLetterStrategy><deadLetterQueue><queue physicalName="Prices.DLQ"/></deadLetterQueue></sharedDeadLetterStrategy></deadLetterStrategy>
      <dispatchPolicy><strictOrderDispatchPolicy/></dispatchPolicy>
      <pendingMessageLimitStrategy><prefetchRatePendingMessageLimitStrategy multiplier="2.5"/></pendingMessageLimitStrategy>
    </policyEntry>
    <policyEntry tempQueue="true" advisoryForConsumed="true"><deadLetterStrategy><discarding/></deadLetterStrategy></policyEntry>
  </policyEntries>
  <defaultEntry><policyEntry lazyDispatch="true" messageGroupMapFactoryType="bucket"/></defaultEntry>
</policyMap></destinationPolicy>`);
  // Typed, but nothing consumes them yet: each is reported (issue 12.9).
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'attribute gcInactiveDestinations="true" of <policyEntry> is not implemented by TideMQ and has no effect: inactive destinations are not removed',
      'attribute inactiveTimoutBeforeGC="5000" of <policyEntry> is not implemented by TideMQ and has no effect: inactive destinations are not removed',
      'attribute optimizedDispatch="true" of <policyEntry> is not implemented by TideMQ and has no effect: not configurable in TideMQ',
      '<dispatchPolicy> strictOrder is not implemented by TideMQ; topics dispatch as simpleDispatchPolicy',
      'attribute lazyDispatch="true" of <policyEntry> is not implemented by TideMQ and has no effect: not configurable in TideMQ',
    ],
  );
  const [q, t, temp] = config.destinationPolicy!.entries;
  assert.deepEqual(q!.destination, { type: 'queue', name: '>' });
  assert.equal(q!.producerFlowControl, false);
  assert.equal(q!.memoryLimit, 64 * 1024 * 1024);
  assert.equal(q!.queuePrefetch, 1);
  assert.equal(q!.topicPrefetch, 32766);
  assert.equal(q!.maxPageSize, 500);
  assert.equal(q!.expireMessagesPeriod, 0);
  assert.equal(q!.inactiveTimeoutBeforeGC, 5000);
  assert.equal(q!.useCache, false);
  assert.deepEqual(q!.deadLetterStrategy, {
    type: 'individual',
    queuePrefix: 'DLQ.',
    queueSuffix: '',
    topicPrefix: 'ActiveMQ.DLQ.Topic.',
    topicSuffix: '',
    useQueueForQueueMessages: true,
    useQueueForTopicMessages: true,
    destinationPerDurableSubscriber: false,
    processExpired: false,
    processNonPersistent: true,
    expiration: 60000,
    enableAudit: true,
  });
  assert.deepEqual(q!.messageGroupMapFactory, { type: 'simple' });
  assert.deepEqual(q!.slowConsumerStrategy, {
    type: 'abortSlowAckConsumer',
    abortConnection: true,
    checkPeriod: 30000,
    maxSlowCount: -1,
    maxSlowDuration: 30000,
    ignoreNetworkConsumers: true,
    maxTimeSinceLastAck: 10000,
    ignoreIdleConsumers: true,
  });
  assert.deepEqual(t!.subscriptionRecoveryPolicy, { type: 'fixedCount', maximumSize: 20 });
  assert.equal(t!.deadLetterStrategy.type === 'shared' && t!.deadLetterStrategy.deadLetterQueue.name, 'Prices.DLQ');
  assert.equal(t!.dispatchPolicy, 'strictOrder');
  assert.deepEqual(t!.pendingMessageLimitStrategy, { type: 'prefetchRate', multiplier: 2.5 });
  assert.deepEqual(temp!.destination, { type: 'tempQueue', name: '>' });
  assert.deepEqual(temp!.deadLetterStrategy, { type: 'discarding', processExpired: true, processNonPersistent: false });
  const def = config.destinationPolicy!.defaultEntry!;
  assert.equal(def.destination, null);
  assert.equal(def.lazyDispatch, true);
  assert.deepEqual(def.messageGroupMapFactory, { type: 'hashBucket', bucketCount: 1024, cacheSize: 64 });
  assert.deepEqual(def.deadLetterStrategy, {
    type: 'shared',
    deadLetterQueue: { type: 'queue', name: 'ActiveMQ.DLQ' },
    processExpired: true,
    processNonPersistent: false,
    expiration: 0,
    enableAudit: true,
  });
});

test('virtual topics and composite destinations', () => {
  const { config } = load(`<destinationInterceptors><virtualDestinationInterceptor><virtualDestinations>
  <virtualTopic name="VirtualTopic.>" prefix="Consumer.*." selectorAware="true"/>
  <compositeQueue name="Orders" forwardOnly="false">
    <forwardTo>
      <queue physicalName="Orders.Audit"/>
      <topic physicalName="Orders.Events"/>
      <filteredDestination selector="priority &gt; 5" queue="Orders.Urgent"/>
    </forwardTo>
  </compositeQueue>
  <compositeTopic name="All"><forwardTo><queue physicalName="Everything"/></forwardTo></compositeTopic>
</virtualDestinations></virtualDestinationInterceptor></destinationInterceptors>
<destinations><queue physicalName="Startup.Q"/><topic physicalName="Startup.T"/></destinations>`);
  assert.deepEqual(config.virtualDestinations, [
    {
      type: 'virtualTopic',
      name: 'VirtualTopic.>',
      prefix: 'Consumer.*.',
      postfix: '',
      selectorAware: true,
      local: false,
      concurrentSend: false,
      transactedSend: false,
      dropOnResourceLimit: false,
      setOriginalDestination: true,
    },
    {
      type: 'compositeQueue',
      name: 'Orders',
      forwardTo: [
        { destination: { type: 'queue', name: 'Orders.Audit' }, selector: null },
        { destination: { type: 'topic', name: 'Orders.Events' }, selector: null },
        { destination: { type: 'queue', name: 'Orders.Urgent' }, selector: 'priority > 5' },
      ],
      forwardOnly: false,
      concurrentSend: false,
      sendWhenNotMatched: false,
    },
    {
      type: 'compositeTopic',
      name: 'All',
      forwardTo: [{ destination: { type: 'queue', name: 'Everything' }, selector: null }],
      forwardOnly: true,
      concurrentSend: false,
      sendWhenNotMatched: false,
    },
  ]);
  assert.deepEqual(config.destinations, [
    { type: 'queue', name: 'Startup.Q' },
    { type: 'topic', name: 'Startup.T' },
  ]);
});

test('plugins: JAAS, authorization with temp and default entries, redelivery, and the small ones', () => {
  const { config, warnings } = load(`<plugins>
  <jaasDualAuthenticationPlugin configuration="activemq-domain" sslConfiguration="activemq-ssl-domain"/>
  <jaasCertificateAuthenticationPlugin configuration="certs"/>
  <authorizationPlugin><map><authorizationMap>
    <authorizationEntries><authorizationEntry queue="App.>" read=" users , admins" write="admins" admin=""/></authorizationEntries>
    <tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry read="tempDestinationAdmins" write="tempDestinationAdmins" admin="tempDestinationAdmins"/></tempDestinationAuthorizationEntry>
    <defaultEntry><authorizationEntry read="admins" write="admins" admin="admins"/></defaultEntry>
  </authorizationMap></map></authorizationPlugin>
  <redeliveryPlugin fallbackToDeadLetter="true" sendToDlqIfMaxRetriesExceeded="true"><redeliveryPolicyMap><redeliveryPolicyMap>
    <redeliveryPolicyEntries><redeliveryPolicy queue="Orders" maximumRedeliveries="4" redeliveryDelay="10000"/></redeliveryPolicyEntries>
    <defaultEntry><redeliveryPolicy maximumRedeliveries="2" initialRedeliveryDelay="5000" useExponentialBackOff="true" backOffMultiplier="2"/></defaultEntry>
  </redeliveryPolicyMap></redeliveryPolicyMap></redeliveryPlugin>
  <timeStampingBrokerPlugin zeroExpirationOverride="86400000" ttlCeiling="3600000" futureOnly="true"/>
  <statisticsBrokerPlugin/>
  <loggingBrokerPlugin logAll="true"/>
  <discardingDLQBrokerPlugin dropAll="false" dropOnly="Noise.>" reportInterval="0"/>
  <forcePersistencyModeBrokerPlugin persistenceFlag="true"/>
  <traceBrokerPathPlugin/>
</plugins>`);
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:15:3: <statisticsBrokerPlugin> is not implemented by TideMQ; the plugin is read but has no effect`,
    `${FILE}:16:3: <loggingBrokerPlugin> is not implemented by TideMQ; the plugin is read but has no effect`,
    `${FILE}:17:3: <discardingDLQBrokerPlugin> is not implemented by TideMQ; the plugin is read but has no effect`,
    `${FILE}:19:3: <traceBrokerPathPlugin> is not implemented by TideMQ; the plugin is ignored`,
  ]);
  const types = config.plugins.map((p) => p.type);
  assert.deepEqual(types, [
    'jaasDualAuthentication',
    'jaasCertificateAuthentication',
    'authorization',
    'redelivery',
    'timeStamping',
    'statistics',
    'logging',
    'discardingDLQ',
    'forcePersistencyMode',
  ]);
  assert.deepEqual(config.plugins[0], {
    type: 'jaasDualAuthentication',
    configuration: 'activemq-domain',
    sslConfiguration: 'activemq-ssl-domain',
    discoverLoginConfig: true,
    loginConfig: path.join(path.dirname(FILE), 'login.config'),
  });
  // ActiveMQ's defaults for the entry names, and -Djava.security.auth.login.config wins over the conf folder.
  const jaas = loadBrokerConfigText(
    '<broker xmlns="http://activemq.apache.org/schema/core"><plugins><jaasAuthenticationPlugin/></plugins></broker>',
    FILE,
    { env: {}, cwd: '/work', properties: { 'java.security.auth.login.config': '/etc/tidemq/jaas.config' } },
  ).config.plugins[0];
  assert.deepEqual(jaas, {
    type: 'jaasAuthentication',
    configuration: 'activemq-domain',
    sslConfiguration: null,
    discoverLoginConfig: true,
    loginConfig: '/etc/tidemq/jaas.config',
  });
  const dual = load('<plugins><jaasDualAuthenticationPlugin discoverLoginConfig="false"/></plugins>').config.plugins[0];
  assert.ok(dual?.type === 'jaasDualAuthentication');
  assert.equal(dual.sslConfiguration, 'activemq-ssl-domain');
  assert.equal(dual.loginConfig, null);
  const authz = config.plugins[2]!;
  assert.ok(authz.type === 'authorization');
  assert.deepEqual(authz.entries, [
    { destination: { type: 'queue', name: 'App.>' }, read: ['users', 'admins'], write: ['admins'], admin: [] },
  ]);
  assert.deepEqual(authz.tempDestinationAuthorizationEntry?.read, ['tempDestinationAdmins']);
  assert.deepEqual(authz.defaultEntry, { destination: null, read: ['admins'], write: ['admins'], admin: ['admins'] });
  const redelivery = config.plugins[3]!;
  assert.ok(redelivery.type === 'redelivery');
  assert.equal(redelivery.entries[0]!.maximumRedeliveries, 4);
  assert.equal(redelivery.entries[0]!.initialRedeliveryDelay, 1000);
  assert.equal(redelivery.entries[0]!.redeliveryDelay, 10000);
  assert.equal(redelivery.defaultEntry!.redeliveryDelay, 5000);
  assert.equal(redelivery.defaultEntry!.backOffMultiplier, 2);
  assert.deepEqual(config.plugins[4], {
    type: 'timeStamping',
    zeroExpirationOverride: 86_400_000,
    ttlCeiling: 3_600_000,
    futureOnly: true,
    processNetworkMessages: false,
  });
  assert.deepEqual(config.plugins[7], {
    type: 'discardingDLQ',
    dropAll: false,
    dropTemporaryQueues: true,
    dropTemporaryTopics: true,
    dropOnly: 'Noise.>',
    reportInterval: 0,
  });
  assert.deepEqual(config.plugins[8], { type: 'forcePersistencyMode', persistenceFlag: true });
});

test('kahaDB options, in attribute order for the disk sync setting, and system usage', () => {
  const { config } = load(`<persistenceAdapter>
  <kahaDB directory="store" journalMaxFileLength="16mb" journalDiskSyncStrategy="periodic" enableJournalDiskSyncs="false"
          journalDiskSyncInterval="500" checkpointInterval="1000" cleanupInterval="2000" checkForCorruptJournalFiles="true"
          ignoreMissingJournalfiles="true" indexCacheSize="1 kb" concurrentStoreAndDispatchQueues="true"/>
</persistenceAdapter>
<systemUsage><systemUsage sendFailIfNoSpace="true" sendFailIfNoSpaceAfterTimeout="3000">
  <memoryUsage><memoryUsage limit="256 mb"/></memoryUsage>
  <storeUsage><storeUsage limit="10 gb"/></storeUsage>
  <tempUsage><tempUsage percentLimit="20"/></tempUsage>
</systemUsage></systemUsage>`);
  const k = config.persistenceAdapter;
  assert.ok(k.type === 'kahaDB');
  assert.equal(k.directory, '/work/store');
  assert.equal(k.journalMaxFileLength, 16 * 1024 * 1024);
  assert.equal(k.journalDiskSyncStrategy, 'NEVER');
  assert.equal(k.journalDiskSyncInterval, 500);
  assert.equal(k.checkForCorruptJournalFiles, true);
  assert.equal(k.ignoreMissingJournalfiles, true);
  assert.equal(k.indexCacheSize, 1024);
  assert.equal(k.concurrentStoreAndDispatchQueues, true);
  assert.deepEqual(config.systemUsage, {
    memoryUsage: { limit: 256 * 1024 * 1024, percentOfJvmHeap: null, percentLimit: null },
    storeUsage: { limit: 10 * 1024 ** 3, percentOfJvmHeap: null, percentLimit: null },
    tempUsage: { limit: null, percentOfJvmHeap: null, percentLimit: 20 },
    jobSchedulerUsage: { limit: 50 * 1024 ** 3, percentOfJvmHeap: null, percentLimit: null },
    sendFailIfNoSpace: true,
    sendFailIfNoSpaceAfterTimeout: 3000,
  });
  const reversed = load(
    '<persistenceAdapter><kahaDB enableJournalDiskSyncs="false" journalDiskSyncStrategy="periodic"/></persistenceAdapter>',
  );
  assert.equal(
    reversed.config.persistenceAdapter.type === 'kahaDB' && reversed.config.persistenceAdapter.journalDiskSyncStrategy,
    'PERIODIC',
  );
});

test('transport connector attributes and the sslContext are typed', () => {
  const { config } =
    load(`<sslContext><sslContext keyStore="broker.ks" keyStorePassword="pw" trustStore="broker.ts" trustStorePassword="tpw"/></sslContext>
<transportConnectors>
  <transportConnector name="ssl" uri="ssl://0.0.0.0:61617?transport.needClientAuth=true" updateClusterClients="true" rebalanceClusterClients="true" updateClusterFilter="broker-.*" maximumConsumersAllowedPerConnection="5"/>
  <transportConnector uri="stomp://0.0.0.0:61613"/>
</transportConnectors>`);
  const [ssl, stomp] = config.transportConnectors;
  assert.equal(ssl!.uri, 'ssl://0.0.0.0:61617?transport.needClientAuth=true');
  assert.equal(ssl!.updateClusterClients, true);
  assert.equal(ssl!.rebalanceClusterClients, true);
  assert.equal(ssl!.updateClusterFilter, 'broker-.*');
  assert.equal(ssl!.maximumConsumersAllowedPerConnection, 5);
  assert.equal(stomp!.name, 'stomp://0.0.0.0:61613');
  assert.equal(config.sslContext!.keyStore, 'broker.ks');
  assert.equal(config.sslContext!.keyStoreType, 'jks');
  assert.equal(config.sslContext!.trustStorePassword, 'tpw');
});

test('systemUsage parts TideMQ does not size by are reported; the stock values stay quiet', () => {
  const stock = load(`<systemUsage><systemUsage>
  <memoryUsage><memoryUsage percentOfJvmHeap="70"/></memoryUsage>
  <storeUsage><storeUsage limit="100 gb"/></storeUsage>
  <tempUsage><tempUsage limit="50 gb"/></tempUsage>
</systemUsage></systemUsage>`);
  assert.deepEqual(stock.warnings, []);
  const { warnings } = load(`<systemUsage><systemUsage>
  <storeUsage><storeUsage percentLimit="50"/></storeUsage>
  <tempUsage><tempUsage limit="1 gb"/></tempUsage>
  <jobSchedulerUsage><jobSchedulerUsage limit="1 gb"/></jobSchedulerUsage>
</systemUsage></systemUsage>`);
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:3:27: attribute percentLimit of <storeUsage> is not implemented by TideMQ and has no effect: a share of the disk is not implemented; give it a limit`,
    `${FILE}:5:41: attribute limit of <jobSchedulerUsage> is not implemented by TideMQ and has no effect: scheduled messages have no store of their own`,
  ]);
});

test('<kahaDB> tuning the journal store does not have is reported; values it behaves as are quiet', () => {
  const quiet = load(
    '<persistenceAdapter><kahaDB directory="k" preallocationStrategy="SPARSE_FILE" checksumJournalFiles="true"/></persistenceAdapter>',
  );
  assert.deepEqual(quiet.warnings, []);
  const { warnings } = load('<persistenceAdapter><kahaDB directory="k" archiveDataLogs="true"/></persistenceAdapter>');
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:2:43: attribute archiveDataLogs="true" of <kahaDB> is not implemented by TideMQ and has no effect: journal files are deleted, never archived`,
  ]);
});

test('virtual destination attributes the filters do not read are reported at their place', () => {
  const { warnings } = load(`<destinationInterceptors><virtualDestinationInterceptor><virtualDestinations>
  <virtualTopic name="VT.>" prefix="C.*." postfix=".q" setOriginalDestination="true"/>
  <compositeQueue name="in" sendWhenNotMatched="true"><forwardTo><queue physicalName="out"/></forwardTo></compositeQueue>
</virtualDestinations></virtualDestinationInterceptor></destinationInterceptors>`);
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'attribute postfix=".q" of <virtualTopic> is not implemented by TideMQ and has no effect: consumer queues are named prefix + topic name',
      'attribute sendWhenNotMatched="true" of <compositeQueue> is not implemented by TideMQ and has no effect: a message no filtered target matches goes nowhere else',
    ],
  );
});

test('redeliveryPolicy collision avoidance, which broker-side redelivery does not do, is reported', () => {
  const { warnings } = load(`<plugins><redeliveryPlugin><redeliveryPolicyMap><redeliveryPolicyMap>
  <defaultEntry><redeliveryPolicy maximumRedeliveries="2" useCollisionAvoidance="true"/></defaultEntry>
</redeliveryPolicyMap></redeliveryPolicyMap></redeliveryPlugin></plugins>`);
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'attribute useCollisionAvoidance="true" of <redeliveryPolicy> is not implemented by TideMQ and has no effect: redelivery delays are not randomised',
    ],
  );
});
