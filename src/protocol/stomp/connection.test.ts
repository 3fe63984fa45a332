import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { AckType, type ConsumerInfo, type MessageAck } from '../../model/commands.js';
import { Destination } from '../../model/destination.js';
import { Message } from '../../model/message.js';
import { typed } from '../../model/properties.js';
import { BrokerError } from '../../util/errors.js';
import { harness, settle, type Harness } from '../../../test/support/protocol/stomp/test-support.js';

async function connected(version = '1.2', extra: Record<string, string> = {}, opts = {}): Promise<Harness> {
  const h = harness(opts);
  await h.client.connect({ 'accept-version': version, host: 'localhost', ...extra });
  return h;
}

function consumerInfo(h: Harness, i = 0): ConsumerInfo {
  return h.broker.callsOf('addConsumer')[i]!.args[1] as ConsumerInfo;
}

function textMessage(id: string, text: string, dest = Destination.queue('a')): Message {
  const m = new Message();
  m.messageId = id;
  m.destination = dest;
  m.bodyType = 'text';
  m.body = Buffer.from(text);
  m.timestamp = 1234;
  return m;
}

async function subscribe(h: Harness, headers: Record<string, string>): Promise<ConsumerInfo> {
  h.client.send('SUBSCRIBE', { receipt: 'sub', ...headers });
  const r = await h.client.next();
  assert.equal(r.command, 'RECEIPT', r.headers.get('message'));
  const calls = h.broker.callsOf('addConsumer');
  return calls[calls.length - 1]!.args[1] as ConsumerInfo;
}

async function expectError(h: Harness, message: string | RegExp): Promise<void> {
  const f = await h.client.next();
  assert.equal(f.command, 'ERROR');
  if (typeof message === 'string') assert.equal(f.headers.get('message'), message);
  else assert.match(f.headers.get('message') ?? '', message);
  await h.client.until(() => h.client.closed);
}

