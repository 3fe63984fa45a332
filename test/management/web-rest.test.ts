/**
 * ActiveMQ's REST messaging (/api/message) over real HTTP: the curl examples of ActiveMQ's REST page as written,
 * a STOMP client on the other end, and the web server's security (401, 403 for the user role, CSRF, JSONP,
 * body limit, security headers, default passwords off loopback).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, VIEWER, curl, startWebBroker } from '../support/management/web-broker.js';
import { stompClient, waitFor } from '../stomp/helpers.js';
import { WebServer } from '../../src/web/web-server.js';
import { PropertiesRealm, DEFAULT_REALM_TEXT } from '../../src/web/realm.js';
import { DEFAULT_WEB_CONFIG } from '../../src/web/web-config.js';

test('the curl examples of ActiveMQ REST page work as written; a STOMP consumer gets the message', async (t) => {
  const w = await startWebBroker(t);
  const url = (p: string): string => `${w.base}${p}`;
  // curl -u admin:admin -d "body=message" http://localhost:8161/api/message/TEST?type=queue
  assert.equal(
    await curl(['-u', ADMIN, '-d', 'body=message', '-d', 'TXN_REF=1', url('/api/message/TEST?type=queue')]),
    'Message sent',
  );
  // Raw body with a content type (the servlet reads the request body when no body parameter is given).
  assert.equal(
    await curl([
      '-u',
      ADMIN,
      '-H',
      'Content-Type: text/plain',
      '--data-binary',
      'hello world',
      url('/api/message/TEST?type=queue'),
    ]),
    'Message sent',
  );
  // curl -XPOST -d "body=message" http://admin:admin@localhost:8161/api/message?destination=queue://orders.input
  const [user, pass] = ADMIN.split(':');
  const withUser = w.base.replace('http://', `http://${user}:${pass}@`);
  assert.equal(
    await curl(['-XPOST', '-d', 'body=order', `${withUser}/api/message?destination=queue://orders.input`]),
    'Message sent',
  );

  const c = await stompClient(w.stompPort);
  t.after(() => c.client.deactivate());
  const got: { body: string; txn?: string }[] = [];
  c.client.subscribe('/queue/orders.input', (m) => got.push({ body: m.body }));
  await waitFor(() => got.length === 1, 'STOMP delivery');
  assert.equal(got[0]!.body, 'order');

  // GET receives, with the destination, id and properties as headers (MessageServlet.setResponseHeaders).
  const first = await curl(['-u', ADMIN, '-i', url('/api/message/TEST?type=queue&readTimeout=2000')]);
  assert.match(first, /^HTTP\/1\.1 200/);
  assert.match(first, /\r\ndestination: queue:\/\/TEST\r\n/i);
  assert.match(first, /\r\nTXN_REF: 1\r\n/i);
  assert.match(first, /\r\n\r\nmessage$/);
  assert.equal(
    await curl(['-u', ADMIN, url('/api/message/TEST?type=queue&readTimeout=2000&oneShot=true')]),
    'hello world',
  );
  // Nothing left: 204 after readTimeout.
  const empty = await w.call('/api/message/TEST?type=queue&readTimeout=100');
  assert.equal(empty.status, 204);
});

test('REST send sets JMS headers from parameters; GET honours selectors and clientId; topics are the default', async (t) => {
  const w = await startWebBroker(t);
  const send = (q: string, body: string): Promise<Response> =>
    w.call(`/api/message/hdr?type=queue&${q}`, { method: 'POST', body: new URLSearchParams({ body }), headers: {} });
  const res = await send(
    'JMSCorrelationID=c-1&JMSType=order&JMSPriority=7&JMSDeliveryMode=non_persistent&JMSReplyTo=replies&color=red',
    'one',
  );
  assert.equal(res.status, 200);
  assert.match(res.headers.get('messageID') ?? '', /^ID:/);
  await send('color=blue', 'two');
  const [m] = (await w.mgmt.browse('hdr')).messages;
  assert.equal(m!.correlationId, 'c-1');
  assert.equal(m!.type, 'order');
  assert.equal(m!.priority, 7);
  assert.equal(m!.persistent, false);
  assert.equal(m!.replyTo?.key, 'queue://replies');
  assert.equal(m!.properties.get('color')?.value, 'red');
  assert.equal(m!.properties.has('type'), false);

  const blue = await w.call('/api/message/hdr?type=queue&readTimeout=1000', {
    headers: { selector: "color = 'blue'" },
  });
  assert.equal(await blue.text(), 'two');

  // No type: a topic (MessageServlet's defaultTopicFlag). A clientId keeps the subscription between GETs.
  assert.equal((await w.call('/api/message/news?clientId=watcher&readTimeout=0')).status, 204);
  await w.call('/api/message/news', { method: 'POST', body: new URLSearchParams({ body: 'headline' }) });
  const news = await w.call('/api/message/news?clientId=watcher&readTimeout=1000');
  assert.equal(await news.text(), 'headline');
  assert.equal(news.headers.get('destination'), 'topic://news');
});

test('security: 401 without credentials, user role cannot purge, CSRF refused, no JSONP, bounded body, headers', async (t) => {
  const w = await startWebBroker(t, { config: { maxBodyBytes: 1024 } });
  await w.mgmt.addQueue('guarded');

  const anon = await w.call('/api/v1/broker', { auth: null });
  assert.equal(anon.status, 401);
  assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="ActiveMQRealm"');
  assert.equal((await w.call('/api/v1/broker', { auth: 'admin:wrong' })).status, 401);
  assert.equal(
    (
      await w.call('/api/message/guarded?type=queue', {
        auth: 'admin:admin',
        method: 'POST',
        body: new URLSearchParams({ body: 'x' }),
      })
    ).status,
    401,
  );

  const viewer = await w.call('/api/v1/queues/guarded', { auth: VIEWER });
  assert.equal(viewer.status, 200);
  assert.equal(((await viewer.json()) as { Name: string }).Name, 'guarded');
  assert.equal((await w.call('/api/v1/queues/guarded/purge', { auth: VIEWER, method: 'POST' })).status, 403);
  const exec = (await (
    await w.call(
      '/api/jolokia/exec/org.apache.activemq:type=Broker,brokerName=stomp-it,destinationType=Queue,destinationName=guarded/purge',
      { auth: VIEWER },
    )
  ).json()) as { status: number };
  assert.equal(exec.status, 403);
  assert.equal((await w.call('/api/v1/queues/guarded/purge', { method: 'POST' })).status, 200);

  // A form posted from another site carries its Origin; an <img> GET carries Sec-Fetch-Site.
  const forged = await w.call('/api/v1/queues/guarded/purge', {
    method: 'POST',
    headers: { Origin: 'https://evil.example' },
  });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /Cross-site request refused/);
  const img = await w.call(
    '/api/jolokia/exec/org.apache.activemq:type=Broker,brokerName=stomp-it/removeQueue/guarded',
    { headers: { 'Sec-Fetch-Site': 'cross-site' } },
  );
  assert.equal(img.status, 403);
  assert.ok(w.mgmt.queues().some((q) => q.destination.name === 'guarded'));
  const sameOrigin = await w.call('/api/v1/queues/guarded/pause', { method: 'POST', headers: { Origin: w.base } });
  assert.equal(sameOrigin.status, 200);

  const jsonp = await w.call(
    '/api/jolokia/read/org.apache.activemq:type=Broker,brokerName=stomp-it/BrokerName?callback=steal',
  );
  assert.equal(jsonp.status, 400);
  const big = await w.call('/api/message/guarded?type=queue', {
    method: 'POST',
    body: 'x'.repeat(4096),
    headers: { 'Content-Type': 'text/plain' },
  });
  assert.equal(big.status, 413);

  const ok = await w.call('/api/v1/broker');
  assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(ok.headers.get('x-frame-options'), 'DENY');
  assert.equal(ok.headers.get('cache-control'), 'no-store');
  assert.match(ok.headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

test('the default admin/admin password is refused on a non-loopback bind', () => {
  assert.throws(
    () =>
      new WebServer({
        config: { ...DEFAULT_WEB_CONFIG, host: '0.0.0.0', port: 0 },
        realm: new PropertiesRealm(DEFAULT_REALM_TEXT, 'jetty-realm.properties'),
        mgmt: null as never,
      }),
    /default admin\/admin or user\/user password/,
  );
});

test('password guessing on Basic auth is throttled: parallel guesses refused with 429, the right password still works', async (t) => {
  const w = await startWebBroker(t);
  for (let i = 0; i < 3; i++) assert.equal((await w.call('/api/v1/broker', { auth: 'admin:guess' })).status, 401);
  const burst = await Promise.all(Array.from({ length: 8 }, () => w.call('/api/v1/broker', { auth: 'admin:guess' })));
  const statuses = burst.map((r) => r.status);
  assert.ok(statuses.includes(429), `parallel guesses refused unchecked: ${statuses.join(',')}`);
  assert.equal((await w.call('/api/v1/broker')).status, 200);
});

test('a property that cannot be an HTTP header (CR/LF, not a token) is left out of the GET answer', async (t) => {
  const w = await startWebBroker(t);
  const sent = await w.call('/api/message/split?type=queue', {
    method: 'POST',
    body: new URLSearchParams({ body: 'x', evil: 'a\r\nSet-Cookie: session=stolen', 'bad name': 'v', fine: 'ok' }),
  });
  assert.equal(sent.status, 200);
  const got = await w.call('/api/message/split?type=queue&readTimeout=1000');
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('set-cookie'), null);
  assert.equal(got.headers.get('evil'), null);
  assert.equal(got.headers.get('fine'), 'ok');
  assert.equal(await got.text(), 'x');
});

test('waiting REST receives beyond the limit get 503', async (t) => {
  const w = await startWebBroker(t, { config: { maxWaitingReceives: 2 } });
  const waiting = [1, 2].map(() => w.call('/api/message/idle?type=queue&readTimeout=1500'));
  await new Promise((r) => setTimeout(r, 200));
  const third = await w.call('/api/message/idle?type=queue&readTimeout=1500');
  assert.equal(third.status, 503);
  assert.deepEqual(
    (await Promise.all(waiting)).map((r) => r.status),
    [204, 204],
  );
});

test('connections beyond maxConnections are closed on arrival', async (t) => {
  const w = await startWebBroker(t, { config: { maxConnections: 2 } });

  const { connect } = await import('node:net');
  const port = Number(new URL(w.base).port);
  const sockets = Array.from({ length: 6 }, () => {
    const entry = { socket: connect(port, '127.0.0.1'), closed: false };
    entry.socket.on('error', () => {});
    entry.socket.on('close', () => (entry.closed = true));
    return entry;
  });
  t.after(() => sockets.forEach((e) => e.socket.destroy()));
  await new Promise((r) => setTimeout(r, 500));
  const closed = sockets.map((e) => e.closed);
  assert.equal(closed.filter((c) => c).length, 4, 'the sockets beyond maxConnections are closed at once');
});
