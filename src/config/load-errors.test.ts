import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConfigError, formatWarning } from './config-error.js';
import { loadBrokerConfig, loadBrokerConfigText, type LoadOptions } from './load-config.js';

const AMQ = 'http://activemq.apache.org/schema/core';
const BEANS = 'http://www.springframework.org/schema/beans';
const FILE = '/cfg/conf/activemq.xml';

/** Line 1 <beans>, line 2 <broker …>, the inner XML from line 3. */
function wrapped(inner: string, brokerAttrs = ''): string {
  return `<beans xmlns="${BEANS}">\n<broker xmlns="${AMQ}"${brokerAttrs}>\n${inner}\n</broker>\n</beans>\n`;
}

function errorOf(text: string, options: LoadOptions = {}): string {
  try {
    loadBrokerConfigText(text, FILE, { env: {}, ...options });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.message;
  }
  return assert.fail('expected the load to fail');
}

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-config-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

// ----- broken input: exact messages with line and column -----

test('malformed XML is reported where the parser stopped', () => {
  assert.equal(
    errorOf(`<beans xmlns="${BEANS}">\n<broker xmlns="${AMQ}">\n  <plugins>\n</broker>\n</beans>`),
    `${FILE}:4:10: malformed XML: unexpected close tag </broker>: <plugins> opened at 3:3 is not closed`,
  );
  assert.equal(
    errorOf(`<broker xmlns="${AMQ}"><a></b></broker>`),
    `${FILE}:1:63: malformed XML: unexpected close tag </b>: <a> opened at 1:56 is not closed`,
  );
  assert.equal(
    errorOf(`<broker xmlns="${AMQ}">\n  <plugins>\n`),
    `${FILE}:3:1: malformed XML: unclosed tag: plugins (<plugins> opened at 2:3)`,
  );
  assert.equal(errorOf(`<broker xmlns="${AMQ}" a="1" a="2"/>`), `${FILE}:1:62: malformed XML: duplicate attribute: a`);
  assert.equal(
    errorOf(`<broker xmlns="${AMQ}"><x:y/></broker>`),
    `${FILE}:1:56: malformed XML: unbound namespace prefix: "x"`,
  );
  assert.equal(errorOf(''), `${FILE}:1:1: malformed XML: document must contain a root element`);
});

test('nesting deeper than the limit is refused', () => {
  const deep = '<a>'.repeat(70) + '</a>'.repeat(70);
  assert.equal(errorOf(deep), `${FILE}:1:193: elements are nested more than 64 deep`);
});

test('a bad boolean, number or size names the attribute, its place and the expected form', () => {
  assert.equal(
    errorOf(wrapped('', ' persistent="yes"')),
    `${FILE}:2:56: <broker> attribute persistent="yes" is not a boolean; expected true or false`,
  );
  assert.equal(
    errorOf(
      wrapped(
        '<transportConnectors>\n  <transportConnector uri="tcp://x:1" updateClusterClients="maybe"/>\n</transportConnectors>',
      ),
    ),
    `${FILE}:4:39: <transportConnector> attribute updateClusterClients="maybe" is not a boolean; expected true or false`,
  );
  assert.equal(
    errorOf(wrapped('', ' schedulePeriodForDestinationPurge="10s"')),
    `${FILE}:2:56: <broker> attribute schedulePeriodForDestinationPurge="10s" is not an integer; expected a whole number from -2147483648 to 2147483647`,
  );
  assert.equal(
    errorOf(
      wrapped(
        '<systemUsage><systemUsage><storeUsage><storeUsage limit="100 tb"/></storeUsage></systemUsage></systemUsage>',
      ),
    ),
    `${FILE}:3:51: <storeUsage> attribute limit="100 tb" is not a size; expected a size in bytes with an optional unit kb, mb or gb, such as "64 mb"`,
  );
  assert.equal(
    errorOf(wrapped('<persistenceAdapter><kahaDB journalMaxFileLength="4 gb"/></persistenceAdapter>')),
    `${FILE}:3:29: <kahaDB> attribute journalMaxFileLength="4 gb" is not a size up to 2147483647 bytes; expected a size in bytes with an optional unit kb, mb or gb, such as "64 mb"`,
  );
  assert.equal(
    errorOf(wrapped('<persistenceAdapter><kahaDB journalDiskSyncStrategy="sometimes"/></persistenceAdapter>')),
    `${FILE}:3:29: <kahaDB> attribute journalDiskSyncStrategy="sometimes" is not valid; expected one of ALWAYS, PERIODIC, NEVER`,
  );
});