describe('STOMP CONNECT', () => {
  it('negotiates the highest common version and answers CONNECTED', async () => {
    const h = harness();
    const f = await h.client.connect({ 'accept-version': '1.0,1.1,1.2', login: 'u', passcode: 'p', 'client-id': 'c1' });
    assert.equal(f.headers.get('version'), '1.2');
    assert.equal(f.headers.get('session'), 'c1');
    assert.match(f.headers.get('server') ?? '', /^TideMQ\/\d+\.\d+\.\d+/);
    assert.equal(f.headers.get('heart-beat'), '0,0');
    const ctx = h.broker.callsOf('addConnection')[0]!.args[0] as {
      info: { userName: string; password: string; clientId: string; protocol: string };
    };
    assert.equal(ctx.info.userName, 'u');
    assert.equal(ctx.info.password, 'p');
    assert.equal(ctx.info.clientId, 'c1');
    assert.equal(ctx.info.protocol, 'stomp');
    assert.equal(h.broker.callsOf('addProducer').length, 1);
  });

  it('defaults to 1.0 without accept-version and uses the connection id as client id', async () => {
    const h = harness();
    const f = await h.client.connect({});
    assert.equal(f.headers.get('version'), '1.0');
    assert.equal(f.headers.get('session'), h.server.connectionId);
  });

  it('echoes request-id / receipt as response-id and receipt-id', async () => {
    const h = harness();
    const f = await h.client.connect({ 'accept-version': '1.1', receipt: 'r1' });
    assert.equal(f.headers.get('response-id'), 'r1');
    assert.equal(f.headers.get('receipt-id'), 'r1');
  });

  it('refuses an unsupported version with ActiveMQ’s text', async () => {
    const h = harness();
    h.client.send('CONNECT', { 'accept-version': '2.0' });
    await expectError(h, 'Invalid Protocol version[2.0], supported versions are: [1.2, 1.1, 1.0]');
    assert.equal(h.broker.callsOf('addConnection').length, 0);
  });

  it('refuses a malformed heart-beat', async () => {
    const h = harness();
    h.client.send('CONNECT', { 'accept-version': '1.2', 'heart-beat': '10' });
    await expectError(h, 'Invalid heart-beat header:10');
  });

  it('passes a security error from the broker verbatim and closes', async () => {
    const h = harness();
    h.broker.failWith(
      'addConnection',
      new BrokerError('ERR_SECURITY_AUTHENTICATION', 'User name [null] or password is invalid.'),
    );
    h.client.send('CONNECT', { 'accept-version': '1.2', receipt: 'c' });
    const f = await h.client.next();
    assert.equal(f.command, 'ERROR');
    assert.equal(f.headers.get('message'), 'User name [null] or password is invalid.');
    assert.equal(f.headers.get('receipt-id'), 'c');
    assert.equal(f.body.toString(), 'User name [null] or password is invalid.');
    await h.client.until(() => h.client.closed);
    assert.equal(h.broker.callsOf('removeConnection').length, 0);
  });

  it('refuses any frame before CONNECT', async () => {
    const h = harness();
    h.client.send('SEND', { destination: '/queue/a' }, 'x');
    await expectError(
      h,
      "StompWireFormat is configured for 'server' mode and received an unexpected frame before CONNECT or STOMP frame: SEND",
    );
  });

  it('refuses a second CONNECT', async () => {
    const h = await connected();
    h.client.send('CONNECT', { 'accept-version': '1.2' });
    await expectError(h, /duplicate CONNECT or STOMP frame/);
    await settle();
    assert.equal(h.broker.callsOf('removeConnection').length, 1);
  });

  it('refuses server frames from a client', async () => {
    const h = await connected();
    h.client.send('MESSAGE', { destination: '/queue/a' });
    await expectError(h, /only expected when configured for 'client' mode: MESSAGE/);
  });

  it("closes a client that never sends CONNECT within the connector guard's connectAttemptTimeout", async () => {
    const h = harness({}, undefined, { connectAttemptTimeoutMs: 5000 });
    h.clock.advance(4999);
    await settle();
    assert.equal(h.client.closed, false);
    h.clock.advance(1);
    await expectError(h, 'Channel was inactive (no connection attempt made) for too (>5000) long: 127.0.0.1:50001');
  });

  it('parses frames that follow CONNECT in the same chunk with the negotiated escaping', async () => {
    const h = harness();
    h.client.raw('CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/a\nk:a\\cb\n\nx\0');
    assert.equal((await h.client.next()).command, 'CONNECTED');
    await h.client.until(() => h.broker.sent.length === 1);
    assert.equal(h.broker.sent[0]!.properties.get('k')?.value, 'a:b');
  });
});

describe('STOMP heart-beats', () => {
  it('answers cy,cx and pings every cy ms when idle', async () => {
    const h = await connected('1.2', { 'heart-beat': '0,1000' });
    assert.equal(h.client.frames[0]!.headers.get('heart-beat'), '1000,0');
    // The first period saw CONNECTED go out, so the first ping comes at the end of the second.
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      await settle();
    }
    assert.equal(h.client.heartbeats, 2);
  });

  it('caps the server ping interval at maxInactivityDurationMs', async () => {
    const h = await connected('1.2', { 'heart-beat': '0,60000' }, { maxInactivityDurationMs: 30000 });
    assert.equal(h.client.frames[0]!.headers.get('heart-beat'), '30000,0');
  });

  it('closes a silent client after cx × grace multiplier with an ERROR', async () => {
    const h = await connected('1.2', { 'heart-beat': '1000,0' }, { heartbeatGraceMultiplier: 1.5 });
    // The client keeps pinging for a while: no timeout.
    for (let i = 0; i < 4; i++) {
      h.client.raw('\n');
      await settle();
      h.clock.advance(1000);
    }
    assert.equal(h.client.closed, false);
    h.clock.advance(1500);
    h.clock.advance(1500);
    await expectError(h, 'Channel was inactive for too (>1500) long: 127.0.0.1:50001');
    await settle();
    assert.equal(h.broker.callsOf('removeConnection').length, 1);
  });
});

