import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IMessage } from '@stomp/stompjs';
import type { BrokerService } from '../../src/server/broker-service.js';
import { RawStomp, startBroker, stompClient, waitFor, type TestClient } from './helpers.js';

describe('STOMP over TCP with the real broker', () => {
  let service: BrokerService;
  let port: number;
  const clients: TestClient[] = [];
  const raws: RawStomp[] = [];

  before(async () => {
    ({ service, port } = await startBroker({ maxFrameSize: 1 << 20 }));
  });

  after(async () => {
    for (const c of clients) await c.client.deactivate().catch(() => {});
    for (const r of raws) r.destroy();
    await service.stop();
  });

  async function client(headers: Record<string, string> = {}): Promise<TestClient> {
    const c = await stompClient(port, headers);
    clients.push(c);
    return c;
  }

  async function raw(): Promise<RawStomp> {
    const r = await RawStomp.open(port);
    raws.push(r);
    return r;
  }

  it('queue: send then receive with headers and body', async () => {
    const producer = await client();
    const consumer = await client();
    const got: IMessage[] = [];
    consumer.client.subscribe('/queue/it.q1', (m) => got.push(m));
    producer.client.publish({
      destination: '/queue/it.q1',
      body: 'hello ☃',
      headers: { persistent: 'true', priority: '6', color: 'red' },
    });
    await waitFor(() => got.length === 1, 'the message');
    const m = got[0]!;
    assert.equal(m.body, 'hello ☃');
    assert.equal(m.headers['destination'], '/queue/it.q1');
    assert.equal(m.headers['persistent'], 'true');
    assert.equal(m.headers['priority'], '6');
    assert.equal(m.headers['color'], 'red');
    assert.match(m.headers['message-id'] ?? '', /^ID:.+:-1:1:1$/);
  });

  it('topic: every subscriber gets a copy; wildcards match', async () => {
    const a = await client();
    const b = await client();
    const got: string[] = [];
    a.client.subscribe('/topic/it.t.x', (m) => got.push(`a:${m.body}`));
    b.client.subscribe('/topic/it.t.>', (m) => got.push(`b:${m.body}`));
    const receipt = new Promise<void>((r) => b.client.watchForReceipt('sub-b', () => r()));
    b.client.subscribe('/topic/it.*.x', (m) => got.push(`c:${m.body}`), { receipt: 'sub-b' });
    await receipt;
    // a's SUBSCRIBE went out before b's receipt; send after both are in place.
    a.client.publish({ destination: '/topic/it.t.x', body: 'one' });
    await waitFor(() => got.length === 3, 'three copies');
    assert.deepEqual(got.sort(), ['a:one', 'b:one', 'c:one']);
  });

  it('durable subscriber gets what was published while it was away', async () => {
    const first = await client({ 'client-id': 'it-durable' });
    const receipt = new Promise<void>((r) => first.client.watchForReceipt('d1', () => r()));
    first.client.subscribe('/topic/it.dur', () => {}, { id: 'd', 'activemq.subscriptionName': 'sub1', receipt: 'd1' });
    await receipt;
    await first.client.deactivate();
    const producer = await client();
    producer.client.publish({ destination: '/topic/it.dur', body: 'while away', headers: { persistent: 'true' } });
    await new Promise((r) => setTimeout(r, 20));
    const back = await client({ 'client-id': 'it-durable' });
    const got: IMessage[] = [];
    back.client.subscribe('/topic/it.dur', (m) => got.push(m), { id: 'd', 'activemq.subscriptionName': 'sub1' });
    await waitFor(() => got.length === 1, 'the stored message');
    assert.equal(got[0]!.body, 'while away');
  });

  it('client ack: unacknowledged messages are redelivered after a disconnect', async () => {
    const producer = await client();
    producer.client.publish({ destination: '/queue/it.redeliver', body: 'again' });
    const first = await client();
    const got: IMessage[] = [];
    first.client.subscribe('/queue/it.redeliver', (m) => got.push(m), { ack: 'client' });
    await waitFor(() => got.length === 1, 'first delivery');
    await first.client.deactivate();
    const second = await client();
    const again: IMessage[] = [];
    second.client.subscribe('/queue/it.redeliver', (m) => again.push(m), { ack: 'client-individual' });
    await waitFor(() => again.length === 1, 'redelivery');
    assert.equal(again[0]!.body, 'again');
    assert.equal(again[0]!.headers['redelivered'], 'true');
    again[0]!.ack();
  });

  it('transactions: ABORT drops the sends, COMMIT delivers them', async () => {
    const c = await client();
    const got: string[] = [];
    const receipt = new Promise<void>((r) => c.client.watchForReceipt('s', () => r()));
    c.client.subscribe('/queue/it.tx', (m) => got.push(m.body), { receipt: 's' });
    await receipt;
    const t1 = c.client.begin('t1');
    c.client.publish({ destination: '/queue/it.tx', body: 'aborted', headers: { transaction: t1.id } });
    t1.abort();
    const t2 = c.client.begin('t2');
    c.client.publish({ destination: '/queue/it.tx', body: 'committed', headers: { transaction: t2.id } });
    t2.commit();
    await waitFor(() => got.length >= 1, 'the committed message');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, ['committed']);
  });

  it('bytes bodies round-trip with NULs via content-length', async () => {
    const c = await client();
    const got: IMessage[] = [];
    const receipt = new Promise<void>((r) => c.client.watchForReceipt('s', () => r()));
    c.client.subscribe('/queue/it.bin', (m) => got.push(m), { receipt: 's' });
    await receipt;
    c.client.publish({ destination: '/queue/it.bin', binaryBody: new Uint8Array([0, 1, 0, 255]) });
    await waitFor(() => got.length === 1, 'the bytes message');
    assert.deepEqual([...got[0]!.binaryBody], [0, 1, 0, 255]);
  });

  it('heart-beat: a client that goes silent is closed with an ERROR', async () => {
    const r = await raw();
    r.write('CONNECT\naccept-version:1.2\nheart-beat:100,0\n\n\0');
    assert.equal((await r.frame(0)).command, 'CONNECTED');
    await waitFor(() => r.closed, 'the close');
    const e = r.frames[1]!;
    assert.equal(e.command, 'ERROR');
    assert.match(e.headers.get('message') ?? '', /^Channel was inactive for too \(>150\) long/);
  });

  const bad: [string, string, RegExp][] = [
    ['a frame before CONNECT', 'SEND\ndestination:/queue/x\n\n\0', /before CONNECT or STOMP frame: SEND/],
    ['an unsupported version', 'CONNECT\naccept-version:9.9\n\n\0', /^Invalid Protocol version\[9\.9\]/],
    [
      'an oversized frame',
      'CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/x\ncontent-length:2000000\n\n',
      /maximum (data length|frame size) was exceeded/,
    ],
    ['an unknown command', 'CONNECT\naccept-version:1.2\n\n\0FROB\n\n\0', /^Unknown STOMP action: FROB$/],
    [
      'an invalid escape',
      'CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/\\q\n\n\0',
      /Invalid escape sequence \\q/,
    ],
    [
      'SEND without destination',
      'CONNECT\naccept-version:1.2\n\n\0SEND\n\nx\0',
      /^SEND received without a Destination specified!$/,
    ],
    [
      'an ACK of an unknown id',
      'CONNECT\naccept-version:1.2\n\n\0ACK\nid:nope\n\n\0',
      /^Unexpected ACK received for message-id \[nope\]$/,
    ],
    ['a malformed header line', 'CONNECT\naccept-version:1.2\n\n\0SEND\nnocolon\n\n\0', /no ':' separator/],
  ];
  for (const [name, input, message] of bad) {
    it(`raw socket: ${name} gets an ERROR and a close`, async () => {
      const r = await raw();
      r.write(input);
      await waitFor(() => r.closed, 'the close');
      const error = r.frames.find((f) => f.command === 'ERROR');
      assert.ok(error, 'an ERROR frame was sent');
      assert.match(error.headers.get('message') ?? '', message);
    });
  }

  it('raw socket: DISCONNECT with receipt answers then closes', async () => {
    const r = await raw();
    r.write('CONNECT\naccept-version:1.2\n\n\0DISCONNECT\nreceipt:bye\n\n\0');
    assert.equal((await r.frame(1)).headers.get('receipt-id'), 'bye');
    await waitFor(() => r.closed, 'the close');
  });
});