test('a bad value that came from a placeholder shows both forms', () => {
  assert.equal(
    errorOf(wrapped('', ' useJmx="${jmx}"'), { properties: { jmx: 'off' } }),
    `${FILE}:2:56: <broker> attribute useJmx="\${jmx}" (= "off") is not a boolean; expected true or false`,
  );
});

test('unknown attributes and elements are errors with what is expected', () => {
  assert.equal(
    errorOf(wrapped('', ' brokerNmae="x"')),
    `${FILE}:2:56: unknown attribute brokerNmae on <broker>; expected brokerName (did you mean that?); the full list: one of ` +
      errorOf(wrapped('', ' brokerNmae="x"')).split('the full list: one of ')[1],
  );
  assert.match(errorOf(wrapped('', ' brokerNmae="x"')), /one of adjustUsageLimits, adminView, advisorySupport, /);
  assert.equal(
    errorOf(wrapped('<transportConnectors><transportConnector uri="tcp://x:1" foo="1"/></transportConnectors>')),
    `${FILE}:3:58: unknown attribute foo on <transportConnector>; expected one of allowLinkStealing, auditNetworkProducers, ` +
      'brokerInfo, brokerService, disableAsyncDispatch, discoveryAgent, discoveryUri, displayStackTrace, enableStatusMonitor, ' +
      'id, maximumConsumersAllowedPerConnection, maximumProducersAllowedPerConnection, messageAuthorizationPolicy, name, ' +
      'publishedAddressPolicy, rebalanceClusterClients, server, taskRunnerFactory, updateClusterClients, ' +
      'updateClusterClientsOnRemove, updateClusterFilter, uri, warnOnRemoteClose',
  );
  assert.equal(
    errorOf(wrapped('<transportConector/>')),
    `${FILE}:3:1: unknown element <transportConector> inside <broker>; expected transportConnectors (did you mean that?); ` +
      errorOf(wrapped('<transportConector/>')).split('(did you mean that?); ')[1],
  );
  assert.equal(
    errorOf(wrapped('<plugins><simpleAuthenticationPlugin/><authorizationPlugn/></plugins>')),
    `${FILE}:3:39: <authorizationPlugn> is not allowed inside <plugins>; expected authorizationPlugin (did you mean that?); ` +
      errorOf(wrapped('<plugins><authorizationPlugn/></plugins>')).split('(did you mean that?); ')[1],
  );
  assert.equal(
    errorOf(wrapped('<persistenceAdapter><kahaDB/><kahaDB/></persistenceAdapter>')),
    `${FILE}:3:30: <broker> takes one <persistenceAdapter> value; found 2`,
  );
});

test('missing required parts', () => {
  assert.equal(
    errorOf(wrapped('<transportConnectors><transportConnector name="x"/></transportConnectors>')),
    `${FILE}:3:22: <transportConnector> needs a uri attribute, such as uri="tcp://127.0.0.1:61616"`,
  );
  assert.equal(
    errorOf(
      wrapped(
        '<plugins><simpleAuthenticationPlugin><users><authenticationUser username="a"/></users></simpleAuthenticationPlugin></plugins>',
      ),
    ),
    `${FILE}:3:45: <authenticationUser> needs a password attribute`,
  );
  assert.equal(
    errorOf(
      wrapped(
        '<destinationPolicy><policyMap><policyEntries><policyEntry producerFlowControl="false"/></policyEntries></policyMap></destinationPolicy>',
      ),
    ),
    `${FILE}:3:46: <policyEntry> needs one of queue, topic, tempQueue, tempTopic`,
  );
  assert.equal(
    errorOf(
      wrapped(
        '<destinationPolicy><policyMap><policyEntries><policyEntry queue="A" topic="B"/></policyEntries></policyMap></destinationPolicy>',
      ),
    ),
    `${FILE}:3:46: <policyEntry> names 2 destinations; give one of queue, topic, tempQueue, tempTopic`,
  );
  assert.equal(
    errorOf(
      wrapped(
        '<transportConnectors><transportConnector name="a" uri="tcp://x:1"/><transportConnector name="a" uri="tcp://x:2"/></transportConnectors>',
      ),
    ),
    `${FILE}:3:68: two transport connectors are named "a"; names must be unique`,
  );
});

