import { consumerInfoFor } from '../../src/model/commands.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { BrokerService } from '../../src/server/broker-service.js';
import type { ConnectionContext } from '../../src/broker/broker.js';
import { Destination } from '../../src/model/destination.js';
import type { Message as CoreMessage } from '../../src/model/message.js';
import { openWireProtocol } from '../../src/protocol/openwire/openwire-module.js';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { T } from '../../src/protocol/openwire/codec/index.js';
import { RawStomp, waitFor } from '../stomp/helpers.js';
import { RawProducer } from './raw-producer.js';

/**
 * Messages a producer can write but no consumer could be given (issues 12.5 and 18.2), sent over real OpenWire
 * with a STOMP consumer on the other side: hostile property blocks and compressed bombs are refused at send
 * time with an ExceptionResponse; a compressed body that lies about its size gets past that check, and when a
 * STOMP subscriber cannot be given it, it goes to the DLQ with the reason instead of vanishing.
 */
const MAX_FRAME = 1024 * 1024;

/** A primitive map with one entry `k` holding a value written by `value`. */
function mapWith(key: string | Buffer, value: Buffer): Buffer {
  const k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const head = Buffer.alloc(6);
  head.writeInt32BE(1, 0);
  head.writeUInt16BE(k.length, 4);
  return Buffer.concat([head, k, value]);
}