describe('STOMP SEND', () => {
  it('maps headers to the message as ActiveMQ does', async () => {
    const h = await connected('1.1');
    h.client.send(
      'SEND',
      {
        destination: '/topic/t',
        persistent: 'true',
        priority: '7',
        expires: '99',
        type: 'T',
        'correlation-id': 'c',
        'reply-to': '/queue/r',
        JMSXGroupID: 'g',
        JMSXGroupSeq: '3',
        custom: 'v',
        receipt: 'r',
      },
      'héllo',
    );
    const r = await h.client.next();
    assert.equal(r.command, 'RECEIPT');
    assert.equal(r.headers.get('receipt-id'), 'r');
    const m = h.broker.sent[0]!;
    assert.equal(m.destination, Destination.topic('t'));
    assert.equal(m.persistent, true);
    assert.equal(m.priority, 7);
    assert.equal(m.expiration, 99);
    assert.equal(m.type, 'T');
    assert.equal(m.correlationId, 'c');
    assert.equal(m.replyTo, Destination.queue('r'));
    assert.equal(m.groupId, 'g');
    assert.equal(m.groupSequence, 3);
    assert.equal(m.bodyType, 'text');
    assert.equal(Buffer.from(m.body!).toString('utf8'), 'héllo');
    assert.deepEqual([...m.properties.keys()], ['custom']);
    assert.equal(m.timestamp, h.clock.now());
    assert.equal(m.messageId, `${h.server.connectionId}:-1:1:1`);
    assert.equal(m.producerId, `${h.server.connectionId}:-1:1`);
  });

  it('is non-persistent by default; content-length makes a bytes message', async () => {
    const h = await connected();
    h.client.raw('SEND\ndestination:/queue/a\ncontent-length:3\n\na\0b\0');
    await h.client.until(() => h.broker.sent.length === 1);
    const m = h.broker.sent[0]!;
    assert.equal(m.persistent, false);
    assert.equal(m.bodyType, 'bytes');
    assert.deepEqual([...m.body!], [0x61, 0, 0x62]);
    assert.equal(m.hasProperties, false);
  });

  it('amq-msg-type overrides the body rule', async () => {
    const h = await connected();
    h.client.send('SEND', { destination: '/queue/a', 'amq-msg-type': 'text', 'content-length': '2' }, 'hi');
    await h.client.until(() => h.broker.sent.length === 1);
    assert.equal(h.broker.sent[0]!.bodyType, 'text');
  });

  it('keeps an unmappable reply-to as a string property', async () => {
    const h = await connected();
    h.client.send('SEND', { destination: '/queue/a', 'reply-to': 'plain' });
    await h.client.until(() => h.broker.sent.length === 1);
    assert.equal(h.broker.sent[0]!.replyTo, null);
    assert.equal(h.broker.sent[0]!.properties.get('reply-to')?.value, 'plain');
  });

  it('maps names: unprefixed falls back to a queue, composites, temp destinations created once', async () => {
    const h = await connected();
    h.client.send('SEND', { destination: 'plain' });
    h.client.send('SEND', { destination: '/queue/a,/topic/b' });
    h.client.send('SEND', { destination: '/temp-queue/mine' });
    h.client.send('SEND', { destination: '/temp-queue/mine' });
    await h.client.until(() => h.broker.sent.length === 4);
    assert.equal(h.broker.sent[0]!.destination, Destination.queue('plain'));
    assert.deepEqual(h.broker.sent[1]!.destination.members(), [Destination.queue('a'), Destination.topic('b')]);
    const temp = h.broker.sent[2]!.destination;
    assert.equal(temp.type, 'temp-queue');
    assert.equal(temp.name, `${h.server.connectionId}:1`);
    assert.equal(h.broker.sent[3]!.destination, temp);
    assert.equal(h.broker.callsOf('addDestination').length, 1);
  });

  it('SEND without destination is an error', async () => {
    const h = await connected();
    h.client.send('SEND', { receipt: 'x' }, 'body');
    const f = await h.client.next();
    assert.equal(f.headers.get('message'), 'SEND received without a Destination specified!');
    assert.equal(f.headers.get('receipt-id'), 'x');
    await h.client.until(() => h.client.closed);
  });

  it('SEND in an unknown transaction is an error', async () => {
    const h = await connected();
    h.client.send('SEND', { destination: '/queue/a', transaction: 'nope' });
    await expectError(h, 'Invalid transaction id: nope');
  });

  it('a broker error on send closes with its text', async () => {
    const h = await connected();
    h.broker.failWith(
      'send',
      new BrokerError('ERR_SECURITY_NOT_AUTHORIZED', 'User u is not authorized to write to: queue://a'),
    );
    h.client.send('SEND', { destination: '/queue/a' });
    await expectError(h, 'User u is not authorized to write to: queue://a');
  });

  it('unknown commands are an error', async () => {
    const h = await connected();
    h.client.send('FROB', {});
    await expectError(h, 'Unknown STOMP action: FROB');
  });

  it('a frame over the limit is an error', async () => {
    const h = await connected('1.2', {}, { maxFrameSize: 100 });
    h.client.raw('SEND\ndestination:/queue/a\ncontent-length:200\n\n');
    await expectError(h, 'The maximum frame size was exceeded');
  });

  it('an invalid escape is an error', async () => {
    const h = await connected();
    h.client.raw('SEND\ndestination:/queue/a\\x\n\n\0');
    await expectError(h, /Invalid escape sequence \\x/);
  });
});

