import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnectorUri } from './connector-uri.js';
import { BrokerError } from '../../util/errors.js';

function rejects(uri: string, pattern: RegExp): void {
  assert.throws(
    () => parseConnectorUri(uri),
    (e: unknown) => {
      assert.ok(e instanceof BrokerError, `expected BrokerError, got ${String(e)}`);
      assert.equal(e.code, 'ERR_CONFIG');
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('every ActiveMQ connector scheme maps to its protocol, TLS and WebSocket flags', () => {
  const cases: Array<[string, string, boolean, boolean, boolean]> = [
    ['tcp', 'openwire', false, false, false],
    ['ssl', 'openwire', true, false, false],
    ['nio', 'openwire', false, false, true],
    ['nio+ssl', 'openwire', true, false, true],
    ['stomp', 'stomp', false, false, false],
    ['stomp+ssl', 'stomp', true, false, false],
    ['stomp+nio', 'stomp', false, false, true],
    ['stomp+nio+ssl', 'stomp', true, false, true],
    ['ws', 'stomp', false, true, false],
    ['wss', 'stomp', true, true, false],
    ['auto', 'auto', false, false, false],
    ['auto+ssl', 'auto', true, false, false],
    ['auto+nio', 'auto', false, false, true],
    ['auto+nio+ssl', 'auto', true, false, true],
    ['amqp', 'amqp', false, false, false],
    ['amqp+ssl', 'amqp', true, false, false],
    ['amqp+nio', 'amqp', false, false, true],
    ['amqp+nio+ssl', 'amqp', true, false, true],
    ['mqtt', 'mqtt', false, false, false],
    ['mqtt+ssl', 'mqtt', true, false, false],
    ['mqtt+nio', 'mqtt', false, false, true],
    ['mqtt+nio+ssl', 'mqtt', true, false, true],
  ];
  for (const [scheme, protocol, tls, websocket, nio] of cases) {
    const c = parseConnectorUri(`${scheme}://0.0.0.0:61616`);
    assert.deepEqual(
      { scheme: c.scheme, protocol: c.protocol, tls: c.tls, websocket: c.websocket, nio: c.nio },
      { scheme, protocol, tls, websocket, nio },
      scheme,
    );
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 61616);
    assert.equal(c.options.tls !== undefined, tls, `${scheme} tls options`);
    assert.equal(c.options.auto !== undefined, protocol === 'auto', `${scheme} auto options`);
  }
});

test('hosts: names, localhost, IPv4, bracketed IPv6; port 0 allowed', () => {
  assert.equal(parseConnectorUri('tcp://localhost:61616').host, 'localhost');
  assert.equal(parseConnectorUri('tcp://broker-1.example.com:61616').host, 'broker-1.example.com');
  assert.equal(parseConnectorUri('tcp://[::]:61616').host, '::');
  const v6 = parseConnectorUri('ssl://[fe80::1]:61617?transport.needClientAuth=true');
  assert.equal(v6.host, 'fe80::1');
  assert.equal(v6.port, 61617);
  assert.equal(parseConnectorUri('tcp://127.0.0.1:0').port, 0);
  assert.equal(parseConnectorUri('tcp://127.0.0.1:61616/').port, 61616);
});

test('malformed URIs and unknown schemes are refused with a reason', () => {
  rejects('http://0.0.0.0:8161', /Transport scheme NOT recognized: \[http\]/);
  rejects('vm://localhost', /Transport scheme NOT recognized: \[vm\]/);
  rejects('0.0.0.0:61616', /expected scheme:\/\/host:port/);
  rejects('tcp://0.0.0.0', /a port is required \(ActiveMQ's usual is 61616\)/);
  rejects('stomp://0.0.0.0', /usual is 61613/);
  rejects('wss://0.0.0.0', /usual is 61614/);
  rejects('tcp://0.0.0.0:99999', /host or port is malformed/);
  rejects('tcp://0.0.0.0:61616/some/path', /unexpected path/);
  rejects('tcp://user:pw@0.0.0.0:61616', /user information/);
  rejects('tcp://0.0.0.0:61616?trace=true&trace=false', /'trace' is given more than once/);
});

test('defaults match ActiveMQ', () => {
  const c = parseConnectorUri('tcp://0.0.0.0:61616');
  assert.equal(c.options.server.backlog, 5000);
  assert.equal(c.options.server.maximumConnections, 2147483647);
  assert.equal(c.options.server.useQueueForAccept, true);
  assert.equal(c.options.server.allowLinkStealing, false);
  assert.equal(c.options.transport.connectionTimeout, 30000);
  assert.equal(c.options.transport.socketBufferSize, 65536);
  assert.equal(c.options.transport.closeAsync, true);
  assert.equal(c.options.transport.useInactivityMonitor, true);
  assert.equal(c.options.transport.tcpNoDelay, undefined);
  const wf = c.options.wireFormats.openwire!;
  assert.equal(wf.maxInactivityDuration, 30000);
  assert.equal(wf.maxInactivityDurationInitalDelay, 10000);
  assert.equal(wf.cacheSize, 1024);
  assert.equal(wf.tightEncodingEnabled, true);
  assert.equal(wf.sizePrefixDisabled, false);
  assert.equal(wf.maxFrameSize, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(Object.keys(c.options.wireFormats), ['openwire']);
  assert.equal(parseConnectorUri('mqtt://0.0.0.0:1883').options.server.allowLinkStealing, true);
  assert.equal(parseConnectorUri('mqtt://0.0.0.0:1883').options.wireFormats.mqtt!.maxFrameSize, 268435456);
  assert.equal(parseConnectorUri('stomp://0.0.0.0:61613').options.wireFormats.stomp!.maxDataLength, 104857600);
});

test('the stock activemq.xml connector URIs parse', () => {
  const openwire = parseConnectorUri('tcp://0.0.0.0:61616?maximumConnections=1000&wireFormat.maxFrameSize=104857600');
  assert.equal(openwire.options.server.maximumConnections, 1000);
  assert.equal(openwire.options.wireFormats.openwire!.maxFrameSize, 104857600);
  const amqp = parseConnectorUri('amqp://0.0.0.0:5672?maximumConnections=1000&wireFormat.maxFrameSize=104857600');
  assert.equal(amqp.options.wireFormats.amqp!.maxFrameSize, 104857600);
  const stomp = parseConnectorUri('stomp://0.0.0.0:61613?maximumConnections=1000&wireFormat.maxFrameSize=104857600');
  assert.equal(stomp.options.wireFormats.stomp!.maxFrameSize, 104857600);
  const ws = parseConnectorUri('ws://0.0.0.0:61614?maximumConnections=1000&wireFormat.maxFrameSize=104857600');
  assert.equal(ws.options.wireFormats.stomp!.maxFrameSize, 104857600);
});

test('server and per-connection TCP options, with transport. winning over the unprefixed form', () => {
  const c = parseConnectorUri(
    'nio://0.0.0.0:61616?trace=true&soTimeout=5&transport.soTimeout=7&backlog=10&useQueueForAccept=false' +
      '&daemon=false&tcpNoDelay=true&transport.keepAlive=true&transport.soWriteTimeout=2000' +
      '&connectionTimeout=1000&socketBufferSize=131072&transport.useInactivityMonitor=false' +
      '&transport.closeAsync=false&transport.ioBufferSize=16384&transport.typeOfService=184',
  );
  const t = c.options.transport;
  assert.equal(t.trace, true);
  assert.equal(t.soTimeout, 7);
  assert.equal(t.tcpNoDelay, true);
  assert.equal(t.keepAlive, true);
  assert.equal(t.soWriteTimeout, 2000);
  assert.equal(t.connectionTimeout, 1000);
  assert.equal(t.socketBufferSize, 131072);
  assert.equal(t.useInactivityMonitor, false);
  assert.equal(t.closeAsync, false);
  assert.equal(t.ioBufferSize, 16384);
  assert.equal(t.typeOfService, 184);
  assert.equal(c.options.server.backlog, 10);
  assert.equal(c.options.server.useQueueForAccept, false);
  assert.equal(c.options.server.daemon, false);
  // Options ActiveMQ reads only from the transport. prefix are not taken bare.
  rejects('tcp://0.0.0.0:61616?closeAsync=false', /Invalid connect parameters: \{closeAsync=false\}/);
});

test('wireFormat.* options, including the InitalDelay spelling, and their validation', () => {
  const c = parseConnectorUri(
    'tcp://0.0.0.0:61616?wireFormat.maxInactivityDuration=0&wireFormat.maxInactivityDurationInitalDelay=500' +
      '&wireFormat.tightEncodingEnabled=false&wireFormat.cacheEnabled=false&wireFormat.cacheSize=64' +
      '&wireFormat.sizePrefixDisabled=true&wireFormat.stackTraceEnabled=false&wireFormat.tcpNoDelayEnabled=false' +
      '&wireFormat.maxFrameSizeEnabled=false&wireFormat.maxFrameSize=9223372036854775807',
  );
  const wf = c.options.wireFormats.openwire!;
  assert.equal(wf.maxInactivityDuration, 0);
  assert.equal(wf.maxInactivityDurationInitalDelay, 500);
  assert.equal(wf.tightEncodingEnabled, false);
  assert.equal(wf.cacheEnabled, false);
  assert.equal(wf.cacheSize, 64);
  assert.equal(wf.sizePrefixDisabled, true);
  assert.equal(wf.stackTraceEnabled, false);
  assert.equal(wf.tcpNoDelayEnabled, false);
  assert.equal(wf.maxFrameSizeEnabled, false);
  assert.equal(wf.maxFrameSize, Number.MAX_SAFE_INTEGER, "Long.MAX_VALUE clamps to JavaScript's exact range");
  // The correctly spelled name is not ActiveMQ's and must not be silently accepted.
  rejects('tcp://0.0.0.0:61616?wireFormat.maxInactivityDurationInitialDelay=5', /Invalid connect parameters/);
  rejects('tcp://0.0.0.0:61616?wireFormat.maxFrameSize=big', /'wireFormat\.maxFrameSize': 'big' is not a whole number/);
  rejects('tcp://0.0.0.0:61616?wireFormat.maxFrameSize=0', /'wireFormat\.maxFrameSize': '0' is not at least 1/);
  rejects('tcp://0.0.0.0:61616?wireFormat.maxFrameSize=99999999999999999999', /Java's long range/);
  rejects('tcp://0.0.0.0:61616?wireFormat.cacheEnabled=yes', /'wireFormat\.cacheEnabled': 'yes' is not a boolean/);
  // STOMP's wire format has no OpenWire options.
  rejects('stomp://0.0.0.0:61613?wireFormat.tightEncodingEnabled=false', /Invalid connect parameters/);
  assert.equal(
    parseConnectorUri('stomp://0.0.0.0:61613?wireFormat.maxDataLength=1024').options.wireFormats.stomp!.maxDataLength,
    1024,
  );
});

test('numbers and booleans are validated with the option name', () => {
  rejects('tcp://0.0.0.0:61616?maximumConnections=lots', /'maximumConnections': 'lots' is not an integer/);
  rejects('tcp://0.0.0.0:61616?maximumConnections=0', /'maximumConnections': '0' is not at least 1/);
  rejects('tcp://0.0.0.0:61616?maximumConnections=3000000000', /Java's int range/);
  rejects('tcp://0.0.0.0:61616?transport.tcpNoDelay=ture', /'transport\.tcpNoDelay': 'ture' is not a boolean/);
  rejects('tcp://0.0.0.0:61616?transport.soTimeout=-1', /'transport\.soTimeout': '-1' is not at least 0/);
  rejects('stomp://0.0.0.0:61613?transport.hbGracePeriodMultiplier=abc', /is not a number/);
  assert.equal(parseConnectorUri('tcp://0.0.0.0:61616?trace=TRUE').options.transport.trace, true);
});

test('TLS server options on TLS schemes only', () => {
  const c = parseConnectorUri(
    'ssl://0.0.0.0:61617?transport.enabledCipherSuites=TLS_AES_128_GCM_SHA256,%20TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' +
      '&transport.enabledProtocols=TLSv1.2,TLSv1.3&transport.needClientAuth=true&transport.verifyHostName=true',
  );
  assert.deepEqual(c.options.tls, {
    enabledCipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    enabledProtocols: ['TLSv1.2', 'TLSv1.3'],
    needClientAuth: true,
    wantClientAuth: false,
    verifyHostName: true,
    tlsDebug: false,
  });
  assert.equal(
    parseConnectorUri('wss://0.0.0.0:61614?transport.wantClientAuth=true').options.tls!.wantClientAuth,
    true,
  );
  rejects(
    'tcp://0.0.0.0:61616?transport.needClientAuth=true',
    /TLS options need a TLS scheme such as ssl:\/\/, not tcp/,
  );
  rejects('ssl://0.0.0.0:61617?needClientAuth=true', /take the transport\. prefix/);
  rejects('ssl://0.0.0.0:61617?transport.enabledCipherSuites=', /non-empty comma-separated list/);
});

test('connector attributes on the URI', () => {
  const c = parseConnectorUri(
    'tcp://0.0.0.0:61616?allowLinkStealing=true&updateClusterClients=true&rebalanceClusterClients=true' +
      '&updateClusterClientsOnRemove=true&updateClusterFilter=broker-.*',
  );
  assert.equal(c.options.server.allowLinkStealing, true);
  assert.deepEqual(c.options.connector, {
    updateClusterClients: true,
    rebalanceClusterClients: true,
    updateClusterClientsOnRemove: true,
    updateClusterFilter: 'broker-.*',
  });
  assert.equal(
    parseConnectorUri('mqtt://0.0.0.0:1883?allowLinkStealing=false').options.server.allowLinkStealing,
    false,
  );
});

test('auto: protocols, detection timeout and per-protocol wire formats', () => {
  const all = parseConnectorUri('auto://0.0.0.0:61616');
  assert.deepEqual(all.options.auto, {
    protocols: ['openwire', 'stomp', 'amqp', 'mqtt'],
    protocolDetectionTimeOut: 30000,
  });
  assert.deepEqual(Object.keys(all.options.wireFormats).sort(), ['amqp', 'mqtt', 'openwire', 'stomp']);

  const c = parseConnectorUri(
    'auto+nio+ssl://0.0.0.0:61618?auto.protocols=default,stomp&protocolDetectionTimeOut=5000' +
      '&wireFormat.maxFrameSize=1000&wireFormat.stomp.maxFrameSize=2000&wireFormat.default.cacheSize=8' +
      '&transport.hbGracePeriodMultiplier=2.5',
  );
  assert.deepEqual(c.options.auto, { protocols: ['openwire', 'stomp'], protocolDetectionTimeOut: 5000 });
  assert.equal(c.options.wireFormats.openwire!.maxFrameSize, 1000);
  assert.equal(c.options.wireFormats.openwire!.cacheSize, 8);
  assert.equal(c.options.wireFormats.stomp!.maxFrameSize, 2000);
  assert.equal(c.options.wireFormats.mqtt, undefined);
  assert.equal(c.options.transport.hbGracePeriodMultiplier, 2.5);

  rejects('auto://0.0.0.0:61616?auto.protocols=openwire', /unknown protocol 'openwire'.*OpenWire is 'default'/);
  rejects('auto://0.0.0.0:61616?wireFormat.mqtt.maxFrameSize=5&auto.protocols=stomp', /Invalid connect parameters/);
  rejects('tcp://0.0.0.0:61616?auto.protocols=stomp', /apply to auto:\/\/ connectors only/);
  rejects('tcp://0.0.0.0:61616?transport.hbGracePeriodMultiplier=2', /STOMP connectors only/);
});

test('socket options: transport.socket.X and socket.X, unknown names refused', () => {
  const c = parseConnectorUri(
    'ssl://0.0.0.0:61617?transport.socket.tcpNoDelay=true&socket.receiveBufferSize=8192&socket.enabledProtocols=TLSv1.3',
  );
  assert.deepEqual(c.options.socket, { tcpNoDelay: true, receiveBufferSize: 8192, enabledProtocols: ['TLSv1.3'] });
  rejects('tcp://0.0.0.0:61616?socket.bogus=1', /Invalid socket parameters: \{bogus=1\}/);
  rejects('tcp://0.0.0.0:61616?socket.needClientAuth=true', /Invalid socket parameters/);
  rejects('tcp://0.0.0.0:61616?socket.tcpNoDelay=true&transport.socket.tcpNoDelay=false', /given both/);
});

test('leftover options are reported together, ActiveMQ style', () => {
  rejects('tcp://0.0.0.0:61616?foo=1&trace=true&bar=baz', /^Invalid connect parameters: \{foo=1, bar=baz\}$/);
  rejects('tcp://0.0.0.0:61616?jms.prefetchPolicy.all=10', /belong on a client connection URI/);
  rejects('tcp://0.0.0.0:61616?wireFormat.bogus=1', /Invalid connect parameters: \{wireFormat\.bogus=1\}/);
});

test('connection lifetime options: defaults, values and refusals on every protocol', () => {
  const d = parseConnectorUri('stomp://0.0.0.0:61613').options.transport;
  assert.equal(d.connectAttemptTimeout, 30000); // ActiveMQ's AbstractInactivityMonitor default
  assert.equal(d.frameTimeout, 60000);
  assert.equal(d.closeGracePeriod, 5000);
  assert.equal(d.maxPendingWriteBytes, 64 * 1024 * 1024);
  assert.equal(d.soWriteTimeout, 60000);
  assert.equal(d.hbGracePeriodMultiplier, 1.5);
  for (const scheme of ['tcp', 'stomp', 'auto', 'ws', 'ssl']) {
    const t = parseConnectorUri(
      `${scheme}://0.0.0.0:1?transport.connectAttemptTimeout=1&transport.frameTimeout=2` +
        '&transport.closeGracePeriod=3&transport.maxPendingWriteBytes=4&transport.soWriteTimeout=5',
    ).options.transport;
    assert.deepEqual(
      [t.connectAttemptTimeout, t.frameTimeout, t.closeGracePeriod, t.maxPendingWriteBytes, t.soWriteTimeout],
      [1, 2, 3, 4, 5],
      scheme,
    );
  }
  rejects('stomp://0.0.0.0:61613?transport.frameTimeout=-1', /frameTimeout/);
  rejects('tcp://0.0.0.0:61616?transport.connectAttemptTimeout=soon', /connectAttemptTimeout/);
});