function stringValue(bytes: Buffer): Buffer {
  const head = Buffer.from([9, 0, 0]);
  head.writeUInt16BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** Maps nested `depth` deep: { a: { a: { … : null } } }. */
function nestedMap(depth: number): Buffer {
  const open = Buffer.from([0, 0, 0, 1, 0, 1, 0x61, 11]);
  const innermost = Buffer.from([0, 0, 0, 0]);
  return Buffer.concat([Buffer.concat(Array.from({ length: depth }, () => open)), innermost]);
}

function bytesBody(plain: Buffer, declared = plain.length): Buffer {
  const z = deflateSync(plain);
  const out = Buffer.alloc(4 + z.length);
  out.writeInt32BE(declared, 0);
  z.copy(out, 4);
  return out;
}

function textContent(text: string): Buffer {
  const utf = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(4 + utf.length);
  out.writeInt32BE(utf.length, 0);
  utf.copy(out, 4);
  return out;
}

describe('hostile OpenWire messages with a STOMP consumer', () => {
  let service: BrokerService;
  let openwirePort: number;
  let stompPort: number;
  const closers: { destroy(): void }[] = [];
  let queueNo = 0;

  before(async () => {
    service = new BrokerService({
      brokerName: 'hostile',
      connectors: [
        {
          name: 'openwire',
          scheme: 'tcp',
          protocol: openWireProtocol,
          host: '127.0.0.1',
          port: 0,
          options: { maxFrameSize: MAX_FRAME },
        },
        { name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options: {} },
      ],
    });
    await service.start();
    openwirePort = service.connector('openwire').port;
    stompPort = service.connector('stomp').port;
    await readDeadLetters();
  });

  after(async () => {
    for (const c of closers) c.destroy();
    await service.stop();
  });

  async function producer(): Promise<RawProducer> {
    const p = await RawProducer.open(openwirePort);
    closers.push(p);
    return p;
  }

  async function subscriber(queue: string, ack = 'auto'): Promise<RawStomp> {
    const s = await RawStomp.open(stompPort);
    closers.push(s);
    s.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
    assert.equal((await s.frame(0)).command, 'CONNECTED');
    s.write(`SUBSCRIBE\nid:1\ndestination:/queue/${queue}\nack:${ack}\nreceipt:r\n\n\0`);
    assert.equal((await s.frame(1)).command, 'RECEIPT');
    return s;
  }

  /** The dead-letter queue, read in-process (a STOMP subscriber could not be given these messages either). */
  const deadLetters: CoreMessage[] = [];
  async function readDeadLetters(): Promise<void> {
    const got = deadLetters;
    const ctx: ConnectionContext = {
      info: {
        connectionId: `dlq-reader-${queueNo}`,
        clientId: null,
        userName: null,
        password: null,
        remoteAddress: 't',
        protocol: 't',
      },
      security: null,
      control: { close: () => {} },
    };
    await service.broker.addConnection(ctx);
    await service.broker.addConsumer(
      ctx,
      consumerInfoFor(`dlq-reader-${queueNo}:1`, Destination.queue('ActiveMQ.DLQ'), { ackMode: 'auto' }),
      {
        ready: true,
        deliver: (d) => {
          if (d !== null) got.push(d.message);
        },
      },
    );
  }

  function queue(): string {
    return `hostile.${++queueNo}`;
  }

  const hostileProperties: [string, Buffer][] = [
    ['a map count of 2^31-1', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 1, 0x61, 0])],
    ['maps nested 100,000 deep', nestedMap(100_000)],
    ['invalid UTF-8 in a value', mapWith('color', stringValue(Buffer.from([0x72, 0xff, 0xfe, 0x64])))],
    ['invalid UTF-8 in a key', mapWith(Buffer.from([0x6b, 0xc3]), Buffer.from([0]))],
  ];

  for (const [what, props] of hostileProperties) {
    it(`refuses a send whose properties have ${what}, and keeps serving the producer`, async () => {
      const q = queue();
      const consumer = await subscriber(q);
      const p = await producer();
      const bad = await p.send(p.message(q, { content: Buffer.from('bad'), marshalledProperties: props }));
      assert.equal(bad.exception?.className, 'java.io.IOException');
      assert.match(bad.exception?.message ?? '', /^Invalid message properties: /);
      const good = await p.send(p.message(q, { content: Buffer.from('good') }));
      assert.equal(good.exception, null);
      const m = await consumer.frame(2);
      assert.equal(m.command, 'MESSAGE');
      assert.equal(m.body.toString(), 'good', 'only the good message was accepted');
    });
  }

  it('refuses a compressed bytes body that declares more than maxFrameSize when inflated', async () => {
    const p = await producer();
    const bomb = bytesBody(Buffer.alloc(10 * MAX_FRAME));
    assert.ok(bomb.length < 20_000, 'the bomb is small on the wire');
    const r = await p.send(p.message(queue(), { content: bomb, compressed: true }));
    assert.equal(r.exception?.className, 'java.io.IOException');
    assert.equal(
      r.exception?.message,
      `Compressed message body declares ${10 * MAX_FRAME} bytes when inflated, more than the maximum frame size of ${MAX_FRAME}`,
    );
  });

  it('refuses a compressed text body that declares more than maxFrameSize when inflated', async () => {
    const p = await producer();
    const bomb = deflateSync(textContent('x'.repeat(10 * MAX_FRAME)));
    const r = await p.send(p.message(queue(), { type: T.ACTIVEMQ_TEXT_MESSAGE, content: bomb, compressed: true }));
    assert.match(r.exception?.message ?? '', /^Compressed message body declares 10485764 bytes when inflated/);
  });

  it('accepts a compressed text body within the limit and inflates it for STOMP', async () => {
    const q = queue();
    const consumer = await subscriber(q);
    const p = await producer();
    const text = 'héllo '.repeat(10_000);
    const r = await p.send(
      p.message(q, { type: T.ACTIVEMQ_TEXT_MESSAGE, content: deflateSync(textContent(text)), compressed: true }),
    );
    assert.equal(r.exception, null);
    assert.equal((await consumer.frame(2)).body.toString('utf8'), text);
  });

  for (const ack of ['auto', 'client-individual']) {
    it(`dead-letters, with the reason, a message a STOMP subscriber (ack:${ack}) cannot be given`, async () => {
      const q = queue();
      const consumer = await subscriber(q, ack);
      const p = await producer();
      // Declares 100 bytes, inflates to 4 MiB: within every declared limit, refused when inflated.
      const liar = bytesBody(Buffer.alloc(4 * MAX_FRAME), 100);
      assert.equal((await p.send(p.message(q, { content: liar, compressed: true }))).exception, null);
      assert.equal((await p.send(p.message(q, { content: Buffer.from('next') }))).exception, null);

      const next = await consumer.frame(2);
      assert.equal(next.body.toString(), 'next', 'the subscriber is served past the bad message');
      const find = (): CoreMessage | undefined => deadLetters.find((m) => m.originalDestination?.name === q);
      await waitFor(() => find() !== undefined, 'the dead-lettered message');
      const dead = find()!;
      const cause = dead.properties.get('dlqDeliveryFailureCause')?.value;
      assert.equal(typeof cause, 'string');
      assert.match(cause as string, /Compressed bytes body inflates past the limit/);
      assert.equal(consumer.closed, false, 'the subscriber keeps its connection');
    });
  }
});