describe('STOMP SUBSCRIBE and MESSAGE', () => {
  it('builds ConsumerInfo from headers', async () => {
    const h = await connected('1.2', { 'client-id': 'cid' });
    const info = await subscribe(h, {
      id: 's1',
      destination: '/topic/t',
      ack: 'client-individual',
      selector: "color = 'red'",
      'activemq.prefetchSize': '5',
      'activemq.subcriptionName': 'dur',
      'activemq.exclusive': 'true',
      'activemq.noLocal': 'TRUE',
      'activemq.priority': '3',
      'activemq.retroactive': 'true',
    });
    assert.equal(info.destination, Destination.topic('t'));
    assert.equal(info.prefetch, 5);
    assert.equal(info.ackMode, 'individual');
    assert.equal(info.selector, "convert_string_expressions:color = 'red'");
    assert.equal(info.subscriptionName, 'dur');
    assert.equal(info.exclusive, true);
    assert.equal(info.noLocal, true);
    assert.equal(info.priority, 3);
    assert.equal(info.retroactive, true);
    assert.equal(info.consumerId, `${h.server.connectionId}:-1:1`);
  });

  it('uses ActiveMQ’s default prefetch per destination kind', async () => {
    const h = await connected('1.2', { 'client-id': 'c' });
    assert.equal((await subscribe(h, { id: '1', destination: '/queue/q' })).prefetch, 1000);
    assert.equal((await subscribe(h, { id: '2', destination: '/topic/t' })).prefetch, 32767);
    assert.equal(
      (await subscribe(h, { id: '3', destination: '/topic/t', 'activemq.subscriptionName': 'd' })).prefetch,
      100,
    );
    const b = await subscribe(h, { id: '4', destination: '/queue/q', browser: 'true' });
    assert.equal(b.prefetch, 500);
    assert.equal(b.browser, true);
  });

  for (const [name, version, headers, extra, message] of [
    ['missing id in 1.1', '1.1', { destination: '/queue/a' }, {}, 'SUBSCRIBE received without a subscription id!'],
    ['missing destination', '1.2', { id: '1' }, {}, "Invalid empty or 'null' Destination header"],
    [
      'durable on a queue',
      '1.2',
      { id: '1', destination: '/queue/a', 'activemq.subscriptionName': 'x' },
      { 'client-id': 'c' },
      'Invalid Subscription: cannot durably subscribe to a Queue destination!',
    ],
    [
      'durable without client-id',
      '1.2',
      { id: '1', destination: '/topic/a', 'activemq.subscriptionName': 'x' },
      {},
      /requires a client-id/,
    ],
    [
      'browser in 1.0',
      '1.0',
      { destination: '/queue/a', browser: 'true' },
      {},
      'Queue Browser feature only valid for Stomp v1.1+ clients!',
    ],
    [
      'bad prefetch',
      '1.2',
      { id: '1', destination: '/queue/a', 'activemq.prefetchSize': 'lots' },
      {},
      'Invalid value for header activemq.prefetchSize: [lots]',
    ],
  ] as const) {
    it(`refuses ${name}`, async () => {
      const h = await connected(version, extra);
      h.client.send('SUBSCRIBE', headers);
      await expectError(h, message);
    });
  }

  it('sends the receipt before the first MESSAGE and writes ActiveMQ’s headers', async () => {
    const h = await connected('1.2');
    h.client.send('SUBSCRIBE', { id: 's', destination: '/queue/a', ack: 'client', receipt: 'r' });
    await h.client.until(() => h.broker.consumers.size === 1);
    const consumerId = consumerInfo(h).consumerId;
    const m = textMessage('ID:m-1', 'hi\0there');
    m.persistent = true;
    m.priority = 6;
    m.correlationId = 'corr';
    m.type = 'typ';
    m.replyTo = Destination.topic('r');
    m.properties = new Map([
      ['p', typed.int(5)],
      ['d', typed.double(2)],
      ['destination', typed.string('forged')],
    ]);
    h.broker.deliver(consumerId, m, true);
    const receipt = await h.client.next();
    assert.equal(receipt.command, 'RECEIPT');
    const f = await h.client.next();
    assert.equal(f.command, 'MESSAGE');
    assert.deepEqual(Object.fromEntries(f.headers), {
      'message-id': 'ID:m-1',
      destination: '/queue/a',
      subscription: 's',
      ack: f.headers.get('ack'),
      'correlation-id': 'corr',
      expires: '0',
      redelivered: 'true',
      priority: '6',
      'reply-to': '/topic/r',
      timestamp: '1234',
      type: 'typ',
      persistent: 'true',
      p: '5',
      d: '2.0',
      'content-length': '8',
    });
    assert.ok((f.headers.get('ack') ?? '').length > 0);
    assert.equal(f.body.toString(), 'hi\0there');
  });

  it('1.0 subscriptions without id get no subscription header and unsubscribe by destination', async () => {
    const h = await connected('1.0');
    await subscribe(h, { destination: '/queue/a' });
    h.broker.deliver(consumerInfo(h).consumerId, textMessage('ID:1', 'x'));
    const f = await h.client.next();
    assert.equal(f.headers.has('subscription'), false);
    assert.equal(f.headers.has('ack'), false);
    h.client.send('UNSUBSCRIBE', { destination: '/queue/a', receipt: 'u' });
    assert.equal((await h.client.next()).command, 'RECEIPT');
    assert.equal(h.broker.callsOf('removeConsumer').length, 1);
  });

  it('inflates compressed text and bytes bodies; map bodies go out empty', async () => {
    const h = await connected();
    await subscribe(h, { id: 's', destination: '/queue/a' });
    const id = consumerInfo(h).consumerId;
    const text = new Message();
    Object.assign(text, { messageId: 'ID:t', destination: Destination.queue('a'), bodyType: 'text', compressed: true });
    const utf = Buffer.from('zip ☃', 'utf8');
    const content = Buffer.alloc(4 + utf.length);
    content.writeInt32BE(utf.length, 0);
    utf.copy(content, 4);
    text.body = deflateSync(content);
    const bytes = new Message();
    Object.assign(bytes, {
      messageId: 'ID:b',
      destination: Destination.queue('a'),
      bodyType: 'bytes',
      compressed: true,
    });
    const raw = Buffer.from([1, 2, 3, 0, 4]);
    const len = Buffer.alloc(4);
    len.writeInt32BE(raw.length, 0);
    bytes.body = Buffer.concat([len, deflateSync(raw)]);
    const map = new Message();
    Object.assign(map, {
      messageId: 'ID:m',
      destination: Destination.queue('a'),
      bodyType: 'map',
      body: Buffer.from([9, 9]),
    });
    h.broker.deliver(id, text);
    h.broker.deliver(id, bytes);
    h.broker.deliver(id, map);
    assert.equal((await h.client.next()).body.toString(), 'zip ☃');
    assert.deepEqual([...(await h.client.next()).body], [1, 2, 3, 0, 4]);
    const m = await h.client.next();
    assert.equal(m.body.length, 0);
    assert.equal(m.headers.has('content-length'), false);
  });

  it('maps temp destinations back to the name the client used', async () => {
    const h = await connected();
    await subscribe(h, { id: 's', destination: '/temp-queue/x' });
    const info = consumerInfo(h);
    assert.equal(info.destination.type, 'temp-queue');
    const m = textMessage('ID:1', 'x', info.destination);
    m.replyTo = Destination.of('temp-topic', 'ID:other:1');
    h.broker.deliver(info.consumerId, m);
    const f = await h.client.next();
    assert.equal(f.headers.get('destination'), '/temp-queue/x');
    assert.equal(f.headers.get('reply-to'), '/remote-temp-topic/ID:other:1');
  });

  it('a browser subscription ends with browser:end', async () => {
    const h = await connected();
    await subscribe(h, { id: 'b', destination: '/queue/q', browser: 'true' });
    h.broker.consumers.get(consumerInfo(h).consumerId)!.sink.deliver(null);
    const f = await h.client.next();
    assert.equal(f.headers.get('browser'), 'end');
    assert.equal(f.headers.get('message-id'), '0');
    assert.equal(f.headers.get('subscription'), 'b');
  });

  it('UNSUBSCRIBE with activemq.subscriptionName removes the durable subscription', async () => {
    const h = await connected('1.2', { 'client-id': 'cid' });
    await subscribe(h, { id: 'd', destination: '/topic/t', 'activemq.subscriptionName': 'sub' });
    h.client.send('UNSUBSCRIBE', { id: 'd', 'activemq.subscriptionName': 'sub', receipt: 'u' });
    assert.equal((await h.client.next()).command, 'RECEIPT');
    assert.equal(h.broker.callsOf('removeConsumer').length, 1);
    assert.deepEqual(h.broker.callsOf('removeSubscription')[0]!.args.slice(1), ['cid', 'sub']);
  });

  it('UNSUBSCRIBE of an unknown id is an error', async () => {
    const h = await connected();
    h.client.send('UNSUBSCRIBE', { id: 'nope' });
    await expectError(h, 'No subscription matched.');
  });
});