test('the document must hold exactly one broker, in the right namespace', () => {
  assert.equal(
    errorOf(`<beans xmlns="${BEANS}"/>`),
    `${FILE}:1:1: no <broker xmlns="${AMQ}"> element in ${FILE} or the files it imports`,
  );
  assert.equal(
    errorOf(`<beans xmlns="${BEANS}"><broker/></beans>`),
    `${FILE}:1:60: <broker> is in Spring's namespace; write <broker xmlns="${AMQ}">`,
  );
  assert.equal(
    errorOf(`<beans xmlns="${BEANS}">\n<broker xmlns="${AMQ}"/>\n<broker xmlns="${AMQ}"/>\n</beans>`),
    `${FILE}:3:1: a second <broker> element; TideMQ runs one broker per configuration (the first is at ${FILE}:2:1)`,
  );
  assert.equal(
    errorOf('<configuration/>'),
    `${FILE}:1:1: the root element is <configuration>; expected Spring's <beans xmlns="${BEANS}"> or <broker xmlns="${AMQ}">`,
  );
});

test('nothing is half-loaded: a late error means no result at all', () => {
  // The connectors come first and are fine; the bad value afterwards still fails the whole load.
  assert.throws(
    () =>
      loadBrokerConfigText(
        wrapped(
          '<transportConnectors><transportConnector uri="tcp://x:1"/></transportConnectors>\n<systemUsage><systemUsage sendFailIfNoSpace="nope"/></systemUsage>',
        ),
        FILE,
        { env: {} },
      ),
    (e: unknown) => e instanceof ConfigError && e.code === 'ERR_CONFIG' && e.location?.line === 4,
  );
});

// ----- placeholders -----

test('placeholders resolve from -D first, then properties files, then the environment', (t) => {
  const conf = tempDir(t);
  write(conf, 'a.properties', 'name.from.file=fileName\nshared=from-file\nnested=${name.from.file}-x\n');
  const file = write(
    conf,
    'activemq.xml',
    `<beans xmlns="${BEANS}">
  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer">
    <property name="locations"><list><value>file:\${activemq.conf}/a.properties</value></list></property>
  </bean>
  <broker xmlns="${AMQ}" brokerName="\${shared}" brokerId="\${nested}" dataDirectory="\${DATA_ROOT}/x">
    <transportConnectors>
      <transportConnector name="\${only.env:fallback}" uri="tcp://\${host:127.0.0.1}:\${port}"/>
    </transportConnectors>
  </broker>
</beans>`,
  );
  const env = { DATA_ROOT: '/env/data', shared: 'from-env', port: '1234', ONLY_ENV: 'env-relaxed' };
  const fromFile = loadBrokerConfig(file, { env });
  assert.equal(fromFile.config.brokerName, 'from-file');
  assert.equal(fromFile.config.brokerId, 'fileName-x');
  assert.equal(fromFile.config.dataDirectory, '/env/data/x');
  assert.equal(fromFile.config.transportConnectors[0]!.name, 'env-relaxed');
  assert.equal(fromFile.config.transportConnectors[0]!.uri, 'tcp://127.0.0.1:1234');
  const fromD = loadBrokerConfig(file, { env, properties: { shared: 'from-D', host: '[::1]' } });
  assert.equal(fromD.config.brokerName, 'from-D');
  assert.equal(fromD.config.transportConnectors[0]!.uri, 'tcp://[::1]:1234');
  assert.equal(
    loadBrokerConfig(file, { env: { ...env, ONLY_ENV: undefined } }).config.transportConnectors[0]!.name,
    'fallback',
  );
});

test('a bad connector URI is refused at load, at its uri attribute, naming the connector (issue 12.10)', () => {
  assert.equal(
    errorOf(
      wrapped(
        '<transportConnectors>\n  <transportConnector name="openwire" uri="tcp://0.0.0.0:61616?maximumConection=10"/>\n</transportConnectors>',
      ),
    ),
    `${FILE}:4:39: <transportConnector name="openwire"> uri="tcp://0.0.0.0:61616?maximumConection=10": ` +
      'Invalid connect parameters: {maximumConection=10}',
  );
});

