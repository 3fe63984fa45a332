/**
 * ws:// and wss:// connectors carrying STOMP: a browser-style client (@stomp/stompjs over the `ws` WebSocket
 * class) exchanges text and binary messages, subprotocols are negotiated as ActiveMQ's WSServlet does,
 * and a client asking only for an unknown subprotocol is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Client, type IMessage } from '@stomp/stompjs';
import WebSocket from 'ws';
import { brokerXml } from './cli.js';
import { startXmlBroker, waitFor, type TestBroker } from './broker.js';
import { makeTestStores, sslContextXml, STORE_PASSWORD, TRUST_PASSWORD, type TestStores } from './stores.js';

describe('STOMP over WebSocket (ws://, wss://)', () => {
  let s: TestStores;
  let broker: TestBroker;
  let ca: Buffer;

  before(async () => {
    s = await makeTestStores();
    ca = await readFile(s.caPem);
    broker = await startXmlBroker(
      brokerXml(`${sslContextXml({
        keyStore: s.brokerP12,
        keyStoreType: 'pkcs12',
        keyStorePassword: STORE_PASSWORD,
        trustStore: s.trustJks,
        trustStorePassword: TRUST_PASSWORD,
      })}
      <transportConnectors>
        <transportConnector name="ws" uri="ws://127.0.0.1:0?maximumConnections=1000&amp;wireFormat.maxFrameSize=104857600"/>
        <transportConnector name="wss" uri="wss://127.0.0.1:0?transport.needClientAuth=true"/>
        <transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
      </transportConnectors>`),
    );
  });
  after(async () => {
    await broker?.stop();
    await s?.cleanup();
  });

  /** A stompjs client on a `ws` WebSocket, as a browser would run it; resolves once CONNECTED. */
  const stompClient = async (
    url: string,
    protocols: string[] | undefined,
    options: WebSocket.ClientOptions = {},
  ): Promise<{ client: Client; received: IMessage[]; socket: () => WebSocket }> => {
    const received: IMessage[] = [];
    let socket: WebSocket | undefined;
    const client = new Client({
      webSocketFactory: () => {
        socket = new WebSocket(url, protocols, options);
        return socket;
      },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      connectHeaders: { host: 'localhost' },
    });
    await new Promise<void>((resolve, reject) => {
      client.onConnect = () => resolve();
      client.onStompError = (f) => reject(new Error(f.headers['message']));
      client.onWebSocketError = () => reject(new Error('WebSocket error'));
      client.activate();
    });
    return { client, received, socket: () => socket! };
  };

  test('stompjs over ws:// exchanges text and binary messages; v12.stomp is chosen', async () => {
    const url = `ws://127.0.0.1:${broker.port('ws')}/`;
    const a = await stompClient(url, ['v10.stomp', 'v11.stomp', 'v12.stomp']);
    const b = await stompClient(url, ['v12.stomp']);
    assert.equal(a.socket().protocol, 'v12.stomp', "the server's ranking wins, as in ActiveMQ's WSServlet");
    assert.equal(a.client.connectedVersion, '1.2');
    b.client.subscribe('/queue/ws.test', (m) => b.received.push(m));
    // The SUBSCRIBE must be in place before the messages go: a receipt says it is.
    await new Promise<void>((resolve) => {
      b.client.watchForReceipt('sub-1', () => resolve());
      b.client.publish({ destination: '/queue/ws.warmup', headers: { receipt: 'sub-1' } });
    });
    const binary = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 0]);
    a.client.publish({ destination: '/queue/ws.test', body: 'héllo over WebSocket' });
    a.client.publish({ destination: '/queue/ws.test', binaryBody: binary });
    const big = 'x'.repeat(100_000);
    a.client.publish({ destination: '/queue/ws.test', body: big });
    await waitFor(() => b.received.length === 3, 'three messages');
    assert.equal(b.received[0]!.body, 'héllo over WebSocket');
    assert.deepEqual([...b.received[1]!.binaryBody], [...binary]);
    assert.equal(b.received[2]!.body.length, big.length);
    await a.client.deactivate();
    await b.client.deactivate();
  });

  test('no subprotocol offered: STOMP, as ActiveMQ does for legacy clients', async () => {
    const c = await stompClient(`ws://127.0.0.1:${broker.port('ws')}/stomp`, undefined);
    assert.equal(c.socket().protocol, '');
    await c.client.deactivate();
  });

  test('only unknown subprotocols offered: the upgrade is refused', async () => {
    // (`mqtt` is served since MQTT landed; `coap` is a subprotocol no module answers.)
    const socket = new WebSocket(`ws://127.0.0.1:${broker.port('ws')}/`, ['coap']);
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    assert.match(error.message, /Unexpected server response: 400/);
    await waitFor(
      () => broker.logs.some((l) => /Connection refused .*no supported WebSocket subprotocol among \[coap\]/.test(l)),
      'the refusal log line',
    );
  });

  test('a plain HTTP GET gets an empty 200, as ActiveMQ answers it', async () => {
    const response = await fetch(`http://127.0.0.1:${broker.port('ws')}/`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });

  test('wss:// with needClientAuth: the client certificate reaches ConnectionInfo', async () => {
    const [key, cert] = await Promise.all([readFile(s.clientKey), readFile(s.clientCert)]);
    const url = `wss://localhost:${broker.port('wss')}/`;
    const c = await stompClient(url, ['v12.stomp'], { ca, key, cert });
    const info = broker.connections.at(-1)!;
    assert.equal(info.protocol, 'stomp');
    assert.ok((info.peerCertificates?.length ?? 0) >= 1, 'the verified chain is passed on');
    await c.client.deactivate();
    // Without a certificate the handshake fails before any WebSocket exchange.
    const refused = new WebSocket(url, ['v12.stomp'], { ca });
    const error = await new Promise<Error>((resolve) => refused.once('error', resolve));
    assert.match(error.message, /certificate required|socket hang up|ECONNRESET/i);
  });

  test('a WebSocket client and a TCP client share destinations', async () => {
    const ws = await stompClient(`ws://127.0.0.1:${broker.port('ws')}/`, ['v11.stomp']);
    assert.equal(ws.socket().protocol, 'v11.stomp');
    const net = await import('node:net');
    const tcp = net.connect(broker.port('stomp'), '127.0.0.1');
    let text = '';
    tcp.on('data', (c: Buffer) => (text += c.toString('utf8')));
    tcp.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
    tcp.write('SUBSCRIBE\nid:1\ndestination:/topic/ws.shared\nreceipt:r1\n\n\0');
    await waitFor(() => text.includes('receipt-id:r1'), 'the subscription receipt');
    ws.client.publish({ destination: '/topic/ws.shared', body: 'from the browser' });
    await waitFor(() => text.includes('from the browser'), 'the message on the TCP client');
    tcp.destroy();
    await ws.client.deactivate();
  });
});