describe('STOMP ACK / NACK', () => {
  async function withMessages(version: string, ack: string, n: number) {
    const h = await connected(version);
    await subscribe(h, { id: 's', destination: '/queue/a', ack });
    const id = consumerInfo(h).consumerId;
    for (let i = 1; i <= n; i++) h.broker.deliver(id, textMessage(`ID:m-${i}`, `m${i}`));
    const frames = [];
    for (let i = 1; i <= n; i++) frames.push(await h.client.next());
    return { h, id, frames };
  }

  async function acked(h: Harness, count: number): Promise<MessageAck[]> {
    await h.client.until(() => h.broker.acks.length >= count);
    return h.broker.acks;
  }

  it('client mode ACK is cumulative (1.1, by message-id and subscription)', async () => {
    const { h, id } = await withMessages('1.1', 'client', 3);
    h.client.send('ACK', { subscription: 's', 'message-id': 'ID:m-2', receipt: 'a' });
    assert.equal((await h.client.next()).command, 'RECEIPT');
    const [ack] = await acked(h, 1);
    assert.deepEqual(ack, {
      consumerId: id,
      type: AckType.Standard,
      firstMessageId: 'ID:m-1',
      lastMessageId: 'ID:m-2',
      messageCount: 2,
      transactionId: null,
      poisonCause: null,
    });
    h.client.send('ACK', { subscription: 's', 'message-id': 'ID:m-1' });
    await expectError(h, 'Unexpected ACK received for message-id [ID:m-1]');
  });

  it('client-individual ACK by the 1.2 ack id consumes one message', async () => {
    const { h, frames } = await withMessages('1.2', 'client-individual', 2);
    h.client.send('ACK', { id: frames[1]!.headers.get('ack')! });
    const [ack] = await acked(h, 1);
    assert.equal(ack!.type, AckType.Individual);
    assert.equal(ack!.lastMessageId, 'ID:m-2');
    assert.equal(ack!.messageCount, 1);
  });

  it('1.0 ACK by message-id alone', async () => {
    const { h } = await withMessages('1.0', 'client', 1);
    h.client.send('ACK', { 'message-id': 'ID:m-1' });
    const [ack] = await acked(h, 1);
    assert.equal(ack!.lastMessageId, 'ID:m-1');
  });

  it('NACK poisons the message', async () => {
    const { h, frames } = await withMessages('1.2', 'client', 2);
    h.client.send('NACK', { id: frames[0]!.headers.get('ack')! });
    const [ack] = await acked(h, 1);
    assert.equal(ack!.type, AckType.Poison);
    assert.equal(ack!.lastMessageId, 'ID:m-1');
  });

  for (const [name, version, headers, message] of [
    ['1.2 ACK without id', '1.2', { 'message-id': 'x' }, 'ACK received without a ack id for acknowledge!'],
    [
      '1.1 ACK without subscription',
      '1.1',
      { 'message-id': 'x' },
      'ACK received without a subscription id for acknowledge!',
    ],
    ['1.0 ACK without message-id', '1.0', {}, 'ACK received without a message-id to acknowledge!'],
    ['1.2 ACK of an unknown id', '1.2', { id: 'nope' }, 'Unexpected ACK received for message-id [nope]'],
    ['NACK in 1.0', '1.0', { 'message-id': 'x' }, 'NACK received but connection is in v1.0 mode.'],
    ['1.2 NACK without id', '1.2', {}, 'NACK received without an ack header to acknowledge!'],
  ] as const) {
    it(`refuses ${name}`, async () => {
      const h = await connected(version);
      h.client.send(name.includes('NACK') ? 'NACK' : 'ACK', headers);
      await expectError(h, message);
    });
  }

  it('acks inside a transaction: Delivered now, Standard at COMMIT, restored by ABORT', async () => {
    const { h, frames } = await withMessages('1.2', 'client', 2);
    h.client.send('BEGIN', { transaction: 't1' });
    h.client.send('ACK', { id: frames[0]!.headers.get('ack')!, transaction: 't1' });
    h.client.send('ABORT', { transaction: 't1', receipt: 'ab' });
    assert.equal((await h.client.next()).command, 'RECEIPT');
    const tx1 = h.broker.callsOf('beginTransaction')[0]!.args[1] as string;
    assert.equal(tx1, `TX:${h.server.connectionId}:1`);
    assert.equal(h.broker.acks[0]!.type, AckType.Delivered);
    assert.equal(h.broker.callsOf('rollbackTransaction')[0]!.args[1], tx1);

    // After ABORT the same ack id is valid again.
    h.client.send('BEGIN', { transaction: 't2' });
    h.client.send('ACK', { id: frames[1]!.headers.get('ack')!, transaction: 't2' });
    h.client.send('COMMIT', { transaction: 't2', receipt: 'c' });
    assert.equal((await h.client.next()).command, 'RECEIPT');
    const tx2 = `TX:${h.server.connectionId}:2`;
    const last = h.broker.acks[h.broker.acks.length - 1]!;
    assert.equal(last.type, AckType.Standard);
    assert.equal(last.transactionId, tx2);
    assert.equal(last.lastMessageId, 'ID:m-2');
    assert.equal(last.messageCount, 2);
    assert.deepEqual(h.broker.callsOf('commitTransaction')[0]!.args.slice(1), [tx2, true]);
  });
});

