/**
 * Connection lifetime through the real protocols and transports (issues 18.1 and 12.3): every close the broker
 * decides on ends with the socket destroyed and its maximumConnections slot freed, even when the peer neither
 * reads nor closes; connects and frames that never complete are cut on every protocol.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { OpenWireFormat, T, type Command } from '../../src/protocol/openwire/codec/index.js';
import { brokerXml } from '../tls/cli.js';
import { reader, startXmlBroker, stompConnect, waitFor, type TestBroker } from '../tls/broker.js';

/** Short timeouts so the test waits tenths of a second where production waits tens. */
const FAST = 'transport.connectAttemptTimeout=300&transport.closeGracePeriod=200&transport.frameTimeout=400';

let broker: TestBroker;

before(async () => {
  const c = (name: string, uri: string): string =>
    `<transportConnector name="${name}" uri="${uri.replace(/&/g, '&amp;')}"/>`;
  broker = await startXmlBroker(
    brokerXml(`<transportConnectors>
      ${c('limited', `stomp://127.0.0.1:0?maximumConnections=3&${FAST}`)}
      ${c('stomp', `stomp://127.0.0.1:0?${FAST}`)}
      ${c('openwire', `tcp://127.0.0.1:0?${FAST}`)}
      ${c('auto', `auto://127.0.0.1:0?${FAST}`)}
      ${c('ws', `ws://127.0.0.1:0?${FAST}`)}
      ${c('idle', 'tcp://127.0.0.1:0?wireFormat.maxInactivityDuration=300&wireFormat.maxInactivityDurationInitalDelay=100')}
    </transportConnectors>`),
  );
});

after(() => broker.stop());

/**
 * A client that neither reads nor closes: its socket is paused (the FIN and any ERROR stay in the kernel)
 * and half-open (no automatic end when the broker ends). Being paused, it cannot see the broker close it
 * either: `released` watches the broker's side.
 */
async function silentSocket(port: number): Promise<{ socket: Socket; gone: Promise<void> }> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  socket.pause();
  const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, gone };
}

/** Resolves true once the connector holds no connection (the broker destroyed its sockets) within `ms`. */
async function released(connector: string, ms: number): Promise<boolean> {
  try {
    await waitFor(() => broker.service.connector(connector).connectionCount === 0, `${connector} released`, ms);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true when the socket is closed by the broker within `ms`. */
function closedWithin(gone: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** A STOMP client that connects and reads; resolves with the CONNECTED text or null if refused. */
async function stompLogin(port: number): Promise<string | null> {
  const socket = connect(port, '127.0.0.1');
  const r = reader(socket);
  socket.write(stompConnect);
  try {
    return await r.until(/CONNECTED/);
  } catch {
    return null;
  } finally {
    socket.destroy();
  }
}

/** Sends `bytes` one at a time, every `everyMs`, while the socket is open. */
function trickle(socket: Socket, bytes: Buffer, everyMs: number): () => void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) return;
    socket.write(bytes.subarray(i, ++i));
  }, everyMs);
  return () => clearInterval(timer);
}

describe('18.1: connections the broker closes are released', () => {
  test('silent sockets holding every maximumConnections slot are cut after the connect timeout', async () => {
    const port = broker.port('limited');
    const silent = await Promise.all([silentSocket(port), silentSocket(port), silentSocket(port)]);
    await waitFor(() => broker.service.connector('limited').connectionCount === 3, 'three connections accepted');
    // Every slot is taken: a real client is refused now.
    assert.equal(await stompLogin(port), null);
    // connectAttemptTimeout (300 ms) + closeGracePeriod (200 ms): the silent sockets are destroyed...
    assert.equal(await released('limited', 5000), true, 'silent sockets released');
    for (const s of silent) s.socket.destroy();
    // ...and a real client gets in.
    assert.match((await stompLogin(port)) ?? '', /CONNECTED/);
    assert.ok(broker.logs.some((l) => l.includes('no connection attempt made')));
  });

  test('after a STOMP protocol error, a peer that does not close is cut after the grace period', async () => {
    const { socket } = await silentSocket(broker.port('stomp'));
    socket.write(stompConnect + 'BOGUS\n\n\0');
    await waitFor(() => broker.logs.some((l) => l.includes('Unknown STOMP action: BOGUS')), 'the ERROR');
    assert.equal(await released('stomp', 3000), true);
    socket.destroy();
  });

  test('after an OpenWire protocol error or timeout, a peer that does not close is cut', async () => {
    const { socket } = await silentSocket(broker.port('openwire'));
    await waitFor(() => broker.service.connector('openwire').connectionCount === 1, 'accepted');
    assert.equal(await released('openwire', 3000), true);
    socket.destroy();
  });

  test('a silent WebSocket (upgraded, no CONNECT) is cut after the connect timeout', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${broker.port('ws')}/`, ['v12.stomp']);
    ws.on('error', () => {});
    await new Promise((r) => ws.once('open', r));
    // Stop reading: the close frame is never answered, so only the broker's destroy can end it.
    (ws as unknown as { _socket: Socket })._socket.pause();
    const gone = new Promise<void>((r) => ws.once('close', () => r()));
    await waitFor(() => broker.service.connector('ws').connectionCount === 1, 'ws accepted');
    await waitFor(() => broker.service.connector('ws').connectionCount === 0, 'ws released', 5000);
    ws.terminate();
    await gone;
  });
});

