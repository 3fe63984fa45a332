/**
 * Integration helpers for AMQP: a BrokerService with one AMQP connector on 127.0.0.1 port 0, and rhea clients
 * (rhea's container API, as applications use it) that resolve once their connection or link is open.
 */
import { once } from 'node:events';
import rhea, { type Connection, type ConnectionOptions, type EventContext, type Receiver, type Sender } from 'rhea';
import { BrokerService, type BrokerServiceOptions } from '../../src/server/broker-service.js';
import { amqpProtocol } from '../../src/protocol/amqp/index.js';
import type { ProtocolOptions } from '../../src/protocol/protocol.js';

export async function startAmqpBroker(
  options: Partial<ProtocolOptions> = {},
  more: Partial<BrokerServiceOptions> = {},
): Promise<{ service: BrokerService; port: number }> {
  const service = new BrokerService({
    brokerName: 'amqp-it',
    connectors: [
      {
        name: 'amqp',
        scheme: 'amqp',
        protocol: amqpProtocol,
        host: '127.0.0.1',
        port: 0,
        options,
        // A peer that stops reading would hold the broker's stop for the default five seconds.
        transport: { limits: { closeGraceMs: 200 } },
      },
    ],
    ...more,
  });
  await service.start();
  return { service, port: service.connector('amqp').port };
}

/** A rhea connection that never reconnects; resolves at `connection_open`, rejects on an error before it. */
export async function amqpConnect(port: number, options: Partial<ConnectionOptions> = {}): Promise<Connection> {
  const container = rhea.create_container({ id: options.container_id ?? `c-${Math.random().toString(36).slice(2)}` });
  const conn = container.connect({
    host: '127.0.0.1',
    port,
    reconnect: false,
    username: 'anonymous',
    ...options,
  } as ConnectionOptions);
  // rhea prints unhandled errors; tests inspect them through events instead.
  conn.on('error', () => {});
  conn.on('disconnected', () => {});
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown): void => {
      failed = true;
      reject(e);
    };
    // A refused connection is opened and closed in one go (ActiveMQ's connection-establishment-failed).
    conn.once('connection_open', () => setImmediate(() => (failed ? undefined : resolve())));
    conn.once('connection_error', (ctx: EventContext) => fail(ctx.connection.error ?? new Error('connection error')));
    conn.once('connection_close', (ctx: EventContext) => fail(ctx.connection.error ?? new Error('closed at open')));
    conn.once('disconnected', (ctx: EventContext) => fail(ctx.error ?? new Error('disconnected before open')));
  });
  return conn;
}

export async function openSender(conn: Connection, options: Parameters<Connection['open_sender']>[0]): Promise<Sender> {
  const s = conn.open_sender(options);
  await waitLink(s, 'sendable', 'sender_close');
  return s;
}

export async function openReceiver(
  conn: Connection,
  options: Parameters<Connection['open_receiver']>[0],
): Promise<Receiver> {
  const r = conn.open_receiver(options);
  await waitLink(r, 'receiver_open', 'receiver_close');
  return r;
}

/** A refused link is attached and detached in one go: the open counts only if no detach came with it. */
async function waitLink(link: Sender | Receiver, ok: string, bad: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let closed = false;
    const refuse = (): void => {
      closed = true;
      reject(Object.assign(new Error(`link closed: ${JSON.stringify(link.error)}`), { amqp: link.error }));
    };
    link.once(bad, refuse);
    link.once(ok, () => setImmediate(() => (closed ? undefined : resolve())));
  });
}

export async function closeConnection(conn: Connection): Promise<void> {
  if (conn.is_closed() || (conn as unknown as { socket?: { destroyed?: boolean } }).socket?.destroyed === true) return;
  const done = once(conn, 'connection_close');
  conn.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 2000)))]);
  clearTimeout(timer);
}

export async function waitFor(cond: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
