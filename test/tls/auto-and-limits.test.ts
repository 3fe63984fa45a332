/**
 * auto:// and auto+ssl:// protocol detection (OpenWire and STOMP on one port, auto.protocols,
 * protocolDetectionTimeOut, unrecognised bytes), maximumConnections, trace=true and TIDEMQ_TLS_DEBUG.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { OpenWireFormat } from '../../src/protocol/openwire/codec/index.js';
import { detectOpenWire } from '../../src/protocol/openwire/openwire-module.js';
import { brokerXml } from './cli.js';
import { reader, startXmlBroker, stompConnect, tcpClient, tlsClient, waitFor, type TestBroker } from './broker.js';
import { makeTestStores, sslContextXml, STORE_PASSWORD, TRUST_PASSWORD, type TestStores } from './stores.js';

/**
 * Sends an OpenWire WireFormatInfo and resolves with the first bytes of the broker's answer once there are
 * enough to tell it is the broker's own WireFormatInfo (size, type 1, the magic `ActiveMQ`).
 */
async function openWireHello(socket: Socket): Promise<boolean | undefined> {
  const wf = new OpenWireFormat();
  socket.write(wf.encode(wf.preferredWireFormatInfo()));
  let head = Buffer.alloc(0);
  return new Promise<boolean | undefined>((resolve, reject) => {
    socket.once('close', () => reject(new Error('closed before the broker answered')));
    socket.on('data', (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const verdict = detectOpenWire(head);
      if (verdict !== undefined) resolve(verdict);
    });
  });
}

