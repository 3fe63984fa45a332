/**
 * Hostile and broken AMQP peers: each test fails without the defence it names, and each checks that the broker
 * goes on serving a well-behaved client afterwards.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { Connection, EventContext, Receiver, Sender } from 'rhea';
import { amqpConnect, closeConnection, openReceiver, openSender, startAmqpBroker, waitFor } from './helpers.js';

const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);

async function setup(t: { after(fn: () => unknown): void }, extra: Record<string, string> = {}, maxFrameSize?: number) {
  const { service, port } = await startAmqpBroker({
    extra: new Map(Object.entries(extra)),
    ...(maxFrameSize !== undefined ? { maxFrameSize } : {}),
  });
  t.after(() => service.stop());
  const conns: Connection[] = [];
  t.after(async () => {
    for (const c of conns) await closeConnection(c);
  });
  const client = async (opts: Record<string, unknown> = {}): Promise<Connection> => {
    const c = await amqpConnect(port, opts);
    conns.push(c);
    return c;
  };
  return { service, port, client };
}

/** A raw TCP peer that records what it reads and when the broker closed it. */
async function raw(port: number): Promise<{ socket: Socket; received: Buffer[]; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const received: Buffer[] = [];
  socket.on('data', (b) => received.push(b));
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return { socket, received, closed };
}

/** A round trip on a fresh connection: the broker still serves others. */
async function stillServes(client: () => Promise<Connection>, queue: string): Promise<void> {
  const c = await client();
  const r = await openReceiver(c, { source: queue });
  const got: unknown[] = [];
  r.on('message', (ctx: EventContext) => got.push(ctx.message!.body));
  const s = await openSender(c, { target: queue });
  s.send({ body: 'still here' });
  await waitFor(() => got.length === 1, 'round trip on a fresh connection');
}

test('a frame claiming 4 GiB is refused at its size field, before any of it is buffered', async (t) => {
  const { port, client } = await setup(t);
  const peer = await raw(port);
  const huge = Buffer.alloc(4);
  huge.writeUInt32BE(0xfffffff0, 0);
  peer.socket.write(Buffer.concat([SASL_HEADER, huge, Buffer.alloc(1024)]));
  // Without the guard rhea waits for the rest of the frame and the connection stays open.
  await peer.closed;
  await stillServes(client, 'q.after-huge');
});

test('a frame larger than the advertised max-frame-size closes the connection with a framing error', async (t) => {
  const { port, client } = await setup(t, { 'wireFormat.maxAmqpFrameSize': '4096' });
  const peer = await raw(port);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8192, 0);
  peer.socket.write(Buffer.concat([SASL_HEADER, size, Buffer.from([2, 1, 0, 0]), Buffer.alloc(8184)]));
  await peer.closed;
  await stillServes(client, 'q.after-big');
});

test('garbage after the protocol header closes the connection; others are still served', async (t) => {
  const { port, client } = await setup(t);
  const peer = await raw(port);
  // A well-sized frame whose body is not AMQP (type 0x09, then noise).
  peer.socket.write(Buffer.concat([SASL_HEADER, Buffer.from([0, 0, 0, 16, 2, 9, 0, 0]), Buffer.from('garbage!')]));
  await peer.closed;
  await stillServes(client, 'q.after-garbage');
});

test('a message assembled from transfers past wireFormat.maxFrameSize closes its link as it grows', async (t) => {
  const { client } = await setup(t, { 'wireFormat.maxAmqpFrameSize': '16384' }, 64 * 1024);
  const c = await client();
  const s = await openSender(c, { target: 'q.big' });
  const closed = new Promise<{ condition?: string }>((resolve) =>
    s.once('sender_close', (ctx: EventContext) => resolve((ctx.sender as Sender).error as { condition?: string })),
  );
  s.send({ body: Buffer.alloc(256 * 1024, 7) });
  assert.equal((await closed).condition, 'amqp:link:message-size-exceeded');
  await stillServes(client, 'q.after-big-message');
});

