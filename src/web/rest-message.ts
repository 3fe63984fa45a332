import type { Broker, ConnectionContext, Delivery } from '../broker/broker.js';
import type { BrokerManagement } from '../management/broker-management.js';
import { Destination } from '../model/destination.js';
import { consumerInfoFor } from '../model/commands.js';
import { typedToString } from '../model/properties.js';
import { formParameters, HttpError, sendText, type WebRequest } from './http-support.js';

/** MessageServlet's maximumReadTimeout: a GET waits at most this long, whatever readTimeout asks (DoS bound). */
export const MAXIMUM_READ_TIMEOUT = 20_000;
/** Consumers kept for `clientId` requests (MessageServlet keeps one WebClient per clientId). */
const MAX_CLIENTS = 1000;
/** A kept consumer nobody asked for within this time is closed (a servlet session's timeout does this). */
const CLIENT_IDLE_MS = 5 * 60_000;

/** Parameters MessageServletSupport.appendParametersToMessage does not turn into properties. */
const NOT_PROPERTIES = new Set([
  'destination',
  'type',
  'body',
  'JMSDeliveryMode',
  'JMSPriority',
  'JMSTimeToLive',
  'JMSCorrelationID',
  'JMSExpiration',
  'JMSReplyTo',
  'JMSType',
  // TideMQ: control parameters of the servlet itself are not copied into the message.
  'clientId',
  'action',
  'sync',
]);

interface Pending {
  resolve(d: Delivery | null): void;
}

/** One broker connection and consumer that answers GETs for a destination (MessageServlet's WebClient). */
class RestConsumer {
  waiting: Pending | null = null;
  buffered: Delivery | null = null;
  lastUsed = 0;
  busy = false;
  closed = false;

  constructor(
    readonly broker: Broker,
    readonly context: ConnectionContext,
    readonly consumerId: string,
  ) {}

  /** Waits up to `timeoutMs` for one message; null when none came (204). */
  receive(timeoutMs: number): Promise<Delivery | null> {
    const kept = this.buffered;
    if (kept !== null) {
      this.buffered = null;
      return Promise.resolve(kept);
    }
    return new Promise((resolve) => {
      this.waiting = { resolve };
      this.broker.pull(this.context, this.consumerId, timeoutMs);
    });
  }

  deliver(d: Delivery | null): void {
    const w = this.waiting;
    this.waiting = null;
    // A pull answered after its request went away (the client hung up): kept for the next GET of this client.
    if (w === null && d !== null) this.buffered = d;
    w?.resolve(d);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deliver(null);
    await this.broker.removeConsumer(this.context, this.consumerId).catch(() => {});
    await this.broker.removeConnection(this.context).catch(() => {});
  }
}

let sequence = 0;

/**
 * ActiveMQ's MessageServlet at /api/message: POST sends a text message (body from the `body` parameter or the
 * raw request body; other parameters become string properties; JMSCorrelationID, JMSReplyTo, JMSType,
 * JMSPriority, JMSDeliveryMode, JMSTimeToLive set headers), GET and DELETE receive one message, waiting up to
 * `readTimeout` ms (at most 20 s, the servlet's maximumReadTimeout). The destination is the path after
 * /api/message/ (`/` read as `.`) or the `destination` parameter, a topic unless `type=queue` or a `queue://`
 * prefix says otherwise, as the servlet's defaultTopicFlag makes it.
 *
 * Messages are sent and received over a broker connection carrying the web user's name and password, so the
 * broker's authentication and authorization apply as they do to any client.
 */
export class RestMessaging {
  private readonly clients = new Map<string, RestConsumer>();
  private readonly sweeper: NodeJS.Timeout;

  /** GETs waiting for a message now. */
  private waiting = 0;

