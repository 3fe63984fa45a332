import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BrokerManagement } from '../../management/broker-management.js';
import { brokerMBean } from '../../management/broker-view.js';
import { connectionMBean } from '../../management/connection-view.js';
import { queueMBean, topicMBean } from '../../management/destination-view.js';
import type { MBean } from '../../management/mbean.js';
import { messageData } from '../../management/message-data.js';
import { subscriptionMBean } from '../../management/subscription-view.js';
import { Destination } from '../../model/destination.js';
import { managementContext } from '../../management/management-context.js';
import { HttpError, formParameters, requireAdmin, type WebRequest, type WebRoute } from '../http-support.js';
import { Html, STYLE, html, page } from './html.js';
import { RateHistory, type RateSample } from '../../management/rate-history.js';
import { sparkline } from './sparkline.js';

const PAGE_SIZE = 100;
const RATE_SAMPLE_MS = 5000;

/**
 * The web console at /admin: server-rendered pages (no script, no CDN) over the management model — broker
 * overview, queues and topics, a paged message browser, message details, send, purge, delete, move/copy/retry,
 * subscribers and connections. Every broker value is escaped (html``), forms post to /admin/action with a secret
 * token per user (as ActiveMQ's console does) on top of the server's origin check, and the pages' CSP allows no
 * script at all.
 */
export class ConsoleRoute implements WebRoute {
  readonly prefix = '/admin';
  private readonly secret = randomBytes(32);