describe('STOMP transactions', () => {
  it('SEND in a transaction carries its id', async () => {
    const h = await connected();
    h.client.send('BEGIN', { transaction: 'tx' });
    h.client.send('SEND', { destination: '/queue/a', transaction: 'tx', receipt: 's' });
    assert.equal((await h.client.next()).command, 'RECEIPT');
    assert.equal(h.broker.callsOf('send')[0]!.args[2], `TX:${h.server.connectionId}:1`);
  });

  for (const [name, frames, message] of [
    ['BEGIN without transaction', [['BEGIN', {}]], 'Must specify the transaction you are beginning'],
    [
      'BEGIN twice',
      [
        ['BEGIN', { transaction: 'a' }],
        ['BEGIN', { transaction: 'a' }],
      ],
      'The transaction was already started: a',
    ],
    ['COMMIT of an unknown transaction', [['COMMIT', { transaction: 'z' }]], 'Invalid transaction id: z'],
    ['ABORT without transaction', [['ABORT', {}]], 'Must specify the transaction you are committing'],
  ] as const) {
    it(`refuses ${name}`, async () => {
      const h = await connected();
      for (const [command, headers] of frames) h.client.send(command, headers);
      await expectError(h, message);
    });
  }
});

describe('STOMP DISCONNECT and close', () => {
  it('DISCONNECT with receipt: broker released, RECEIPT, then close', async () => {
    const h = await connected();
    h.client.send('DISCONNECT', { receipt: 'bye' });
    const f = await h.client.next();
    assert.equal(f.command, 'RECEIPT');
    assert.equal(f.headers.get('receipt-id'), 'bye');
    await h.client.until(() => h.client.closed);
    await h.server.closed;
    assert.equal(h.broker.callsOf('removeConnection').length, 1);
  });

  it('a dropped socket releases the connection once', async () => {
    const h = await connected();
    h.client.transport.destroy();
    await h.server.closed;
    assert.equal(h.broker.callsOf('removeConnection').length, 1);
  });

  it('the broker can close the connection with an ERROR', async () => {
    const h = await connected();
    const ctx = h.broker.callsOf('addConnection')[0]!.args[0] as { control: { close(e: BrokerError): void } };
    ctx.control.close(new BrokerError('ERR_CLIENT_ID_INVALID', 'Broker: b - Client: c already connected from tcp://x'));
    await expectError(h, 'Broker: b - Client: c already connected from tcp://x');
  });

  it('close() on shutdown sends an ERROR and resolves once closed', async () => {
    const h = await connected();
    await h.server.close('The broker is shutting down');
    assert.equal((await h.client.next()).headers.get('message'), 'The broker is shutting down');
  });
});

