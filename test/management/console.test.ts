/**
 * The web console in a real browser (Debian's chromium driven by playwright-core, no download): login, overview,
 * a queue of 10,000 messages browsed page by page, sending, moving a DLQ message back, purging — with screenshots
 * in test/.work/console/. And markup in destination names and bodies comes out as text, forms need their secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ADMIN, VIEWER, startWebBroker } from '../support/management/web-broker.js';
import { repoPath } from '../support/repo.js';

const XSS_NAME = '<script>alert(1)</script>';
const XSS_BODY = '<img src=x onerror=alert(2)>"\'';

test('markup in names and bodies is escaped; forms need the secret and the admin role', async (t) => {
  const w = await startWebBroker(t);
  await w.mgmt.addQueue(XSS_NAME);
  const ctx = w.mgmt.internalContext(null);
  const { Destination } = await import('../../src/model/destination.js');
  await w.mgmt.sendText(ctx, Destination.queue(XSS_NAME), XSS_BODY, { properties: { '<b>': '<i>x</i>' } });
  const queues = await (await w.call('/admin/queues')).text();
  assert.ok(!queues.includes('<script>alert'), 'queue name escaped');
  assert.ok(queues.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
  const browse = await w.call(`/admin/queue?name=${encodeURIComponent(XSS_NAME)}`);
  assert.match(browse.headers.get('content-security-policy') ?? '', /default-src 'none'; style-src 'self'/);
  const page = await browse.text();
  assert.ok(!page.includes('<img src=x'), 'body escaped');
  const [id] = (await w.mgmt.browse(XSS_NAME)).messages.map((m) => m.messageId);
  const detail = await (
    await w.call(`/admin/message?queue=${encodeURIComponent(XSS_NAME)}&id=${encodeURIComponent(id!)}`)
  ).text();
  assert.ok(!detail.includes('<img src=x') && !detail.includes('<i>x</i>'));
  assert.ok(detail.includes('&#60;b&#62;'), 'property name escaped');

  const form = (extra: Record<string, string>, auth = ADMIN): Promise<Response> =>
    w.call('/admin/action', {
      auth,
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ action: 'purge', queue: XSS_NAME, ...extra }),
    });
  assert.equal((await form({})).status, 403, 'no secret');
  assert.equal((await form({ secret: 'f'.repeat(64) })).status, 403, 'wrong secret');
  assert.equal((await form({}, VIEWER)).status, 403, 'user role');
  const secret = /name="secret" value="([0-9a-f]{64})"/.exec(queues)![1]!;
  const ok = await form({ secret });
  assert.equal(ok.status, 303);
  assert.equal(w.mgmt.queue(XSS_NAME).size, 0);
});

const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

test(
  'console in chromium: overview, 10,000 messages paged, send, move a DLQ message back, purge',
  // CI installs chromium (.ci/run): there a missing browser is a failure, not a quiet skip.
  { skip: chromiumPath === undefined && process.env.CI !== 'true' ? 'Debian chromium is not installed' : false },
  async (t) => {
    const w = await startWebBroker(t);
    const { Destination } = await import('../../src/model/destination.js');
    const ctx = w.mgmt.internalContext(null);
    const sends: Promise<string>[] = [];
    for (let i = 0; i < 10_000; i++)
      sends.push(w.mgmt.sendText(ctx, Destination.queue('big'), `message ${i}`, { persistent: false }));
    await Promise.all(sends);
    const shots = repoPath('test', '.work', 'console');
    await mkdir(shots, { recursive: true });
    const [user, password] = ADMIN.split(':') as [string, string];
    const browser = await chromium.launch({ executablePath: chromiumPath!, args: ['--no-sandbox'] });
    t.after(() => browser.close());
    const context = await browser.newContext({ httpCredentials: { username: user, password } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });

    await page.goto(`${w.base}/`);
    assert.match((await page.textContent('h1')) ?? '', /Broker/);
    assert.match((await page.textContent('main')) ?? '', /stomp-it/);
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });

    await page.click('text=Queues');
    await page.click('a:text-is("big")');
    assert.match((await page.textContent('main p.nav')) ?? '', /Messages 1–100 of 10000/);
    await page.click('text=next »');
    assert.match((await page.textContent('main p.nav')) ?? '', /Messages 101–200 of 10000/);
    assert.equal(await page.locator('table tr').count(), 101);
    await page.screenshot({ path: join(shots, 'browse.png'), fullPage: true });

    await page.goto(`${w.base}/admin/send?to=queue://ActiveMQ.DLQ`);
    await page.fill('textarea[name=body]', 'dead letter');
    await page.click('button:text-is("Send")');
    if ((await page.locator('.msg').count()) === 0) throw new Error(`send: ${await page.content()}`);
    assert.match((await page.textContent('.msg')) ?? '', /Sent ID:.* to queue:\/\/ActiveMQ\.DLQ/);
    // Give the dead letter an origin, as the dead-letter strategy would, then move it back from the message page.
    const [dead] = (await w.mgmt.browse('ActiveMQ.DLQ')).messages;
    await w.mgmt.moveMessageTo('ActiveMQ.DLQ', dead!.messageId, 'orders');
    const [moved] = (await w.mgmt.browse('orders')).messages;
    await w.mgmt.moveMessageTo('orders', moved!.messageId, 'ActiveMQ.DLQ');
    await page.goto(`${w.base}/admin/queue?name=ActiveMQ.DLQ`);
    await page.click(`a:text-is("${dead!.messageId}")`);
    await page.screenshot({ path: join(shots, 'message.png'), fullPage: true });
    await page.click('button:text-is("Retry to queue://orders")');
    assert.match((await page.textContent('.msg')) ?? '', /back to its original destination/);
    assert.equal(w.mgmt.queue('orders').size, 1);
    assert.equal(w.mgmt.queue('ActiveMQ.DLQ').size, 0);

    await page.goto(`${w.base}/admin/queue?name=big`);
    await page.click('button:text-is("Purge")');
    assert.match((await page.textContent('.msg')) ?? '', /Purged 10000 messages from big/);
    await page.screenshot({ path: join(shots, 'purged.png'), fullPage: true });
    assert.deepEqual(errors, []);
  },
);
