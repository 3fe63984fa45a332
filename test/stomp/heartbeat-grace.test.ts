/**
 * Issue 12.7 through a real socket and a connector assembled from activemq.xml with no heart-beat option: a
 * client beating at exactly the negotiated interval stays connected; one that stops is dropped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { brokerXml } from '../tls/cli.js';
import { reader, startXmlBroker, type TestBroker } from '../tls/broker.js';

let broker: TestBroker;

before(async () => {
  broker = await startXmlBroker(
    brokerXml(`<transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
    </transportConnectors>`),
  );
});

after(() => broker.stop());

test('a client beating every 200 ms as agreed stays connected for 15 intervals, then is dropped when it stops', async () => {
  const socket = connect(broker.port('stomp'), '127.0.0.1');
  const r = reader(socket);
  socket.write('CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:200,0\n\n\0');
  await r.until(/CONNECTED/);
  const connectedAt = Date.now();
  let lastBeat = Date.now();
  const beat = setInterval(() => {
    socket.write('\n');
    lastBeat = Date.now();
  }, 200);
  try {
    await new Promise((res) => setTimeout(res, 15 * 200));
    assert.doesNotMatch(r.text(), /ERROR/);
    assert.equal(socket.destroyed, false);
  } finally {
    clearInterval(beat);
  }
  const stoppedAt = Date.now();
  await r.until(/ERROR/);
  const silentFor = Date.now() - lastBeat;
  assert.match(r.text(), /message:Channel was inactive for too \(>300\) long/);
  // Dropped after about 200 × 1.5 ms of silence, not at once and not much later.
  assert.ok(silentFor >= 290 && silentFor < 2000, `dropped after ${silentFor} ms of silence`);
  assert.ok(stoppedAt - connectedAt >= 15 * 200);
  socket.destroy();
});