test('more sessions than the cap are refused with amqp:resource-limit-exceeded', async (t) => {
  const { client } = await setup(t, { 'amqp.maxSessions': '2' });
  const c = await client();
  const errors: unknown[] = [];
  const sessions = [0, 1, 2].map(() => {
    const s = (
      c as unknown as { create_session(): { begin(): void; on(e: string, f: (ctx: EventContext) => void): void } }
    ).create_session();
    s.on('session_error', (ctx: EventContext) =>
      errors.push((ctx.session as unknown as { error: { condition: string } }).error),
    );
    s.on('session_close', () => {});
    s.begin();
    return s;
  });
  assert.equal(sessions.length, 3);
  await waitFor(() => errors.length === 1, 'third session refused');
  assert.equal((errors[0] as { condition: string }).condition, 'amqp:resource-limit-exceeded');
});

test('more links than the cap are refused with amqp:resource-limit-exceeded', async (t) => {
  const { client } = await setup(t, { 'amqp.maxLinks': '3' });
  const c = await client();
  for (let i = 0; i < 3; i++) await openReceiver(c, { source: `q.links.${i}` });
  await assert.rejects(openReceiver(c, { source: 'q.links.3' }), (e: { amqp?: { condition?: string } }) => {
    assert.equal(e.amqp?.condition, 'amqp:resource-limit-exceeded');
    return true;
  });
});

test('transfers beyond the granted credit close the link with amqp:link:transfer-limit-exceeded', async (t) => {
  const { client } = await setup(t, { 'wireFormat.producerCredit': '2' });
  const c = await client();
  const s = await openSender(c, { target: 'q.overrun' });
  const closed = new Promise<{ condition?: string }>((resolve) =>
    s.once('sender_close', (ctx: EventContext) => resolve((ctx.sender as Sender).error as { condition?: string })),
  );
  // A client that ignores credit: rhea is told it has more than the broker granted.
  (s as unknown as { credit: number }).credit = 50;
  for (let i = 0; i < 10; i++) s.send({ body: i });
  assert.equal((await closed).condition, 'amqp:link:transfer-limit-exceeded');
});

test('a consumer that never reads stops dispatch to it; the queue keeps the rest and others are served', async (t) => {
  const { service, client } = await setup(t, { 'amqp.consumerPrefetch': '100000' });
  const slow = await client();
  const r: Receiver = slow.open_receiver({ source: 'q.never-reads', credit_window: 0, autoaccept: false });
  await new Promise((res) => r.once('receiver_open', res));
  r.add_credit(100000);
  await new Promise((res) => setTimeout(res, 50));
  (slow as unknown as { socket: Socket }).socket.pause();
  const p = await client();
  const s = await openSender(p, { target: 'q.never-reads', snd_settle_mode: 1 });
  const body = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 300; i++) s.send({ body });
  // 19 MiB were produced; the broker stops writing once the socket backs up, so most of it stays queued.
  await waitFor(() => (service.region.findQueue('q.never-reads')?.size ?? 0) === 300, 'all stored', 15_000);
  const q = service.region.findQueue('q.never-reads')!;
  assert.ok(q.size - q.inflightCount() > 150, `held back in the queue: ${q.size - q.inflightCount()} of 300`);
  await stillServes(client, 'q.others');
  // The peer that never reads goes away; rhea learns it only from 'end', which a destroyed socket never emits.
  (slow as unknown as { socket: Socket }).socket.destroy();
  (slow as unknown as { eof(): void }).eof();
});

test('idle timeout: a peer silent past wireFormat.idelTimeout is closed with local-idle-timeout expired', async (t) => {
  const { client } = await setup(t, { 'wireFormat.idelTimeout': '300' });
  const c = await client();
  // Silence the client's own heart-beats.
  const engine = c as unknown as { heartbeat_out?: NodeJS.Timeout; remote: { open: { idle_time_out?: number } } };
  engine.remote.open.idle_time_out = 0;
  clearTimeout(engine.heartbeat_out);
  const error = await new Promise<{ condition?: string; description?: string }>((resolve) =>
    c.once('connection_error', (ctx: EventContext) => resolve(ctx.connection.error as { condition?: string })),
  );
  assert.equal(error.condition, 'amqp:resource-limit-exceeded');
  assert.equal(error.description, 'local-idle-timeout expired');
});

test('idle timeout: a peer that sends its heart-beats stays connected', async (t) => {
  const { client } = await setup(t, { 'wireFormat.idelTimeout': '200' });
  const c = await client();
  let failed = false;
  c.on('connection_error', () => (failed = true));
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(failed, false);
  assert.ok(c.is_open());
});