describe('STOMP backpressure and batching', () => {
  it('stops dispatch while the transport is full and resumes on drain', async () => {
    const h = harness({}, 4096);
    await h.client.connect({ 'accept-version': '1.2' });
    await subscribe(h, { id: 's', destination: '/queue/a' });
    const id = consumerInfo(h).consumerId;
    h.client.transport.pause();
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) h.broker.deliver(id, textMessage(`ID:${i}`, big));
    await settle();
    await settle();
    const consumer = h.broker.consumers.get(id)!;
    assert.ok(consumer.queued.length > 0, 'some deliveries wait for the socket');
    assert.equal(consumer.sink.ready, false);
    h.client.transport.resume();
    await h.client.until(() => h.client.frames.length >= 2 + 200);
    assert.equal(consumer.queued.length, 0);
    assert.ok(consumer.wakeups > 1);
  });

  it('writes many frames of one tick in one transport write', async () => {
    const h = await connected();
    await subscribe(h, { id: 's', destination: '/queue/a' });
    const before = h.serverTransport.writeCalls;
    const id = consumerInfo(h).consumerId;
    for (let i = 0; i < 50; i++) h.broker.deliver(id, textMessage(`ID:${i}`, 'small'));
    await h.client.until(() => h.client.frames.length >= 52);
    assert.equal(h.serverTransport.writeCalls - before, 1);
  });

  it('pauses the transport when inbound frames pile up', async () => {
    const h = await connected();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = h.broker.send.bind(h.broker);
    h.broker.send = async (...args) => {
      await gate;
      return original(...args);
    };
    let paused = 0;
    const pause = h.serverTransport.pause.bind(h.serverTransport);
    h.serverTransport.pause = () => {
      paused++;
      pause();
    };
    h.client.raw(Buffer.from('SEND\ndestination:/queue/a\n\nx\0'.repeat(300)));
    await settle();
    assert.equal(paused, 1);
    release();
    await h.client.until(() => h.broker.sent.length === 300);
  });
});
