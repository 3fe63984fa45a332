import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { BrokerService } from '../../src/server/broker-service.js';
import { openWireProtocol } from '../../src/protocol/openwire/openwire-module.js';
import { OpenWireFormat, T, type Command } from '../../src/protocol/openwire/codec/index.js';

/**
 * Bad OpenWire input against a real connector: each bad connection is closed, nothing is allocated past the
 * frame limit, and a well-behaved client on the same broker is served throughout.
 */
let service: BrokerService;
let port: number;

before(async () => {
  service = new BrokerService({
    connectors: [
      {
        name: 'openwire',
        scheme: 'tcp',
        protocol: openWireProtocol,
        host: '127.0.0.1',
        port: 0,
        options: { maxFrameSize: 1024 * 1024 },
        transport: { limits: { connectAttemptTimeoutMs: 2000 } },
      },
    ],
  });
  await service.start();
  port = service.connector('openwire').port;
});

after(() => service.stop());

/** Connects, writes `bytes`, and resolves with what the broker sent before closing (or after `waitMs`). */
function exchange(bytes: Buffer, waitMs = 3000): Promise<{ closed: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received: Buffer.concat(chunks) });
    }, waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received: Buffer.concat(chunks) });
    });
  });
}

/** A client that negotiates properly and reads the broker's commands. */
async function healthyClient(): Promise<Command[]> {
  const format = new OpenWireFormat();
  const commands: Command[] = [];
  const socket = connect(port, '127.0.0.1');
  socket.on('data', (chunk) =>
    format.feed(chunk, (cmd) => {
      commands.push(cmd);
      if (cmd.type === T.WIREFORMAT_INFO) format.negotiate(cmd);
    }),
  );
  socket.write(new OpenWireFormat().encode(format.preferredWireFormatInfo()));
  for (let i = 0; i < 100 && !commands.some((c) => c.type === T.BROKER_INFO); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  socket.destroy();
  return commands;
}

test('a well-behaved client is answered with WireFormatInfo then BrokerInfo', async () => {
  const types = (await healthyClient()).map((c) => c.type);
  assert.deepEqual(types.slice(0, 2), [T.WIREFORMAT_INFO, T.BROKER_INFO]);
});

test('garbage bytes close the connection', async () => {
  const r = await exchange(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.equal(r.closed, true);
});

test('a frame size over maxFrameSize closes the connection before anything is buffered', async () => {
  const huge = Buffer.alloc(8);
  huge.writeInt32BE(0x7fffffff, 0);
  const before = process.memoryUsage().arrayBuffers;
  const r = await exchange(huge);
  assert.equal(r.closed, true);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'no buffer of the claimed size');
});

test('a WireFormatInfo with the wrong magic closes the connection', async () => {
  const format = new OpenWireFormat();
  const info = format.preferredWireFormatInfo();
  const bytes = Buffer.from(format.encode({ ...info, magic: Buffer.from('NotAMQ!!') }));
  const r = await exchange(bytes);
  assert.equal(r.closed, true);
});

test('a truncated frame followed by silence is dropped by the connect timeout', async () => {
  const format = new OpenWireFormat();
  const whole = format.encode(format.preferredWireFormatInfo());
  const r = await exchange(Buffer.from(whole.subarray(0, whole.length - 5)), 5000);
  assert.equal(r.closed, true);
});

test('an unknown command type after negotiation closes the connection', async () => {
  const format = new OpenWireFormat();
  const wfi = Buffer.from(format.encode(format.preferredWireFormatInfo()));
  const bogus = Buffer.from([0, 0, 0, 1, 0xee]);
  const r = await exchange(Buffer.concat([wfi, bogus]));
  assert.equal(r.closed, true);
});

test('the broker still serves a healthy client after all of that', async () => {
  const types = (await healthyClient()).map((c) => c.type);
  assert.ok(types.includes(T.BROKER_INFO));
});