  /** Recent rates for the sparklines, sampled every RATE_SAMPLE_MS while the console runs (5 minutes of them). */
  readonly rates = new RateHistory();
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly mgmt: BrokerManagement) {
    this.sampleRates();
    this.sampler = setInterval(() => this.sampleRates(), RATE_SAMPLE_MS).unref();
  }

  /** Takes one sample of every non-temporary destination's counters. */
  sampleRates(now = Date.now()): void {
    const samples: RateSample[] = [];
    for (const d of [...this.mgmt.queues(), ...this.mgmt.topics()]) {
      if (d.destination.isTemporary) continue;
      samples.push({ key: d.destination.key, enqueues: d.statistics.enqueues, dequeues: d.statistics.dequeues });
    }
    this.rates.sample(now, samples);
  }

  close(): void {
    clearInterval(this.sampler);
  }

  changesState(): boolean {
    return false;
  }

  private token(user: string): string {
    return createHmac('sha256', this.secret).update(user).digest('hex');
  }

  async handle(r: WebRequest, rest: string): Promise<void> {
    const res = r.res;
    if (rest === '/style.css') {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
      res.end(STYLE);
      return;
    }
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    if ((r.req.method ?? 'GET') === 'POST') {
      if (rest !== '/action') throw new HttpError(404, 'No such form');
      return this.action(r);
    }
    const p = r.url.searchParams;
    const flash = p.get('done');
    let title: string;
    let body: Html;
    switch (rest) {
      case '':
      case '/':
        [title, body] = ['Broker', this.overview()];
        break;
      case '/queues':
        [title, body] = ['Queues', this.queues(r)];
        break;
      case '/topics':
        [title, body] = ['Topics', this.topics()];
        break;
      case '/queue':
        [title, body] = [
          `Queue ${p.get('name') ?? ''}`,
          await this.browse(r, p.get('name') ?? '', Number(p.get('offset') ?? 0)),
        ];
        break;
      case '/message':
        [title, body] = ['Message', await this.message(r, p.get('queue') ?? '', p.get('id') ?? '')];
        break;
      case '/send':
        [title, body] = ['Send a message', this.sendForm(r, p.get('to') ?? '')];
        break;
      case '/connections':
        [title, body] = [
          'Connections',
          this.table(
            this.mgmt.connections().map((c) => connectionMBean(this.mgmt, c)),
            ['ClientId', 'RemoteAddress', 'UserName', 'Protocol', 'ProducerCount', 'ActiveTransactionCount'],
          ),
        ];
        break;
      case '/subscriptions': {
        const subs: MBean[] = [];
        for (const q of this.mgmt.queues())
          for (const c of q.consumers) subs.push(subscriptionMBean(this.mgmt, c, q.destination));
        for (const t of this.mgmt.topics())
          for (const s of t.subscriptions) if (s.active) subs.push(subscriptionMBean(this.mgmt, s, t.destination));
        for (const d of this.mgmt.durables())
          if (!d.active) subs.push(subscriptionMBean(this.mgmt, d, d.info.destination));
        [title, body] = [
          'Subscribers',
          this.table(subs, [
            'ClientId',
            'DestinationName',
            'SubscriptionName',
            'Selector',
            'Active',
            'PendingQueueSize',
            'DispatchedQueueSize',
            'PrefetchSize',
          ]),
        ];
        break;
      }
      default:
        throw new HttpError(404, `No console page ${rest}`);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(title, body, flash).text);
  }

  private attrs(m: MBean): Record<string, unknown> {
    return Object.fromEntries(Object.entries(m.attributes).map(([k, a]) => [k, a.get()]));
  }

  private table(beans: MBean[], columns: string[]): Html {
    const rows = beans.map((m) => {
      const a = this.attrs(m);
      return html`<tr>
        ${columns.map((c) => html`<td>${a[c]}</td>`)}
      </tr>`;
    });
    return html`<table>
      <tr>
        ${columns.map((c) => html`<th>${c}</th>`)}
      </tr>
      ${rows}
    </table>`;
  }

  private overview(): Html {
    const a = this.attrs(brokerMBean(this.mgmt));
    const keys = [
      'BrokerName',
      'BrokerVersion',
      'BrokerId',
      'Uptime',
      'Persistent',
      'DataDirectory',
      'MemoryPercentUsage',
      'StorePercentUsage',
      'TempPercentUsage',
      'TotalEnqueueCount',
      'TotalDequeueCount',
      'TotalMessageCount',
      'TotalConsumerCount',
      'TotalProducerCount',
      'CurrentConnectionsCount',
    ];
    const connectors = this.mgmt.host.connectors.map(
      (c) =>
        html`<tr>
          <td>${c.name}</td>
          <td>${c.publishedUri}</td>
          <td class="n">${c.connectionCount}</td>
        </tr>`,
    );
    return html`<table>
        ${keys.map(
          (k) =>
            html`<tr>
              <th>${k}</th>
              <td>${a[k]}</td>
            </tr>`,
        )}
      </table>
      <h2>Connectors</h2>
      <table>
        <tr>
          <th>Name</th>
          <th>URI</th>
          <th>Connections</th>
        </tr>
        ${connectors}
      </table>`;
  }

  private form(
    r: WebRequest,
    action: string,
    fields: Record<string, string>,
    label: string,
    extra: Html = html``,
  ): Html {
    return html`<form class="inline" method="post" action="/admin/action">
      <input type="hidden" name="secret" value="${this.token(r.user.name)}" /><input
        type="hidden"
        name="action"
        value="${action}"
      />${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}${extra}<button>
        ${label}
      </button>
    </form>`;
  }

  private queues(r: WebRequest): Html {
    const snap = { producers: this.mgmt.producerCounts() };
    const rows = this.mgmt
      .queues()
      .filter((q) => !q.destination.isTemporary)
      .sort((a, b) => a.destination.name.localeCompare(b.destination.name))
      .map((q) => {
        const a = this.attrs(queueMBean(this.mgmt, q, snap));
        const name = q.destination.name;
        return html`<tr>
          <td><a href="/admin/queue?name=${encodeURIComponent(name)}">${name}</a></td>
          ${['QueueSize', 'ConsumerCount', 'ProducerCount', 'EnqueueCount', 'DequeueCount', 'InFlightCount', 'MemoryPercentUsage'].map((k) => html`<td class="n">${a[k]}</td>`)}
          <td>${sparkline(this.rates.rates(q.destination.key))}</td>
          <td>${a['Paused'] === true ? 'paused' : ''}</td>
          <td>
            ${r.isAdmin ? [this.form(r, 'purge', { queue: name }, 'Purge'), this.form(r, a['Paused'] === true ? 'resume' : 'pause', { queue: name }, a['Paused'] === true ? 'Resume' : 'Pause'), this.form(r, 'delete-queue', { queue: name }, 'Delete')] : ''}
          </td>
        </tr>`;
      });
    const create = r.isAdmin
      ? this.form(r, 'create-queue', {}, 'Create', html`<input name="queue" placeholder="queue name" required /> `)
      : html``;
    return html`${create}
      <table>
        <tr>
          <th>Name</th>
          <th>Messages</th>
          <th>Consumers</th>
          <th>Producers</th>
          <th>Enqueued</th>
          <th>Dequeued</th>
          <th>In flight</th>
          <th>Memory %</th>
          <th>Rate (5 min)</th>
          <th></th>
          <th>Operations</th>
        </tr>
        ${rows}
      </table>`;
  }

  private topics(): Html {
    const snap = { producers: this.mgmt.producerCounts() };
    const rows = this.mgmt
      .topics()
      .filter((t) => !t.destination.isTemporary)
      .sort((a, b) => a.destination.name.localeCompare(b.destination.name))
      .map((t) => {
        const a = this.attrs(topicMBean(this.mgmt, t, snap));
        return html`<tr>
          <td>${t.destination.name}</td>
          ${['ConsumerCount', 'ProducerCount', 'EnqueueCount', 'QueueSize'].map((k) => html`<td class="n">${a[k]}</td>`)}
          <td>${sparkline(this.rates.rates(t.destination.key))}</td>
          <td><a href="/admin/send?to=${encodeURIComponent(`topic://${t.destination.name}`)}">Send to</a></td>
        </tr>`;
      });
    return html`<table>
      <tr>
        <th>Name</th>
        <th>Consumers</th>
        <th>Producers</th>
        <th>Enqueued</th>
        <th>Pending</th>
        <th>Rate (5 min)</th>
        <th></th>
      </tr>
      ${rows}
    </table>`;
  }

  private async browse(r: WebRequest, name: string, offset: number): Promise<Html> {
    const start = Number.isFinite(offset) && offset > 0 ? Math.trunc(offset) : 0;
    const pageOf = await this.mgmt.browse(name, { offset: start, limit: PAGE_SIZE });
    const q = encodeURIComponent(name);
    const rows = pageOf.messages.map((m) => {
      const d = messageData(m);
      const text =
        typeof d['Text'] === 'string' ? d['Text'].slice(0, 120) : `(${m.bodyType}, ${d['BodyLength'] as number} bytes)`;
      return html`<tr>
        <td><a href="/admin/message?queue=${q}&amp;id=${encodeURIComponent(m.messageId)}">${m.messageId}</a></td>
        <td>${d['JMSDeliveryMode']}</td>
        <td class="n">${m.priority}</td>
        <td>${new Date(m.timestamp).toISOString()}</td>
        <td>${text}</td>
      </tr>`;
    });
    const last = start + pageOf.messages.length;
    const nav = html`<p class="nav">
      Messages ${pageOf.total === 0 ? 0 : start + 1}–${last} of ${pageOf.total}
      ${start > 0 ? html` <a href="/admin/queue?name=${q}&amp;offset=${Math.max(0, start - PAGE_SIZE)}">« previous</a>` : ''}
      ${last < pageOf.total ? html` <a href="/admin/queue?name=${q}&amp;offset=${last}">next »</a>` : ''}
    </p>`;
    const ops = r.isAdmin
      ? html`<p>
          ${this.form(r, 'purge', { queue: name }, 'Purge')}
          ${this.form(r, 'retry-all', { queue: name }, 'Retry all (DLQ)')}
          <a href="/admin/send?to=${encodeURIComponent(`queue://${name}`)}">Send to</a>
        </p>`
      : html``;
    return html`${ops}${nav}
      <table>
        <tr>
          <th>Message ID</th>
          <th>Delivery</th>
          <th>Priority</th>
          <th>Timestamp</th>
          <th>Body</th>
        </tr>
        ${rows}
      </table>
      ${nav}`;
  }

  private async message(r: WebRequest, queue: string, id: string): Promise<Html> {
    const m = await this.mgmt.findMessage(queue, id);
    if (m === null) return html`<p>No waiting message ${id} on queue ${queue}.</p>`;
    const d = messageData(m);
    const headers = Object.entries(d).filter(
      ([k]) => k.startsWith('JMS') || k === 'OriginalDestination' || k === 'BodyType' || k === 'BodyLength',
    );
    const props = [...m.properties.entries()].map(
      ([k, v]) =>
        html`<tr>
          <th>${k}</th>
          <td>${v.value}</td>
        </tr>`,
    );
    const body =
      typeof d['Text'] === 'string'
        ? d['Text']
        : m.body === null
          ? ''
          : Buffer.from(m.body.subarray(0, 4096)).toString('base64');
    const ops = r.isAdmin
      ? html`<p>
          ${this.form(r, 'remove', { queue, id }, 'Delete')}
          ${this.form(r, 'move', { queue, id }, 'Move', html`<input name="to" placeholder="destination" required /> `)}
          ${this.form(r, 'copy', { queue, id }, 'Copy', html`<input name="to" placeholder="destination" required /> `)}
          ${m.originalDestination !== null ? this.form(r, 'retry', { queue, id }, `Retry to ${m.originalDestination.key}`) : ''}
        </p>`
      : html``;
    return html`${ops}
      <h2>Headers</h2>
      <table>
        ${headers.map(
          ([k, v]) =>
            html`<tr>
              <th>${k}</th>
              <td>${v}</td>
            </tr>`,
        )}
      </table>
      <h2>Properties</h2>
      <table>
        ${props}
      </table>
      <h2>Body</h2>
      <pre>${body}</pre>`;
  }

  private sendForm(r: WebRequest, to: string): Html {
    if (!r.isAdmin) return html`<p>Sending needs the admin role.</p>`;
    return this.form(
      r,
      'send',
      {},
      'Send',
      html`<p>
          <label
            >Destination <input name="to" value="${to}" placeholder="queue://orders or topic://news" required size="50"
          /></label>
        </p>
        <p>
          <label>Persistent <input type="checkbox" name="persistent" value="true" checked /></label>
          <label>Priority <input name="priority" value="4" size="2" /></label>
        </p>
        <p><textarea name="body" rows="10" cols="80"></textarea></p>`,
    );
  }

  private async action(r: WebRequest): Promise<void> {
    requireAdmin(r, 'change the broker');
    const p = formParameters(r.url, r.req.headers['content-type'], await r.body());
    const presented = Buffer.from(p.get('secret') ?? '');
    const expected = Buffer.from(this.token(r.user.name));
    // ActiveMQ's console: a form without the session's secret is refused (CSRF), on top of the origin check.
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
      throw new HttpError(403, 'Invalid or missing form secret');
    const queue = p.get('queue') ?? '';
    const id = p.get('id') ?? '';
    const to = p.get('to') ?? '';
    const m = this.mgmt;
    let done: string;
    let back = `/admin/queue?name=${encodeURIComponent(queue)}`;
    switch (p.get('action')) {
      case 'purge':
        done = `Purged ${await m.purge(queue)} messages from ${queue}`;
        break;
      case 'pause':
        m.pause(queue);
        [done, back] = [`Paused ${queue}`, '/admin/queues'];
        break;
      case 'resume':
        m.resume(queue);
        [done, back] = [`Resumed ${queue}`, '/admin/queues'];
        break;
      case 'delete-queue':
        await m.removeQueue(queue);
        [done, back] = [`Deleted ${queue}`, '/admin/queues'];
        break;
      case 'create-queue':
        await m.addQueue(queue);
        [done, back] = [`Created ${queue}`, '/admin/queues'];
        break;
      case 'retry-all':
        done = `Retried ${await m.retryMessages(queue)} messages`;
        break;
      case 'remove':
        done = (await m.removeMessage(queue, id)) ? `Deleted ${id}` : `${id} is no longer waiting`;
        break;
      case 'move':
        done = (await m.moveMessageTo(queue, id, to)) ? `Moved ${id} to ${to}` : `${id} is no longer waiting`;
        break;
      case 'copy':
        done = (await m.copyMessageTo(queue, id, to)) ? `Copied ${id} to ${to}` : `${id} is no longer waiting`;
        break;
      case 'retry':
        done = (await m.retryMessage(queue, id))
          ? `Sent ${id} back to its original destination`
          : `${id} is no longer waiting`;
        break;
      case 'send': {
        const dest = Destination.parse(to, 'queue');
        const priority = Number(p.get('priority') ?? 4);
        const sent = await m.sendText(
          managementContext(m.host.region.brokerId, r.user.name),
          dest,
          p.get('body') ?? '',
          {
            persistent: p.get('persistent') === 'true',
            priority: Number.isInteger(priority) ? priority : 4,
          },
        );
        [done, back] = [
          `Sent ${sent} to ${dest.key}`,
          dest.isQueue ? `/admin/queue?name=${encodeURIComponent(dest.name)}` : '/admin/topics',
        ];
        break;
      }
      default:
        throw new HttpError(400, 'Unknown action');
    }
    const sep = back.includes('?') ? '&' : '?';
    r.res.writeHead(303, { Location: `${back}${sep}done=${encodeURIComponent(done)}` });
    r.res.end();
  }
}
