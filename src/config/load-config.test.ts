import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { repoPath } from '../../test/support/repo.js';
import { formatWarning } from './config-error.js';
import {
  defaultActiveMQProperties,
  defaultBrokerConfig,
  loadBrokerConfig,
  loadBrokerConfigText,
} from './load-config.js';

// Fixtures live under test/fixtures (never compiled or shipped); compiled tests run from dist/, so paths start at
// the checkout's root.
const fixtures = repoPath('test/fixtures/config/load-config');
const repoConf = repoPath('conf');
const DEBIAN_STOCK = '/etc/activemq/instances-available/main/activemq.xml';
const MIRROR = '/work/.mirror/apache+activemq/repo';

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

const AMQ = 'http://activemq.apache.org/schema/core';
const BEANS = 'http://www.springframework.org/schema/beans';

/** A <beans>-wrapped broker whose inner XML starts on line 3. */
function wrapped(inner: string, brokerAttrs = ''): string {
  return `<beans xmlns="${BEANS}">\n<broker xmlns="${AMQ}"${brokerAttrs}>\n${inner}\n</broker>\n</beans>\n`;
}

// ----- stock configurations -----

test("Debian's stock activemq.xml loads unchanged, with nothing ignored", (t) => {
  if (!fs.existsSync(DEBIAN_STOCK)) {
    t.skip(
      `${DEBIAN_STOCK} is absent (the Debian package "activemq" is not installed); stock-like.xml covers its shape`,
    );
    return;
  }
  const { config, warnings } = loadBrokerConfig(DEBIAN_STOCK, { env: {}, cwd: '/var/lib/tidemq' });
  assert.deepEqual(warnings, []);
  assert.equal(config.useJmx, false);
  assert.equal(config.brokerName, 'localhost');
  // ${activemq.base}/data: the working directory (as ActiveMQ's launcher's home), never the /etc folder.
  assert.equal(config.dataDirectory, '/var/lib/tidemq/data');
  assert.deepEqual(
    config.transportConnectors.map((c) => [c.name, c.uri]),
    [['openwire', 'tcp://127.0.0.1:61616']],
  );
  assert.equal(config.persistenceAdapter.type, 'kahaDB');
  assert.equal(
    config.persistenceAdapter.type === 'kahaDB' && config.persistenceAdapter.directory,
    '/var/lib/tidemq/data/kahadb',
  );
});

test('a fixture shaped like the Debian stock file loads, with activemq.base from -D', () => {
  const file = path.join(fixtures, 'stock-like.xml');
  const { config, warnings } = loadBrokerConfig(file, {
    env: {},
    properties: { 'activemq.base': '/var/lib/activemq/main' },
  });
  assert.deepEqual(warnings, []);
  assert.equal(config.brokerName, 'stocklike');
  assert.equal(config.useJmx, false);
  assert.equal(config.persistent, true);
  assert.equal(config.dataDirectory, '/var/lib/activemq/main/data');
  assert.deepEqual(
    config.persistenceAdapter.type === 'kahaDB' && config.persistenceAdapter.directory,
    '/var/lib/activemq/main/data/kahadb',
  );
  assert.equal(config.transportConnectors.length, 1);
  assert.equal(config.transportConnectors[0]!.uri, 'tcp://127.0.0.1:61616');
});

function checkUpstreamShape(conf: string, jettyFile: string, warnings: readonly { message: string }[]): void {
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      '<managementContext> is ignored: TideMQ has no JMX; its management API replaces it',
      '<shutdownHooks> is ignored: TideMQ stops its own services on shutdown',
      `<import resource="${jettyFile}"> is ignored: it configures ActiveMQ's Jetty web console, which TideMQ does not have yet`,
    ],
  );
  assert.ok(conf.length > 0);
}