test('an inert <transportConnector> attribute is reported at its place', () => {
  const { warnings } = loadBrokerConfigText(
    wrapped(
      '<transportConnectors>\n  <transportConnector uri="tcp://0.0.0.0:61616" updateClusterClients="true" displayStackTrace="true" disableAsyncDispatch="false"/>\n</transportConnectors>',
    ),
    FILE,
    { env: {} },
  );
  // updateClusterClients works (docs/clustering.md); displayStackTrace="true" does not.
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:4:77: attribute displayStackTrace="true" of <transportConnector> is not implemented by TideMQ and has no effect: errors sent to clients never carry stack traces`,
  ]);
});

test('an unresolved placeholder is an error naming it at its attribute', () => {
  assert.equal(
    errorOf(
      wrapped(
        '<transportConnectors>\n  <transportConnector uri="tcp://${broker.host}:61616"/>\n</transportConnectors>',
      ),
    ),
    `${FILE}:4:23: unresolved placeholder \${broker.host} in "tcp://\${broker.host}:61616": define it with ` +
      '-Dbroker.host=…, in a properties file the placeholder configurer loads, or as an environment variable',
  );
  assert.equal(
    errorOf(wrapped('', ' brokerName="${a}"'), { properties: { a: '${b}', b: '${a}' } }),
    `${FILE}:2:56: circular placeholder reference \${a} in "\${a}"`,
  );
});

test('<context:property-placeholder location=…> loads comma-separated classpath and file locations', (t) => {
  const conf = tempDir(t);
  write(conf, 'one.properties', 'n=one\nm=one\n');
  write(conf, 'sub/two.properties', 'm=two\n');
  const file = write(
    conf,
    'activemq.xml',
    `<beans xmlns="${BEANS}" xmlns:context="http://www.springframework.org/schema/context">
  <context:property-placeholder location="classpath:one.properties, file:sub/two.properties, classpath:missing.properties" ignore-resource-not-found="true"/>
  <broker xmlns="${AMQ}" brokerName="\${n}-\${m}"/>
</beans>`,
  );
  const { config, files } = loadBrokerConfig(file, { env: {} });
  assert.equal(config.brokerName, 'one-two');
  assert.deepEqual(files, [file, path.join(conf, 'one.properties'), path.join(conf, 'sub/two.properties')]);
});

test('a missing properties file fails unless ignoreResourceNotFound', (t) => {
  const conf = tempDir(t);
  const file = write(
    conf,
    'activemq.xml',
    `<beans xmlns="${BEANS}">
  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer">
    <property name="location" value="file:\${activemq.conf}/credentials.properties"/>
  </bean>
  <broker xmlns="${AMQ}"/>
</beans>`,
  );
  assert.throws(
    () => loadBrokerConfig(file, { env: {} }),
    new ConfigError(
      { file, line: 3, column: 31 },
      `cannot read properties file ${conf}/credentials.properties (from "file:${conf}/credentials.properties"): no such file`,
    ),
  );
});

test('Jasypt ENC(…) values decrypt with ACTIVEMQ_ENCRYPTION_PASSWORD, and are refused without it', (t) => {
  const conf = tempDir(t);
  write(conf, 'credentials-enc.properties', 'activemq.password=ENC(mYRkg+4Q4hua1kvpCCI2hg==)\n');
  const file = write(
    conf,
    'activemq.xml',
    `<beans xmlns="${BEANS}">
  <bean class="org.jasypt.spring31.properties.EncryptablePropertyPlaceholderConfigurer">
    <property name="location" value="file:\${activemq.conf}/credentials-enc.properties"/>
  </bean>
  <broker xmlns="${AMQ}">
    <plugins><simpleAuthenticationPlugin><users>
      <authenticationUser username="system" password="\${activemq.password}" groups="admins"/>
    </users></simpleAuthenticationPlugin></plugins>
  </broker>
</beans>`,
  );
  assert.throws(
    () => loadBrokerConfig(file, { env: {} }),
    new ConfigError(
      { file, line: 7, column: 45 },
      'property activemq.password is Jasypt-encrypted (ENC(…)) and no master password is set: set the ' +
        'environment variable ACTIVEMQ_ENCRYPTION_PASSWORD (as for ActiveMQ), or give the plain value in the ' +
        'properties file, with -Dactivemq.password=…, or in the environment',
    ),
  );
  // Upstream's credentials-enc.properties value, with the master password its documentation uses.
  const users = (env: Record<string, string>) => {
    const p = loadBrokerConfig(file, { env }).config.plugins[0]!;
    return p.type === 'simpleAuthentication' ? p.users[0]!.password : null;
  };
  assert.equal(users({ ACTIVEMQ_ENCRYPTION_PASSWORD: 'activemq' }), 'manager');
  assert.throws(
    () => users({ ACTIVEMQ_ENCRYPTION_PASSWORD: 'wrong' }),
    new ConfigError(
      { file, line: 7, column: 45 },
      'property activemq.password is Jasypt-encrypted (ENC(…)) and cannot be decrypted: cannot decrypt the ' +
        'value: wrong master password (ACTIVEMQ_ENCRYPTION_PASSWORD)?',
    ),
  );
  // The plain value given with -D wins over the encrypted one.
  const { config } = loadBrokerConfig(file, { env: {}, properties: { 'activemq.password': 'manager' } });
  assert.equal(config.plugins[0]!.type === 'simpleAuthentication' && config.plugins[0]!.users[0]!.password, 'manager');
});

// ----- imports -----

test('imports resolve relative to the importing file, and by classpath: and file: from the conf folder', (t) => {
  const conf = tempDir(t);
  write(conf, 'parts/network.xml', `<beans xmlns="${BEANS}"><import resource="../props.xml"/></beans>`);
  write(
    conf,
    'props.xml',
    `<beans xmlns="${BEANS}"><bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer"><property name="location" value="classpath:net.properties"/></bean></beans>`,
  );
  write(conf, 'net.properties', 'peer=tcp://peer:61616\n');
  write(
    conf,
    'broker.xml',
    `<beans xmlns="${BEANS}">\n<broker xmlns="${AMQ}"><networkConnectors><networkConnector uri="static:(\${peer})" duplex="true" networkTTL="3"><excludedDestinations><queue physicalName="Local.>"/></excludedDestinations></networkConnector></networkConnectors></broker>\n</beans>`,
  );
  const file = write(
    conf,
    'activemq.xml',
    `<beans xmlns="${BEANS}">\n  <import resource="parts/network.xml"/>\n  <import resource="file:\${activemq.conf}/broker.xml"/>\n</beans>`,
  );
  const { config, warnings, files } = loadBrokerConfig(file, { env: {} });
  // The connector is read in full, with no warning: TideMQ runs network bridges.
  assert.deepEqual(
    warnings.map((w) => w.message),
    [],
  );
  assert.deepEqual(
    files.map((f) => path.relative(conf, f)),
    ['activemq.xml', 'parts/network.xml', 'props.xml', 'broker.xml', 'net.properties'],
  );
  const nc = config.networkConnectors[0]!;
  assert.equal(nc.uri, 'static:(tcp://peer:61616)');
  assert.equal(nc.duplex, true);
  assert.equal(nc.networkTTL, 3);
  assert.equal(nc.messageTTL, 3);
  assert.equal(nc.consumerTTL, 3);
  assert.equal(nc.name, 'NC');
  assert.deepEqual(nc.excludedDestinations, [{ type: 'queue', name: 'Local.>' }]);
});