  constructor(
    private readonly mgmt: BrokerManagement,
    private readonly maxBody: number,
    private readonly maxWaiting = 500,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async handle(r: WebRequest, path: string): Promise<void> {
    const method = r.req.method ?? 'GET';
    if (method === 'POST' || method === 'PUT') return this.post(r, path);
    if (method === 'GET' || method === 'DELETE') return this.get(r, path);
    throw new HttpError(405, `Method ${method} not allowed`);
  }

  private destination(params: URLSearchParams, path: string): Destination {
    let name = params.get('destination') ?? '';
    if (name === '') name = decodeURIComponent(path.replace(/^\/+/, '')).replace(/\//g, '.');
    if (name === '') throw new HttpError(400, 'No destination supplied');
    let topic: boolean;
    if (name.startsWith('topic://')) topic = true;
    else if (name.startsWith('queue://') || name.startsWith('channel://')) topic = false;
    else topic = (params.get('type') ?? 'topic').toLowerCase() === 'topic';
    const i = name.indexOf('://');
    if (i >= 0) name = name.slice(i + 3);
    if (name.length > 1024 || /[\0\r\n]/.test(name)) throw new HttpError(400, 'Invalid destination name');
    return topic ? Destination.topic(name) : Destination.queue(name);
  }

  private async connect(r: WebRequest, clientId: string | null): Promise<ConnectionContext> {
    const context: ConnectionContext = {
      info: {
        connectionId: `ID:rest-${process.pid}-${++sequence}`,
        clientId,
        userName: r.user.name,
        password: r.user.password,
        remoteAddress: `http://${r.req.socket.remoteAddress ?? '?'}:${r.req.socket.remotePort ?? 0}`,
        protocol: 'rest',
      },
      security: null,
      control: { close: () => {} },
    };
    await this.mgmt.host.broker.addConnection(context);
    return context;
  }

  private async post(r: WebRequest, path: string): Promise<void> {
    const raw = await r.body();
    const contentType = r.req.headers['content-type'];
    const params = formParameters(r.url, contentType, raw);
    const clientId = params.get('clientId');
    if (clientId !== null && params.get('action') === 'unsubscribe') {
      for (const [key, c] of this.clients) {
        if (key.startsWith(`${clientId}\n`)) {
          this.clients.delete(key);
          await c.close();
        }
      }
      sendText(r.res, 200, '');
      return;
    }
    const dest = this.destination(params, path);
    let body = params.get('body');
    if (body === null)
      body =
        contentType !== undefined && !contentType.startsWith('application/x-www-form-urlencoded')
          ? raw.toString('utf8')
          : '';
    const properties: Record<string, string> = {};
    for (const [k, v] of params) if (!NOT_PROPERTIES.has(k)) properties[k] = v;
    const num = (name: string): number | undefined => {
      const v = params.get(name);
      if (v === null) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n)) throw new HttpError(400, `${name} must be an integer, not '${v.slice(0, 40)}'`);
      return n;
    };
    const replyTo = params.get('JMSReplyTo');
    const delivery = params.get('JMSDeliveryMode');
    const context = await this.connect(r, null);
    try {
      const id = await this.mgmt.sendText(context, dest, body, {
        persistent: delivery === null ? true : delivery.trim().toLowerCase() === 'persistent',
        priority: num('JMSPriority') ?? 5,
        timeToLive: num('JMSTimeToLive') ?? 0,
        ...(params.get('JMSCorrelationID') !== null ? { correlationId: params.get('JMSCorrelationID')! } : {}),
        ...(params.get('JMSType') !== null ? { type: params.get('JMSType')! } : {}),
        ...(replyTo !== null ? { replyTo: Destination.parse(replyTo, 'queue') } : {}),
        properties,
      });
      r.res.setHeader('messageID', id);
      sendText(r.res, 200, 'Message sent');
    } finally {
      await this.mgmt.host.broker.removeConnection(context).catch(() => {});
    }
  }

  private async get(r: WebRequest, path: string): Promise<void> {
    // Each waiting GET holds a broker connection and consumer for up to 20 s: their number is bounded.
    if (this.waiting >= this.maxWaiting) throw new HttpError(503, 'Too many REST receives waiting; try again later');
    this.waiting++;
    try {
      await this.receive(r, path);
    } finally {
      this.waiting--;
    }
  }