test("upstream's default activemq.xml loads unchanged with three warnings for the parts TideMQ ignores", (t) => {
  let xml: string;
  let credentials: string;
  try {
    const show = (p: string): string =>
      execFileSync('git', [`--git-dir=${MIRROR}`, 'show', `HEAD:${p}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    xml = show('assembly/src/release/conf/activemq.xml');
    credentials = show('assembly/src/release/conf/credentials.properties');
  } catch {
    t.skip(`ActiveMQ's source mirror (${MIRROR}) is absent; upstream-like.xml covers the default's shape`);
    return;
  }
  const dir = tempDir(t);
  const conf = path.join(dir, 'conf');
  write(conf, 'credentials.properties', credentials);
  const file = write(conf, 'activemq.xml', xml);
  const { config, warnings, files } = loadBrokerConfig(file, { env: {} });
  checkUpstreamShape(conf, /jetty-spring\.xml/.test(xml) ? 'jetty-spring.xml' : 'jetty.xml', warnings);
  assert.deepEqual(files, [file, path.join(conf, 'credentials.properties')]);
  assert.equal(config.dataDirectory, path.join(dir, 'data'));
  assert.equal(config.transportConnectors[0]!.name, 'openwire');
  const topics = config.destinationPolicy!.entries[0]!;
  assert.deepEqual(topics.destination, { type: 'topic', name: '>' });
  assert.deepEqual(topics.pendingMessageLimitStrategy, { type: 'constant', limit: 1000 });
  assert.equal(config.systemUsage.memoryUsage.percentOfJvmHeap, 70);
  assert.equal(config.systemUsage.storeUsage.limit, 100 * 1024 ** 3);
});

test('a fixture shaped like the upstream default loads with the same three warnings, at their places', () => {
  const file = path.join(fixtures, 'upstream-like.xml');
  const conf = fixtures;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemq-config-'));
  try {
    // credentials.properties comes from the fixture folder (activemq.conf defaults to it).
    fs.writeFileSync(path.join(dir, 'credentials.properties'), 'activemq.password=secret\n');
    const { config, warnings } = loadBrokerConfig(file, { env: {}, properties: { 'activemq.conf': dir } });
    checkUpstreamShape(conf, 'jetty.xml', warnings);
    assert.deepEqual(
      warnings.map((w) => `${path.basename(w.location.file)}:${w.location.line}:${w.location.column}`),
      ['upstream-like.xml:30:5', 'upstream-like.xml:47:5', 'upstream-like.xml:52:3'],
    );
    assert.equal(config.brokerName, 'upstreamlike');
    // ${activemq.data} = <activemq.base>/data, and the base is the working directory for a file outside conf/.
    assert.equal(config.dataDirectory, path.join(process.cwd(), 'data'));
    assert.equal(config.transportConnectors.length, 2);
    assert.equal(config.systemUsage.tempUsage.limit, 50 * 1024 ** 3);
    assert.equal(config.systemUsage.memoryUsage.limit, null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ----- TideMQ's own conf/ -----

test("conf/activemq.xml (TideMQ's default) loads without warnings and binds loopback only", () => {
  const { config, warnings, files } = loadBrokerConfig(path.join(repoConf, 'activemq.xml'), { env: {} });
  assert.deepEqual(warnings, []);
  assert.deepEqual(files, [path.join(repoConf, 'activemq.xml'), path.join(repoConf, 'credentials.properties')]);
  assert.deepEqual(
    config.transportConnectors.map((c) => c.name),
    ['openwire', 'amqp', 'stomp', 'mqtt', 'ws'],
  );
  for (const c of config.transportConnectors) assert.match(c.uri, /^[a-z+]+:\/\/127\.0\.0\.1:\d+\?/);
  assert.equal(
    config.transportConnectors[0]!.uri,
    'tcp://127.0.0.1:61616?maximumConnections=1000&wireFormat.maxFrameSize=104857600',
  );
  // conf/ is named "conf", so activemq.base is the folder above it and data lives in <base>/data.
  const base = path.dirname(repoConf);
  assert.equal(config.dataDirectory, path.join(base, 'data'));
  assert.equal(
    config.persistenceAdapter.type === 'kahaDB' && config.persistenceAdapter.directory,
    path.join(base, 'data/kahadb'),
  );
});

test("conf/activemq-secure.xml carries the seed's plugins verbatim and they load typed", () => {
  const { config, warnings } = loadBrokerConfig(path.join(repoConf, 'activemq-secure.xml'), { env: {} });
  assert.deepEqual(warnings, []);
  assert.deepEqual(config.plugins, [
    {
      type: 'simpleAuthentication',
      users: [
        { username: 'system', password: 'manager', groups: ['users', 'admins'] },
        { username: 'user', password: 'password', groups: ['users'] },
        { username: 'guest', password: 'password', groups: ['guests'] },
      ],
      anonymousAccessAllowed: false,
      anonymousUser: 'anonymous',
      anonymousGroup: 'anonymous',
    },
    {
      type: 'authorization',
      entries: [
        {
          destination: { type: 'topic', name: 'Consumer.*.VirtualTopic.alfresco.repo.events.nodes>' },
          read: ['users'],
          write: ['users'],
          admin: ['users'],
        },
        {
          destination: { type: 'topic', name: 'ActiveMQ.Advisory.>' },
          read: ['guests', 'users'],
          write: ['guests', 'users'],
          admin: ['guests', 'users'],
        },
        {
          destination: { type: 'topic', name: 'VirtualTopic.alfresco.repo.events.nodes' },
          read: ['guests', 'users'],
          write: ['guests', 'users'],
          admin: ['guests', 'users'],
        },
      ],
      defaultEntry: null,
      tempDestinationAuthorizationEntry: null,
    },
  ]);
});

test('conf/activemq-ssl.xml: an ssl:// connector with needClientAuth and a typed sslContext', () => {
  const { config, warnings } = loadBrokerConfig(path.join(repoConf, 'activemq-ssl.xml'), {
    env: { SSL_KEYSTORE_PASSWORD: 'from-env' },
  });
  assert.deepEqual(warnings, []);
  assert.equal(
    config.transportConnectors[0]!.uri,
    'ssl://127.0.0.1:61617?transport.needClientAuth=true&transport.enabledProtocols=TLSv1.2,TLSv1.3',
  );
  assert.deepEqual(config.sslContext, {
    keyStore: path.join(repoConf, 'broker.ks'),
    keyStorePassword: 'from-env',
    keyStoreKeyPassword: null,
    keyStoreType: 'pkcs12',
    keyStoreAlgorithm: null,
    trustStore: path.join(repoConf, 'broker-trust.ks'),
    trustStorePassword: 'changeit',
    trustStoreType: 'pkcs12',
    trustStoreAlgorithm: null,
    protocol: 'TLS',
    crlPath: null,
  });
});

test('the seed snippet inside a bare <broker> (no Spring wrapper) loads the same plugins', (t) => {
  const secure = fs.readFileSync(path.join(repoConf, 'activemq-secure.xml'), 'utf8');
  const plugins = secure.slice(secure.indexOf('\n  <plugins>\n'), secure.indexOf('</plugins>') + '</plugins>'.length);
  const file = write(tempDir(t), 'bare.xml', `<broker xmlns="${AMQ}">\n${plugins}\n</broker>\n`);
  const { config } = loadBrokerConfig(file, { env: {} });
  assert.equal(config.plugins.length, 2);
  assert.equal(config.plugins[0]!.type, 'simpleAuthentication');
  // A bare <broker> without any namespace is accepted too.
  const noNs = write(tempDir(t), 'nons.xml', `<broker brokerName="plain">\n${plugins}\n</broker>\n`);
  assert.equal(loadBrokerConfig(noNs, { env: {} }).config.brokerName, 'plain');
});

// ----- defaults -----

test('defaults are ActiveMQ 5.17 defaults', () => {
  const c = defaultBrokerConfig('/srv');
  assert.equal(c.source, null);
  assert.equal(c.brokerName, 'localhost');
  assert.equal(c.persistent, true);
  assert.equal(c.advisorySupport, true);
  assert.equal(c.schedulerSupport, false);
  assert.equal(c.useJmx, true);
  assert.equal(c.offlineDurableSubscriberTimeout, -1);
  assert.equal(c.dataDirectory, '/srv/activemq-data');
  assert.equal(c.schedulerDirectory, '/srv/activemq-data/localhost/scheduler');
  assert.deepEqual(c.transportConnectors, []);
  assert.equal(c.persistenceAdapter.type, 'kahaDB');
  if (c.persistenceAdapter.type === 'kahaDB') {
    assert.equal(c.persistenceAdapter.directory, '/srv/activemq-data/localhost/KahaDB');
    assert.equal(c.persistenceAdapter.journalMaxFileLength, 32 * 1024 * 1024);
    assert.equal(c.persistenceAdapter.journalDiskSyncStrategy, 'ALWAYS');
  }
  assert.equal(c.systemUsage.memoryUsage.limit, 1024 ** 3);
  assert.equal(c.systemUsage.storeUsage.limit, 100 * 1024 ** 3);
  assert.deepEqual(defaultActiveMQProperties('/opt/amq/conf/activemq.xml'), {
    'activemq.conf': '/opt/amq/conf',
    'activemq.base': '/opt/amq',
    'activemq.home': '/opt/amq',
    'activemq.data': '/opt/amq/data',
  });
});

test('activemq.* follow the launcher: ACTIVEMQ_* from the environment, base = home, never the /etc folder', () => {
  // Debian's layout: the file sits in /etc, its dataDirectory is ${activemq.base}/data (issue 12.10).
  assert.deepEqual(defaultActiveMQProperties('/etc/amq/main/activemq.xml', {}, '/home/op'), {
    'activemq.conf': '/etc/amq/main',
    'activemq.base': '/home/op',
    'activemq.home': '/home/op',
    'activemq.data': '/home/op/data',
  });
  const env = { ACTIVEMQ_BASE: '/var/lib/tidemq/main', ACTIVEMQ_DATA: 'store', ACTIVEMQ_HOME: '' };
  assert.deepEqual(defaultActiveMQProperties('/etc/amq/main/activemq.xml', env, '/home/op'), {
    'activemq.conf': '/etc/amq/main',
    'activemq.base': '/var/lib/tidemq/main',
    'activemq.home': '/home/op',
    'activemq.data': '/home/op/store',
  });
  const debian = '<broker xmlns="http://activemq.apache.org/schema/core" dataDirectory="${activemq.base}/data"/>';
  const at = (e: Record<string, string>) =>
    loadBrokerConfigText(debian, '/etc/amq/main/activemq.xml', { env: e, cwd: '/home/op' }).config.dataDirectory;
  assert.equal(at({}), '/home/op/data');
  assert.equal(at({ ACTIVEMQ_BASE: '/var/lib/tidemq/main' }), '/var/lib/tidemq/main/data');
  // ActiveMQ's own conf/activemq.xml uses ${activemq.data}: ACTIVEMQ_DATA is used, -D still wins.
  const upstream = '<broker xmlns="http://activemq.apache.org/schema/core" dataDirectory="${activemq.data}"/>';
  const load = (props: Record<string, string>) =>
    loadBrokerConfigText(upstream, '/opt/amq/conf/activemq.xml', {
      env: { ACTIVEMQ_DATA: '/srv/amq-data' },
      properties: props,
    }).config.dataDirectory;
  assert.equal(load({}), '/srv/amq-data');
  assert.equal(load({ 'activemq.data': '/tmp/d' }), '/tmp/d');
});

test('persistent="false" without a persistenceAdapter uses the memory store', () => {
  const { config } = loadBrokerConfigText(wrapped('', ' persistent="false"'), '/x/activemq.xml', { env: {} });
  assert.deepEqual(config.persistenceAdapter, { type: 'memory' });
});

test('illegal brokerName characters become "_" with a warning, as ActiveMQ does', () => {
  const { config, warnings } = loadBrokerConfigText(wrapped('', ' brokerName="my broker/1"'), '/x/activemq.xml', {
    env: {},
  });
  assert.equal(config.brokerName, 'my_broker_1');
  assert.deepEqual(warnings.map(formatWarning), [
    '/x/activemq.xml:2:56: brokerName "my broker/1" has characters outside [a-zA-Z0-9._-:]; it becomes "my_broker_1", as in ActiveMQ',
  ]);
});