test('import errors: missing file, cycle, remote URL', (t) => {
  const conf = tempDir(t);
  const missing = write(conf, 'missing.xml', `<beans xmlns="${BEANS}">\n  <import resource="nothere.xml"/>\n</beans>`);
  assert.throws(
    () => loadBrokerConfig(missing, { env: {} }),
    new ConfigError({ file: missing, line: 2, column: 11 }, `cannot read ${conf}/nothere.xml: no such file`),
  );
  const a = write(conf, 'a.xml', `<beans xmlns="${BEANS}">\n  <import resource="b.xml"/>\n</beans>`);
  const b = write(conf, 'b.xml', `<beans xmlns="${BEANS}">\n<import resource="a.xml"/>\n</beans>`);
  assert.throws(
    () => loadBrokerConfig(a, { env: {} }),
    new ConfigError({ file: b, line: 2, column: 9 }, `import cycle: ${a} -> ${b} -> ${a}`),
  );
  const remote = write(
    conf,
    'remote.xml',
    `<beans xmlns="${BEANS}">\n  <import resource="http://evil.example/x.xml"/>\n</beans>`,
  );
  assert.throws(
    () => loadBrokerConfig(remote, { env: {} }),
    new ConfigError(
      { file: remote, line: 2, column: 11 },
      'import "http://evil.example/x.xml": only file: and classpath: locations are supported; TideMQ never loads configuration from http: URLs',
    ),
  );
});

