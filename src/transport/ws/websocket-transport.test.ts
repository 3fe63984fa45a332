import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSubprotocol, offeredSubprotocols } from './subprotocols.js';
import { TransportServer } from '../transport-server.js';
import type { Transport } from '../transport.js';
import { WebSocketTransport } from './websocket-transport.js';
import WebSocket from 'ws';

test("subprotocol choice follows the server's ranking, as ActiveMQ's WSServlet", () => {
  const stomp = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
  assert.equal(chooseSubprotocol(['v10.stomp', 'v12.stomp'], stomp), 'v12.stomp');
  assert.equal(chooseSubprotocol(['v11.stomp'], stomp), 'v11.stomp');
  assert.equal(chooseSubprotocol([], stomp), '');
  assert.equal(chooseSubprotocol(['mqtt'], stomp), undefined);
  assert.deepEqual(offeredSubprotocols(['v10.stomp, v11.stomp', 'v12.stomp']), ['v10.stomp', 'v11.stomp', 'v12.stomp']);
  assert.deepEqual(offeredSubprotocols(undefined), []);
});

async function pair(): Promise<{ server: TransportServer; transport: WebSocketTransport; client: WebSocket }> {
  let accepted: (t: Transport) => void = () => {};
  const got = new Promise<Transport>((resolve) => (accepted = resolve));
  const server = new TransportServer(
    { host: '127.0.0.1', port: 0, scheme: 'ws', websocket: { subprotocols: ['v12.stomp'] } },
    (t) => accepted(t),
    () => {},
  );
  await server.start();
  const client = new WebSocket(`ws://127.0.0.1:${server.port}/`, ['v12.stomp']);
  await new Promise((resolve) => client.once('open', resolve));
  return { server, transport: (await got) as WebSocketTransport, client };
}

test('writes in one tick leave as one message; text when UTF-8, binary otherwise', async (t) => {
  const { server, transport, client } = await pair();
  t.after(async () => {
    client.terminate();
    await server.stopAccepting();
    server.destroyAll();
  });
  assert.equal(transport.subprotocol, 'v12.stomp');
  const messages: Array<{ data: Buffer; binary: boolean }> = [];
  client.on('message', (data, binary) => messages.push({ data: data as Buffer, binary }));
  transport.write(Buffer.from('MESSAGE\n\n'));
  transport.write(Buffer.from('body'));
  transport.write(Buffer.from([0, 0x0a]));
  await new Promise((r) => setTimeout(r, 0));
  transport.write(Buffer.from([0xff, 0xfe, 0]));
  await new Promise<void>((resolve) => {
    const check = (): void => (messages.length === 2 ? resolve() : void setTimeout(check, 5));
    check();
  });
  assert.deepEqual(messages[0], { data: Buffer.from('MESSAGE\n\nbody\0\n'), binary: false });
  assert.deepEqual(messages[1], { data: Buffer.from([0xff, 0xfe, 0]), binary: true });
  const received: Buffer[] = [];
  transport.onData((c) => received.push(c));
  client.send('SEND\n\n\0');
  client.send(Buffer.from([1, 2, 3]));
  await new Promise<void>((resolve) => {
    const check = (): void => (received.length === 2 ? resolve() : void setTimeout(check, 5));
    check();
  });
  assert.deepEqual(received, [Buffer.from('SEND\n\n\0'), Buffer.from([1, 2, 3])]);
});

test('backpressure: write returns false above the high-water mark and onDrain follows', async (t) => {
  const { server, transport, client } = await pair();
  t.after(async () => {
    client.terminate();
    await server.stopAccepting();
    server.destroyAll();
  });
  client.pause(); // the client stops reading, so the broker's socket buffer fills
  let drained = false;
  transport.onDrain(() => (drained = true));
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let writes = 0;
  while (transport.write(chunk)) {
    writes++;
    await new Promise((r) => setImmediate(r));
    assert.ok(writes < 10_000, 'the transport never reported a full buffer');
  }
  assert.equal(transport.writable, false);
  assert.ok(transport.bufferedAmount > 0);
  client.resume();
  await new Promise<void>((resolve) => {
    const check = (): void => (drained ? resolve() : void setTimeout(check, 5));
    check();
  });
  assert.equal(transport.writable, true);
});

test('closing: end() closes normally, a client close reaches onClose without an error', async () => {
  const a = await pair();
  const closedA = new Promise<Error | undefined>((resolve) => a.transport.onClose(resolve));
  const clientClosed = new Promise<number>((resolve) => a.client.once('close', resolve));
  a.transport.end();
  assert.equal(await clientClosed, 1000);
  assert.equal(await closedA, undefined);
  await a.server.stopAccepting();

  const b = await pair();
  const closedB = new Promise<Error | undefined>((resolve) => b.transport.onClose(resolve));
  b.client.close(1001);
  assert.equal(await closedB, undefined);
  await b.server.stopAccepting();
  b.server.destroyAll();
});