describe('auto:// detection, connection limits, trace', () => {
  let s: TestStores;
  let broker: TestBroker;
  let ca: Buffer;

  before(async () => {
    s = await makeTestStores();
    ca = await readFile(s.caPem);
    const c = (name: string, uri: string): string =>
      `<transportConnector name="${name}" uri="${uri.replace(/&/g, '&amp;')}"/>`;
    broker = await startXmlBroker(
      brokerXml(`${sslContextXml({
        keyStore: s.brokerJks,
        keyStorePassword: STORE_PASSWORD,
        trustStore: s.trustJks,
        trustStorePassword: TRUST_PASSWORD,
      })}
      <transportConnectors>
        ${c('auto', 'auto://127.0.0.1:0?protocolDetectionTimeOut=300')}
        ${c('autossl', 'auto+nio+ssl://127.0.0.1:0')}
        ${c('autostomp', 'auto+nio://127.0.0.1:0?auto.protocols=stomp')}
        ${c('limited', 'stomp://127.0.0.1:0?maximumConnections=2')}
        ${c('traced', 'stomp://127.0.0.1:0?trace=true')}
        ${c('quiet', 'stomp://127.0.0.1:0')}
      </transportConnectors>`),
      'debug',
    );
  });
  after(async () => {
    await broker?.stop();
    await s?.cleanup();
  });

  test('auto:// serves STOMP and OpenWire on one port', async () => {
    const stomp = await tcpClient(broker.port('auto'));
    const r = reader(stomp);
    // Leading heart-beat EOLs and a CONNECT split over writes: detection waits for enough bytes.
    stomp.write('\n');
    stomp.write('CONN');
    stomp.write(stompConnect.slice(4));
    await r.until(/^\nCONNECTED\n|^CONNECTED\n/);
    stomp.destroy();
    const openwire = await tcpClient(broker.port('auto'));
    assert.equal(await openWireHello(openwire), true, 'the broker answers with its WireFormatInfo');
    openwire.destroy();
    assert.ok(broker.logs.some((l) => /Detected protocol .*protocol=stomp/.test(l)));
    assert.ok(broker.logs.some((l) => /Detected protocol .*protocol=openwire/.test(l)));
  });

  test('auto+nio+ssl:// serves both over TLS', async () => {
    const stomp = await tlsClient(broker.port('autossl'), { ca });
    const r = reader(stomp);
    stomp.write(stompConnect);
    await r.until(/^CONNECTED\n/);
    stomp.destroy();
    const openwire = await tlsClient(broker.port('autossl'), { ca });
    assert.equal(await openWireHello(openwire), true);
    openwire.destroy();
  });

  test('auto.protocols=stomp refuses OpenWire; unknown bytes are refused', async () => {
    const openwire = await tcpClient(broker.port('autostomp'));
    const hello = openWireHello(openwire);
    await assert.rejects(hello, /closed before the broker answered/);
    await waitFor(
      () =>
        broker.logs.some((l) =>
          /protocol not detected .*could not detect the wire format .*listening for stomp/.test(l),
        ),
      'the refusal line',
    );
    const garbage = await tcpClient(broker.port('auto'));
    garbage.write('GET / HTTP/1.1\r\n\r\n');
    await reader(garbage).closed;
    await waitFor(() => broker.logs.some((l) => /starts with \\"GET \/ HTTP\/1\.1/.test(l)), 'the GET refusal');
  });

  test('protocolDetectionTimeOut closes a silent client', async () => {
    const silent = await tcpClient(broker.port('auto'));
    silent.write('\n');
    await reader(silent).closed;
    assert.ok(
      broker.logs.some((l) =>
        /no protocol detected within protocolDetectionTimeOut \(300 ms\): 1 byte\(s\) received/.test(l),
      ),
    );
  });

  test('maximumConnections refuses connection N+1 and admits again after one leaves', async () => {
    const first = await tcpClient(broker.port('limited'));
    const second = await tcpClient(broker.port('limited'));
    const third = await tcpClient(broker.port('limited'));
    const r3 = reader(third);
    third.write(stompConnect);
    await r3.closed;
    assert.equal(r3.text(), '', 'the third connection got nothing but a close');
    await waitFor(
      () =>
        broker.logs.some((l) =>
          /Connection refused .*Exceeded the maximum number of allowed client connections \(2\)/.test(l),
        ),
      'the refusal line',
    );
    for (const socket of [first, second]) {
      const r = reader(socket);
      socket.write(stompConnect);
      await r.until(/^CONNECTED/);
    }
    first.destroy();
    await waitFor(() => broker.service.connector('limited').connectionCount < 2, 'the first connection to go');
    const fourth = await tcpClient(broker.port('limited'));
    const r4 = reader(fourth);
    fourth.write(stompConnect);
    await r4.until(/^CONNECTED/);
    second.destroy();
    fourth.destroy();
  });

  test('trace=true logs the frames of that connector only', async () => {
    for (const name of ['traced', 'quiet']) {
      const socket = await tcpClient(broker.port(name));
      const r = reader(socket);
      socket.write(stompConnect);
      socket.write('SEND\ndestination:/queue/trace.me\n\nhello\0');
      socket.write('DISCONNECT\nreceipt:bye\n\n\0');
      await r.until(/receipt-id:bye/);
      socket.destroy();
    }
    const frames = broker.logs.filter((l) => /channel=stomp/.test(l));
    assert.ok(
      frames.some((l) => /connector=traced .*command=SEND/.test(l) || /command=SEND.*connector=traced/.test(l)),
    );
    assert.ok(frames.some((l) => /command=CONNECT/.test(l)));
    assert.ok(!frames.some((l) => /connector=quiet/.test(l)), 'the other connector logs no frames');
  });
});

describe('TIDEMQ_TLS_DEBUG=1', () => {
  test('turns on handshake logging for every TLS connector', async (t) => {
    const s = await makeTestStores();
    t.after(() => s.cleanup());
    const previous = process.env['TIDEMQ_TLS_DEBUG'];
    process.env['TIDEMQ_TLS_DEBUG'] = '1';
    let broker: TestBroker;
    try {
      broker = await startXmlBroker(
        brokerXml(`${sslContextXml({ keyStore: s.brokerJks, keyStorePassword: STORE_PASSWORD })}
        <transportConnectors><transportConnector name="ssl" uri="stomp+ssl://127.0.0.1:0"/></transportConnectors>`),
      );
    } finally {
      if (previous === undefined) delete process.env['TIDEMQ_TLS_DEBUG'];
      else process.env['TIDEMQ_TLS_DEBUG'] = previous;
    }
    t.after(() => broker.stop());
    const ca = await readFile(s.caPem);
    const socket = await tlsClient(broker.port('ssl'), { ca });
    const r = reader(socket);
    socket.write(stompConnect);
    await r.until(/^CONNECTED/);
    socket.destroy();
    const plain = await tcpClient(broker.port('ssl'));
    plain.write(stompConnect);
    await reader(plain).closed;
    await waitFor(
      () =>
        broker.logs.some((l) => /TLS handshake completed .*protocol=TLSv1\.3 cipher=TLS_AES/.test(l)) &&
        broker.logs.some((l) => /TLS handshake failed .*reason="plaintext/.test(l)),
      `a completed and a failed handshake line in\n${broker.logs.join('\n')}`,
    );
  });
});