// ----- warnings and strict mode -----

const IGNORED = wrapped(
  `<managementContext><managementContext createConnector="false"/></managementContext>
<plugins><runtimeConfigurationPlugin checkPeriod="1000"/></plugins>
<persistenceAdapter><kahaDB directory="/d" indexCacheSize="5000"/></persistenceAdapter>`,
);

test('ignored parts give one warning each, with their place', () => {
  const { warnings, config } = loadBrokerConfigText(`${IGNORED}`, FILE, { env: {} });
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:3:1: <managementContext> is ignored: TideMQ has no JMX; its management API replaces it`,
    `${FILE}:4:10: <runtimeConfigurationPlugin> is not implemented by TideMQ; the plugin is ignored`,
    `${FILE}:5:44: attribute indexCacheSize="5000" of <kahaDB> is not implemented by TideMQ and has no effect: the index is in memory`,
  ]);
  // indexCacheSize is typed, but nothing reads it: the journal store has no on-disk index, so it is reported.
  assert.equal(config.persistenceAdapter.type === 'kahaDB' && config.persistenceAdapter.indexCacheSize, 5000);
});

test('other Spring beans warn once each; a bean a jdbcPersistenceAdapter uses does not', () => {
  const text = `<beans xmlns="${BEANS}">
<bean id="pg" class="org.postgresql.ds.PGSimpleDataSource"><property name="url" value="jdbc:postgresql://db/amq"/><property name="password"><value>\${pw}</value></property></bean>
<bean id="other" class="com.example.Thing"/>
<broker xmlns="${AMQ}"><persistenceAdapter><jdbcPersistenceAdapter dataSource="#pg" createTablesOnStartup="false"/></persistenceAdapter></broker>
</beans>`;
  const { config, warnings } = loadBrokerConfigText(text, FILE, { env: {}, properties: { pw: 's3cret' } });
  assert.deepEqual(warnings.map(formatWarning), [
    `${FILE}:3:1: Spring <bean> "other" (class com.example.Thing) is ignored: TideMQ runs no Java beans`,
  ]);
  assert.deepEqual(config.persistenceAdapter, {
    type: 'jdbc',
    dataSource: {
      id: 'pg',
      className: 'org.postgresql.ds.PGSimpleDataSource',
      properties: { url: 'jdbc:postgresql://db/amq', password: 's3cret' },
    },
    createTablesOnStartup: false,
    useLock: true,
    lockKeepAlivePeriod: 30000,
    cleanupPeriod: 300000,
    transactionIsolation: null,
    tablePrefix: '',
    lease: { lockAcquireSleepInterval: 10000, leaseHolderId: null, failIfLocked: false, maxAllowableDiffFromDBTime: 0 },
  });
});

test('strict mode turns the first ignored part into an error', () => {
  assert.equal(
    errorOf(IGNORED, { strict: true }),
    `${FILE}:3:1: <managementContext> is ignored: TideMQ has no JMX; its management API replaces it (strict mode refuses what TideMQ would ignore; 2 more)`,
  );
  assert.equal(
    errorOf(wrapped('', ' useMirroredQueues="true"'), { strict: true }),
    `${FILE}:2:56: attribute useMirroredQueues of <broker> is not supported by TideMQ and is ignored (strict mode refuses what TideMQ would ignore)`,
  );
  // Without anything ignored, strict mode loads normally.
  assert.equal(loadBrokerConfigText(wrapped(''), FILE, { env: {}, strict: true }).warnings.length, 0);
});