describe('12.3: half-sent frames do not hold a connection', () => {
  test('STOMP: a CONNECT trickled one byte at a time is cut at the connect timeout', async () => {
    const { socket } = await silentSocket(broker.port('stomp'));
    const stop = trickle(socket, Buffer.from(stompConnect), 50);
    try {
      await waitFor(() => broker.service.connector('stomp').connectionCount === 1, 'accepted');
      assert.equal(await released('stomp', 3000), true);
    } finally {
      stop();
      socket.destroy();
    }
  });

  test('STOMP: after CONNECT, a frame trickled one byte at a time is cut at the frame timeout', async () => {
    const socket = connect(broker.port('stomp'), '127.0.0.1');
    const r = reader(socket);
    socket.write(stompConnect);
    await r.until(/CONNECTED/);
    const stop = trickle(socket, Buffer.from(`SEND\ndestination:/queue/slow\n\n${'x'.repeat(200)}\0`), 20);
    try {
      assert.equal(await closedWithin(r.closed, 3000), true);
      assert.match(r.text(), /Frame not completed within transport.frameTimeout/);
    } finally {
      stop();
    }
  });

  test('STOMP through auto://: a trickled frame after CONNECT is cut', async () => {
    const socket = connect(broker.port('auto'), '127.0.0.1');
    const r = reader(socket);
    socket.write(stompConnect);
    await r.until(/CONNECTED/);
    const stop = trickle(socket, Buffer.from(`SEND\ndestination:/queue/slow\n\n${'x'.repeat(200)}\0`), 20);
    try {
      assert.equal(await closedWithin(r.closed, 3000), true);
    } finally {
      stop();
    }
  });

  test('STOMP through ws://: a CONNECT never completed is cut at the connect timeout', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${broker.port('ws')}/`, ['v12.stomp']);
    ws.on('error', () => {});
    await new Promise((r) => ws.once('open', r));
    const gone = new Promise<void>((r) => ws.once('close', () => r()));
    ws.send('CONNECT\naccept-version:1.2\n');
    assert.equal(await closedWithin(gone, 3000), true);
  });

  test('OpenWire: after negotiation, a frame trickled one byte at a time is cut at the frame timeout', async () => {
    const format = new OpenWireFormat();
    const socket = connect(broker.port('openwire'), '127.0.0.1');
    socket.on('error', () => {});
    const gone = new Promise<void>((r) => socket.once('close', () => r()));
    const seen: Command[] = [];
    socket.on('data', (chunk) =>
      format.feed(chunk, (cmd) => {
        seen.push(cmd);
        if (cmd.type === T.WIREFORMAT_INFO) format.negotiate(cmd);
      }),
    );
    await waitFor(() => seen.some((c) => c.type === T.WIREFORMAT_INFO), 'broker WireFormatInfo');
    socket.write(new OpenWireFormat().encode(format.preferredWireFormatInfo()));
    await waitFor(() => seen.some((c) => c.type === T.BROKER_INFO), 'BrokerInfo (negotiated)');
    // A 4-byte size prefix announcing 10,000 bytes, then one byte every 20 ms: it would take 200 s.
    const frame = Buffer.alloc(10_004);
    frame.writeUInt32BE(10_000, 0);
    const stop = trickle(socket, frame, 20);
    try {
      assert.equal(await closedWithin(gone, 3000), true);
    } finally {
      stop();
    }
  });

  test('a client that completes its frames in time is not disturbed', async () => {
    const socket = connect(broker.port('stomp'), '127.0.0.1');
    const r = reader(socket);
    socket.write(stompConnect);
    await r.until(/CONNECTED/);
    // Frames every 100 ms for longer than both timeouts, each one whole.
    for (let i = 0; i < 8; i++) {
      socket.write(`SEND\ndestination:/topic/ok\nreceipt:r${i}\n\nx\0`);
      await r.until(new RegExp(`receipt-id:r${i}\n`));
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(socket.destroyed, false);
    socket.destroy();
  });
});

describe("OpenWire inactivity monitor (the transport layer's InactivityMonitor)", () => {
  test('a client sending KeepAliveInfo stays and is kept alive; once silent it is closed', async () => {
    const format = new OpenWireFormat();
    const socket = connect(broker.port('idle'), '127.0.0.1');
    socket.on('error', () => {});
    const gone = new Promise<void>((r) => socket.once('close', () => r()));
    const seen: Command[] = [];
    socket.on('data', (chunk) =>
      format.feed(chunk, (cmd) => {
        seen.push(cmd);
        if (cmd.type === T.WIREFORMAT_INFO) format.negotiate(cmd);
      }),
    );
    await waitFor(() => seen.some((c) => c.type === T.WIREFORMAT_INFO), 'broker WireFormatInfo');
    socket.write(new OpenWireFormat().encode(format.preferredWireFormatInfo()));
    await waitFor(() => seen.some((c) => c.type === T.BROKER_INFO), 'BrokerInfo (negotiated)');
    const keepAlive = format.encode({ type: T.KEEP_ALIVE_INFO, commandId: 0, responseRequired: false });
    const beat = setInterval(() => socket.write(keepAlive), 100);
    try {
      // Five times the negotiated 300 ms: the broker both accepts our keep-alives and sends its own.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(socket.destroyed, false);
      assert.ok(
        seen.some((c) => c.type === T.KEEP_ALIVE_INFO),
        'the broker sent KeepAliveInfo',
      );
    } finally {
      clearInterval(beat);
    }
    assert.equal(await closedWithin(gone, 3000), true);
    assert.ok(broker.logs.some((l) => /Channel was inactive for too \(>300\) long/.test(l)));
  });
});
