import type { BrokerManagement } from '../management/broker-management.js';
import { brokerMBean } from '../management/broker-view.js';
import { connectionMBean, connectorMBean } from '../management/connection-view.js';
import { queueMBean, topicMBean, type ViewSnapshot } from '../management/destination-view.js';
import type { MBean } from '../management/mbean.js';
import { messageData } from '../management/message-data.js';
import { subscriptionMBean } from '../management/subscription-view.js';
import { HttpError, requireAdmin, sendJson, type WebRequest, type WebRoute } from './http-support.js';

/** An MBean's attributes as plain JSON: ObjectName values become their canonical text. */
function attributesOf(m: MBean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(m.attributes)) {
    const v = a.get();
    out[k] = Array.isArray(v)
      ? v.map((x: unknown) => (isObjectName(x) ? x.objectName : x))
      : isObjectName(v)
        ? v.objectName
        : v;
  }
  return out;
}

function isObjectName(v: unknown): v is { objectName: string } {
  return typeof v === 'object' && v !== null && 'objectName' in v && Object.keys(v).length === 1;
}

async function jsonBody(r: WebRequest): Promise<Record<string, unknown>> {
  const raw = (await r.body()).toString('utf8');
  if (raw.trim() === '') return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'The request body must be a JSON object');
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `${what} is required`);
  return v;
}

/**
 * TideMQ's own JSON API at /api/v1, the same management model as Jolokia in resource form (the CLI uses it):
 *
 *   GET    /broker · /queues · /topics · /queues/<name> · /topics/<name> · /connections · /connectors · /subscriptions
 *   GET    /queues/<name>/messages?offset=&limit=&selector=      browse a page (message bodies included)
 *   PUT    /queues/<name> · /topics/<name>                        create
 *   DELETE /queues/<name> · /topics/<name>                        delete
 *   POST   /queues/<name>/purge · /pause · /resume · /retry       (retry: every DLQ message to its origin)
 *   DELETE /queues/<name>/messages/<id>                           remove one message
 *   POST   /queues/<name>/messages/<id>/move|copy {"to": "<dest>"} · /retry
 *   DELETE /subscriptions/<clientId>/<subscriptionName>          remove a durable subscription
 *   POST   /gc · /stop · /reset-statistics
 *
 * Reads need the user role, everything else admin. Names are URL-encoded path segments.
 */
export class JsonApiRoute implements WebRoute {
  readonly prefix = '/api/v1';

  constructor(private readonly mgmt: BrokerManagement) {}

  changesState(): boolean {
    return false;
  }

  private snapshot(): ViewSnapshot {
    return { producers: this.mgmt.producerCounts() };
  }

  async handle(r: WebRequest, rest: string): Promise<void> {
    const mgmt = this.mgmt;
    const method = r.req.method ?? 'GET';
    const parts = rest
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
    const [root, name, sub, id, action] = parts;
    const ok = (value: unknown = { ok: true }): void => sendJson(r.res, 200, value);
    if (method === 'GET') {
      switch (root) {
        case 'broker':
          return ok(attributesOf(brokerMBean(mgmt)));
        case 'queues': {
          const snap = this.snapshot();
          if (name === undefined) return ok(mgmt.queues().map((q) => attributesOf(queueMBean(mgmt, q, snap))));
          if (sub === 'messages') {
            const p = r.url.searchParams;
            const page = await mgmt.browse(name, {
              offset: Number(p.get('offset') ?? 0),
              limit: Number(p.get('limit') ?? 100),
              selector: p.get('selector'),
            });
            return ok({ total: page.total, messages: page.messages.map((m) => messageData(m)) });
          }
          return ok(attributesOf(queueMBean(mgmt, mgmt.queue(name), snap)));
        }
        case 'topics': {
          const snap = this.snapshot();
          if (name === undefined) return ok(mgmt.topics().map((t) => attributesOf(topicMBean(mgmt, t, snap))));
          return ok(attributesOf(topicMBean(mgmt, mgmt.topic(name), snap)));
        }
        case 'connections':
          return ok(mgmt.connections().map((c) => attributesOf(connectionMBean(mgmt, c))));
        case 'connectors':
          return ok(mgmt.host.connectors.map((k) => ({ Name: k.name, ...attributesOf(connectorMBean(mgmt, k)) })));
        case 'subscriptions': {
          const out: Record<string, unknown>[] = [];
          for (const q of mgmt.queues())
            for (const c of q.consumers) out.push(attributesOf(subscriptionMBean(mgmt, c, q.destination)));
          for (const t of mgmt.topics())
            for (const s of t.subscriptions)
              if (s.active) out.push(attributesOf(subscriptionMBean(mgmt, s, t.destination)));
          for (const d of mgmt.durables())
            if (!d.active) out.push(attributesOf(subscriptionMBean(mgmt, d, d.info.destination)));
          return ok(out);
        }
      }
      throw new HttpError(404, `No resource at /api/v1${rest}`);
    }
    requireAdmin(r, 'change the broker');
    if (root === 'gc' && method === 'POST') return ok({ ran: mgmt.gc() });
    if (root === 'stop' && method === 'POST') {
      mgmt.stop();
      return ok();
    }
    if (root === 'reset-statistics' && method === 'POST') return ok(mgmt.resetStatistics());
    if ((root === 'queues' || root === 'topics') && name !== undefined) {
      const queue = root === 'queues';
      if (sub === undefined) {
        if (method === 'PUT') return ok(await (queue ? mgmt.addQueue(name) : mgmt.addTopic(name)));
        if (method === 'DELETE') return ok(await (queue ? mgmt.removeQueue(name) : mgmt.removeTopic(name)));
      }
      if (queue && method === 'POST') {
        if (sub === 'purge') return ok({ removed: await mgmt.purge(name) });
        if (sub === 'pause') return ok(mgmt.pause(name));
        if (sub === 'resume') return ok(mgmt.resume(name));
        if (sub === 'retry') return ok({ retried: await mgmt.retryMessages(name) });
        if (sub === 'messages' && id !== undefined) {
          if (action === 'retry') return ok({ done: await mgmt.retryMessage(name, id) });
          const to = str((await jsonBody(r))['to'], 'to');
          if (action === 'move') return ok({ done: await mgmt.moveMessageTo(name, id, to) });
          if (action === 'copy') return ok({ done: await mgmt.copyMessageTo(name, id, to) });
        }
      }
      if (queue && method === 'DELETE' && sub === 'messages' && id !== undefined) {
        return ok({ done: await mgmt.removeMessage(name, id) });
      }
    }
    if (root === 'subscriptions' && method === 'DELETE' && name !== undefined && sub !== undefined) {
      return ok(await mgmt.destroyDurableSubscriber(name, sub));
    }
    throw new HttpError(404, `No resource for ${method} /api/v1${rest}`);
  }
}