  private async receive(r: WebRequest, path: string): Promise<void> {
    const params = formParameters(r.url, undefined, null);
    const dest = this.destination(params, path);
    const requested = Number(params.get('readTimeout') ?? -1);
    // getReadDeadline: a negative or too large readTimeout becomes maximumReadTimeout.
    const timeout =
      !Number.isFinite(requested) || requested < 0 || requested > MAXIMUM_READ_TIMEOUT
        ? MAXIMUM_READ_TIMEOUT
        : requested;
    const header = r.req.headers['selector'];
    const selector = (typeof header === 'string' ? header : null) ?? params.get('selector');
    const clientId = params.get('clientId');
    const oneShot = (params.get('oneShot') ?? '').toLowerCase() === 'true';
    const key = clientId === null ? null : `${clientId}\n${dest.key}\n${selector ?? ''}`;
    let consumer = key === null ? undefined : this.clients.get(key);
    if (consumer !== undefined && consumer.busy)
      throw new HttpError(409, 'Concurrent access to consumer is not supported');
    if (consumer === undefined) {
      if (key !== null && this.clients.size >= MAX_CLIENTS) throw new HttpError(503, 'Too many REST clients');
      consumer = await this.open(r, dest, selector, clientId);
      if (key !== null) this.clients.set(key, consumer);
    }
    consumer.busy = true;
    const c = consumer;
    const onClose = (): void => c.deliver(null);
    r.res.once('close', onClose);
    let delivery: Delivery | null;
    try {
      delivery = await c.receive(timeout);
    } finally {
      r.res.off('close', onClose);
      c.busy = false;
      c.lastUsed = Date.now();
      if (key === null || oneShot) {
        if (key !== null) this.clients.delete(key);
        await c.close();
      }
    }
    if (delivery === null) {
      r.res.writeHead(204);
      r.res.end();
      return;
    }
    writeMessage(r, delivery, params);
  }

  private async open(
    r: WebRequest,
    dest: Destination,
    selector: string | null,
    clientId: string | null,
  ): Promise<RestConsumer> {
    const context = await this.connect(r, clientId);
    const info = consumerInfoFor(`${context.info.connectionId}:1:1`, dest, { prefetch: 0, selector, ackMode: 'auto' });
    const consumer = new RestConsumer(this.mgmt.host.broker, context, info.consumerId);
    try {
      await this.mgmt.host.broker.addConsumer(context, info, { ready: true, deliver: (d) => consumer.deliver(d) });
    } catch (e) {
      await this.mgmt.host.broker.removeConnection(context).catch(() => {});
      throw e;
    }
    return consumer;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, c] of this.clients) {
      if (!c.busy && now - c.lastUsed > CLIENT_IDLE_MS) {
        this.clients.delete(key);
        void c.close();
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const c of all) await c.close();
  }

  get maxBodyBytes(): number {
    return this.maxBody;
  }
}

/** MessageServlet.writeResponse: destination, id and properties as headers, the text as the body. */
function writeMessage(r: WebRequest, d: Delivery, params: URLSearchParams): void {
  const m = d.message;
  const res = r.res;
  res.setHeader('destination', m.destination.key);
  res.setHeader('id', m.messageId);
  for (const [name, v] of m.properties) {
    // A property that cannot be an HTTP header (a name that is not a token, a value with CR/LF) is left out
    // instead of letting it split the response.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue;
    const text = typedToString(v);
    if (/[\r\n\0]/.test(text)) continue;
    res.setHeader(name, text);
  }
  const body = m.body === null ? Buffer.alloc(0) : Buffer.from(m.body.buffer, m.body.byteOffset, m.body.length);
  let type: string;
  if ((params.get('xml') ?? '').toLowerCase() === 'true') type = 'application/xml';
  else if ((params.get('json') ?? '').toLowerCase() === 'true') type = 'application/json';
  else if (m.bodyType !== 'text') type = 'application/octet-stream';
  else type = body[0] === 0x3c ? 'application/xml' : 'text/plain';
  if (m.bodyType === 'text' && !m.compressed) {
    let text = body.toString('utf8');
    // writeMessageResponse drops an XML declaration.
    if (text.startsWith('<?')) text = text.slice(text.indexOf('?>') + 2);
    res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` });
    res.end(text);
    return;
  }
  res.writeHead(200, { 'Content-Type': type });
  res.end(body);
}
